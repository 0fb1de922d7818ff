/**
 * Helpers of bench/timers-scale.ts: bulk seeding of booked calls straight into the bench database (untimed
 * preparation), the standalone worker as a child process, process RSS and Redis memory, and the bare-BullMQ
 * baseline (a child process too, so both sides run the same way).
 */
import { ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from 'pg';
import Redis from 'ioredis';
import { CATEGORIES, PASSWORD, onCleanup, sleep, withTimeout } from './support';

export interface SeededCalls {
  callIds: string[];
  /** Start of call i. */
  startsAt: number[];
  talentManagers: number;
}

/**
 * Booked calls as the booking leaves them (call 'scheduled', its 'booked' history entry, the open invitation),
 * written with bulk INSERTs: `calls` freelancers and ceil(calls / slots) talent managers (all with one
 * precomputed bcrypt hash), call i on slot i % slots with talent manager floor(i / slots): one call per talent
 * manager and slot, so the exclusion constraint holds, and `slots` calls per talent manager and day, under the cap.
 * The day-load trigger counts them as a booking does.
 */
export async function seedBookedCalls(
  pg: Client,
  opts: { calls: number; slots: number; firstStart: number; slotMs: number; callMs: number },
): Promise<SeededCalls> {
  const bcrypt = (await import('bcryptjs')).default;
  const hash = bcrypt.hashSync(PASSWORD, 10);
  const tms = Math.ceil(opts.calls / opts.slots);
  const tmIds = Array.from({ length: tms }, () => randomUUID());
  const flIds = Array.from({ length: opts.calls }, () => randomUUID());
  const invIds = Array.from({ length: opts.calls }, () => randomUUID());
  const callIds = Array.from({ length: opts.calls }, () => randomUUID());
  const tmOf = (i: number) => Math.floor(i / opts.slots);
  const startsAt = callIds.map((_, i) => opts.firstStart + (i % opts.slots) * opts.slotMs);
  const catOf = (tm: number) => CATEGORIES[tm % CATEGORIES.length];
  const tag = randomUUID().slice(0, 8);
  const week = JSON.stringify([1, 2, 3, 4, 5, 6, 7].map((weekday) => ({ weekday, start: '00:00', end: '24:00' })));
  const admin = (await pg.query<{ id: string }>(`select id from users where role = 'admin' limit 1`)).rows[0].id;
  await pg.query('begin');
  try {
    await pg.query(
      `insert into users (id, email, password_hash, name, role, time_zone, created_at)
       select id, 'seed-tm-' || $3 || '-' || n || '@bench.test', $2, 'Seed TM ' || n, 'talent_manager', 'UTC', now()
         from unnest($1::uuid[]) with ordinality as t(id, n)`,
      [tmIds, hash, tag],
    );
    await pg.query(
      `insert into talent_manager_availability (talent_manager_id, time_zone, weekly, exceptions, category_slugs, daily_cap, updated_at)
       select id, 'UTC', $2::jsonb, '[]'::jsonb, jsonb_build_array(cat), 48, now() from unnest($1::uuid[], $3::text[]) as t(id, cat)`,
      [tmIds, week, tmIds.map((_, t) => catOf(t))],
    );
    await pg.query(
      `insert into users (id, email, password_hash, name, role, time_zone, created_at)
       select id, 'seed-f-' || $3 || '-' || n || '@bench.test', $2, 'Seed Freelancer ' || n, 'freelancer', 'Europe/Berlin', now()
         from unnest($1::uuid[]) with ordinality as t(id, n)`,
      [flIds, hash, tag],
    );
    await pg.query(
      `insert into vetting_invitations (id, freelancer_id, program, category_slug, status, source, invited_by_id, created_at)
       select inv, fl, 'expert-vetted', cat, 'open', 'invitation', $4, now() from unnest($1::uuid[], $2::uuid[], $3::text[]) as t(inv, fl, cat)`,
      [invIds, flIds, callIds.map((_, i) => catOf(tmOf(i))), admin],
    );
    await pg.query(
      `insert into vetting_calls (id, invitation_id, freelancer_id, talent_manager_id, program, category_slug, status,
                                  starts_at, ends_at, created_at, updated_at)
       select id, inv, fl, tm, 'expert-vetted', cat, 'scheduled', s, s + $7::interval, now(), now()
         from unnest($1::uuid[], $2::uuid[], $3::uuid[], $4::uuid[], $5::text[], $6::timestamptz[]) as t(id, inv, fl, tm, cat, s)`,
      [
        callIds,
        invIds,
        flIds,
        callIds.map((_, i) => tmIds[tmOf(i)]),
        callIds.map((_, i) => catOf(tmOf(i))),
        startsAt.map((ms) => new Date(ms).toISOString()),
        `${opts.callMs} milliseconds`,
      ],
    );
    await pg.query(
      `insert into call_history (id, call_id, at, actor_id, actor_role, action, from_status, to_status)
       select gen_random_uuid(), c.id, now(), c.freelancer_id, 'freelancer', 'booked', null, 'scheduled'
         from vetting_calls c where c.id = any($1::uuid[])`,
      [callIds],
    );
    await pg.query('commit');
  } catch (err) {
    await pg.query('rollback');
    throw err;
  }
  return { callIds, startsAt, talentManagers: tms };
}

/** VmRSS of a process in bytes (Linux), NaN elsewhere or when it has exited. */
export function rssOf(pid: number): number {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) * 1024 : Number.NaN;
  } catch {
    return Number.NaN;
  }
}

