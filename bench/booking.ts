/**
 * bench/booking.ts — booking over HTTP against the real api (PostgreSQL + Redis, no worker).
 *
 *  (a) race: 1 talent manager, BENCH_RACE (200) invited freelancers, all POST /api/vetting/calls for
 *      the same slot at once → successes (must be exactly 1), SLOT_UNAVAILABLE, 5xx, wall time;
 *  (b) sustained: BENCH_TMS (20) talent managers available around the clock, BENCH_N (1000)
 *      freelancers with invitations prepared beforehand (not timed), each books a distinct slot,
 *      BENCH_CONCURRENCY (32) requests in flight → bookings/s (target ≥ 600/s, issue 15);
 *  (c) baseline, right after each (b) at the same concurrency: a bare insert of a vetting_calls-shaped row
 *      (same exclusion constraint, no foreign keys) + one BullMQ queue.add per row → ops/s, and the ratio
 *      (target: baseline ≤ 6× the HTTP booking rate).
 *  Before them, BENCH_WARMUP (1200) bookings in a category of their own, untimed (0: none): the first bookings of an
 *  api pay for V8's compilation of the booking path and for each pooled connection's first plans of its prepared
 *  statements (PostgreSQL plans a prepared statement afresh on its first five executions per connection); the rounds
 *  measure an api that has served bookings before, as a running one has.
 *  (b) and (c) run in BENCH_ROUNDS (3) paired rounds, each in a category of its own (its own talent managers
 *  and freelancers, so each round has the whole booking horizon); the targets are judged on the medians over
 *  the rounds (a single ~2.5 s round moves by ±25 % on a shared 2-core machine).
 *
 *   npx ts-node --transpile-only -r tsconfig-paths/register bench/booking.ts
 *
 * Diagnostics (not the product's figures): BENCH_SLOT_VERSIONS=off disables the slot-version trigger for (b);
 * BENCH_CPU_PROF=<file> writes a CPU profile of (b).
 *
 * Creates its own database (bench_<random>, dropped at the end) and Redis prefix (bench:<random>:,
 * deleted at the end). Prints figures and compares them to targets; never asserts timing.
 */
import { DateTime } from 'luxon';
import { performance } from 'node:perf_hooks';
import { randomUUID } from 'node:crypto';
import { Pool } from 'pg';
import { Queue } from 'bullmq';
import {
  BenchDatabase,
  CATEGORIES,
  HttpResult,
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
  onCleanup,
  round,
  runBench,
  startCpuProfile,
  meterPhase,
  runHttp,
  seedInvitedFreelancers,
  startApi,
  summarize,
  tally,
  target,
  usageJson,
  usageLine,
  waitForQuiet,
} from './support';
import { histogramQuantile, histogramWindow, scrapeMetrics, serverLatencyLine } from './metrics-scrape';

/** Issue 15: ≥ 600 bookings/s on one api process, and at most 6× slower than the bare baseline of (c). */
const TARGET_BOOKINGS_PER_S = 600;
const TARGET_BASELINE_OVER_BOOKING = 6;
const RACE_CATEGORY = 'writing';
/** Each paired round books in its own category (its own talent managers), so every round has the whole horizon. */
const SUSTAINED_CATEGORIES = CATEGORIES.filter((c) => c !== RACE_CATEGORY);
const CALL_MS = 30 * 60_000; // default VETTING_CALL_LENGTH (PT30M)
/** The booking route's series in the api's `http_request_duration_seconds` (every status). */
const BOOK_ROUTE = { method: 'POST', route: '/api/vetting/calls' };

interface RoundResult {
  categorySlug: string;
  sustained: Record<string, unknown> & { perSecond: number };
  baseline: Record<string, unknown> & { perSecond: number };
  /** baseline ops/s over bookings/s */
  ratio: number;
}

function describeResults(results: HttpResult[]) {
  const byStatus = tally(results.map((r) => r.status));
  const byCode = tally(results.filter((r) => r.status !== 201).map((r) => `${r.status} ${r.code ?? r.error ?? '?'}`));
  return {
    ok: results.filter((r) => r.status === 201).length,
    slotUnavailable: results.filter((r) => r.status === 409 && r.code === 'SLOT_UNAVAILABLE').length,
    serverErrors: results.filter((r) => r.status >= 500).length,
    connectionErrors: results.filter((r) => r.status === 0).length,
    byStatus,
    byCode,
    latency: summarize(results.map((r) => r.ms)),
  };
}

