/**
 * Shared helpers of the benchmark scripts (bench/*.ts).
 *
 * - its own PostgreSQL database per run (`bench_<random>`, dropped at the end with `with (force)`);
 * - its own Redis key prefix per run (`bench:<random>:`, every key under it deleted at the end);
 * - the real api booted in-process with `createApi` (optionally with the BullMQ worker);
 * - an HTTP load generator running in a worker thread, so that the client's own CPU work
 *   (serialising requests, parsing answers) does not run on the api's event loop;
 * - small statistics and reporting helpers. Nothing here asserts timing: figures are printed
 *   and compared to their targets ("met" / "not met").
 */
import 'reflect-metadata';
import { INestApplication } from '@nestjs/common';
import { randomBytes, randomUUID } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';
import { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import { Worker } from 'node:worker_threads';
import { Client } from 'pg';
import Redis from 'ioredis';
import type { AppConfig } from '@vetting/core';

export const ADMIN_DATABASE_URL = process.env.BENCH_DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';
export const REDIS_URL = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379';
export const ADMIN = { email: 'admin@bench.test', password: 'bench-admin-password-1' };
export const PASSWORD = 'bench-password-1';
/** The categories a vetting call can be booked in (those with talent managers). */
export const CATEGORIES = [
  'web-mobile-software-dev',
  'it-networking',
  'data-science-analytics',
  'design-creative',
  'sales-marketing',
  'hr',
  'consulting',
  'writing',
];

/** Integer from the environment (for scaling a run down or up), else the default. */
export function envInt(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw.trim() === '') return fallback;
  const n = Number(raw);
  if (!Number.isFinite(n) || !Number.isInteger(n) || n <= 0)
    throw new Error(`${name} must be a positive integer, got ${JSON.stringify(raw)}`);
  return n;
}

/** The seeded PRNG of the tests (mulberry32), so every run builds the same data set. */
export { prng } from '../test/support/prng';

/** A V8 inspector session on this process (the benches run the api in it): `post` sends a command, answers its result. */
export function inspectorSession(): {
  post: (method: string, params?: object) => Promise<any>;
  disconnect: () => void;
} {
  const session = new Session();
  session.connect();
  const post = (method: string, params?: object) =>
    new Promise<any>((resolve, reject) =>
      session.post(method, params ?? {}, (err, res) => (err ? reject(err) : resolve(res))),
    );
  return { post, disconnect: () => session.disconnect() };
}

/** Starts a V8 CPU profile of this process; the returned function stops it, writes it to `file` and answers `file`. */
export async function startCpuProfile(file: string): Promise<() => Promise<string>> {
  const { post, disconnect } = inspectorSession();
  await post('Profiler.enable');
  await post('Profiler.setSamplingInterval', { interval: 1000 });
  await post('Profiler.start');
  return async () => {
    const { profile } = await post('Profiler.stop');
    disconnect();
    writeFileSync(file, JSON.stringify(profile));
    return file;
  };
}

export const randomId = (bytes = 4) => randomBytes(bytes).toString('hex');
export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

// ---------------------------------------------------------------------------------------------
// Clean-up and hard timeout
// ---------------------------------------------------------------------------------------------

type Cleanup = { label: string; fn: () => Promise<unknown> };
const cleanups: Cleanup[] = [];
let cleaning: Promise<void> | null = null;

/** Registers a clean-up step; steps run in reverse order of registration. */
export function onCleanup(label: string, fn: () => Promise<unknown>): void {
  cleanups.push({ label, fn });
}

/** Runs every registered clean-up step once (each bounded to 20 s; failures are reported, not thrown). */
export function runCleanups(): Promise<void> {
  cleaning ??= (async () => {
    while (cleanups.length) {
      const c = cleanups.pop()!;
      try {
        await withTimeout(c.fn(), 20_000, `clean-up "${c.label}"`);
      } catch (err) {
        console.error(`clean-up "${c.label}" failed: ${(err as Error)?.message ?? err}`);
      }
    }
  })();
  return cleaning;
}