export async function redisUsedMemory(redis: Redis): Promise<number> {
  const info = await redis.info('memory');
  return Number(/used_memory:(\d+)/.exec(info)?.[1] ?? Number.NaN);
}

const ROOT = join(__dirname, '..');

/**
 * A TypeScript entry point in a child process on this Node (ts-node, tsconfig paths), with `env` on top of the
 * bench's own; resolves once `readyLine` is printed. `cpuProfDir` writes a V8 CPU profile when it exits.
 * Stopped by the clean-up (SIGTERM, then SIGKILL after 15 s).
 */
export async function startChild(
  label: string,
  entry: string,
  env: Record<string, string>,
  readyLine: string,
  opts: { cpuProfDir?: string; timeoutMs?: number } = {},
): Promise<ChildProcess> {
  const args = [
    ...(opts.cpuProfDir ? ['--cpu-prof', `--cpu-prof-dir=${opts.cpuProfDir}`] : []),
    '-r',
    'ts-node/register/transpile-only',
    '-r',
    'tsconfig-paths/register',
    entry,
  ];
  const child = spawn(process.execPath, args, {
    cwd: ROOT,
    env: { ...process.env, TS_NODE_TRANSPILE_ONLY: 'true', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let exited = false;
  child.once('exit', () => (exited = true));
  onCleanup(`${label} process`, async () => {
    if (exited) return;
    const gone = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    const t = setTimeout(() => child.kill('SIGKILL'), 15_000);
    await gone;
    clearTimeout(t);
  });
  let out = '';
  child.stderr!.on('data', (d) => process.stderr.write(`[${label}] ${d}`));
  await withTimeout(
    new Promise<void>((resolve, reject) => {
      child.stdout!.on('data', (d) => {
        out += String(d);
        if (out.includes(readyLine)) resolve();
      });
      child.once('exit', (code) => reject(new Error(`${label} exited with ${code} before it was ready`)));
    }),
    opts.timeoutMs ?? 120_000,
    `${label} start`,
  );
  return child;
}

/** Stops a child with SIGINT (profiles are written on a clean exit) and waits (≤ 20 s). */
export async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const gone = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGINT');
  await Promise.race([gone, sleep(20_000)]);
}

/** The bare-BullMQ baseline worker: one `update` per job named `update`, nothing for `noop`. */
export const BASELINE_WORKER = `
const { Worker } = require('bullmq');
const { Pool } = require('pg');
const pool = new Pool({ connectionString: process.env.DATABASE_URL, max: Number(process.env.DATABASE_POOL_SIZE || 10) });
const worker = new Worker(process.env.BASELINE_QUEUE, async (job) => {
  if (job.name === 'update') await pool.query('update bench_baseline set done_at = clock_timestamp() where id = $1', [job.data.id]);
}, { connection: { url: process.env.REDIS_URL }, prefix: process.env.BASELINE_PREFIX, concurrency: Number(process.env.WORKER_CONCURRENCY || 10) });
worker.waitUntilReady().then(() => console.log('baseline worker ready'));
const stop = async () => { await worker.close(); await pool.end(); process.exit(0); };
process.on('SIGINT', stop); process.on('SIGTERM', stop);
`;

/** Spawns the baseline worker from its source (plain JavaScript, this Node). */
export async function startBaselineWorker(env: Record<string, string>, cpuProfDir?: string): Promise<ChildProcess> {
  const child = spawn(
    process.execPath,
    [...(cpuProfDir ? ['--cpu-prof', `--cpu-prof-dir=${cpuProfDir}`] : []), '-e', BASELINE_WORKER],
    { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  onCleanup('baseline worker', async () => stopChild(child));
  child.stderr!.on('data', (d) => process.stderr.write(`[baseline] ${d}`));
  await withTimeout(
    new Promise<void>((resolve, reject) => {
      child.stdout!.on('data', (d) => String(d).includes('baseline worker ready') && resolve());
      child.once('exit', (code) => reject(new Error(`baseline worker exited with ${code}`)));
    }),
    60_000,
    'baseline worker start',
  );
  return child;
}
