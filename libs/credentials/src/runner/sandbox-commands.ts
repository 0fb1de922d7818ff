import * as path from 'node:path';
import { RunLanguage, RunRequest } from './code-runner';
import { PYTHON_BOOT } from './sandbox-boot';
import { LaunchSpec, MIB, NODE_ADDRESS_SPACE_SLACK, Prepared, SandboxInfo, SandboxTools } from './sandbox-types';

/**
 * Runs as root, as PID 1 of fresh namespaces: mounts a private tmpfs working dir, makes every other mount read-only,
 * then runs "$@" (prlimit ... interpreter ...) as the sandbox uid, as a CHILD: the kernel ignores default-action signals
 * (SIGXCPU...) sent to a namespace init, so the candidate must not be PID 1. Its status ($?, 128+n when killed by
 * signal n) is written to fd 3, which the candidate does not inherit.
 */
const NS_SCRIPT = [
  'fail() { echo "sandbox-internal: $*" >&2; exit 121; }',
  'wd=$1; src=$2; name=$3; size=$4; uid=$5; gid=$6; setpriv=$7; shift 7',
  'mount -t tmpfs -o "size=$size,nr_inodes=4096,mode=0700,uid=$uid,gid=$gid,nosuid,nodev,noexec" sandbox "$wd" || fail "cannot mount the working directory"',
  'cp "$src" "$wd/$name" && chmod 0644 "$wd/$name" || fail "cannot copy the program"',
  "awk '{print $5}' /proc/self/mountinfo | sort -ru | while IFS= read -r m; do",
  '  if [ "$m" != "$wd" ]; then mount -o remount,bind,ro "$m" 2>/dev/null; fi',
  'done',
  'rw=$(awk -v wd="$wd" \'{top[$5]=$6} END {for (m in top) if (m != wd && top[m] !~ /^ro/) print m}\' /proc/self/mountinfo)',
  '[ -z "$rw" ] || fail "could not make read-only: $rw"',
  'cd "$wd" || fail "cannot enter the working directory"',
  // the shell's own "Killed" / "CPU time limit exceeded" notices must not reach the program's stderr;
  // a background job gets /dev/null as stdin unless redirected explicitly, hence fd 5
  'exec 4>&2 5<&0 2>/dev/null',
  '"$setpriv" --reuid="$uid" --regid="$gid" --clear-groups --no-new-privs --inh-caps=-all --bounding-set=-all -- "$@" 0<&5 2>&4 3>&- 4>&- 5<&- &',
  'wait $!',
  'echo "$?" >&3',
].join('\n');

export interface SandboxCommandSettings {
  nodePath: string;
  pythonPath: string | null;
  maxFileBytes: number;
  maxProcesses: number;
  diskBytes: number;
  /** The runner runs as root: it drops privileges to the sandbox uid. */
  isRoot: boolean;
  tools: SandboxTools;
}

/** Builds the command lines of a run: interpreter, prlimit, namespaces and privilege drop. */
export class SandboxCommands {
  private readonly nodePath: string;
  private readonly pythonPath: string | null;
  private readonly maxFileBytes: number;
  private readonly maxProcesses: number;
  private readonly diskBytes: number;
  private readonly isRoot: boolean;
  private readonly tools: SandboxTools;

  constructor(settings: SandboxCommandSettings) {
    this.nodePath = settings.nodePath;
    this.pythonPath = settings.pythonPath;
    this.maxFileBytes = settings.maxFileBytes;
    this.maxProcesses = settings.maxProcesses;
    this.diskBytes = settings.diskBytes;
    this.isRoot = settings.isRoot;
    this.tools = settings.tools;
  }

  dropsPrivileges(): boolean {
    return this.isRoot;
  }

