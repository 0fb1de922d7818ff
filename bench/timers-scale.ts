/**
 * bench/timers-scale.ts — 10,000 grace timers due within one minute, processed by the standalone worker.
 *
 * The api runs in this process (no worker: it serves GET /metrics); the worker is its own process
 * (apps/worker/src/main.ts, the product's default on PostgreSQL). Preparation, untimed: BENCH_CALLS (10,000)
 * booked calls written straight into the bench database (bench/timers-scale-support.ts), spread over
 * BENCH_SLOTS (3) consecutive 20-s slots × ceil(calls / slots) talent managers. Their timers are then added by
 * the product itself: the bench enqueues one `reconcile` job and the worker's reconciliation sweep adds every
 * active call's timers (grace, ending-soon, end) from the database. Memory is read while they are pending.
 *
 * Nobody joins, so at start + 3 s each call's grace timer marks it `missed`. Figures: lateness from the
 * database (ended_at − (starts_at + 3 s), and when the missed state became visible to a poller), lost
 * (not missed) and doubled (more than one 'missed' history entry or cooldown), BullMQ's own timestamps of
 * the grace jobs, /metrics (queue lateness and waiting jobs), the worker's CPU and RSS. Baseline in the same
 * run: a bare BullMQ worker process (same concurrency and pool) with the same number of delayed jobs due at the
 * same moments: one `update` per call at its grace moment, and one no-op at each of its ending-soon and end.
 *
 *   npm run bench:timers-scale
 */
import { performance } from 'node:perf_hooks';
import Redis from 'ioredis';
import { Queue } from 'bullmq';
import { metricValue, scrapeMetrics } from './metrics-scrape';
import {
  REDIS_URL,
  benchPg,
  benchRedisPrefix,
  createBenchDatabase,
  envInt,
  fmt,
  machineLine,
  meterPhase,
  round,
  runBench,
  sleep,
  startApi,
  summarize,
  tally,
  target,
  usageJson,
  usageLine,
  waitForQuiet,
} from './support';
import {
  redisUsedMemory,
  rssOf,
  seedBookedCalls,
  startBaselineWorker,
  startChild,
  stopChild,
} from './timers-scale-support';
import { cpuTicksOf, missedVisibility, visibleLateness } from './timers-scale-measure';
import { SHORT_CALLS_ENV } from '../test/support/short-calls';

const TARGET_P99_MS = 1000;
const CALL_MS = 20_000;
const GRACE_MS = 3_000;
const ENDING_SOON_MS = 5_000;
const MB = 2 ** 20;

