/**
 * Helpers of the live benchmarks (bench/live.ts, bench/live-server.ts, bench/live-client.ts, bench/fanout.ts).
 *
 * - its own PostgreSQL database per run (`bench_<random>`, dropped at the end `with (force)`);
 * - its own Redis key prefix per run (`bench:<random>:`, every key under it deleted at the end);
 * - child processes run TypeScript through ts-node (transpile only) and talk over the IPC channel
 *   with a tiny request/answer protocol (`{ id, cmd, ... }` → `{ id, ok, result | error }`);
 * - statistics and reporting. Nothing here asserts timing: figures are printed and compared to their
 *   targets ("met" / "not met").
 */
import { ChildProcess, execFileSync, fork, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export const ROOT = join(__dirname, '..');
// The primitives shared with the calendar benchmarks (clean-up, hard timeout, database and Redis of a run).
export {
  ADMIN_DATABASE_URL,
  REDIS_URL,
  PASSWORD,
  randomId,
  sleep,
  envInt,
  withTimeout,
  onCleanup,
  runCleanups,
  runBench as runMain,
  createBenchDatabase,
  benchRedisPrefix,
  deleteRedisKeys,
} from './support';
export type { BenchDatabase } from './support';
import { BenchDatabase, REDIS_URL, onCleanup, withTimeout } from './support';

export const ADMIN = { email: 'admin@bench-live.test', password: 'bench-admin-password-1' };
export const TS_EXEC_ARGV = ['-r', 'ts-node/register/transpile-only', '-r', 'tsconfig-paths/register'];

/** Runs `fn` over `items` with at most `concurrency` at a time; results in input order. */
export async function mapLimit<T, R>(
  items: readonly T[],
  concurrency: number,
  fn: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(concurrency, items.length) }, async () => {
      while (next < items.length) {
        const i = next++;
        out[i] = await fn(items[i], i);
      }
    }),
  );
  return out;
}

/** The environment an api of this run reads with `AppConfig.fromEnv` (only these variables, nothing inherited). */
export function apiEnv(
  db: BenchDatabase,
  redisPrefix: string,
  extra: Record<string, string> = {},
): Record<string, string> {
  return {
    NODE_ENV: 'test',
    DATABASE_URL: db.url,
    REDIS_URL,
    REDIS_PREFIX: redisPrefix,
    JWT_SECRET: 'bench-live-secret-bench-live-secret',
    ADMIN_EMAIL: ADMIN.email,
    ADMIN_PASSWORD: ADMIN.password,
    LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? 'silent',
    AUTH_RATE_LIMIT: '1000000',
    AUTH_ACCOUNT_RATE_LIMIT: '1000000',
    SWAGGER_ENABLED: 'false',
    ASSESSMENT_CATALOG_DIR: join(ROOT, 'test', 'fixtures', 'assessments'),
    ...extra,
  };
}

// ---------------------------------------------------------------------------------------------
// Child processes with a request/answer IPC protocol
// ---------------------------------------------------------------------------------------------

export interface RpcChild {
  name: string;
  child: ChildProcess;
  call<T = any>(cmd: string, args?: Record<string, unknown>, timeoutMs?: number): Promise<T>;
  /** The first `{ event }` message of that name the child sends. */
  event<T = any>(event: string, timeoutMs: number): Promise<T>;
  output(): string;
  /** Asks the child to stop (`stop` command), then SIGTERM, then SIGKILL; resolves when it has exited. */
  stop(): Promise<void>;
}

/** Forks a TypeScript entry (ts-node, transpile only, tsconfig paths) with an IPC channel; stopped by the clean-up. */
/** This process's open-file limits (`ulimit -n`, `ulimit -Hn`); `Infinity` for unlimited. */
export function fdLimits(): { soft: number; hard: number } {
  const [soft, hard] = execFileSync('/bin/sh', ['-c', 'ulimit -n; ulimit -Hn'], { encoding: 'utf8' })
    .trim()
    .split('\n')
    .map((x) => (x.trim() === 'unlimited' ? Infinity : Number(x)));
  return { soft, hard };
}

