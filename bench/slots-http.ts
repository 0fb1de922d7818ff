/**
 * bench/slots-http.ts — the freelancers' slot list, `GET /api/vetting/slots` for 7 days, over HTTP on the real
 * api: BENCH_TMS (50) talent managers in one category with weekly hours in several IANA zones and some booked
 * calls; BENCH_FREELANCERS (200) invited freelancers asking for their slots over BENCH_CONNECTIONS (100)
 * keep-alive connections for BENCH_DURATION_S (10) s per round. Target (issue 15): ≥ 500 req/s, p99 ≤ 250 ms.
 *
 * Baselines measured in the same run:
 *  - a bare Nest endpoint verifying the same JWT (bench/bare-jwt.ts, as bench/auth-read.ts), same load,
 *    interleaved with the api rounds: what one Nest process answers when it does nothing else;
 *  - the slot computation without any cache, in-process: the "who is free" read plus `availableSlots` plus the
 *    answer's formatting, as the endpoint did it for every request before the cache.
 *
 * Preparation (not timed): talent managers, freelancers and invitations are inserted into the bench database
 * directly (registering through HTTP costs a bcrypt hash each); their tokens are issued by the api's own
 * TokenService. The booked calls go through `POST /api/vetting/calls`. Every timed request hits the real api.
 *
 *   npm run bench:slots-http
 *
 * Prints the client's req/s and p50/p95/p99, the api's own latency of the route from `GET /metrics`, where the
 * CPU went, and one JSON line. Never asserts timing.
 */
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { DateTime } from 'luxon';
import { MikroORM } from '@mikro-orm/postgresql';
import { withContext } from '@vetting/core';
import { TokenService } from '@vetting/identity';
import { AvailabilityRepository, availableSlots } from '@vetting/calendar';
import { startBareJwtServer } from './bare-jwt';
import { DurationLoadResult, runForDuration } from './duration-load';
import { histogramQuantile, histogramWindow, scrapeMetrics, serverLatencyLine, MetricSample } from './metrics-scrape';
import {
  PhaseUsage,
  benchPg,
  benchRedisPrefix,
  createBenchDatabase,
  envInt,
  fmt,
  machineLine,
  meterPhase,
  round,
  runBench,
  runHttp,
  startApi,
  summarize,
  tally,
  target,
  usageJson,
  usageLine,
  waitForQuiet,
  prng,
} from './support';

const CATEGORY = 'web-mobile-software-dev';
const ROUTE = '/api/vetting/slots';
const TM_ZONES = [
  'Europe/Berlin',
  'America/New_York',
  'Asia/Kolkata',
  'Asia/Kathmandu',
  'America/St_Johns',
  'Australia/Sydney',
  'America/Sao_Paulo',
  'Europe/London',
  'Asia/Tokyo',
  'America/Los_Angeles',
];
const FREELANCER_ZONES = ['Europe/Berlin', 'America/New_York', 'Asia/Kolkata', 'Africa/Lagos', 'America/Bogota'];
const TARGET_PER_S = 500;
const TARGET_P99_MS = 250;

/** Weekly hours of the i-th talent manager: office hours with a lunch break, a few variants, some Saturdays. */
function weeklyOf(i: number, rand: () => number) {
  const weekdays = [1, 2, 3, 4, 5];
  const variant = i % 4;
  const windows =
    variant === 0
      ? [
          { start: '09:00', end: '12:00' },
          { start: '13:00', end: '18:00' },
        ]
      : variant === 1
        ? [{ start: '08:00', end: '16:00' }]
        : variant === 2
          ? [
              { start: '10:00', end: '13:00' },
              { start: '14:00', end: '19:30' },
            ]
          : [
              { start: '07:30', end: '11:30' },
              { start: '15:00', end: '20:00' },
            ];
  const weekly = weekdays.flatMap((weekday) => windows.map((w) => ({ weekday, ...w })));
  if (rand() < 0.25) weekly.push({ weekday: 6, start: '10:00', end: '14:00' });
  return weekly;
}

interface Seeded {
  tmIds: string[];
  freelancers: { id: string; invitationId: string; timeZone: string }[];
}

