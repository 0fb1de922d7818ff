/** Options, host capabilities and the launch records shared by the local runner's parts. */

/** `auto`: use when available, silently fall back; `required`: every run fails with internal_error if unavailable; `off`: never. */
export type SandboxFeatureMode = 'auto' | 'required' | 'off';

export interface LocalCodeRunnerOptions {
  /** Node binary for JavaScript (default: the current process's node). Must be executable by the sandbox uid. */
  nodePath?: string;
  /** Python 3.8+ binary (default: /usr/bin/python3 if present, else python3 on PATH). Must be executable by the sandbox uid. */
  pythonPath?: string;
  /** Directory under which per-run directories are created (default os.tmpdir()). Made searchable (o+x) when running as root. */
  tmpRoot?: string;
  /** uid/gid the candidate runs as when the runner runs as root (default 65534 / 65534, "nobody"). Shared by concurrent runs. */
  sandboxUid?: number;
  sandboxGid?: number;
  /**
   * Give every concurrent run its own uid (= gid) from [from, from + count) instead of the shared sandboxUid: runs cannot
   * signal each other or share the RLIMIT_NPROC budget. The range must not belong to real users (no passwd entry needed).
   * Allocation is per runner instance: give different worker processes on one host disjoint ranges.
   */
  sandboxUids?: { from: number; count: number };
  /**
   * RLIMIT_NPROC, applied with a privilege drop only. It counts every process AND thread of the uid: with the shared
   * sandboxUid all concurrent runs share it (Node alone starts ~10 threads), so the default is 2048 there and 64 with
   * per-run uids. Forking is refused by seccomp / the Node permission model anyway; this is the backstop.
   */
  maxProcesses?: number;
  /** RLIMIT_FSIZE: largest file the candidate may write (default 8 MiB). */
  maxFileBytes?: number;
  /** Size of the private tmpfs working directory in namespace mode (default 32 MiB). */
  diskBytes?: number;
  /** Linux namespaces (mount/pid/net/ipc/uts), read-only filesystem, tmpfs working dir. Needs root, unshare, setpriv. */
  namespaces?: SandboxFeatureMode;
  /** seccomp filter (no execve/fork/ptrace/...) installed by the Python bootstrap for both languages. Needs python + ctypes. */
  seccomp?: SandboxFeatureMode;
  /** RSS polling interval (default 25 ms). */
  pollIntervalMs?: number;
}

/** What the sandbox could set up on this host (probed once, lazily). */
export interface SandboxInfo {
  privilegeDrop: boolean;
  prlimit: boolean;
  namespaces: boolean;
  seccomp: boolean;
  problems: string[];
}

export type KillReason = 'timeout' | 'memory' | 'output';

export interface LaunchSpec {
  file: string;
  args: string[];
  cwd: string;
  uid?: number;
  gid?: number;
  /** Directory holding the stdin/stdout/stderr files (not listable by the sandbox uid). */
  ioDir: string;
  /** Owner of the stdin/stdout/stderr files (the sandbox uid when privileges are dropped). */
  ioOwner?: { uid: number; gid: number };
  /** The wrapper reports the program's exit status on fd 3 (namespace mode, where the direct child is unshare). */
  statusOnFd3?: boolean;
  stdin: string;
  wallTimeMs: number;
  memoryBytes: number;
  outputBytes: number;
}

export interface LaunchResult {
  spawnError?: Error;
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  killReason: KillReason | null;
  peakRssBytes: number;
  cpuSeconds: number;
  outputTotalBytes: number;
  timeMs: number;
}

export interface Identity {
  uid: number;
  gid: number;
}

export interface Prepared extends Identity {
  runDir: string;
  workDir: string;
  srcFile: string;
  mainName: string;
}

export const CHILD_PATH = '/usr/local/bin:/usr/bin:/bin';
export const CLK_TCK = 100;
export const MIB = 1024 * 1024;
export const GIB = 1024 * MIB;
export const NODE_ADDRESS_SPACE_SLACK = GIB; // V8 reserves ~0.7 GiB of address space up front

/** The host tools the sandbox uses (null: not found). */
export interface SandboxTools {
  prlimit: string | null;
  unshare: string | null;
  setpriv: string | null;
  sh: string | null;
  mount: string | null;
  id: string | null;
}