/** The calling process's own "Max open files" soft limit, from /proc (Linux); null elsewhere. */
export function ownFdLimit(): number | null {
  try {
    const m = /^Max open files\s+(\S+)/m.exec(readFileSync('/proc/self/limits', 'utf8'));
    return m ? (m[1] === 'unlimited' ? Infinity : Number(m[1])) : null;
  } catch {
    return null;
  }
}

/**
 * Forks a TypeScript entry (ts-node, transpile only, tsconfig paths) with an IPC channel; stopped by the clean-up.
 * With `nofile`, the child is started through a shell that first raises its open-file limit (`ulimit -n`, at
 * most the hard limit) and then execs node, keeping the IPC channel: a process holding thousands of sockets.
 */
export function forkTs(
  name: string,
  entry: string,
  env: Record<string, string>,
  extraExecArgv: string[] = [],
  opts: { nofile?: number } = {},
): RpcChild {
  const options = {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '',
      TS_NODE_PROJECT: join(ROOT, 'tsconfig.json'),
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'] as ('ignore' | 'pipe' | 'ipc')[],
  };
  const child = opts.nofile
    ? spawn(
        '/bin/sh',
        [
          '-c',
          `ulimit -n ${Math.floor(opts.nofile)} 2>/dev/null || ulimit -n "$(ulimit -Hn)"; exec "$0" "$@"`,
          process.execPath,
          ...extraExecArgv,
          ...TS_EXEC_ARGV,
          join(ROOT, entry),
        ],
        options,
      )
    : fork(join(ROOT, entry), [], { ...options, execArgv: [...extraExecArgv, ...TS_EXEC_ARGV] });
  let out = '';
  const keep = (d: Buffer) => {
    out += d.toString();
    if (out.length > 200_000) out = out.slice(-100_000);
    if (process.env.BENCH_CHILD_OUTPUT) process.stderr.write(`[${name}] ${d}`);
  };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let seq = 0;
  const pending = new Map<number, { resolve: (v: any) => void; reject: (e: Error) => void }>();
  const waiters = new Map<string, ((v: any) => void)[]>();
  child.on('message', (msg: any) => {
    if (msg && typeof msg.id === 'number' && pending.has(msg.id)) {
      const p = pending.get(msg.id)!;
      pending.delete(msg.id);
      if (msg.ok) p.resolve(msg.result);
      else p.reject(new Error(`${name}: ${msg.error}`));
    } else if (msg && typeof msg.event === 'string') {
      for (const w of waiters.get(msg.event) ?? []) w(msg);
      waiters.delete(msg.event);
    }
  });
  child.once('exit', (code, signal) => {
    for (const p of pending.values())
      p.reject(new Error(`${name} exited (${code ?? signal}) while a call was pending:\n${out.slice(-4000)}`));
    pending.clear();
  });
  let stopping: Promise<void> | null = null;
  const rpc: RpcChild = {
    name,
    child,
    output: () => out,
    call(cmd, args = {}, timeoutMs = 120_000) {
      if (child.exitCode !== null || child.signalCode !== null)
        return Promise.reject(new Error(`${name} is not running:\n${out.slice(-4000)}`));
      const id = ++seq;
      const p = new Promise<any>((resolve, reject) => pending.set(id, { resolve, reject }));
      child.send({ id, cmd, ...args });
      return withTimeout(p, timeoutMs, `${name} ${cmd}`).finally(() => pending.delete(id));
    },
    event(event, timeoutMs) {
      const p = new Promise<any>((resolve, reject) => {
        const list = waiters.get(event) ?? [];
        list.push(resolve);
        waiters.set(event, list);
        child.once('exit', (code, signal) =>
          reject(new Error(`${name} exited (${code ?? signal}) before "${event}":\n${out.slice(-4000)}`)),
        );
      });
      return withTimeout(p, timeoutMs, `${name} "${event}"`);
    },
    stop() {
      stopping ??= (async () => {
        if (child.exitCode !== null || child.signalCode !== null) return;
        await rpc.call('stop', {}, 20_000).catch(() => undefined);
        const polite = await withTimeout(exited, 15_000, `${name} exit`).then(
          () => true,
          () => false,
        );
        if (polite) return;
        child.kill('SIGTERM');
        const termed = await withTimeout(exited, 10_000, `${name} exit`).then(
          () => true,
          () => false,
        );
        if (!termed) {
          child.kill('SIGKILL');
          await withTimeout(exited, 5_000, `${name} exit`).catch(() => undefined);
        }
      })();
      return stopping;
    },
  };
  onCleanup(`stop ${name}`, () => rpc.stop());
  return rpc;
}