export function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout;
  return Promise.race([
    p.finally(() => clearTimeout(timer)),
    new Promise<T>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${what} took longer than ${ms} ms`)), ms);
      timer.unref();
    }),
  ]);
}

/**
 * Runs `main` with a hard timeout, cleans up whatever happens (also on SIGINT/SIGTERM) and exits the
 * process with 0 on completion, 1 on an error and 2 on the timeout.
 */
export function runBench(name: string, hardTimeoutMs: number, main: () => Promise<void>): void {
  const finish = async (code: number) => {
    await runCleanups();
    process.exit(code);
  };
  const timer = setTimeout(() => {
    console.error(`${name}: hard timeout of ${Math.round(hardTimeoutMs / 1000)} s reached; cleaning up and exiting`);
    setTimeout(() => process.exit(2), 30_000).unref();
    void finish(2);
  }, hardTimeoutMs);
  timer.unref();
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      console.error(`${name}: ${signal}; cleaning up`);
      setTimeout(() => process.exit(130), 30_000).unref();
      void finish(130);
    });
  }
  main().then(
    () => finish(0),
    (err) => {
      console.error(`${name} failed:`, err?.stack ?? err);
      void finish(1);
    },
  );
}

// ---------------------------------------------------------------------------------------------
// Database and Redis of one run
// ---------------------------------------------------------------------------------------------

export interface BenchDatabase {
  name: string;
  url: string;
}

/** `create database bench_<random>`; dropped (with force) by the clean-up. */
export async function createBenchDatabase(): Promise<BenchDatabase> {
  const name = `bench_${randomId(5)}`;
  const pg = new Client({ connectionString: ADMIN_DATABASE_URL });
  await pg.connect();
  try {
    await pg.query(`create database "${name}"`);
  } finally {
    await pg.end();
  }
  // BENCH_KEEP_DATABASE=1 (diagnostic): leave it for EXPLAIN and friends; drop it by hand afterwards.
  if (process.env.BENCH_KEEP_DATABASE === '1') console.log(`database ${name} is kept (BENCH_KEEP_DATABASE=1)`);
  else onCleanup(`drop database ${name}`, () => dropDatabase(name));
  const url = new URL(ADMIN_DATABASE_URL);
  url.pathname = `/${name}`;
  return { name, url: url.toString() };
}

async function dropDatabase(name: string): Promise<void> {
  const pg = new Client({ connectionString: ADMIN_DATABASE_URL });
  await pg.connect();
  try {
    await pg.query(`drop database if exists "${name}" with (force)`);
    console.log(`cleanup: dropped database ${name}`);
  } finally {
    await pg.end();
  }
}

/** A fresh `bench:<random>:` prefix; every key under it is deleted by the clean-up. */
export function benchRedisPrefix(): string {
  const prefix = `bench:${randomId(4)}:`;
  onCleanup(`redis keys ${prefix}*`, () => deleteRedisKeys(prefix));
  return prefix;
}

export async function deleteRedisKeys(prefix: string): Promise<number> {
  const redis = new Redis(REDIS_URL, { maxRetriesPerRequest: 1 });
  let deleted = 0;
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
      cursor = next;
      if (keys.length) deleted += await redis.del(...keys);
    } while (cursor !== '0');
    console.log(`cleanup: deleted ${deleted} redis keys under ${prefix}`);
  } finally {
    redis.disconnect();
  }
  return deleted;
}

/** A pg client on the bench database (closed by the clean-up). */
export async function benchPg(db: BenchDatabase): Promise<Client> {
  const pg = new Client({ connectionString: db.url });
  await pg.connect();
  onCleanup('pg client', () => pg.end());
  return pg;
}

// ---------------------------------------------------------------------------------------------
// The api
// ---------------------------------------------------------------------------------------------

export interface BenchApi {
  app: INestApplication;
  config: AppConfig;
  baseUrl: string;
  env: Record<string, string>;
}

/**
 * Boots the real api (`createApi`) on the bench database and Redis prefix, listening on 127.0.0.1:0.
 * `env` is passed to `AppConfig.fromEnv` on top of the bench defaults. Closed by the clean-up.
 */
export async function startApi(opts: {
  db: BenchDatabase;
  redisPrefix: string;
  withWorker: boolean;
  env?: Record<string, string>;
}): Promise<BenchApi> {
  const env: Record<string, string> = {
    NODE_ENV: 'test',
    DATABASE_URL: opts.db.url,
    REDIS_URL: REDIS_URL,
    REDIS_PREFIX: opts.redisPrefix,
    JWT_SECRET: 'bench-secret-bench-secret-bench-secret',
    ADMIN_EMAIL: ADMIN.email,
    ADMIN_PASSWORD: ADMIN.password,
    LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? 'silent',
    AUTH_RATE_LIMIT: '1000000',
    AUTH_ACCOUNT_RATE_LIMIT: '1000000',
    SWAGGER_ENABLED: 'false',
    ...(opts.env ?? {}),
  };
  // Loaded here so that the pure benchmark (slots) does not load the whole application.
  const { AppConfig } = await import('@vetting/core');
  const { createApi } = await import('../apps/api/src/bootstrap');
  const config = AppConfig.fromEnv(env);
  const app = await createApi({ config, withWorker: opts.withWorker, bufferLogs: false });
  onCleanup('api', () => app.close());
  await app.listen(0, '127.0.0.1');
  const port = (app.getHttpServer().address() as AddressInfo).port;
  return { app, config, baseUrl: `http://127.0.0.1:${port}`, env };
}

// ---------------------------------------------------------------------------------------------
// HTTP load generator (worker thread)
// ---------------------------------------------------------------------------------------------

export interface HttpTask {
  method: 'GET' | 'POST' | 'PUT';
  path: string;
  token?: string;
  body?: unknown;
}

export interface HttpResult {
  status: number;
  /** The parsed JSON answer (only when asked with keepBody; else only `code` of error answers). */
  body?: any;
  code?: string;
  /** Milliseconds from sending to the end of the answer. */
  ms: number;
  /** Connection-level failure (no HTTP answer). */
  error?: string;
}

export interface HttpRun {
  results: HttpResult[];
  /** From the first request sent to the last answer received. */
  wallMs: number;
}

const LOAD_WORKER_SOURCE = String.raw`
const { parentPort } = require('node:worker_threads');
const http = require('node:http');
const { performance } = require('node:perf_hooks');

parentPort.on('message', async (job) => {
  const { id, baseUrl, tasks, concurrency, keepBody, timeoutMs } = job;
  const url = new URL(baseUrl);
  const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency, maxFreeSockets: concurrency });
  const results = new Array(tasks.length);
  let next = 0;
  const one = (task) => new Promise((resolve) => {
    const payload = task.body === undefined ? undefined : Buffer.from(JSON.stringify(task.body));
    const headers = { accept: 'application/json' };
    if (payload) { headers['content-type'] = 'application/json'; headers['content-length'] = payload.length; }
    if (task.token) headers.authorization = 'Bearer ' + task.token;
    const t0 = performance.now();
    const req = http.request({ host: url.hostname, port: url.port, method: task.method, path: task.path, headers, agent, timeout: timeoutMs }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => {
        const ms = performance.now() - t0;
        let body;
        try { body = JSON.parse(Buffer.concat(chunks).toString('utf8') || 'null'); } catch { body = undefined; }
        const out = { status: res.statusCode, ms };
        if (keepBody) out.body = body;
        if (body && typeof body === 'object' && typeof body.code === 'string') out.code = body.code;
        resolve(out);
      });
      res.on('error', (err) => resolve({ status: 0, ms: performance.now() - t0, error: String(err && err.message || err) }));
    });
    req.on('timeout', () => req.destroy(new Error('request timeout')));
    req.on('error', (err) => resolve({ status: 0, ms: performance.now() - t0, error: String(err && err.message || err) }));
    if (payload) req.write(payload);
    req.end();
  });
  const start = performance.now();
  const lanes = Array.from({ length: Math.min(concurrency, tasks.length) }, async () => {
    while (next < tasks.length) {
      const i = next++;
      results[i] = await one(tasks[i]);
    }
  });
  await Promise.all(lanes);
  const wallMs = performance.now() - start;
  agent.destroy();
  parentPort.postMessage({ id, results, wallMs });
});
`;

let loadWorker: Worker | null = null;
let jobSeq = 0;

function worker(): Worker {
  if (!loadWorker) {
    loadWorker = new Worker(LOAD_WORKER_SOURCE, { eval: true });
    onCleanup('load worker', async () => {
      await loadWorker?.terminate();
      loadWorker = null;
    });
  }
  return loadWorker;
}

/**
 * Sends `tasks` to the api with at most `concurrency` requests in flight (each lane sends its next
 * request as soon as its previous answer is complete), from a worker thread.
 */
export function runHttp(
  baseUrl: string,
  tasks: HttpTask[],
  concurrency: number,
  opts: { keepBody?: boolean; timeoutMs?: number } = {},
): Promise<HttpRun> {
  const w = worker();
  const id = ++jobSeq;
  return new Promise((resolve, reject) => {
    const onMessage = (msg: { id: number; results: HttpResult[]; wallMs: number }) => {
      if (msg.id !== id) return;
      w.off('message', onMessage);
      w.off('error', onError);
      resolve({ results: msg.results, wallMs: msg.wallMs });
    };
    const onError = (err: Error) => {
      w.off('message', onMessage);
      reject(err);
    };
    w.on('message', onMessage);
    w.once('error', onError);
    w.postMessage({
      id,
      baseUrl,
      tasks,
      concurrency,
      keepBody: opts.keepBody ?? false,
      timeoutMs: opts.timeoutMs ?? 60_000,
    });
  });
}

/** runHttp that throws unless every answer has the expected status; returns the bodies. */
export async function runHttpExpect(
  baseUrl: string,
  tasks: HttpTask[],
  concurrency: number,
  expected: number,
  what: string,
): Promise<any[]> {
  const run = await runHttp(baseUrl, tasks, concurrency, { keepBody: true });
  const bad = run.results.map((r, i) => ({ r, i })).filter(({ r }) => r.status !== expected);
  if (bad.length) {
    const { r, i } = bad[0];
    throw new Error(
      `${what}: ${bad.length}/${tasks.length} answers were not ${expected}; first (#${i}): ${r.status} ${r.error ?? JSON.stringify(r.body)}`,
    );
  }
  return run.results.map((r) => r.body);
}

// ---------------------------------------------------------------------------------------------
// Fixtures over HTTP (the real endpoints)
// ---------------------------------------------------------------------------------------------

export const ALL_DAY_UTC = {
  timeZone: 'UTC',
  weekly: [1, 2, 3, 4, 5, 6, 7].map((weekday) => ({ weekday, start: '00:00', end: '24:00' })),
  exceptions: [] as { date: string; available: false }[],
};

export async function loginAdmin(baseUrl: string): Promise<string> {
  const [body] = await runHttpExpect(
    baseUrl,
    [{ method: 'POST', path: '/api/auth/login', body: ADMIN }],
    1,
    200,
    'admin login',
  );
  return body.accessToken;
}

export interface Person {
  id: string;
  token: string;
}

/** Talent managers: created by the admin, logged in, availability set (category, dailyCap). */
export async function createTalentManagers(
  baseUrl: string,
  admin: string,
  specs: { categorySlug: string; availability?: typeof ALL_DAY_UTC; dailyCap?: number }[],
  concurrency = 8,
): Promise<Person[]> {
  const tag = randomId(3);
  const emails = specs.map((_, i) => `tm-${tag}-${i}@bench.test`);
  const created = await runHttpExpect(
    baseUrl,
    emails.map((email, i) => ({
      method: 'POST',
      path: '/api/admin/users',
      token: admin,
      body: { email, password: PASSWORD, name: `Bench TM ${i}`, role: 'talent_manager', timeZone: 'UTC' },
    })),
    concurrency,
    201,
    'create talent managers',
  );
  const logins = await runHttpExpect(
    baseUrl,
    emails.map((email) => ({ method: 'POST', path: '/api/auth/login', body: { email, password: PASSWORD } })),
    concurrency,
    200,
    'log talent managers in',
  );
  const tms = created.map((u, i) => ({ id: u.id as string, token: logins[i].accessToken as string }));
  await runHttpExpect(
    baseUrl,
    specs.map((s, i) => ({
      method: 'PUT',
      path: '/api/talent-managers/me/availability',
      token: tms[i].token,
      body: { ...(s.availability ?? ALL_DAY_UTC), categorySlugs: [s.categorySlug], dailyCap: s.dailyCap ?? 48 },
    })),
    concurrency,
    200,
    'set availability',
  );
  return tms;
}

export interface InvitedFreelancer extends Person {
  invitationId: string;
  categorySlug: string;
}

/** Freelancers registered through POST /api/auth/register (bcrypt) and invited by the admin. */
export async function createInvitedFreelancers(
  baseUrl: string,
  admin: string,
  categories: string[],
  concurrency = 8,
): Promise<InvitedFreelancer[]> {
  const tag = randomId(3);
  const registered = await runHttpExpect(
    baseUrl,
    categories.map((_, i) => ({
      method: 'POST',
      path: '/api/auth/register',
      body: {
        email: `f-${tag}-${i}@bench.test`,
        password: PASSWORD,
        name: `Bench Freelancer ${i}`,
        role: 'freelancer',
        timeZone: 'Europe/Berlin',
      },
    })),
    concurrency,
    201,
    'register freelancers',
  );
  const invitations = await runHttpExpect(
    baseUrl,
    registered.map((r, i) => ({
      method: 'POST',
      path: '/api/vetting/invitations',
      token: admin,
      body: { freelancerId: r.user.id, program: 'expert-vetted', categorySlug: categories[i] },
    })),
    concurrency,
    201,
    'invite freelancers',
  );
  return registered.map((r, i) => ({
    id: r.user.id,
    token: r.accessToken,
    invitationId: invitations[i].id,
    categorySlug: categories[i],
  }));
}

// ---------------------------------------------------------------------------------------------
// Statistics and reporting
// ---------------------------------------------------------------------------------------------

/** Nearest-rank percentile (p in 0..100) of an unsorted list. */
export function percentile(values: number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil((p / 100) * sorted.length)));
  return sorted[rank - 1];
}

