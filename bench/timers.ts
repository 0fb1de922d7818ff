/**
 * bench/timers.ts — lateness of BullMQ delayed grace checks that fall due together.
 *
 * Boots the real api WITH the worker (short policy values through the environment), books
 * BENCH_CALLS (200) calls — BENCH_CALLS talent managers × 1 freelancer each, spread over the 8
 * eligible categories — all starting on the same 20-s grid slot ~25–45 s ahead of the booking (room for the booking itself) (or BENCH_SLOTS
 * consecutive slots). Nobody joins, so each call's grace job (start + 3 s) marks it `missed`.
 *
 * Lateness of a grace job = (when the call became missed: vetting_calls.ended_at, also checked
 * against call_history 'missed'.at — both written from the app's clock while the job runs)
 * − (startsAt + 3 s). Target p99 ≤ 500 ms. Printed, never asserted.
 *
 *   npx ts-node --transpile-only -r tsconfig-paths/register bench/timers.ts
 *
 * Creates its own database (bench_<random>, dropped at the end) and Redis prefix (bench:<random>:,
 * deleted at the end).
 */
import { DateTime } from 'luxon';
import { performance } from 'node:perf_hooks';
import Redis from 'ioredis';
import {
  CATEGORIES,
  HttpTask,
  REDIS_URL,
  benchPg,
  benchRedisPrefix,
  createBenchDatabase,
  createInvitedFreelancers,
  createTalentManagers,
  envInt,
  fmt,
  loginAdmin,
  machineLine,
  meterPhase,
  round,
  runBench,
  runHttp,
  sleep,
  startApi,
  summarize,
  tally,
  target,
  usageJson,
  usageLine,
  waitForQuiet,
} from './support';
import { SHORT_CALLS_ENV } from '../test/support/short-calls';

const TARGET_P99_MS = 500;
const CALL_MS = 20_000;
const GRACE_MS = 3_000;

