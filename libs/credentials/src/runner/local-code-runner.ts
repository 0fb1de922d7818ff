import * as os from 'node:os';
import * as path from 'node:path';
import { promises as fsp } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { CodeRunner, RunRequest, RunResult } from './code-runner';
import { PYTHON_BOOT } from './sandbox-boot';
import { classifyRun } from './run-classification';
import { SandboxCommands } from './sandbox-commands';
import { errorMessage, findExecutable, isExecutable } from './sandbox-host';
import { launch } from './sandbox-launch';
import {
  Identity,
  LaunchResult,
  LocalCodeRunnerOptions,
  MIB,
  Prepared,
  SandboxFeatureMode,
  SandboxInfo,
  SandboxTools,
} from './sandbox-types';

export type { LocalCodeRunnerOptions, SandboxFeatureMode, SandboxInfo } from './sandbox-types';

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
  private readonly namespacesMode: SandboxFeatureMode;
  private readonly seccompMode: SandboxFeatureMode;
  private readonly pollIntervalMs: number;
  private readonly isRoot: boolean;
  private readonly tools: SandboxTools;
  private readonly commands: SandboxCommands;
  private infoPromise: Promise<SandboxInfo> | null = null;

  constructor(options: LocalCodeRunnerOptions = {}) {
    super();
    this.nodePath = options.nodePath ?? process.execPath;
    this.pythonPath =
      options.pythonPath ?? (isExecutable('/usr/bin/python3') ? '/usr/bin/python3' : findExecutable('python3'));
    this.tmpRoot = path.resolve(options.tmpRoot ?? os.tmpdir());
    this.uid = options.sandboxUid ?? 65534;
    this.gid = options.sandboxGid ?? 65534;
    this.uidPool = options.sandboxUids ?? null;
    if (
      this.uidPool &&
      !(
        Number.isInteger(this.uidPool.from) &&
        this.uidPool.from > 0 &&
        Number.isInteger(this.uidPool.count) &&
        this.uidPool.count > 0
      )
    ) {
      throw new Error('sandboxUids must be { from: positive integer, count: positive integer }');
    }
    this.maxProcesses = options.maxProcesses ?? (this.uidPool ? 64 : 2048);
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
    this.commands = new SandboxCommands({
      nodePath: this.nodePath,
      pythonPath: this.pythonPath,
      maxFileBytes: options.maxFileBytes ?? 8 * MIB,
      maxProcesses: this.maxProcesses,
      diskBytes: options.diskBytes ?? 32 * MIB,
      isRoot: this.isRoot,
      tools: this.tools,
    });
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
      const spec = this.commands.buildLaunch(req, prepared, info);
      const raw = await launch(spec, this.pollIntervalMs);
      return classifyRun(req, raw);
    } catch (err) {
      return this.internal(`sandbox failure: ${errorMessage(err)}`, started);
    } finally {
      if (prepared)
        await fsp.rm(prepared.runDir, { recursive: true, force: true, maxRetries: 3 }).catch(() => undefined);
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
    if (!req || (req.language !== 'javascript' && req.language !== 'python'))
      return `unsupported language: ${req?.language}`;
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
    return {
      status: 'internal_error',
      stdout: '',
      stderr: message,
      exitCode: null,
      signal: null,
      timeMs: Math.round(performance.now() - started),
    };
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
        if ((s.mode & 0o001) === 0)
          throw new Error(`${dir} is not searchable by the sandbox uid; choose another tmpRoot`);
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
      if (/\s|\\/.test(workDir))
        throw new Error(`working dir path must not contain whitespace or backslashes: ${workDir}`);
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

  private async probe(): Promise<SandboxInfo> {
    const problems: string[] = [];
    const info: SandboxInfo = {
      privilegeDrop: this.isRoot,
      prlimit: !!this.tools.prlimit,
      namespaces: false,
      seccomp: false,
      problems,
    };
    if (!this.tools.prlimit)
      problems.push('prlimit not found: no CPU/file-size/process rlimits for JavaScript without seccomp');
    if (!this.isRoot) problems.push('not running as root: no privilege drop, no namespaces');

    if (this.namespacesMode !== 'off' && this.isRoot) {
      const missing = (['unshare', 'setpriv', 'sh', 'mount', 'id'] as const).filter((t) => !this.tools[t]);
      if (missing.length) {
        problems.push(`namespaces unavailable: missing ${missing.join(', ')}`);
      } else {
        const r = await this.probeCommand([this.tools.id!, '-u'], true);
        if (r.exitCode === 0 && r.stdout.trim() === String(r.uid)) info.namespaces = true;
        else
          problems.push(
            `namespaces unavailable: ${r.spawnError?.message ?? ''}${r.stderr.trim()} (exit ${r.exitCode}, signal ${r.signal})`,
          );
      }
    }

    if (this.seccompMode !== 'off') {
      if (!this.pythonPath) {
        problems.push('seccomp unavailable: python3 not found');
      } else {
        const r = await this.probeCommand(
          [this.pythonPath, '-I', '-S', '-B', '-c', PYTHON_BOOT, 'probe', '/', '0', '0', '0', '1'],
          info.namespaces,
        );
        if (r.exitCode === 0 && r.stdout.trim() === 'seccomp-ok') info.seccomp = true;
        else
          problems.push(
            `seccomp unavailable: ${r.spawnError?.message ?? ''}${r.stderr.trim()} (exit ${r.exitCode}, signal ${r.signal})`,
          );
      }
    }
    return info;
  }

  private async probeCommand(inner: string[], namespaces: boolean): Promise<LaunchResult & Identity> {
    const identity = this.allocateIdentity();
    let prepared: Prepared | null = null;
    try {
      prepared = await this.prepare('probe.txt', '', namespaces, identity);
      const spec = this.commands.wrap(inner, prepared, namespaces, []);
      const ioOwner = this.dropsPrivileges() ? identity : undefined;
      const probeSpec = {
        ...spec,
        ioDir: prepared.runDir,
        ioOwner,
        stdin: '',
        wallTimeMs: 10000,
        memoryBytes: 512 * MIB,
        outputBytes: 64 * 1024,
      };
      const r = await launch(probeSpec, this.pollIntervalMs);
      return { ...r, ...identity };
    } finally {
      if (prepared) await fsp.rm(prepared.runDir, { recursive: true, force: true }).catch(() => undefined);
      this.releaseIdentity(identity);
    }
  }
}