export function summarize(values: number[]) {
  const sorted = [...values].sort((a, b) => a - b);
  return {
    n: values.length,
    min: sorted[0] ?? Number.NaN,
    p50: percentile(sorted, 50),
    p95: percentile(sorted, 95),
    p99: percentile(sorted, 99),
    max: sorted[sorted.length - 1] ?? Number.NaN,
    mean: values.length ? values.reduce((a, b) => a + b, 0) / values.length : Number.NaN,
  };
}

export const round = (x: number, digits = 1) => (Number.isFinite(x) ? Math.round(x * 10 ** digits) / 10 ** digits : x);
export const fmt = (x: number, digits = 1) => (Number.isFinite(x) ? x.toFixed(digits) : String(x));

/** "target ≤ 50 ms: met" — a comparison printed, never asserted. */
export function target(
  label: string,
  value: number,
  op: '<=' | '>=' | '==',
  threshold: number,
  unit = '',
): { label: string; value: number; target: string; met: boolean } {
  const met = op === '<=' ? value <= threshold : op === '>=' ? value >= threshold : value === threshold;
  const sym = op === '<=' ? '≤' : op === '>=' ? '≥' : '=';
  const u = unit ? ` ${unit}` : '';
  console.log(
    `  ${label}: ${fmt(value, Number.isInteger(value) ? 0 : 1)}${u}  (target ${sym} ${threshold}${u}: ${met ? 'met' : 'NOT MET'})`,
  );
  return { label, value: round(value, 2), target: `${sym} ${threshold}${u}`, met };
}

