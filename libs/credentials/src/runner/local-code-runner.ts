import { spawn } from 'node:child_process';
import { accessSync, constants as fsConstants, fstatSync, promises as fsp, readdirSync, readFileSync, readSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { CodeRunner, RunLanguage, RunRequest, RunResult, RunStatus } from './code-runner';
import { PYTHON_BOOT, SANDBOX_INTERNAL_EXIT_CODE, SANDBOX_INTERNAL_MARKER } from './sandbox-boot';

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

type KillReason = 'timeout' | 'memory' | 'output';

interface LaunchSpec {
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

interface LaunchResult {
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

interface Identity {
  uid: number;
  gid: number;
}

interface Prepared extends Identity {
  runDir: string;
  workDir: string;
  srcFile: string;
  mainName: string;
}

const CHILD_PATH = '/usr/local/bin:/usr/bin:/bin';
const CLK_TCK = 100;
const MIB = 1024 * 1024;
const GIB = 1024 * MIB;
const NODE_ADDRESS_SPACE_SLACK = GIB; // V8 reserves ~0.7 GiB of address space up front

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
  'awk \'{print $5}\' /proc/self/mountinfo | sort -ru | while IFS= read -r m; do',
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

const NODE_MEMORY_PATTERN =
  /JavaScript heap out of memory|Reached heap limit|Array buffer allocation failed|Fatal process out of memory|Allocation failed - process out of memory|std::bad_alloc|ERR_MEMORY_ALLOCATION_FAILED/;
const PYTHON_MEMORY_PATTERN = /^MemoryError\b/m;

function findExecutable(name: string): string | null {
  if (name.includes('/')) return isExecutable(name) ? name : null;
  const dirs = ['/usr/local/sbin', '/usr/local/bin', '/usr/sbin', '/usr/bin', '/sbin', '/bin', ...(process.env.PATH ?? '').split(':')];
  for (const dir of dirs) {
    if (!dir) continue;
    const candidate = path.join(dir, name);
    if (isExecutable(candidate)) return candidate;
  }
  return null;
}

function isExecutable(file: string): boolean {
  try {
    accessSync(file, fsConstants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function readPrefix(fd: number, length: number): string {
  const buf = Buffer.alloc(length);
  let off = 0;
  while (off < length) {
    const n = readSync(fd, buf, off, length - off, off);
    if (n <= 0) break;
    off += n;
  }
  return buf.subarray(0, off).toString('utf8');
}

const SIGNAL_NAMES: Record<number, NodeJS.Signals> = Object.fromEntries(
  Object.entries(os.constants.signals).map(([name, num]) => [num, name as NodeJS.Signals]),
);

/** Decodes the "$?" the namespace wrapper wrote on fd 3; without it (wrapper killed/failed) keeps unshare's status. */
function programStatus(text: string, raw: LaunchResult): Pick<LaunchResult, 'exitCode' | 'signal'> {
  const m = /^(\d+)\s*$/.exec(text);
  if (!m) return { exitCode: raw.exitCode, signal: raw.signal };
  const rc = Number(m[1]);
  if (rc > 128 && SIGNAL_NAMES[rc - 128]) return { exitCode: null, signal: SIGNAL_NAMES[rc - 128] };
  return { exitCode: rc, signal: null };
}

function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** Reads ppid/utime/stime of every process, returns the subtree rooted at rootPid. */
function processTable(): Map<number, { ppid: number; ticks: number }> {
  const table = new Map<number, { ppid: number; ticks: number }>();
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return table;
  }
  for (const entry of entries) {
    const c = entry.charCodeAt(0);
    if (c < 48 || c > 57) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'latin1');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      // fields[0] = state (field 3); ppid = field 4; utime = 14; stime = 15
      table.set(Number(entry), { ppid: Number(fields[1]), ticks: Number(fields[11]) + Number(fields[12]) });
    } catch {
      // process vanished
    }
  }
  return table;
}

function subtree(rootPid: number, table: Map<number, { ppid: number; ticks: number }>): number[] {
  const children = new Map<number, number[]>();
  for (const [pid, info] of table) {
    const list = children.get(info.ppid);
    if (list) list.push(pid);
    else children.set(info.ppid, [pid]);
  }
  const out: number[] = [];
  const queue = table.has(rootPid) ? [rootPid] : [];
  while (queue.length) {
    const pid = queue.shift()!;
    out.push(pid);
    for (const child of children.get(pid) ?? []) queue.push(child);
  }
  return out;
}

function rssBytes(pid: number): number {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'latin1');
    const m = /^VmRSS:\s+(\d+)\s+kB/m.exec(status);
    return m ? Number(m[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}

/** A Node SyntaxError raised while compiling main.js: no stack frame points into main.js. */
function isNodeCompileError(stdout: string, stderr: string): boolean {
  if (stdout.length > 0) return false;
  const m = /^SyntaxError: .*$/m.exec(stderr);
  if (!m) return false;
  const frames = stderr
    .slice(m.index + m[0].length)
    .split('\n')
    .filter((line) => /^\s+at /.test(line));
  return !frames.some((line) => /main\.js:\d+/.test(line));
}

/** The bootstrap prints compile errors without a traceback header; runtime SyntaxErrors (eval, compile) have one. */
function isPythonCompileError(stdout: string, stderr: string): boolean {
  return stdout.length === 0 && !stderr.includes('Traceback (most recent call last)') && /^(SyntaxError|IndentationError|TabError)\b/m.test(stderr);
}

/**
 * Runs candidate JavaScript / Python on this host, stdin -> stdout, in layers (each optional layer is probed once,
 * see sandboxInfo()):
 *  - a fresh run dir under tmpRoot, always removed; an empty environment (PATH only);
 *  - as root: a dedicated unprivileged uid/gid, and (namespaces) fresh mount/pid/net/ipc/uts namespaces in which every
 *    mount is read-only except a private size-limited tmpfs working dir, no network, no other processes visible;
 *  - prlimit: CPU seconds, file size, processes (with a dedicated uid), open files, address space, no core dumps;
 *  - seccomp (installed by a Python bootstrap): no execve (Node: only its own), no fork, no ptrace, no namespaces...;
 *  - JavaScript: the Node permission model (fs read/write limited to the working dir, no child_process/workers/addons);
 *    Python: rlimits + an audit hook (writes/reads outside the dir, process spawning, sockets, ctypes...);
 *  - from outside: RSS of the process tree polled every ~25 ms, output size polled, wall-clock SIGKILL of the group.
 * Never throws: candidate misbehaviour is a status, infrastructure trouble is internal_error.
 */
export class LocalCodeRunner extends CodeRunner {
  private readonly nodePath: string;
  private readonly pythonPath: string | null;
  private readonly tmpRoot: string;
  private readonly uid: number;
  private readonly gid: number;
  private readonly maxProcesses: number;
  private readonly uidPool: { from: number; count: number } | null;
  private readonly uidsInUse = new Set<number>();
  private readonly maxFileBytes: number;
  private readonly diskBytes: number;
  private readonly namespacesMode: SandboxFeatureMode;
  private readonly seccompMode: SandboxFeatureMode;
  private readonly pollIntervalMs: number;
  private readonly isRoot: boolean;
  private readonly tools: { prlimit: string | null; unshare: string | null; setpriv: string | null; sh: string | null; mount: string | null; id: string | null };
  private infoPromise: Promise<SandboxInfo> | null = null;

  constructor(options: LocalCodeRunnerOptions = {}) {
    super();
    this.nodePath = options.nodePath ?? process.execPath;
    this.pythonPath = options.pythonPath ?? (isExecutable('/usr/bin/python3') ? '/usr/bin/python3' : findExecutable('python3'));
    this.tmpRoot = path.resolve(options.tmpRoot ?? os.tmpdir());
    this.uid = options.sandboxUid ?? 65534;
    this.gid = options.sandboxGid ?? 65534;
    this.uidPool = options.sandboxUids ?? null;
    if (this.uidPool && !(Number.isInteger(this.uidPool.from) && this.uidPool.from > 0 && Number.isInteger(this.uidPool.count) && this.uidPool.count > 0)) {
      throw new Error('sandboxUids must be { from: positive integer, count: positive integer }');
    }
    this.maxProcesses = options.maxProcesses ?? (this.uidPool ? 64 : 2048);
    this.maxFileBytes = options.maxFileBytes ?? 8 * MIB;
    this.diskBytes = options.diskBytes ?? 32 * MIB;
    this.namespacesMode = options.namespaces ?? 'auto';
    this.seccompMode = options.seccomp ?? 'auto';
    this.pollIntervalMs = options.pollIntervalMs ?? 25;
    this.isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
    this.tools = {
      prlimit: findExecutable('prlimit'),
      unshare: findExecutable('unshare'),
      setpriv: findExecutable('setpriv'),
      sh: findExecutable('sh'),
      mount: findExecutable('mount'),
      id: findExecutable('id'),
    };
  }

  /** Probes (once) which protections this host supports. */
  sandboxInfo(): Promise<SandboxInfo> {
    this.infoPromise ??= this.probe().catch((err) => ({
      privilegeDrop: this.isRoot,
      prlimit: !!this.tools.prlimit,
      namespaces: false,
      seccomp: false,
      problems: [`probe failed: ${errorMessage(err)}`],
    }));
    return this.infoPromise;
  }

  async run(req: RunRequest): Promise<RunResult> {
    const started = performance.now();
    let prepared: Prepared | null = null;
    let identity: Identity | null = null;
    try {
      const invalid = this.validate(req);
      if (invalid) return this.internal(invalid, started);
      const info = await this.sandboxInfo();
      if (this.namespacesMode === 'required' && !info.namespaces) {
        return this.internal(`namespace isolation required but unavailable: ${info.problems.join('; ')}`, started);
      }
      if (this.seccompMode === 'required' && !info.seccomp) {
        return this.internal(`seccomp required but unavailable: ${info.problems.join('; ')}`, started);
      }
      if (req.language === 'python' && !this.pythonPath) return this.internal('python3 not found', started);
      const mainName = req.language === 'javascript' ? 'main.js' : 'main.py';
      identity = this.allocateIdentity();
      prepared = await this.prepare(mainName, req.code, info.namespaces, identity);
      const spec = this.buildLaunch(req, prepared, info);
      const raw = await this.launch(spec);
      return this.classify(req, raw);
    } catch (err) {
      return this.internal(`sandbox failure: ${errorMessage(err)}`, started);
    } finally {
      if (prepared) await fsp.rm(prepared.runDir, { recursive: true, force: true, maxRetries: 3 }).catch(() => undefined);
      if (identity) this.releaseIdentity(identity);
    }
  }

  private allocateIdentity(): Identity {
    if (!this.uidPool) return { uid: this.uid, gid: this.gid };
    const { from, count } = this.uidPool;
    const start = Math.floor(Math.random() * count);
    for (let i = 0; i < count; i++) {
      const uid = from + ((start + i) % count);
      if (!this.uidsInUse.has(uid)) {
        this.uidsInUse.add(uid);
        return { uid, gid: uid };
      }
    }
    throw new Error('no free sandbox uid: too many concurrent runs for sandboxUids.count');
  }

  private releaseIdentity(identity: Identity): void {
    if (this.uidPool) this.uidsInUse.delete(identity.uid);
  }

  private validate(req: RunRequest): string | null {
    if (!req || (req.language !== 'javascript' && req.language !== 'python')) return `unsupported language: ${req?.language}`;
    if (typeof req.code !== 'string') return 'code must be a string';
    if (typeof req.stdin !== 'string') return 'stdin must be a string';
    const l = req.limits;
    if (!l) return 'limits are required';
    for (const key of ['wallTimeMs', 'cpuTimeMs', 'memoryBytes', 'outputBytes'] as const) {
      if (!Number.isFinite(l[key]) || l[key] <= 0) return `limits.${key} must be a positive number`;
    }
    return null;
  }

  private internal(message: string, started: number): RunResult {
    return { status: 'internal_error', stdout: '', stderr: message, exitCode: null, signal: null, timeMs: Math.round(performance.now() - started) };
  }

  private dropsPrivileges(): boolean {
    return this.isRoot;
  }

  private tmpRootReady: Promise<void> | null = null;

  /** The sandbox uid must be able to traverse tmpRoot to reach its working dir. */
  private ensureTmpRoot(): Promise<void> {
    this.tmpRootReady ??= (async () => {
      await fsp.mkdir(this.tmpRoot, { recursive: true });
      if (!this.dropsPrivileges()) return;
      const real = await fsp.realpath(this.tmpRoot);
      const st = await fsp.stat(real);
      if ((st.mode & 0o001) === 0) await fsp.chmod(real, (st.mode & 0o7777) | 0o001);
      for (let dir = path.dirname(real); ; dir = path.dirname(dir)) {
        const s = await fsp.stat(dir);
        if ((s.mode & 0o001) === 0) throw new Error(`${dir} is not searchable by the sandbox uid; choose another tmpRoot`);
        if (dir === path.dirname(dir)) break;
      }
    })();
    this.tmpRootReady.catch(() => {
      this.tmpRootReady = null;
    });
    return this.tmpRootReady;
  }

  private async prepare(mainName: string, code: string, namespaces: boolean, id: Identity): Promise<Prepared> {
    await this.ensureTmpRoot();
    const runDir = await fsp.realpath(await fsp.mkdtemp(path.join(this.tmpRoot, 'run-')));
    try {
      const workDir = path.join(runDir, 'wd');
      if (/\s|\\/.test(workDir)) throw new Error(`working dir path must not contain whitespace or backslashes: ${workDir}`);
      await fsp.mkdir(workDir, { mode: 0o700 });
      let srcFile: string;
      if (namespaces) {
        // the real working dir is a tmpfs mounted over workDir inside the namespace; the code is copied in there
        const srcDir = path.join(runDir, 'src');
        await fsp.mkdir(srcDir, { mode: 0o700 });
        srcFile = path.join(srcDir, mainName);
        await fsp.writeFile(srcFile, code, { mode: 0o600 });
      } else {
        srcFile = path.join(workDir, mainName);
        await fsp.writeFile(srcFile, code, { mode: 0o644 });
      }
      if (this.dropsPrivileges()) {
        await fsp.chmod(runDir, 0o711);
        await fsp.chown(workDir, id.uid, id.gid);
        if (!namespaces) await fsp.chown(srcFile, id.uid, id.gid);
      }
      return { runDir, workDir, srcFile, mainName, ...id };
    } catch (err) {
      await fsp.rm(runDir, { recursive: true, force: true }).catch(() => undefined);
      throw err;
    }
  }

  private interpreterCommand(req: RunRequest, workDir: string, seccomp: boolean): string[] {
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
      return [this.pythonPath, '-I', '-S', '-B', '-c', PYTHON_BOOT, 'node', workDir, String(mem + NODE_ADDRESS_SPACE_SLACK), String(cpuSeconds), String(this.fileSizeLimit(req.limits.outputBytes)), '1', ...node];
    }
    return [this.pythonPath!, '-I', '-S', '-B', '-c', PYTHON_BOOT, 'python', workDir, String(mem), String(cpuSeconds), String(this.fileSizeLimit(req.limits.outputBytes)), seccomp ? '1' : '0'];
  }

  /** RLIMIT_FSIZE also caps the stdout/stderr files, so it must leave room to observe an output overrun. */
  private fileSizeLimit(outputBytes: number): number {
    return Math.max(this.maxFileBytes, Math.floor(outputBytes) + 64 * 1024);
  }

  private prlimitCommand(language: RunLanguage, cpuTimeMs: number, memoryBytes: number, outputBytes: number): string[] {
    if (!this.tools.prlimit) return [];
    const cpuSeconds = Math.max(1, Math.ceil(cpuTimeMs / 1000));
    const as = language === 'javascript' ? memoryBytes + NODE_ADDRESS_SPACE_SLACK : memoryBytes;
    const args = [this.tools.prlimit, `--cpu=${cpuSeconds}:${cpuSeconds + 1}`, `--fsize=${this.fileSizeLimit(outputBytes)}`, '--core=0', '--nofile=256', `--as=${Math.floor(as)}`];
    // RLIMIT_NPROC counts every process/thread of the uid: only meaningful for a dedicated sandbox uid
    if (this.dropsPrivileges()) args.push(`--nproc=${this.maxProcesses}`);
    args.push('--');
    return args;
  }

  /** Wraps an inner command in namespaces + privilege drop (or a plain uid switch) + prlimit. */
  private wrap(inner: string[], prepared: Prepared, namespaces: boolean, prlimit: string[]): Pick<LaunchSpec, 'file' | 'args' | 'cwd' | 'uid' | 'gid' | 'statusOnFd3'> {
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

  private buildLaunch(req: RunRequest, prepared: Prepared, info: SandboxInfo): LaunchSpec {
    const inner = this.interpreterCommand(req, prepared.workDir, info.seccomp);
    const prlimit = this.prlimitCommand(req.language, req.limits.cpuTimeMs, req.limits.memoryBytes, req.limits.outputBytes);
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

  private classify(req: RunRequest, raw: LaunchResult): RunResult {
    const base = { stdout: raw.stdout, stderr: raw.stderr, exitCode: raw.exitCode, signal: raw.signal, timeMs: Math.round(raw.timeMs) };
    const result = (status: RunStatus): RunResult => ({ status, ...base });
    if (raw.spawnError) return { ...result('internal_error'), stderr: `${raw.stderr}${raw.stderr ? '\n' : ''}sandbox: spawn failed: ${raw.spawnError.message}` };
    if (raw.killReason === 'timeout') return result('timeout');
    if (raw.killReason === 'memory') return result('memory_limit');
    if (raw.killReason === 'output' || raw.outputTotalBytes > req.limits.outputBytes) return result('output_limit');
    if (raw.exitCode === SANDBOX_INTERNAL_EXIT_CODE && raw.stderr.includes(SANDBOX_INTERNAL_MARKER)) return result('internal_error');
    if (raw.signal === 'SIGXCPU') return result('timeout');
    if (raw.signal === 'SIGXFSZ') return result('output_limit');
    const memoryPattern = req.language === 'javascript' ? NODE_MEMORY_PATTERN : PYTHON_MEMORY_PATTERN;
    if (raw.exitCode !== 0 && memoryPattern.test(raw.stderr)) return result('memory_limit');
    if (raw.signal === 'SIGKILL') {
      // not killed by us: the CPU hard limit (SIGXCPU handled/ignored) or the kernel OOM killer
      const cpuLimit = Math.max(1, Math.ceil(req.limits.cpuTimeMs / 1000));
      if (raw.cpuSeconds >= cpuLimit - 0.05) return result('timeout');
      if (raw.peakRssBytes >= req.limits.memoryBytes * 0.8) return result('memory_limit');
      return result('runtime_error');
    }
    if (raw.exitCode === 0 && raw.signal === null) return result('ok');
    const compile = req.language === 'javascript' ? isNodeCompileError(raw.stdout, raw.stderr) : isPythonCompileError(raw.stdout, raw.stderr);
    return result(compile ? 'compile_error' : 'runtime_error');
  }

  /**
   * Spawns the wrapped command and enforces wall time / RSS / output size, always reaping the whole tree.
   * stdin/stdout/stderr are regular files in the run dir (which the sandbox cannot list): Node writes synchronously to
   * files, whereas on a pipe it queues writes in memory once the pipe is full, so a busy print loop would never get its
   * output out (and would end as memory_limit instead of output_limit). Output size is polled with fstat.
   */
  private async launch(spec: LaunchSpec): Promise<LaunchResult> {
    const stdinPath = path.join(spec.ioDir, 'stdin');
    const stdoutPath = path.join(spec.ioDir, 'stdout');
    const stderrPath = path.join(spec.ioDir, 'stderr');
    await fsp.writeFile(stdinPath, spec.stdin, { mode: 0o400 });
    // O_APPEND: writes through fd 1/2 always land at the end, even after the program reopened /dev/stdout itself
    const handles = await Promise.all([
      fsp.open(stdinPath, 'r'),
      fsp.open(stdoutPath, 'a+', 0o600),
      fsp.open(stderrPath, 'a+', 0o600),
      ...(spec.statusOnFd3 ? [fsp.open(path.join(spec.ioDir, 'status'), 'w+', 0o600)] : []),
    ]);
    try {
      // reopening /dev/stdin or /dev/stdout by path goes through the file's permissions
      if (spec.ioOwner) await Promise.all([stdinPath, stdoutPath, stderrPath].map((p) => fsp.chown(p, spec.ioOwner!.uid, spec.ioOwner!.gid)));
      let raw = await this.spawnAndWatch(spec, handles.map((h) => h.fd));
      if (spec.statusOnFd3) raw = { ...raw, ...programStatus(readPrefix(handles[3].fd, 64), raw) };
      const [outSize, errSize] = [fstatSync(handles[1].fd).size, fstatSync(handles[2].fd).size];
      const outKept = Math.min(outSize, spec.outputBytes);
      const errKept = Math.min(errSize, Math.max(0, spec.outputBytes - outKept));
      return {
        ...raw,
        stdout: readPrefix(handles[1].fd, outKept),
        stderr: readPrefix(handles[2].fd, errKept),
        outputTotalBytes: Math.max(raw.outputTotalBytes, outSize + errSize),
      };
    } finally {
      await Promise.all(handles.map((h) => h.close().catch(() => undefined)));
    }
  }

  private spawnAndWatch(spec: LaunchSpec, stdio: number[]): Promise<LaunchResult> {
    const [, stdoutFd, stderrFd] = stdio;
    return new Promise<LaunchResult>((resolve) => {
      const started = performance.now();
      let killReason: KillReason | null = null;
      let peakRssBytes = 0;
      let cpuTicks = 0;
      let outputTotalBytes = 0;
      let spawnError: Error | undefined;
      let exited = false;
      let finished = false;
      let exitInfo: { code: number | null; signal: NodeJS.Signals | null; at: number } | null = null;

      let child: ReturnType<typeof spawn>;
      try {
        child = spawn(spec.file, spec.args, {
          cwd: spec.cwd,
          env: { PATH: CHILD_PATH },
          uid: spec.uid,
          gid: spec.gid,
          detached: true,
          stdio,
          windowsHide: true,
        });
      } catch (err) {
        resolve({ spawnError: err as Error, exitCode: null, signal: null, stdout: '', stderr: '', killReason: null, peakRssBytes: 0, cpuSeconds: 0, outputTotalBytes: 0, timeMs: 0 });
        return;
      }
      const rootPid = child.pid;

      const killTree = (): void => {
        if (rootPid === undefined || exited) return; // never signal a pid that may have been reused
        try {
          process.kill(-rootPid, 'SIGKILL');
        } catch {
          // group already gone
        }
        for (const pid of subtree(rootPid, processTable())) {
          try {
            process.kill(pid, 'SIGKILL');
          } catch {
            // already gone
          }
        }
      };
      const kill = (reason: KillReason): void => {
        if (killReason === null && !exited) killReason = reason;
        killTree();
      };

      const wallTimer = setTimeout(() => kill('timeout'), spec.wallTimeMs);
      const pollTimer = setInterval(() => {
        if (exited || rootPid === undefined) return;
        try {
          outputTotalBytes = fstatSync(stdoutFd).size + fstatSync(stderrFd).size;
        } catch {
          // keep the previous value
        }
        if (outputTotalBytes > spec.outputBytes) {
          kill('output');
          return;
        }
        const table = processTable();
        const pids = subtree(rootPid, table);
        let rss = 0;
        let ticks = 0;
        for (const pid of pids) {
          rss += rssBytes(pid);
          ticks += table.get(pid)?.ticks ?? 0;
        }
        if (pids.length) cpuTicks = Math.max(cpuTicks, ticks);
        peakRssBytes = Math.max(peakRssBytes, rss);
        if (rss > spec.memoryBytes) kill('memory');
      }, this.pollIntervalMs);

      const finish = (): void => {
        if (finished) return;
        finished = true;
        exited = true;
        clearTimeout(wallTimer);
        clearInterval(pollTimer);
        resolve({
          spawnError,
          exitCode: exitInfo?.code ?? null,
          signal: exitInfo?.signal ?? null,
          stdout: '',
          stderr: '',
          killReason,
          peakRssBytes,
          cpuSeconds: cpuTicks / CLK_TCK,
          outputTotalBytes,
          timeMs: (exitInfo?.at ?? performance.now()) - started,
        });
      };

      child.on('error', (err) => {
        spawnError = err;
        if (rootPid === undefined) finish();
      });
      child.on('exit', (code, signal) => {
        exitInfo = { code, signal, at: performance.now() };
        // anything left in the process group (should be nothing: fork is blocked) dies with the leader
        if (rootPid !== undefined) {
          try {
            process.kill(-rootPid, 'SIGKILL');
          } catch {
            // empty group
          }
        }
        finish();
      });
    });
  }

  private async probe(): Promise<SandboxInfo> {
    const problems: string[] = [];
    const info: SandboxInfo = { privilegeDrop: this.isRoot, prlimit: !!this.tools.prlimit, namespaces: false, seccomp: false, problems };
    if (!this.tools.prlimit) problems.push('prlimit not found: no CPU/file-size/process rlimits for JavaScript without seccomp');
    if (!this.isRoot) problems.push('not running as root: no privilege drop, no namespaces');

    if (this.namespacesMode !== 'off' && this.isRoot) {
      const missing = (['unshare', 'setpriv', 'sh', 'mount', 'id'] as const).filter((t) => !this.tools[t]);
      if (missing.length) {
        problems.push(`namespaces unavailable: missing ${missing.join(', ')}`);
      } else {
        const r = await this.probeCommand([this.tools.id!, '-u'], true);
        if (r.exitCode === 0 && r.stdout.trim() === String(r.uid)) info.namespaces = true;
        else problems.push(`namespaces unavailable: ${r.spawnError?.message ?? ''}${r.stderr.trim()} (exit ${r.exitCode}, signal ${r.signal})`);
      }
    }

    if (this.seccompMode !== 'off') {
      if (!this.pythonPath) {
        problems.push('seccomp unavailable: python3 not found');
      } else {
        const r = await this.probeCommand([this.pythonPath, '-I', '-S', '-B', '-c', PYTHON_BOOT, 'probe', '/', '0', '0', '0', '1'], info.namespaces);
        if (r.exitCode === 0 && r.stdout.trim() === 'seccomp-ok') info.seccomp = true;
        else problems.push(`seccomp unavailable: ${r.spawnError?.message ?? ''}${r.stderr.trim()} (exit ${r.exitCode}, signal ${r.signal})`);
      }
    }
    return info;
  }

  private async probeCommand(inner: string[], namespaces: boolean): Promise<LaunchResult & Identity> {
    const identity = this.allocateIdentity();
    let prepared: Prepared | null = null;
    try {
      prepared = await this.prepare('probe.txt', '', namespaces, identity);
      const spec = this.wrap(inner, prepared, namespaces, []);
      const ioOwner = this.dropsPrivileges() ? identity : undefined;
      const r = await this.launch({ ...spec, ioDir: prepared.runDir, ioOwner, stdin: '', wallTimeMs: 10000, memoryBytes: 512 * MIB, outputBytes: 64 * 1024 });
      return { ...r, ...identity };
    } finally {
      if (prepared) await fsp.rm(prepared.runDir, { recursive: true, force: true }).catch(() => undefined);
      this.releaseIdentity(identity);
    }
  }

}

/** Node's permission model: `--experimental-permission` until 22.12, `--permission` from 22.13 (required in 24). */
export function nodePermissionFlag(version: string = process.versions.node): string {
  const [major, minor] = version.replace(/^v/, '').split('.').map(Number);
  return major > 22 || (major === 22 && minor >= 13) ? '--permission' : '--experimental-permission';
}