/** Runs `op(i)` for i in [0, n) with at most `concurrency` in flight; returns the wall time in ms. */
async function pooled(
  n: number,
  concurrency: number,
  op: (i: number) => Promise<void>,
): Promise<{ wallMs: number; latencies: number[]; errors: string[] }> {
  let next = 0;
  const latencies: number[] = [];
  const errors: string[] = [];
  const start = performance.now();
  await Promise.all(
    Array.from({ length: Math.min(concurrency, n) }, async () => {
      while (next < n) {
        const i = next++;
        const t0 = performance.now();
        try {
          await op(i);
          latencies.push(performance.now() - t0);
        } catch (err) {
          errors.push((err as Error)?.message ?? String(err));
        }
      }
    }),
  );
  return { wallMs: performance.now() - start, latencies, errors };
}

/** (c) the floor: what one insert + one queue.add per booking cost on this machine, at the same concurrency. */
async function baseline(
  db: BenchDatabase,
  redisPrefix: string,
  n: number,
  concurrency: number,
  poolSize: number,
  round: number,
  categorySlug: string,
) {
  const pool = new Pool({ connectionString: db.url, max: poolSize });
  onCleanup(`baseline pg pool ${round}`, () => pool.end());
  const table = `bench_calls_${round}`;
  await pool.query(`create table ${table} (
      id uuid primary key,
      invitation_id uuid not null,
      freelancer_id uuid not null,
      talent_manager_id uuid not null,
      program varchar(50) not null,
      category_slug varchar(100) not null,
      status text not null,
      starts_at timestamptz not null,
      ends_at timestamptz not null,
      reschedule_count int not null default 0,
      version int not null default 1,
      ics_sequence int not null default 0,
      free_rebooking boolean not null default false,
      created_at timestamptz not null,
      updated_at timestamptz not null,
      constraint ${table}_no_overlap exclude using gist (talent_manager_id with =, tstzrange(starts_at, ends_at) with &&)
        where (status in ('scheduled', 'rescheduled', 'in_progress'))
    )`);
  const url = new URL(REDIS_URL);
  const queue = new Queue(`bench-baseline-${round}`, {
    connection: { host: url.hostname, port: Number(url.port || 6379), maxRetriesPerRequest: null },
    prefix: `${redisPrefix}bull`,
  });
  onCleanup(`baseline queue ${round}`, () => queue.close());
  await queue.waitUntilReady();

  const tms = Array.from({ length: 20 }, () => randomUUID());
  const first = Math.ceil((Date.now() + 2 * 3600_000) / CALL_MS) * CALL_MS;
  // Warm the pool and the connection (not timed).
  await pooled(Math.min(concurrency, 32), concurrency, async () => {
    await pool.query('select 1');
  });
  const meter = meterPhase();
  const run = await pooled(n, concurrency, async (i) => {
    const id = randomUUID();
    const startsAt = new Date(first + i * CALL_MS);
    const now = new Date();
    await pool.query(
      `insert into ${table} (id, invitation_id, freelancer_id, talent_manager_id, program, category_slug, status, starts_at, ends_at, created_at, updated_at)
       values ($1, $2, $3, $4, 'expert-vetted', $5, 'scheduled', $6, $7, $8, $8)`,
      [
        id,
        randomUUID(),
        randomUUID(),
        tms[i % tms.length],
        categorySlug,
        startsAt,
        new Date(startsAt.getTime() + CALL_MS),
        now,
      ],
    );
    await queue.add(
      'grace',
      { callId: id, version: 1 },
      {
        jobId: `call:${id}:grace-v1`,
        delay: startsAt.getTime() + 5 * 60_000 - Date.now(),
        attempts: 5,
        backoff: { type: 'exponential', delay: 1000 },
        removeOnComplete: { age: 7 * 24 * 3600 },
      },
    );
  });
  return { ...run, usage: meter() };
}