/** Talent managers (with availability) and invited freelancers, inserted directly (not timed). */
async function seed(pg: import('pg').Client, tms: number, freelancers: number, now: DateTime): Promise<Seeded> {
  const rand = prng(15);
  const created = now.toJSDate();
  const tmIds: string[] = [];
  await pg.query('begin');
  for (let i = 0; i < tms; i++) {
    const id = randomUUID();
    tmIds.push(id);
    const zone = TM_ZONES[i % TM_ZONES.length];
    await pg.query(
      `insert into users (id, email, password_hash, name, role, time_zone, created_at)
       values ($1, $2, 'x', $3, 'talent_manager', $4, $5)`,
      [id, `tm-${i}-${id.slice(0, 6)}@bench.test`, `Bench TM ${i}`, zone, created],
    );
    // ~1 in 8 takes a day off within the week.
    const exceptions =
      rand() < 0.125
        ? [
            {
              date: now
                .setZone(zone)
                .plus({ days: 1 + Math.floor(rand() * 6) })
                .toISODate(),
              available: false,
            },
          ]
        : [];
    await pg.query(
      `insert into talent_manager_availability (talent_manager_id, time_zone, weekly, exceptions, category_slugs, daily_cap, updated_at)
       values ($1, $2, $3, $4, $5, $6, $7)`,
      [
        id,
        zone,
        JSON.stringify(weeklyOf(i, rand)),
        JSON.stringify(exceptions),
        JSON.stringify([CATEGORY]),
        rand() < 0.5 ? 6 : 8,
        created,
      ],
    );
  }
  const out: Seeded['freelancers'] = [];
  for (let i = 0; i < freelancers; i++) {
    const id = randomUUID();
    const invitationId = randomUUID();
    const timeZone = FREELANCER_ZONES[i % FREELANCER_ZONES.length];
    await pg.query(
      `insert into users (id, email, password_hash, name, role, time_zone, created_at)
       values ($1, $2, 'x', $3, 'freelancer', $4, $5)`,
      [id, `f-${i}-${id.slice(0, 6)}@bench.test`, `Bench Freelancer ${i}`, timeZone, created],
    );
    await pg.query(
      `insert into vetting_invitations (id, freelancer_id, program, category_slug, status, source, created_at)
       values ($1, $2, 'expert-vetted', $3, 'open', 'invitation', $4)`,
      [invitationId, id, CATEGORY, created],
    );
    out.push({ id, invitationId, timeZone });
  }
  await pg.query('commit');
  return { tmIds, freelancers: out };
}

interface Round {
  which: 'baseline' | 'api';
  run: DurationLoadResult;
  usage: PhaseUsage;
}

const perSecond = (r: DurationLoadResult) => r.okLatencies.length / (r.wallMs / 1000);

function total(rounds: Round[]) {
  const ok = rounds.flatMap((r) => r.run.okLatencies);
  const wallMs = rounds.reduce((a, r) => a + r.run.wallMs, 0);
  const s = summarize(ok);
  const statuses: Record<string, number> = {};
  for (const r of rounds) for (const [k, n] of Object.entries(r.run.statuses)) statuses[k] = (statuses[k] ?? 0) + n;
  const elu = rounds.reduce((a, r) => a + r.usage.elu * r.run.wallMs, 0) / Math.max(1, wallMs);
  return { perSecond: ok.length / (wallMs / 1000), ...s, statuses, elu };
}

/** The uncached computation, in-process: the "who is free" read + availableSlots + the answer's strings. */
async function uncachedComputation(api: Awaited<ReturnType<typeof startApi>>, days: number, zone: string, n: number) {
  const orm = api.app.get<MikroORM>(MikroORM, { strict: false });
  const repo = api.app.get(AvailabilityRepository, { strict: false });
  const p = api.config.policy;
  const policy = { callLength: p.callLength, minBookingLead: p.minBookingLead, bookingHorizon: p.bookingHorizon };
  const readMs: number[] = [];
  const computeMs: number[] = [];
  let slots = 0;
  let offers = 0;
  for (let i = 0; i < n + 3; i++) {
    const now = DateTime.utc();
    const to = now.plus({ days });
    const t0 = performance.now();
    const free = await withContext(orm, (em) => repo.whoIsFree({ categorySlug: CATEGORY }, now, to, null, em));
    const t1 = performance.now();
    const list = availableSlots(free.schedules, free.booked, policy, now, now, to);
    const view = list.map((s) => ({
      startsAt: s.startsAt.toUTC().toISO(),
      endsAt: s.endsAt.toUTC().toISO(),
      localStartsAt: s.startsAt.setZone(zone).toISO(),
    }));
    JSON.stringify({ timeZone: zone, slots: view });
    const t2 = performance.now();
    if (i < 3) continue; // warm-up
    readMs.push(t1 - t0);
    computeMs.push(t2 - t1);
    slots = list.length;
    offers = list.reduce((a, s) => a + s.talentManagerIds.length, 0);
  }
  return { read: summarize(readMs), compute: summarize(computeMs), slots, offers };
}