async function main(): Promise<void> {
  const calls = envInt('BENCH_CALLS', 200);
  const slots = envInt('BENCH_SLOTS', 1);
  const aheadMs = envInt('BENCH_AHEAD_MS', 25_000);
  const bookConcurrency = envInt('BENCH_CONCURRENCY', 8);
  const prepConcurrency = envInt('BENCH_PREP_CONCURRENCY', 8);
  // What-if knobs (off by default, so the default figures are the product's defaults):
  //  BENCH_WORKER_CONCURRENCY is passed as WORKER_CONCURRENCY; BENCH_DB_POOL as DATABASE_POOL_SIZE.
  const workerConcurrency = process.env.BENCH_WORKER_CONCURRENCY ? envInt('BENCH_WORKER_CONCURRENCY', 10) : null;
  const dbPool = process.env.BENCH_DB_POOL ? envInt('BENCH_DB_POOL', 10) : null;

  console.log(`bench/timers — grace-check lateness with the BullMQ worker in the api process; ${machineLine()}`);
  const db = await createBenchDatabase();
  const prefix = benchRedisPrefix();
  const pg = await benchPg(db);
  console.log(`database ${db.name}, redis prefix ${prefix}`);

  const bootStart = performance.now();
  const api = await startApi({
    db,
    redisPrefix: prefix,
    withWorker: true,
    env: {
      ...SHORT_CALLS_ENV,
      VETTING_RESCHEDULE_NOTICE: 'PT1H',
      VETTING_REMINDERS: 'PT24H',
      ...(dbPool ? { DATABASE_POOL_SIZE: String(dbPool) } : {}),
      ...(workerConcurrency ? { WORKER_CONCURRENCY: String(workerConcurrency) } : {}),
    },
  });
  // The concurrency the running call-timers Worker really has (read back, not assumed from the env).
  const { CallTimersProcessor } = await import('@vetting/calendar');
  const timerWorker = api.app.get(CallTimersProcessor, { strict: false }).worker;
  const p = api.config.policy;
  console.log(
    `api + worker up at ${api.baseUrl} in ${fmt(performance.now() - bootStart, 0)} ms (call ${p.callLength.toISO()}, grace ${p.gracePeriod.toISO()}, ` +
      `min lead ${p.minBookingLead.toISO()}, reminders ${p.reminders.map((r) => r.toISO()).join(',')}, DATABASE_POOL_SIZE ${api.config.env.DATABASE_POOL_SIZE}, ` +
      `WORKER_CONCURRENCY ${api.config.env.WORKER_CONCURRENCY}, running call-timers worker concurrency ${timerWorker.concurrency})`,
  );

  // ---- preparation ---------------------------------------------------------------------------
  const prepStart = performance.now();
  const admin = await loginAdmin(api.baseUrl);
  const categoryOf = (i: number) => CATEGORIES[i % CATEGORIES.length];
  await createTalentManagers(
    api.baseUrl,
    admin,
    Array.from({ length: calls }, (_, i) => ({ categorySlug: categoryOf(i) })),
    prepConcurrency,
  );
  const freelancers = await createInvitedFreelancers(
    api.baseUrl,
    admin,
    Array.from({ length: calls }, (_, i) => categoryOf(i)),
    prepConcurrency,
  );
  console.log(
    `prep: ${calls} talent managers and ${calls} invited freelancers over ${CATEGORIES.length} categories in ${fmt((performance.now() - prepStart) / 1000)} s (not timed)`,
  );

  // ---- booking: everyone on the same grid slot(s) ---------------------------------------------
  await waitForQuiet('booking + grace checks');
  const first = Math.ceil((Date.now() + aheadMs) / CALL_MS) * CALL_MS;
  const startOf = (i: number) => first + (i % slots) * CALL_MS;
  const tasks: HttpTask[] = freelancers.map((f, i) => ({
    method: 'POST',
    path: '/api/vetting/calls',
    token: f.token,
    body: { invitationId: f.invitationId, startsAt: new Date(startOf(i)).toISOString() },
  }));
  const booking = await runHttp(api.baseUrl, tasks, bookConcurrency);
  const ok = booking.results.filter((r) => r.status === 201).length;
  const leftMs = first - Date.now();
  console.log(
    `booked ${ok}/${calls} calls starting at ${DateTime.fromMillis(first, { zone: 'utc' }).toISO()}${slots > 1 ? ` (+${slots - 1} more 20-s slots)` : ''} ` +
      `in ${fmt(booking.wallMs, 0)} ms (concurrency ${bookConcurrency}); first start in ${fmt(leftMs / 1000)} s` +
      (ok < calls
        ? `; not booked: ${JSON.stringify(tally(booking.results.filter((r) => r.status !== 201).map((r) => `${r.status} ${r.code ?? r.error}`)))}`
        : ''),
  );
  if (ok === 0) throw new Error('no call was booked; nothing to measure');

  // ---- wait for the grace checks ----------------------------------------------------------------
  const lastDue = first + (slots - 1) * CALL_MS + GRACE_MS;
  // Measure CPU from the moment the first grace checks fall due.
  await sleep(Math.max(0, first + GRACE_MS - 20 - Date.now()));
  const meter = meterPhase();
  const backlog = await queueBacklog(prefix);
  const deadline = lastDue + 60_000;
  let pending = ok;
  while (Date.now() < deadline) {
    const wait = Math.max(0, Math.min(1000, lastDue + 200 - Date.now()));
    await sleep(wait || 500);
    const res = await pg.query<{ n: string }>(
      `select count(*) as n from vetting_calls where status in ('scheduled', 'rescheduled', 'in_progress')`,
    );
    pending = Number(res.rows[0].n);
    if (pending === 0 && Date.now() > lastDue) break;
  }
  const usage = meter();
  const processedAt = Date.now();

  // ---- lateness from the database -----------------------------------------------------------------
  const rows = (
    await pg.query<{
      id: string;
      status: string;
      starts_at: Date;
      ended_at: Date | null;
      history_at: Date | null;
      late_ms: string | null;
      history_late_ms: string | null;
    }>(
      `select c.id, c.status, c.starts_at, c.ended_at, h.at as history_at,
              extract(epoch from (c.ended_at - (c.starts_at + interval '${GRACE_MS} milliseconds'))) * 1000 as late_ms,
              extract(epoch from (h.at - (c.starts_at + interval '${GRACE_MS} milliseconds'))) * 1000 as history_late_ms
         from vetting_calls c left join call_history h on h.call_id = c.id and h.action = 'missed'`,
    )
  ).rows;
  const missed = rows.filter((r) => r.status === 'missed' && r.late_ms !== null);
  const lateness = missed.map((r) => Number(r.late_ms));
  const historyMismatch = missed.filter(
    (r) => r.history_late_ms === null || Math.abs(Number(r.history_late_ms) - Number(r.late_ms)) > 1,
  ).length;
  const s = summarize(lateness);
  const endedAt = missed.map((r) => new Date(r.ended_at!).getTime());
  const spreadMs = endedAt.length ? Math.max(...endedAt) - Math.min(...endedAt) : Number.NaN;

  // ---- where the lateness comes from: BullMQ's own timestamps of the grace jobs --------------------
  const redis = new Redis(REDIS_URL);
  const pickup: number[] = [];
  const processing: number[] = [];
  try {
    // A job finishes after its transaction commits (it then enqueues the cooldown expiry and sends
    // the notifications): wait until BullMQ has recorded finishedOn for every job (≤ 15 s).
    const read = async () => {
      const pipe = redis.pipeline();
      for (const r of missed)
        pipe.hmget(
          `${prefix}bull:call-timers:call:${r.id}:grace-v1`,
          'timestamp',
          'delay',
          'processedOn',
          'finishedOn',
        );
      return (await pipe.exec()) ?? [];
    };
    let answers = await read();
    while (
      Date.now() < processedAt + 15_000 &&
      answers.some(([err, v]) => err || !Array.isArray(v) || v.some((x) => x === null))
    ) {
      await sleep(250);
      answers = await read();
    }
    answers.forEach(([err, v], i) => {
      if (err || !Array.isArray(v) || v.some((x) => x === null)) return;
      const [timestamp, , processedOn, finishedOn] = (v as string[]).map(Number);
      const due = new Date(missed[i].starts_at).getTime() + GRACE_MS;
      void timestamp;
      pickup.push(processedOn - due);
      processing.push(finishedOn - processedOn);
    });
  } finally {
    redis.disconnect();
  }
  const pk = summarize(pickup);
  const pr = summarize(processing);

  console.log(
    `\ngrace checks due at start + 3 s: ${ok} booked; processed (missed): ${missed.length}; still active: ${pending}; statuses ${JSON.stringify(tally(rows.map((r) => r.status)))}`,
  );
  console.log(
    `lateness ms (ended_at − (startsAt + 3 s)): min ${fmt(s.min, 0)} / p50 ${fmt(s.p50, 0)} / p95 ${fmt(s.p95, 0)} / p99 ${fmt(s.p99, 0)} / max ${fmt(s.max, 0)}`,
  );
  console.log(
    `call_history 'missed'.at agrees with ended_at (±1 ms): ${missed.length - historyMismatch}/${missed.length}`,
  );
  console.log(
    `first → last call marked missed: ${fmt(spreadMs, 0)} ms (${fmt(missed.length / (spreadMs / 1000), 0)} grace checks/s)`,
  );
  if (pickup.length) {
    console.log(
      `BullMQ breakdown (${pickup.length} jobs): picked up after due ms p50 ${fmt(pk.p50, 0)} / p99 ${fmt(pk.p99, 0)} / max ${fmt(pk.max, 0)}; job duration ms p50 ${fmt(pr.p50, 0)} / p99 ${fmt(pr.p99, 0)} / max ${fmt(pr.max, 0)}`,
    );
  }
  console.log(`jobs waiting or active in the other queues when the grace checks fell due: ${JSON.stringify(backlog)}`);
  console.log(usageLine(usage));
  const t = target('p99 lateness', s.p99, '<=', TARGET_P99_MS, 'ms');

  console.log(
    JSON.stringify({
      bench: 'timers',
      booked: ok,
      processed: missed.length,
      stillActive: pending,
      slots,
      workerConcurrency: timerWorker.concurrency,
      dbPool: api.config.env.DATABASE_POOL_SIZE,
      bookingWallMs: round(booking.wallMs, 0),
      latenessMs: {
        min: round(s.min, 0),
        p50: round(s.p50, 0),
        p95: round(s.p95, 0),
        p99: round(s.p99, 0),
        max: round(s.max, 0),
      },
      spreadMs: round(spreadMs, 0),
      historyAgrees: missed.length - historyMismatch,
      pickupMs: { p50: round(pk.p50, 0), p99: round(pk.p99, 0), max: round(pk.max, 0) },
      jobDurationMs: { p50: round(pr.p50, 0), p99: round(pr.p99, 0), max: round(pr.max, 0) },
      otherQueuesAtDue: backlog,
      ...usageJson(usage),
      target: t,
    }),
  );
}

/** Waiting + active jobs of every BullMQ queue under the prefix except call-timers (work competing for the same process). */
async function queueBacklog(prefix: string): Promise<Record<string, number>> {
  const redis = new Redis(REDIS_URL);
  const out: Record<string, number> = {};
  try {
    const base = `${prefix}bull:`;
    const queues = new Set<string>();
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${base}*:meta`, 'COUNT', 1000);
      cursor = next;
      for (const k of keys) queues.add(k.slice(base.length, -':meta'.length));
    } while (cursor !== '0');
    for (const q of queues) {
      if (q === 'call-timers') continue;
      const [wait, active, prioritized] = await Promise.all([
        redis.llen(`${base}${q}:wait`),
        redis.llen(`${base}${q}:active`),
        redis.zcard(`${base}${q}:prioritized`),
      ]);
      out[q] = wait + active + prioritized;
    }
  } finally {
    redis.disconnect();
  }
  return out;
}

runBench('bench/timers', 10 * 60_000, main);