async function main(): Promise<void> {
  const calls = envInt('BENCH_CALLS', 10_000);
  const slots = envInt('BENCH_SLOTS', 3);
  const aheadMs = envInt('BENCH_AHEAD_MS', 60_000);
  const concurrency = process.env.BENCH_WORKER_CONCURRENCY ? envInt('BENCH_WORKER_CONCURRENCY', 10) : null;
  const profDir = process.env.BENCH_CPU_PROF_DIR;
  const skipBaseline = process.env.BENCH_BASELINE === '0';

  console.log(
    `bench/timers-scale — ${calls} grace timers over ${slots} 20-s slots, standalone worker; ${machineLine()}`,
  );
  const db = await createBenchDatabase();
  const prefix = benchRedisPrefix();
  const pg = await benchPg(db);
  const redis = new Redis(REDIS_URL);
  const env = {
    ...SHORT_CALLS_ENV,
    VETTING_RESCHEDULE_NOTICE: 'PT1H',
    VETTING_REMINDERS: 'none',
    // The periodic sweep would also settle and re-add timers; the bench triggers the one it needs itself.
    RECONCILE_INTERVAL: process.env.BENCH_RECONCILE_INTERVAL ?? 'PT1H',
    ...(concurrency ? { WORKER_CONCURRENCY: String(concurrency) } : {}),
  };
  const api = await startApi({ db, redisPrefix: prefix, withWorker: false, env });
  const workerEnv = { ...api.env, LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? 'silent' };
  const worker = await startChild(
    'worker',
    'bench/timers-scale-worker.ts',
    workerEnv,
    'Vetting platform worker started',
    {
      cpuProfDir: profDir,
    },
  );
  await sleep(3000); // its start-up reconciliation sweep (nothing to do yet)
  console.log(
    `api (metrics) at ${api.baseUrl}; worker pid ${worker.pid}, WORKER_CONCURRENCY ${api.config.env.WORKER_CONCURRENCY}, DATABASE_POOL_SIZE ${api.config.env.DATABASE_POOL_SIZE}`,
  );

  // ---- preparation: booked calls in the database, timers added by the worker's reconciliation sweep --------
  // Waited for before the calls are written (their moment must not pass while waiting).
  await waitForQuiet('preparation + grace timers');
  const mem0 = { worker: rssOf(worker.pid!), api: await apiRss(api.baseUrl), redis: await redisUsedMemory(redis) };
  const prepStart = performance.now();
  const firstStart = Math.ceil((Date.now() + aheadMs) / CALL_MS) * CALL_MS;
  const seeded = await seedBookedCalls(pg, { calls, slots, firstStart, slotMs: CALL_MS, callMs: CALL_MS });
  console.log(
    `seeded ${calls} booked calls (${seeded.talentManagers} talent managers, ${calls} freelancers) in ${fmt((performance.now() - prepStart) / 1000)} s`,
  );
  const bull = `${prefix}bull`;
  const reconcile = new Queue('reconcile', { connection: { url: REDIS_URL }, prefix: bull });
  const schedStart = performance.now();
  await reconcile.add('reconcile', {}, { jobId: `bench-${Date.now()}`, removeOnComplete: 100 });
  const expected = calls * 3;
  let delayed = 0;
  while (performance.now() - schedStart < 120_000) {
    delayed = await redis.zcard(`${bull}:call-timers:delayed`);
    if (delayed >= expected) break;
    await sleep(250);
  }
  const schedMs = performance.now() - schedStart;
  await reconcile.close();
  const mem1 = { worker: rssOf(worker.pid!), api: await apiRss(api.baseUrl), redis: await redisUsedMemory(redis) };
  const per10k = (bytes: number) => (bytes / MB) * (10_000 / calls);
  console.log(
    `the reconciliation sweep added ${delayed} delayed timers (grace, ending-soon, end of ${calls} calls) in ${fmt(schedMs / 1000)} s; first start in ${fmt((firstStart - Date.now()) / 1000)} s`,
  );
  console.log(
    `memory with ${calls} grace timers pending (+ their ending-soon and end): worker RSS ${fmt(mem0.worker / MB)} → ${fmt(mem1.worker / MB)} MiB (Δ ${fmt(per10k(mem1.worker - mem0.worker))} MiB per 10,000 calls); ` +
      `api RSS ${fmt(mem0.api / MB)} → ${fmt(mem1.api / MB)} MiB; Redis used_memory ${fmt(mem0.redis / MB)} → ${fmt(mem1.redis / MB)} MiB (Δ ${fmt(per10k(mem1.redis - mem0.redis))} MiB per 10,000 calls)`,
  );
  if (delayed < expected) throw new Error(`only ${delayed}/${expected} timers were added`);
  if (Date.now() > firstStart)
    throw new Error('the calls started before their timers were in place: raise BENCH_AHEAD_MS');

  // ---- the grace timers fall due -----------------------------------------------------------------------
  const dues = Array.from({ length: slots }, (_, s) => firstStart + s * CALL_MS + GRACE_MS);
  const lastDue = dues[dues.length - 1];
  await sleep(Math.max(0, dues[0] - 20 - Date.now()));
  const meter = meterPhase();
  const ticks0 = cpuTicksOf(worker.pid!);
  const watch = await missedVisibility(pg, api.baseUrl, worker.pid!, { lastDue, deadline: lastDue + 60_000, calls });
  const usage = meter();
  const workerCpuPct = ((cpuTicksOf(worker.pid!) - ticks0) * 10 * 100) / watch.wallMs;

  // ---- results from the database ----------------------------------------------------------------------
  const rows = (
    await pg.query<{
      status: string;
      starts_ms: string;
      late_ms: string | null;
      missed_rows: string;
      history_late_ms: string | null;
      cooldowns: string;
    }>(
      `select c.status, extract(epoch from c.starts_at) * 1000 as starts_ms,
              extract(epoch from (c.ended_at - (c.starts_at + interval '${GRACE_MS} milliseconds'))) * 1000 as late_ms,
              (select count(*) from call_history h where h.call_id = c.id and h.action = 'missed') as missed_rows,
              (select extract(epoch from (min(h.at) - (c.starts_at + interval '${GRACE_MS} milliseconds'))) * 1000
                 from call_history h where h.call_id = c.id and h.action = 'missed') as history_late_ms,
              (select count(*) from vetting_cooldowns k where k.call_id = c.id) as cooldowns
         from vetting_calls c`,
    )
  ).rows;
  const missed = rows.filter((r) => r.status === 'missed' && r.late_ms !== null);
  const lost = rows.length - missed.length;
  const doubled = rows.filter((r) => Number(r.missed_rows) > 1 || Number(r.cooldowns) > 1).length;
  const noHistory = missed.filter((r) => Number(r.missed_rows) !== 1).length;
  const historyAgrees = missed.filter(
    (r) => r.history_late_ms !== null && Math.abs(Number(r.history_late_ms) - Number(r.late_ms)) <= 1,
  ).length;
  const s = summarize(missed.map((r) => Number(r.late_ms)));
  const v = summarize(visibleLateness(watch.samples, dues, seeded.startsAt, GRACE_MS));
  const perSlot = [...new Set(seeded.startsAt)].map((start, k) => {
    const ended = summarize(
      missed.filter((r) => Math.round(Number(r.starts_ms)) === start).map((r) => Number(r.late_ms)),
    );
    const seen = summarize(
      visibleLateness(
        watch.samples,
        dues,
        seeded.startsAt.filter((x) => x === start),
        GRACE_MS,
      ),
    );
    return `slot ${k + 1}: ended_at p50 ${fmt(ended.p50, 0)} / p99 ${fmt(ended.p99, 0)}, visible p50 ${fmt(seen.p50, 0)} / p99 ${fmt(seen.p99, 0)} ms`;
  });
  const notes = Number(
    (await pg.query<{ n: string }>(`select count(*) as n from notifications where type = 'call.missed'`)).rows[0].n,
  );
  const breakdown = await graceJobs(redis, bull, seeded);

  console.log(
    `\n${calls} grace timers due at ${slots} instants 20 s apart: missed ${missed.length}, lost ${lost}, doubled ${doubled}, ` +
      `calls without exactly one 'missed' history entry ${noHistory}; statuses ${JSON.stringify(tally(rows.map((r) => r.status)))}; call.missed notifications ${notes}`,
  );
  console.log(
    `lateness ms (ended_at − (startsAt + 3 s)): min ${fmt(s.min, 0)} / p50 ${fmt(s.p50, 0)} / p95 ${fmt(s.p95, 0)} / p99 ${fmt(s.p99, 0)} / max ${fmt(s.max, 0)}; ` +
      `call_history 'missed'.at agrees (±1 ms) ${historyAgrees}/${missed.length}`,
  );
  console.log(
    `visible to a reader (committed; polled every ~100 ms, so up to ~100 ms pessimistic) ms: p50 ${fmt(v.p50, 0)} / p95 ${fmt(v.p95, 0)} / p99 ${fmt(v.p99, 0)} / max ${fmt(v.max, 0)}`,
  );
  console.log(`per slot: ${perSlot.join('; ')}`);
  console.log(
    `BullMQ grace jobs (${breakdown.n}): picked up after due ms p50 ${fmt(breakdown.pickup.p50, 0)} / p99 ${fmt(breakdown.pickup.p99, 0)} / max ${fmt(breakdown.pickup.max, 0)}; ` +
      `duration ms p50 ${fmt(breakdown.duration.p50, 0)} / p99 ${fmt(breakdown.duration.p99, 0)} / max ${fmt(breakdown.duration.max, 0)}; last grace job finished ${fmt(breakdown.lastFinishedAfterDueMs, 0)} ms after the last due instant`,
  );
  console.log(
    `GET /metrics during the window: call-timers lateness max ${fmt(watch.maxQueueLatenessS, 2)} s, waiting jobs max ${watch.maxWaiting}; outbox backlog max ${watch.maxOutbox}, drained ${fmt(watch.outboxDrainedAfterLastDueMs / 1000, 1)} s after the last due instant`,
  );
  console.log(
    `worker process: CPU ${fmt(workerCpuPct, 0)} % of one core over the window, RSS max ${fmt(watch.maxWorkerRss / MB)} MiB`,
  );
  console.log(usageLine(usage) + ' (the worker process counts as "other")');
  const t = target('p99 lateness', s.p99, '<=', TARGET_P99_MS, 'ms');
  const tv = target('p99 visible lateness', v.p99, '<=', TARGET_P99_MS, 'ms');
  const tl = target('lost + doubled', lost + doubled + noHistory, '==', 0);
  await stopChild(worker);

  // ---- baseline: a bare BullMQ worker, same jobs at the same moments ---------------------------------------
  const base = skipBaseline ? null : await baseline(pg, redis, api.env, calls, slots, aheadMs, profDir);

  console.log(
    JSON.stringify({
      bench: 'timers-scale',
      calls,
      slots,
      workerConcurrency: api.config.env.WORKER_CONCURRENCY,
      dbPool: api.config.env.DATABASE_POOL_SIZE,
      scheduleMs: round(schedMs, 0),
      memory: {
        workerRssDeltaMiBPer10k: round(per10k(mem1.worker - mem0.worker), 1),
        apiRssDeltaMiB: round((mem1.api - mem0.api) / MB, 1),
        redisDeltaMiBPer10k: round(per10k(mem1.redis - mem0.redis), 1),
        baselineRedisDeltaMiBPer10k: base ? round(per10k(base.redisDelta), 1) : null,
      },
      missed: missed.length,
      lost,
      doubled,
      noHistory,
      latenessMs: { p50: round(s.p50, 0), p95: round(s.p95, 0), p99: round(s.p99, 0), max: round(s.max, 0) },
      visibleMs: { p50: round(v.p50, 0), p99: round(v.p99, 0), max: round(v.max, 0) },
      pickupMs: { p50: round(breakdown.pickup.p50, 0), p99: round(breakdown.pickup.p99, 0) },
      metrics: { maxQueueLatenessS: round(watch.maxQueueLatenessS, 2), maxWaiting: watch.maxWaiting },
      workerCpuPct: round(workerCpuPct, 0),
      baseline: base && { latenessMs: base.lateness, workerCpuPct: base.cpuPct },
      ...usageJson(usage),
      targets: [t, tv, tl],
    }),
  );
  redis.disconnect();
}