  interpreterCommand(req: RunRequest, workDir: string, seccomp: boolean): string[] {
    const cpuSeconds = Math.max(1, Math.ceil(req.limits.cpuTimeMs / 1000));
    const mem = Math.floor(req.limits.memoryBytes);
    if (req.language === 'javascript') {
      const heapMb = Math.max(16, Math.floor(mem / MIB));
      const node = [
        this.nodePath,
        nodePermissionFlag(),
        `--allow-fs-read=${workDir}`,
        '--allow-fs-read=/dev/stdin',
        `--allow-fs-write=${workDir}`,
        '--allow-fs-write=/dev/stdout',
        '--allow-fs-write=/dev/stderr',
        `--max-old-space-size=${heapMb}`,
        '--disable-warning=ExperimentalWarning',
        path.join(workDir, 'main.js'),
      ];
      if (!seccomp || !this.pythonPath) return node;
      return [
        this.pythonPath,
        '-I',
        '-S',
        '-B',
        '-c',
        PYTHON_BOOT,
        'node',
        workDir,
        String(mem + NODE_ADDRESS_SPACE_SLACK),
        String(cpuSeconds),
        String(this.fileSizeLimit(req.limits.outputBytes)),
        '1',
        ...node,
      ];
    }
    return [
      this.pythonPath!,
      '-I',
      '-S',
      '-B',
      '-c',
      PYTHON_BOOT,
      'python',
      workDir,
      String(mem),
      String(cpuSeconds),
      String(this.fileSizeLimit(req.limits.outputBytes)),
      seccomp ? '1' : '0',
    ];
  }

  /** RLIMIT_FSIZE also caps the stdout/stderr files, so it must leave room to observe an output overrun. */
  fileSizeLimit(outputBytes: number): number {
    return Math.max(this.maxFileBytes, Math.floor(outputBytes) + 64 * 1024);
  }

  prlimitCommand(language: RunLanguage, cpuTimeMs: number, memoryBytes: number, outputBytes: number): string[] {
    if (!this.tools.prlimit) return [];
    const cpuSeconds = Math.max(1, Math.ceil(cpuTimeMs / 1000));
    const as = language === 'javascript' ? memoryBytes + NODE_ADDRESS_SPACE_SLACK : memoryBytes;
    const args = [
      this.tools.prlimit,
      `--cpu=${cpuSeconds}:${cpuSeconds + 1}`,
      `--fsize=${this.fileSizeLimit(outputBytes)}`,
      '--core=0',
      '--nofile=256',
      `--as=${Math.floor(as)}`,
    ];
    // RLIMIT_NPROC counts every process/thread of the uid: only meaningful for a dedicated sandbox uid
    if (this.dropsPrivileges()) args.push(`--nproc=${this.maxProcesses}`);
    args.push('--');
    return args;
  }

  /** Wraps an inner command in namespaces + privilege drop (or a plain uid switch) + prlimit. */
  wrap(
    inner: string[],
    prepared: Prepared,
    namespaces: boolean,
    prlimit: string[],
  ): Pick<LaunchSpec, 'file' | 'args' | 'cwd' | 'uid' | 'gid' | 'statusOnFd3'> {
    if (namespaces) {
      const args = [
        '--mount',
        '--net',
        '--pid',
        '--fork',
        '--kill-child',
        '--mount-proc',
        '--ipc',
        '--uts',
        '--',
        this.tools.sh!,
        '-c',
        NS_SCRIPT,
        'sandbox-init',
        prepared.workDir,
        prepared.srcFile,
        prepared.mainName,
        String(this.diskBytes),
        String(prepared.uid),
        String(prepared.gid),
        this.tools.setpriv!,
        ...prlimit,
        ...inner,
      ];
      return { file: this.tools.unshare!, args, cwd: prepared.runDir, statusOnFd3: true };
    }
    const full = [...prlimit, ...inner];
    const base = { file: full[0], args: full.slice(1), cwd: prepared.workDir };
    return this.dropsPrivileges() ? { ...base, uid: prepared.uid, gid: prepared.gid } : base;
  }

  buildLaunch(req: RunRequest, prepared: Prepared, info: SandboxInfo): LaunchSpec {
    const inner = this.interpreterCommand(req, prepared.workDir, info.seccomp);
    const prlimit = this.prlimitCommand(
      req.language,
      req.limits.cpuTimeMs,
      req.limits.memoryBytes,
      req.limits.outputBytes,
    );
    return {
      ...this.wrap(inner, prepared, info.namespaces, prlimit),
      ioDir: prepared.runDir,
      ioOwner: this.dropsPrivileges() ? { uid: prepared.uid, gid: prepared.gid } : undefined,
      stdin: req.stdin,
      wallTimeMs: req.limits.wallTimeMs,
      memoryBytes: req.limits.memoryBytes,
      outputBytes: req.limits.outputBytes,
    };
  }
}

/** Node's permission model: `--experimental-permission` until 22.12, `--permission` from 22.13 (required in 24). */
export function nodePermissionFlag(version: string = process.versions.node): string {
  const [major, minor] = version.replace(/^v/, '').split('.').map(Number);
  return major > 22 || (major === 22 && minor >= 13) ? '--permission' : '--experimental-permission';
}