async function main(): Promise<void> {
  const tmCount = envInt('BENCH_TMS', 50);
  const freelancerCount = envInt('BENCH_FREELANCERS', 200);
  const bookedTarget = envInt('BENCH_BOOKED', 120);
  const mixedRate = process.env.BENCH_MIXED_RATE === '0' ? 0 : envInt('BENCH_MIXED_RATE', 10);
  const days = envInt('BENCH_DAYS', 7);
  const connections = envInt('BENCH_CONNECTIONS', 100);
  const durationMs = envInt('BENCH_DURATION_S', 10) * 1000;
  const warmupMs = envInt('BENCH_WARMUP_S', 3) * 1000;
  const roundsEach = envInt('BENCH_ROUNDS', 3);

  console.log(`bench/slots-http — GET ${ROUTE} (${days} days) over HTTP on the real api; ${machineLine()}`);
  const db = await createBenchDatabase();
  const prefix = benchRedisPrefix();
  console.log(`database ${db.name}, redis prefix ${prefix}`);
  const bootStart = performance.now();
  const api = await startApi({ db, redisPrefix: prefix, withWorker: false });
  console.log(
    `api up at ${api.baseUrl} in ${fmt(performance.now() - bootStart, 0)} ms (worker: off, DATABASE_POOL_SIZE ${api.config.env.DATABASE_POOL_SIZE}, call length ${api.config.policy.callLength.toISO()}, min lead ${api.config.policy.minBookingLead.toISO()})`,
  );
  const baselineUrl = await startBareJwtServer(api.env.JWT_SECRET, 'vetting/slots');
  console.log(`baseline (bare Nest + JWT) up at ${baselineUrl}`);

  // ---- preparation (not timed) -------------------------------------------------------------------
  const prepStart = performance.now();
  const pg = await benchPg(db);
  const mixedCount = Math.ceil((mixedRate * durationMs) / 1000) + 20;
  const seeded = await seed(pg, tmCount, freelancerCount + bookedTarget + mixedCount, DateTime.utc());
  const tokens = api.app.get(TokenService, { strict: false });
  const people = seeded.freelancers.map((f) => ({
    ...f,
    token: tokens.issue({ id: f.id, role: 'freelancer', tokenVersion: 0 }),
  }));
  const readers = people.slice(0, freelancerCount);
  const bookers = people.slice(freelancerCount, freelancerCount + bookedTarget);
  const mixedBookers = people.slice(freelancerCount + bookedTarget);
  const to = DateTime.utc().plus({ days }).toISO()!;
  const pathOf = (f: { invitationId: string }) =>
    `${ROUTE}?invitationId=${f.invitationId}&to=${encodeURIComponent(to)}`;

  // Some booked calls, through the api: each booking freelancer takes a random listed slot.
  const first = await runHttp(api.baseUrl, [{ method: 'GET', path: pathOf(bookers[0]), token: bookers[0].token }], 1, {
    keepBody: true,
  });
  if (first.results[0].status !== 200) throw new Error(`slots answered ${first.results[0].status}`);
  const offered: { startsAt: string }[] = first.results[0].body.slots;
  const rand = prng(27);
  const booking = await runHttp(
    api.baseUrl,
    bookers.map((f) => ({
      method: 'POST' as const,
      path: '/api/vetting/calls',
      token: f.token,
      body: { invitationId: f.invitationId, startsAt: offered[Math.floor(rand() * offered.length)].startsAt },
    })),
    8,
  );
  const bookedCodes = tally(booking.results.map((r) => (r.status === 201 ? '201' : `${r.status} ${r.code ?? ''}`)));
  const { rows: bookedRows } = await pg.query<{ n: string }>(
    `select count(*) as n from vetting_calls where status in ('scheduled', 'rescheduled', 'in_progress')`,
  );
  const check = await runHttp(api.baseUrl, [{ method: 'GET', path: pathOf(readers[0]), token: readers[0].token }], 1, {
    keepBody: true,
  });
  const answer = check.results[0].body as { timeZone: string; slots: unknown[] };
  const bytes = Buffer.byteLength(JSON.stringify(answer));
  console.log(
    `prep: ${tmCount} talent managers in ${Math.min(tmCount, TM_ZONES.length)} zones (category ${CATEGORY}), ` +
      `${readers.length} reading freelancers in ${FREELANCER_ZONES.length} zones, ${bookedRows[0].n} booked calls ` +
      `(bookings: ${JSON.stringify(bookedCodes)}), in ${fmt((performance.now() - prepStart) / 1000)} s (not timed)`,
  );
  console.log(
    `one answer: ${check.results[0].status}, ${answer.slots.length} slots before the first booking took ${offered.length}, ${bytes} bytes of JSON (zone ${answer.timeZone})`,
  );

  // ---- baseline 2: the computation without a cache ------------------------------------------------
  await waitForQuiet('uncached computation');
  const unc = await uncachedComputation(api, days, readers[0].timeZone, envInt('BENCH_COMPUTE_N', 30));
  const perCall = unc.read.p50 + unc.compute.p50;
  console.log(
    `\nuncached computation (in-process, ${days} days, ${unc.slots} slots from ${unc.offers} offers): who-is-free read p50 ${fmt(unc.read.p50, 2)} ms, ` +
      `availableSlots + formatting p50 ${fmt(unc.compute.p50, 2)} ms (p95 ${fmt(unc.compute.p95, 2)} ms) — its CPU alone caps one process near ${fmt(1000 / unc.compute.p50, 0)} req/s`,
  );

  // ---- load --------------------------------------------------------------------------------------
  const headers = { accept: 'application/json' };
  const variants = readers.map((f) => ({ path: pathOf(f), headers: { authorization: `Bearer ${f.token}` } }));
  const urls = { baseline: `${baselineUrl}${ROUTE}`, api: `${api.baseUrl}${ROUTE}` } as const;
  const load = (which: keyof typeof urls, ms: number) =>
    runForDuration({ url: urls[which], headers, connections, durationMs: ms, variants });
  console.log(`\nwarm-up: ${warmupMs / 1000} s each, ${connections} connections`);
  await load('baseline', warmupMs);
  await load('api', warmupMs);

  await waitForQuiet('rounds');
  console.log(
    `\n${roundsEach} rounds each of ${durationMs / 1000} s, ${connections} keep-alive connections, ${variants.length} freelancers, interleaved baseline / api`,
  );
  const rounds: Round[] = [];
  let metricsBefore: MetricSample[] = [];
  for (let i = 0; i < 2 * roundsEach; i++) {
    const which = i % 2 === 0 ? 'baseline' : 'api';
    if (which === 'api' && i === 1) metricsBefore = await scrapeMetrics(api.baseUrl);
    const meter = meterPhase();
    const run = await load(which, durationMs);
    const usage = meter();
    rounds.push({ which, run, usage });
    const s = summarize(run.okLatencies);
    const others = Object.entries(run.statuses).filter(([k]) => k !== '200');
    console.log(
      `  #${i + 1} ${which.padEnd(8)} ${fmt(perSecond(run), 0).padStart(6)} req/s   p50 ${fmt(s.p50, 1)} / p95 ${fmt(s.p95, 1)} / p99 ${fmt(s.p99, 1)} ms   max ${fmt(s.max, 0)} ms` +
        `   client loop ${fmt(100 * run.clientElu, 0)} %` +
        (others.length ? `   non-200: ${JSON.stringify(Object.fromEntries(others))} ${run.firstError ?? ''}` : ''),
    );
    console.log(`     ${usageLine(usage).replace('api event-loop', 'server event-loop')}`);
  }
  const metricsAfter = await scrapeMetrics(api.baseUrl);
  const server = histogramWindow(metricsBefore, metricsAfter, 'http_request_duration_seconds', {
    route: ROUTE,
    method: 'GET',
  });

  // ---- one more api round while bookings change the category (each one invalidates the cached list) ----------
  let mixed: { run: DurationLoadResult; usage: PhaseUsage; booked: Record<string, number>; server: string } | null =
    null;
  if (mixedRate > 0) {
    const listed = (
      await runHttp(api.baseUrl, [{ method: 'GET', path: pathOf(mixedBookers[0]), token: mixedBookers[0].token }], 1, {
        keepBody: true,
      })
    ).results[0].body.slots as { startsAt: string }[];
    const before = await scrapeMetrics(api.baseUrl);
    const meter = meterPhase();
    const reading = load('api', durationMs);
    const outcomes: string[] = [];
    const t0 = performance.now();
    for (let i = 0; i < mixedBookers.length && performance.now() - t0 < durationMs - 500; i++) {
      const f = mixedBookers[i];
      const wait = t0 + (i * 1000) / mixedRate - performance.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      const body = { invitationId: f.invitationId, startsAt: listed[Math.floor(rand() * listed.length)].startsAt };
      const r = await runHttp(api.baseUrl, [{ method: 'POST', path: '/api/vetting/calls', token: f.token, body }], 1);
      outcomes.push(r.results[0].status === 201 ? '201' : `${r.results[0].status} ${r.results[0].code ?? ''}`);
    }
    const run = await reading;
    const usage = meter();
    const after = await scrapeMetrics(api.baseUrl);
    const h = histogramWindow(before, after, 'http_request_duration_seconds', { route: ROUTE, method: 'GET' });
    mixed = { run, usage, booked: tally(outcomes), server: serverLatencyLine(h, `GET ${ROUTE} (mixed round)`) };
    const s = summarize(run.okLatencies);
    console.log(
      `\nmixed round: ${durationMs / 1000} s of reads as above while ${outcomes.length} bookings (~${mixedRate}/s, ${JSON.stringify(mixed.booked)}) change the category`,
    );
    console.log(
      `  api ${fmt(perSecond(run), 0)} req/s   p50 ${fmt(s.p50, 1)} / p95 ${fmt(s.p95, 1)} / p99 ${fmt(s.p99, 1)} ms   statuses ${JSON.stringify(run.statuses)}`,
    );
    console.log(`  ${usageLine(usage)}`);
    console.log(`  ${mixed.server}`);
  }

  const b = total(rounds.filter((r) => r.which === 'baseline'));
  const a = total(rounds.filter((r) => r.which === 'api'));
  const ratio = a.perSecond / b.perSecond;
  console.log(`\ntotal over ${roundsEach} rounds each:`);
  console.log(
    `  baseline (bare JWT): ${fmt(b.perSecond, 0)} req/s   p50 ${fmt(b.p50, 1)} / p95 ${fmt(b.p95, 1)} / p99 ${fmt(b.p99, 1)} ms   statuses ${JSON.stringify(b.statuses)}   server loop ${fmt(100 * b.elu, 0)} %`,
  );
  console.log(
    `  api (slots):         ${fmt(a.perSecond, 0)} req/s   p50 ${fmt(a.p50, 1)} / p95 ${fmt(a.p95, 1)} / p99 ${fmt(a.p99, 1)} ms   statuses ${JSON.stringify(a.statuses)}   server loop ${fmt(100 * a.elu, 0)} %`,
  );
  console.log(
    `  api / baseline: ${fmt(ratio, 3)}; api loop time per request ${fmt((1000 * a.elu) / a.perSecond, 3)} ms, baseline ${fmt((1000 * b.elu) / b.perSecond, 3)} ms`,
  );
  console.log(`  ${serverLatencyLine(server, `GET ${ROUTE} (api rounds)`)}`);
  const targets = [
    target('api req/s', a.perSecond, '>=', TARGET_PER_S, '/s'),
    target('api p99 (client)', a.p99, '<=', TARGET_P99_MS, 'ms'),
  ];
  console.log(
    JSON.stringify({
      bench: 'slots-http',
      talentManagers: tmCount,
      freelancers: readers.length,
      bookedCalls: Number(bookedRows[0].n),
      days,
      slotsPerAnswer: answer.slots.length,
      answerBytes: bytes,
      connections,
      durationS: durationMs / 1000,
      rounds: rounds.map((r) => ({
        which: r.which,
        perSecond: round(perSecond(r.run), 1),
        p50Ms: round(summarize(r.run.okLatencies).p50, 2),
        p99Ms: round(summarize(r.run.okLatencies).p99, 2),
        statuses: r.run.statuses,
        ...usageJson(r.usage),
      })),
      baseline: { perSecond: round(b.perSecond, 1), p50Ms: round(b.p50, 2), p99Ms: round(b.p99, 2) },
      api: {
        perSecond: round(a.perSecond, 1),
        p50Ms: round(a.p50, 2),
        p95Ms: round(a.p95, 2),
        p99Ms: round(a.p99, 2),
        statuses: a.statuses,
        loopMsPerRequest: round((1000 * a.elu) / a.perSecond, 3),
      },
      server: {
        requests: server.count,
        meanMs: round((1000 * server.sum) / Math.max(1, server.count), 2),
        p50Ms: round(1000 * histogramQuantile(server, 0.5), 2),
        p99Ms: round(1000 * histogramQuantile(server, 0.99), 2),
      },
      uncached: {
        readP50Ms: round(unc.read.p50, 2),
        computeP50Ms: round(unc.compute.p50, 2),
        computeP95Ms: round(unc.compute.p95, 2),
        perCallMs: round(perCall, 2),
      },
      mixed: mixed && {
        perSecond: round(perSecond(mixed.run), 1),
        p50Ms: round(summarize(mixed.run.okLatencies).p50, 2),
        p99Ms: round(summarize(mixed.run.okLatencies).p99, 2),
        statuses: mixed.run.statuses,
        bookings: mixed.booked,
        ...usageJson(mixed.usage),
      },
      ratio: round(ratio, 3),
      targets,
    }),
  );
}

runBench('bench/slots-http', 10 * 60_000, main);