async function apiRss(baseUrl: string): Promise<number> {
  return metricValue(await scrapeMetrics(baseUrl), 'process_resident_memory_bytes');
}

/** BullMQ's processedOn / finishedOn of every grace job. */
async function graceJobs(redis: Redis, bull: string, seeded: { callIds: string[]; startsAt: number[] }) {
  const pickup: number[] = [];
  const duration: number[] = [];
  let lastFinished = 0;
  for (let i = 0; i < seeded.callIds.length; i += 1000) {
    const pipe = redis.pipeline();
    for (const id of seeded.callIds.slice(i, i + 1000))
      pipe.hmget(`${bull}:call-timers:call:${id}:grace-v1`, 'processedOn', 'finishedOn');
    const answers = (await pipe.exec()) ?? [];
    answers.forEach(([err, val], k) => {
      const [p, f] = ((val as (string | null)[]) ?? []).map(Number);
      if (err || !p || !f) return;
      const due = seeded.startsAt[i + k] + GRACE_MS;
      pickup.push(p - due);
      duration.push(f - p);
      lastFinished = Math.max(lastFinished, f);
    });
  }
  const lastDue = Math.max(...seeded.startsAt) + GRACE_MS;
  return {
    n: pickup.length,
    pickup: summarize(pickup),
    duration: summarize(duration),
    lastFinishedAfterDueMs: lastFinished - lastDue,
  };
}