/** Counts of each value. */
export function tally<T extends string | number>(items: T[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const i of items) out[String(i)] = (out[String(i)] ?? 0) + 1;
  return out;
}

export function machineLine(): string {
  const os = require('node:os') as typeof import('node:os');
  return `node ${process.version}, ${os.cpus().length} cpu(s) (${os.cpus()[0]?.model?.trim() ?? 'unknown'}), ${Math.round(os.totalmem() / 2 ** 30)} GiB`;
}

// ---------------------------------------------------------------------------------------------
// Where the time went during a timed phase
// ---------------------------------------------------------------------------------------------

function machineCpuTicks(): { busy: number; total: number } | null {
  try {
    const line = (require('node:fs') as typeof import('node:fs')).readFileSync('/proc/stat', 'utf8').split('\n')[0];
    const v = line.trim().split(/\s+/).slice(1).map(Number);
    const idle = (v[3] ?? 0) + (v[4] ?? 0);
    const total = v.reduce((a, b) => a + b, 0);
    return { busy: total - idle, total };
  } catch {
    return null;
  }
}

type CpuGroup = 'self' | 'postgres' | 'redis' | 'other';

/** CPU ticks (USER_HZ) used so far by every live process, by pid (Linux /proc); null elsewhere. */
function processCpuTicks(): Map<number, { group: CpuGroup; ticks: number }> | null {
  try {
    const fs = require('node:fs') as typeof import('node:fs');
    const out = new Map<number, { group: CpuGroup; ticks: number }>();
    for (const pid of fs.readdirSync('/proc')) {
      if (!/^\d+$/.test(pid)) continue;
      let stat: string;
      try {
        stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
      } catch {
        continue; // exited meanwhile
      }
      const close = stat.lastIndexOf(')');
      const comm = stat.slice(stat.indexOf('(') + 1, close);
      const fields = stat.slice(close + 2).split(' ');
      const ticks = Number(fields[11]) + Number(fields[12]); // utime + stime
      const group: CpuGroup =
        Number(pid) === process.pid
          ? 'self'
          : comm.startsWith('postgres')
            ? 'postgres'
            : comm.startsWith('redis')
              ? 'redis'
              : 'other';
      out.set(Number(pid), { group, ticks });
    }
    return out;
  } catch {
    return null;
  }
}