/**
 * The child side: answers `{ id, cmd }` messages with the handler's result; exits when the parent goes
 * away (IPC channel closed) or after `hardTimeoutMs`.
 */
export function serveRpc(
  handlers: Record<string, (msg: any) => Promise<unknown>>,
  onExit: () => Promise<void>,
  hardTimeoutMs: number,
): void {
  let exiting = false;
  const exit = async (code: number) => {
    if (exiting) return;
    exiting = true;
    setTimeout(() => process.exit(code), 20_000).unref();
    await onExit().catch((err) => console.error('shutdown failed:', err?.message ?? err));
    process.exit(code);
  };
  process.on('message', (msg: any) => {
    if (!msg || typeof msg.id !== 'number') return;
    const handler = handlers[msg.cmd];
    const reply = (m: object) => process.connected && process.send!({ id: msg.id, ...m });
    if (msg.cmd === 'stop') {
      reply({ ok: true, result: null });
      void exit(0);
      return;
    }
    if (!handler) return void reply({ ok: false, error: `unknown command ${msg.cmd}` });
    handler(msg).then(
      (result) => reply({ ok: true, result }),
      (err) => reply({ ok: false, error: err?.stack ?? String(err) }),
    );
  });
  process.on('disconnect', () => void exit(0));
  for (const s of ['SIGINT', 'SIGTERM'] as const) process.once(s, () => void exit(0));
  setTimeout(() => {
    console.error(`hard timeout of ${hardTimeoutMs} ms reached; exiting`);
    void exit(2);
  }, hardTimeoutMs).unref();
}

export function sendEvent(event: string, data: Record<string, unknown> = {}): void {
  if (process.connected) process.send!({ event, ...data });
}

// ---------------------------------------------------------------------------------------------
// HTTP (setup only, never timed)
// ---------------------------------------------------------------------------------------------

export async function http<T = any>(
  baseUrl: string,
  method: string,
  path: string,
  opts: { token?: string; body?: unknown; expect?: number } = {},
): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (opts.body !== undefined) headers['content-type'] = 'application/json';
  if (opts.token) headers.authorization = `Bearer ${opts.token}`;
  const res = await fetch(baseUrl + path, {
    method,
    headers,
    body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
    signal: AbortSignal.timeout(60_000),
  });
  const text = await res.text();
  let body: any;
  try {
    body = text ? JSON.parse(text) : null;
  } catch {
    body = text;
  }
  if (opts.expect !== undefined && res.status !== opts.expect)
    throw new Error(`${method} ${path}: expected ${opts.expect}, got ${res.status} ${text.slice(0, 500)}`);
  return body as T;
}

// ---------------------------------------------------------------------------------------------
// Statistics and reporting
// ---------------------------------------------------------------------------------------------

export interface Summary {
  count: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
  mean: number;
}

/** Nearest-rank percentile of sorted values. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))];
}

export function summarize(values: readonly number[]): Summary {
  const sorted = [...values].sort((a, b) => a - b);
  const r = (x: number) => Math.round(x * 100) / 100;
  return {
    count: sorted.length,
    p50: r(percentile(sorted, 50)),
    p95: r(percentile(sorted, 95)),
    p99: r(percentile(sorted, 99)),
    max: r(sorted.length ? sorted[sorted.length - 1] : NaN),
    mean: r(sorted.length ? sorted.reduce((a, b) => a + b, 0) / sorted.length : NaN),
  };
}

export const fmtMs = (x: number) => (Number.isFinite(x) ? `${x.toFixed(2)} ms` : 'n/a');
export const verdict = (ok: boolean) => (ok ? 'met' : 'not met');

export function summaryLine(label: string, s: Summary): string {
  return `${label}: count=${s.count} p50=${fmtMs(s.p50)} p95=${fmtMs(s.p95)} p99=${fmtMs(s.p99)} max=${fmtMs(s.max)} mean=${fmtMs(s.mean)}`;
}