/** N `update` jobs at the grace moments and 2N no-ops at the ending-soon and end moments, on a bare worker. */
async function baseline(
  pg: import('pg').Client,
  redis: Redis,
  env: Record<string, string>,
  calls: number,
  slots: number,
  aheadMs: number,
  profDir?: string,
) {
  await pg.query(`create table bench_baseline (id int primary key, due timestamptz not null, done_at timestamptz)`);
  const bull = `${env.REDIS_PREFIX}bbase`;
  const child = await startBaselineWorker(
    { ...env, BASELINE_QUEUE: 'baseline', BASELINE_PREFIX: bull, WORKER_CONCURRENCY: env.WORKER_CONCURRENCY ?? '10' },
    profDir,
  );
  const queue = new Queue('baseline', { connection: { url: REDIS_URL }, prefix: bull });
  const before = await redisUsedMemory(redis);
  const first = Math.ceil((Date.now() + Math.min(aheadMs, 30_000)) / CALL_MS) * CALL_MS;
  const startOf = (i: number) => first + (i % slots) * CALL_MS;
  await pg.query(
    `insert into bench_baseline (id, due) select i - 1, t from unnest($1::timestamptz[]) with ordinality as u(t, i)`,
    [Array.from({ length: calls }, (_, i) => new Date(startOf(i) + GRACE_MS).toISOString())],
  );
  const opts = { attempts: 5, backoff: { type: 'exponential', delay: 1000 }, removeOnComplete: { age: 604800 } };
  const now = Date.now();
  for (let i = 0; i < calls; i += 500) {
    const jobs = [];
    for (let k = i; k < Math.min(calls, i + 500); k++) {
      const at = [startOf(k) + GRACE_MS, startOf(k) + CALL_MS - ENDING_SOON_MS, startOf(k) + CALL_MS];
      jobs.push(
        { name: 'update', data: { id: k }, opts: { ...opts, jobId: `b:${k}:grace`, delay: at[0] - now } },
        { name: 'noop', data: { id: k }, opts: { ...opts, jobId: `b:${k}:soon`, delay: at[1] - now } },
        { name: 'noop', data: { id: k }, opts: { ...opts, jobId: `b:${k}:end`, delay: at[2] - now } },
      );
    }
    await queue.addBulk(jobs);
  }
  const redisDelta = (await redisUsedMemory(redis)) - before;
  console.log(
    `\nbaseline: ${calls * 3} delayed jobs added in ${fmt((Date.now() - now) / 1000)} s; Redis used_memory Δ ${fmt(redisDelta / MB)} MiB; first due in ${fmt((first + GRACE_MS - Date.now()) / 1000)} s`,
  );
  const lastDue = first + (slots - 1) * CALL_MS + GRACE_MS;
  await sleep(Math.max(0, first + GRACE_MS - 20 - Date.now()));
  const t0 = Date.now();
  const ticks0 = cpuTicksOf(child.pid!);
  while (Date.now() < lastDue + 60_000) {
    await sleep(500);
    const left = Number(
      (await pg.query<{ n: string }>(`select count(*) as n from bench_baseline where done_at is null`)).rows[0].n,
    );
    if (left === 0 && Date.now() > lastDue + CALL_MS) break; // its last no-ops are due 17 s after the last update
  }
  const cpuPct = ((cpuTicksOf(child.pid!) - ticks0) * 1000) / (Date.now() - t0);
  const late = (
    await pg.query<{ ms: string | null }>(`select extract(epoch from (done_at - due)) * 1000 as ms from bench_baseline`)
  ).rows;
  const done = late.filter((r) => r.ms !== null).map((r) => Number(r.ms));
  const b = summarize(done);
  console.log(
    `baseline (bare BullMQ worker process, concurrency ${env.WORKER_CONCURRENCY ?? 10}, one update per grace job): done ${done.length}/${calls}; ` +
      `lateness ms p50 ${fmt(b.p50, 0)} / p95 ${fmt(b.p95, 0)} / p99 ${fmt(b.p99, 0)} / max ${fmt(b.max, 0)}; worker CPU ${fmt(cpuPct, 0)} % of one core`,
  );
  await queue.close();
  await stopChild(child);
  return {
    redisDelta,
    cpuPct: round(cpuPct, 0),
    lateness: { p50: round(b.p50, 0), p99: round(b.p99, 0), max: round(b.max, 0), done: done.length },
  };
}

runBench('bench/timers-scale', 10 * 60_000, main);