/** Ticks used between two snapshots, by group (processes that exited in between are not counted). */
function ticksBetween(
  a: Map<number, { group: CpuGroup; ticks: number }>,
  b: Map<number, { group: CpuGroup; ticks: number }>,
): Record<CpuGroup, number> {
  const out: Record<CpuGroup, number> = { self: 0, postgres: 0, redis: 0, other: 0 };
  for (const [pid, now] of b) out[now.group] += Math.max(0, now.ticks - (a.get(pid)?.ticks ?? 0));
  return out;
}

export interface PhaseUsage {
  /** Event-loop utilisation of this process's main thread (the api's loop), 0..1. */
  elu: number;
  /** CPU used by this whole process (all threads), in % of one core. */
  processCpuPct: number;
  /** CPU busy on the whole machine (every process), in % of all cores; null off Linux. */
  machineBusyPct: number | null;
  /**
   * CPU per process group in % of one core (self = this process incl. the load-generator thread);
   * processes that exited during the phase are missing from "other".
   */
  byGroupPct: Record<CpuGroup, number> | null;
  cores: number;
}

/** Starts measuring; the returned function stops and reports. */
export function meterPhase(): () => PhaseUsage {
  const elu0 = performance.eventLoopUtilization();
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const m0 = machineCpuTicks();
  const g0 = processCpuTicks();
  return () => {
    const elu = performance.eventLoopUtilization(elu0).utilization;
    const cpu = process.cpuUsage(cpu0);
    const wallMs = performance.now() - t0;
    const m1 = machineCpuTicks();
    const g1 = processCpuTicks();
    const machineBusyPct = m0 && m1 && m1.total > m0.total ? (100 * (m1.busy - m0.busy)) / (m1.total - m0.total) : null;
    // USER_HZ is 100 on Linux: one tick = 10 ms.
    const ticks = g0 && g1 ? ticksBetween(g0, g1) : null;
    const byGroupPct = ticks
      ? (Object.fromEntries(
          (Object.keys(ticks) as CpuGroup[]).map((k) => [k, (100 * ticks[k] * 10) / wallMs]),
        ) as Record<CpuGroup, number>)
      : null;
    return {
      elu,
      processCpuPct: (100 * (cpu.user + cpu.system)) / 1000 / wallMs,
      machineBusyPct,
      byGroupPct,
      cores: (require('node:os') as typeof import('node:os')).cpus().length,
    };
  };
}