async function main(): Promise<void> {
  const raceN = envInt('BENCH_RACE', 200);
  const tmCount = envInt('BENCH_TMS', 20);
  const n = envInt('BENCH_N', 1000);
  const rounds = envInt('BENCH_ROUNDS', 3);
  const warmupN = envInt('BENCH_WARMUP', 1200);
  // The warm-up books in the last category, the rounds in the first ones.
  const roundCategories = SUSTAINED_CATEGORIES.length - (warmupN > 0 ? 1 : 0);
  if (rounds < 1 || rounds > roundCategories)
    throw new Error(`BENCH_ROUNDS must be 1–${roundCategories} (one category per round, and one for the warm-up)`);
  const warmupCategory = SUSTAINED_CATEGORIES[SUSTAINED_CATEGORIES.length - 1];
  const concurrency = envInt('BENCH_CONCURRENCY', 32);
  const prepConcurrency = envInt('BENCH_PREP_CONCURRENCY', 8);
  // BENCH_PREP=http: every freelancer registers through POST /api/auth/register (~100 ms of bcrypt each, ~3 min).
  const httpPrep = process.env.BENCH_PREP === 'http';
  if (n > tmCount * 48 * 29)
    throw new Error(`BENCH_N=${n} is more than ${tmCount} talent managers can take in the booking horizon`);
  if (warmupN * CALL_MS > 28 * 86_400_000)
    throw new Error(`BENCH_WARMUP=${warmupN} distinct 30-min slots do not fit in the 30-day booking horizon`);
  if (n * CALL_MS > 28 * 86_400_000)
    throw new Error(`BENCH_N=${n} distinct 30-min slots do not fit in the 30-day booking horizon`);

  console.log(`bench/booking — POST /api/vetting/calls over HTTP; ${machineLine()}`);
  const db = await createBenchDatabase();
  const prefix = benchRedisPrefix();
  const pg = await benchPg(db);
  console.log(`database ${db.name}, redis prefix ${prefix}`);

  const bootStart = performance.now();
  const api = await startApi({ db, redisPrefix: prefix, withWorker: false, env: { VETTING_MIN_BOOKING_LEAD: 'PT1M' } });
  const poolSize = api.config.env.DATABASE_POOL_SIZE;
  console.log(
    `api up at ${api.baseUrl} in ${fmt(performance.now() - bootStart, 0)} ms (worker: off, DATABASE_POOL_SIZE ${poolSize}, call length ${api.config.policy.callLength.toISO()}, min lead ${api.config.policy.minBookingLead.toISO()})`,
  );

  // ---- preparation (not timed as part of any figure) -----------------------------------------
  const prepStart = performance.now();
  const admin = await loginAdmin(api.baseUrl);
  const [raceTm] = await createTalentManagers(api.baseUrl, admin, [{ categorySlug: RACE_CATEGORY }], prepConcurrency);
  const invited = (categories: string[]) =>
    httpPrep
      ? createInvitedFreelancers(api.baseUrl, admin, categories, prepConcurrency)
      : seedInvitedFreelancers(api, pg, admin, categories, prepConcurrency);
  const racers = await invited(Array.from({ length: raceN }, () => RACE_CATEGORY));
  console.log(
    `prep: race talent manager, ${racers.length} race freelancers (${fmt((performance.now() - prepStart) / 1000)} s so far)`,
  );
  const roundsPrep: { categorySlug: string; bookers: Awaited<ReturnType<typeof invited>> }[] = [];
  for (const categorySlug of SUSTAINED_CATEGORIES.slice(0, rounds)) {
    await createTalentManagers(
      api.baseUrl,
      admin,
      Array.from({ length: tmCount }, () => ({ categorySlug })),
      prepConcurrency,
    );
    roundsPrep.push({ categorySlug, bookers: await invited(Array.from({ length: n }, () => categorySlug)) });
  }
  const warmupBookers = warmupN > 0 ? await invited(Array.from({ length: warmupN }, () => warmupCategory)) : [];
  if (warmupN > 0)
    await createTalentManagers(
      api.baseUrl,
      admin,
      Array.from({ length: tmCount }, () => ({ categorySlug: warmupCategory })),
      prepConcurrency,
    );
  console.log(
    `prep: ${rounds} × (${tmCount} talent managers + ${n} freelancers)${warmupN > 0 ? ` + warm-up (${tmCount} + ${warmupN} in ${warmupCategory})` : ''} ${httpPrep ? 'registered over HTTP (bcrypt each)' : 'seeded in the database (one bcrypt hash, tokens from the api TokenService)'} and invited over HTTP in ${fmt((performance.now() - prepStart) / 1000)} s (concurrency ${prepConcurrency}; not timed)`,
  );

  // The statistics autovacuum would gather on a running system (the seeding above happened seconds ago): without
  // them the planner takes the freshly filled tables for nearly empty ones.
  await pg.query('analyze');

  // ---- (a) race --------------------------------------------------------------------------------
  const raceSlot = DateTime.fromMillis(Math.ceil((Date.now() + 3 * 3600_000) / CALL_MS) * CALL_MS, { zone: 'utc' });
  await waitForQuiet('race');
  const deadlocksBefore = await deadlocks(pg);
  const raceTasks: HttpTask[] = racers.map((f) => ({
    method: 'POST',
    path: '/api/vetting/calls',
    token: f.token,
    body: { invitationId: f.invitationId, startsAt: raceSlot.toISO() },
  }));
  const raceMeter = meterPhase();
  const race = await runHttp(api.baseUrl, raceTasks, raceTasks.length);
  const raceUsage = raceMeter();
  const r = describeResults(race.results);
  const raceRows = await pg.query<{ n: string }>(
    `select count(*) as n from vetting_calls where talent_manager_id = $1 and starts_at = $2 and status in ('scheduled', 'rescheduled', 'in_progress')`,
    [raceTm.id, raceSlot.toJSDate()],
  );
  console.log(
    `\n(a) race: ${raceN} concurrent POST /api/vetting/calls for one slot (${raceSlot.toISO()}) of 1 talent manager`,
  );
  console.log(`  successes (201): ${r.ok}  ${r.ok === 1 ? '(exactly 1: yes)' : '(exactly 1: NO)'}`);
  console.log(`  SLOT_UNAVAILABLE (409): ${r.slotUnavailable}`);
  console.log(`  5xx: ${r.serverErrors}   connection errors: ${r.connectionErrors}`);
  console.log(`  answers by status/code: ${JSON.stringify(r.byCode)}`);
  console.log(
    `  wall time: ${fmt(race.wallMs, 0)} ms   latency ms p50 ${fmt(r.latency.p50, 0)} / p95 ${fmt(r.latency.p95, 0)} / max ${fmt(r.latency.max, 0)}`,
  );
  console.log(`  active calls in the database for that slot: ${raceRows.rows[0].n}`);
  console.log(`  ${usageLine(raceUsage)}`);
  const raceTargets = [target('race successes', r.ok, '==', 1), target('race 5xx', r.serverErrors, '==', 0)];

  // ---- (b) sustained throughput and (c) its baseline, in paired rounds -----------------------------
  // Diagnostic: BENCH_SLOT_VERSIONS=off measures what the slot-list cache's version trigger costs a booking
  // (the product never runs without it: the figures of such a run are not the product's).
  if (process.env.BENCH_SLOT_VERSIONS === 'off') {
    await pg.query('alter table vetting_calls disable trigger vetting_calls_bump_slot_version');
    console.log('  DIAGNOSTIC: slot-version trigger disabled for (b) (BENCH_SLOT_VERSIONS=off)');
  }
  if (warmupN > 0) {
    const firstSlot = Math.ceil((Date.now() + 2 * 3600_000) / CALL_MS) * CALL_MS;
    const warm = await runHttp(
      api.baseUrl,
      warmupBookers.map((f, i) => ({
        method: 'POST',
        path: '/api/vetting/calls',
        token: f.token,
        body: { invitationId: f.invitationId, startsAt: new Date(firstSlot + i * CALL_MS).toISOString() },
      })),
      concurrency,
    );
    const w = describeResults(warm.results);
    console.log(
      `
warm-up (not a figure): ${warmupN} bookings in ${warmupCategory} in ${fmt(warm.wallMs, 0)} ms (${fmt(w.ok / (warm.wallMs / 1000), 1)}/s), ${w.ok} × 201, others ${JSON.stringify(w.byCode)}`,
    );
  }
  const roundResults: RoundResult[] = [];
  for (const [k, { categorySlug, bookers }] of roundsPrep.entries()) {
    await waitForQuiet(`sustained ${k + 1}/${rounds}`);
    const firstSlot = Math.ceil((Date.now() + 2 * 3600_000) / CALL_MS) * CALL_MS;
    const bookTasks: HttpTask[] = bookers.map((f, i) => ({
      method: 'POST',
      path: '/api/vetting/calls',
      token: f.token,
      body: { invitationId: f.invitationId, startsAt: new Date(firstSlot + i * CALL_MS).toISOString() },
    }));
    const delayedBefore = await delayedJobs(api.config.env.REDIS_PREFIX);
    const metricsBefore = await scrapeMetrics(api.baseUrl);
    const stopProfile = k === 0 ? await profileSustained() : async () => undefined;
    const sustainedMeter = meterPhase();
    const sustained = await runHttp(api.baseUrl, bookTasks, concurrency);
    const sustainedUsage = sustainedMeter();
    await stopProfile();
    const metricsAfter = await scrapeMetrics(api.baseUrl);
    const serverBooking = histogramWindow(metricsBefore, metricsAfter, 'http_request_duration_seconds', BOOK_ROUTE);
    const s = describeResults(sustained.results);
    const perSecond = s.ok / (sustained.wallMs / 1000);
    const booked = await pg.query<{ n: string }>(`select count(*) as n from vetting_calls where category_slug = $1`, [
      categorySlug,
    ]);
    const delayedAfter = await delayedJobs(api.config.env.REDIS_PREFIX);
    console.log(
      `\n(b) round ${k + 1}/${rounds} sustained: ${n} bookings of distinct slots in ${categorySlug}, ${tmCount} talent managers, concurrency ${concurrency}`,
    );
    console.log(`  successes (201): ${s.ok}/${n}   non-201: ${JSON.stringify(s.byCode)}`);
    console.log(`  wall time: ${fmt(sustained.wallMs, 0)} ms`);
    console.log(
      `  latency ms: p50 ${fmt(s.latency.p50, 0)} / p95 ${fmt(s.latency.p95, 0)} / p99 ${fmt(s.latency.p99, 0)} / max ${fmt(s.latency.max, 0)}`,
    );
    console.log(
      `  rows in vetting_calls: ${booked.rows[0].n}; delayed timer jobs added: ${delayedAfter - delayedBefore}`,
    );
    console.log(`  ${serverLatencyLine(serverBooking, 'POST /api/vetting/calls')}`);
    const loopMsPerBooking = (sustainedUsage.elu * sustained.wallMs) / Math.max(1, s.ok);
    console.log(`  ${usageLine(sustainedUsage)}`);
    console.log(
      `  api event-loop time per booking: ${fmt(loopMsPerBooking, 1)} ms (so one api process tops out near ${fmt(1000 / loopMsPerBooking, 0)} bookings/s)`,
    );
    console.log(`  bookings/s: ${fmt(perSecond, 1)}`);

    await waitForQuiet(`baseline ${k + 1}/${rounds}`);
    const base = await baseline(db, prefix, n, concurrency, poolSize, k + 1, categorySlug);
    const baseOps = (n - base.errors.length) / (base.wallMs / 1000);
    const bl = summarize(base.latencies);
    console.log(
      `\n(c) round ${k + 1}/${rounds} baseline: ${n} × (insert into a vetting_calls-shaped table + BullMQ queue.add), concurrency ${concurrency}, pg pool ${poolSize}`,
    );
    console.log(
      `  wall time: ${fmt(base.wallMs, 0)} ms   errors: ${base.errors.length}${base.errors.length ? ` (first: ${base.errors[0]})` : ''}`,
    );
    console.log(`  latency ms: p50 ${fmt(bl.p50, 1)} / p95 ${fmt(bl.p95, 1)} / max ${fmt(bl.max, 1)}`);
    console.log(`  ops/s: ${fmt(baseOps, 0)}`);
    console.log(`  ${usageLine(base.usage).replace('api event-loop', 'event-loop')}`);
    console.log(`  baseline / booking: ${fmt(baseOps / perSecond, 2)} ×`);
    roundResults.push({
      categorySlug,
      sustained: {
        successes: s.ok,
        wallMs: round(sustained.wallMs, 0),
        perSecond: round(perSecond, 1),
        p50Ms: round(s.latency.p50, 1),
        p95Ms: round(s.latency.p95, 1),
        p99Ms: round(s.latency.p99, 1),
        other: s.byCode,
        loopMsPerBooking: round(loopMsPerBooking, 2),
        server: {
          requests: serverBooking.count,
          meanMs: round((1000 * serverBooking.sum) / Math.max(1, serverBooking.count), 1),
          p50Ms: round(1000 * histogramQuantile(serverBooking, 0.5), 1),
          p99Ms: round(1000 * histogramQuantile(serverBooking, 0.99), 1),
        },
        ...usageJson(sustainedUsage),
      },
      baseline: {
        wallMs: round(base.wallMs, 0),
        perSecond: round(baseOps, 1),
        errors: base.errors.length,
        ...usageJson(base.usage),
      },
      ratio: round(baseOps / perSecond, 2),
    });
  }
  const deadlocksAfter = await deadlocks(pg);

  const median = (xs: number[]) => {
    const a = [...xs].sort((x, y) => x - y);
    return a.length % 2 ? a[(a.length - 1) / 2] : (a[a.length / 2 - 1] + a[a.length / 2]) / 2;
  };
  const rates = roundResults.map((x) => x.sustained.perSecond);
  const ratios = roundResults.map((x) => x.ratio);
  const medianRate = median(rates);
  const medianRatio = median(ratios);
  console.log(`\nover ${rounds} paired rounds (each: bookings, then the baseline, in a category of its own):`);
  console.log(`  bookings/s by round: ${rates.map((x) => fmt(x, 1)).join(', ')}; median ${fmt(medianRate, 1)}`);
  console.log(
    `  baseline ops/s by round: ${roundResults.map((x) => fmt(x.baseline.perSecond, 0)).join(', ')}; baseline / booking by round: ${ratios.map((x) => fmt(x, 2)).join(', ')}; median ${fmt(medianRatio, 2)} ×`,
  );
  const throughputTarget = target('median bookings/s', medianRate, '>=', TARGET_BOOKINGS_PER_S, '/s');
  const ratioTarget = target('median baseline / booking', medianRatio, '<=', TARGET_BASELINE_OVER_BOOKING, '×');
  console.log(
    `\ndeadlocks reported by pg_stat_database for ${db.name} during (a)+(b): ${deadlocksAfter - deadlocksBefore} (statistics may lag by up to a few seconds)`,
  );

  console.log(
    JSON.stringify({
      bench: 'booking',
      race: {
        requests: raceN,
        successes: r.ok,
        slotUnavailable: r.slotUnavailable,
        serverErrors: r.serverErrors,
        connectionErrors: r.connectionErrors,
        other: r.byCode,
        wallMs: round(race.wallMs, 0),
        activeRows: Number(raceRows.rows[0].n),
      },
      config: { bookings: n, talentManagers: tmCount, concurrency, pgPool: poolSize, rounds, warmup: warmupN },
      rounds: roundResults,
      median: { perSecond: round(medianRate, 1), ratio: round(medianRatio, 2) },
      targets: [...raceTargets, throughputTarget, ratioTarget],
    }),
  );
}

/** BENCH_CPU_PROF=<file>: a V8 CPU profile of the main thread (the api) during the first round's sustained phase only. */
async function profileSustained(): Promise<() => Promise<void>> {
  const file = process.env.BENCH_CPU_PROF;
  if (!file) return async () => undefined;
  const stop = await startCpuProfile(file);
  return async () => {
    await stop();
    console.log(`  CPU profile of the sustained phase written to ${file}`);
  };
}

async function deadlocks(pg: import('pg').Client): Promise<number> {
  await pg.query('select pg_stat_clear_snapshot()');
  const res = await pg.query<{ deadlocks: string }>(
    'select deadlocks from pg_stat_database where datname = current_database()',
  );
  return Number(res.rows[0]?.deadlocks ?? 0);
}

async function delayedJobs(prefix: string): Promise<number> {
  const Redis = (await import('ioredis')).default;
  const redis = new Redis(REDIS_URL);
  try {
    return await redis.zcard(`${prefix}bull:call-timers:delayed`);
  } finally {
    redis.disconnect();
  }
}

runBench('bench/booking', 25 * 60_000, main);