export function usageLine(u: PhaseUsage): string {
  const groups = u.byGroupPct
    ? `; CPU in % of one core: this process ${fmt(u.byGroupPct.self, 0)}, postgres ${fmt(u.byGroupPct.postgres, 0)}, redis ${fmt(u.byGroupPct.redis, 0)}, other processes ${fmt(u.byGroupPct.other, 0)}`
    : `; this process ${fmt(u.processCpuPct, 0)} % of one core`;
  const noisy =
    u.byGroupPct && u.byGroupPct.other > 25
      ? `\n  WARNING: other processes on this machine used ${fmt(u.byGroupPct.other, 0)} % of a core during this phase: the figures above are pessimistic`
      : '';
  return `api event-loop utilisation ${fmt(100 * u.elu, 0)} %${groups}; machine ${u.machineBusyPct === null ? '?' : fmt(u.machineBusyPct, 0)} % busy (${u.cores} cores)${noisy}`;
}

/** The per-group CPU figures rounded, for the JSON summaries. */
export function usageJson(u: PhaseUsage) {
  return {
    eventLoopUtilisation: round(u.elu, 3),
    machineBusyPct: u.machineBusyPct === null ? null : round(u.machineBusyPct, 0),
    cpuPctOfOneCore: u.byGroupPct
      ? Object.fromEntries(Object.entries(u.byGroupPct).map(([k, v]) => [k, round(v, 0)]))
      : { self: round(u.processCpuPct, 0) },
  };
}

/**
 * Before a timed phase: waits (bounded by BENCH_QUIET_WAIT_S, default 180 s; 0 disables) until
 * processes other than this one, PostgreSQL and Redis use < 20 % of a core over two consecutive
 * 2-s samples — the machine may be shared. Prints what it found; never fails.
 */
export async function waitForQuiet(label: string): Promise<void> {
  const maxS = process.env.BENCH_QUIET_WAIT_S === undefined ? 180 : Number(process.env.BENCH_QUIET_WAIT_S);
  if (!(maxS > 0) || processCpuTicks() === null) return;
  const start = Date.now();
  let quiet = 0;
  let last = Number.NaN;
  while (Date.now() - start < maxS * 1000) {
    const a = processCpuTicks()!;
    await sleep(2000);
    const b = processCpuTicks()!;
    last = (ticksBetween(a, b).other * 10) / 20; // % of one core over 2 s
    quiet = last < 20 ? quiet + 1 : 0;
    if (quiet >= 2) break;
  }
  const waited = (Date.now() - start) / 1000;
  console.log(
    quiet >= 2
      ? `[${label}] machine quiet (other processes ${fmt(last, 0)} % of a core) after ${fmt(waited, 0)} s`
      : `[${label}] machine still busy after ${fmt(waited, 0)} s (other processes ${fmt(last, 0)} % of a core); measuring anyway`,
  );
}

/**
 * The fast form of `createInvitedFreelancers` (preparation only, never timed): the accounts are inserted in
 * one statement with one bcrypt hash computed once (instead of one `POST /api/auth/register` of ~100 ms of
 * bcrypt each), their tokens are issued by the api's own `TokenService` (exactly what login and register
 * answer), and the admin invites each one through the real `POST /api/vetting/invitations`.
 */
export async function seedInvitedFreelancers(
  api: BenchApi,
  pg: Client,
  admin: string,
  categories: string[],
  concurrency = 8,
): Promise<InvitedFreelancer[]> {
  const { hashPassword } = await import('../libs/identity/src/domain/password.rules');
  const { TokenService } = await import('@vetting/identity');
  const tag = randomId(3);
  const hash = await hashPassword(PASSWORD);
  const people = categories.map((_, i) => ({
    id: randomUUID(),
    email: `f-${tag}-${i}@bench.test`,
    name: `Bench Freelancer ${i}`,
  }));
  await pg.query(
    `insert into users (id, email, password_hash, name, role, time_zone, created_at)
     select x.id, x.email, $2, x.name, 'freelancer', 'Europe/Berlin', now()
       from jsonb_to_recordset($1::jsonb) as x(id uuid, email text, name text)`,
    [JSON.stringify(people), hash],
  );
  const tokens = api.app.get(TokenService, { strict: false });
  const invitations = await runHttpExpect(
    api.baseUrl,
    people.map((p, i) => ({
      method: 'POST',
      path: '/api/vetting/invitations',
      token: admin,
      body: { freelancerId: p.id, program: 'expert-vetted', categorySlug: categories[i] },
    })),
    concurrency,
    201,
    'invite freelancers',
  );
  return people.map((p, i) => ({
    id: p.id,
    token: tokens.issue({ id: p.id, role: 'freelancer', tokenVersion: 0 }),
    invitationId: invitations[i].id,
    categorySlug: categories[i],
  }));
}
