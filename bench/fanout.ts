/**
 * Vetted-talent alert fan-out to 100,000 followers (issue 15 target: stored and pushed ≤ 20 s).
 *
 *   npm run bench:fanout
 *
 * Boots the real api with the BullMQ worker in process (`createApi({ withWorker: true })`) on its own database
 * and Redis prefix. Untimed preparation (bench/fanout-setup.ts): FANOUT_CLIENTS business_plus/enterprise
 * clients following one category (bulk SQL, one precomputed bcrypt hash), distractors that must get nothing,
 * and a sample of FANOUT_SAMPLE followers spread evenly over the list, connected to `/live` from a child
 * process (bench/fanout-client.ts; websocket only, in bounded batches).
 *
 * Baseline, same run, same process and adapter: one bare bulk INSERT of the same number of equivalent rows,
 * then one Socket.IO emit per user room (no product logic). Then the product, timed from
 * `FanoutService.start({...})`:
 *   - stored: every follower's `talent.vetted` row committed (counted in PostgreSQL every 200 ms);
 *   - pushed: each sampled follower's socket got its `notification:new` (the client's receive times);
 *   - fan-out jobs finished: the `talent-alerts` queue idle (`GET /metrics` vetting_queue_jobs, BullMQ counts)
 *     and the outbox backlog (`vetting_outbox_backlog`) empty;
 *   - then, capped at FANOUT_DELIVERY_WAIT_S: deliveries routed (email_deliveries rows) and e-mails sent
 *     (.eml files into a temporary DATA_DIR).
 * FANOUT_CPU_PROF=<dir> writes a V8 CPU profile of the api + worker over the timed phase and prints its top.
 * Timing is never asserted: the target is printed as met / NOT MET.
 */
import 'reflect-metadata';
import { INestApplication } from '@nestjs/common';
import { getQueueToken } from '@nestjs/bullmq';
import { Queue } from 'bullmq';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { AppConfig } from '@vetting/core';
import { TokenService } from '@vetting/identity';
import { LiveGateway } from '@vetting/live';
import { DELIVERY_QUEUE, FANOUT_QUEUE, FanoutService } from '../libs/notifications/src';
import { createApi } from '../apps/api/src/bootstrap';
import { CATEGORY, nowMs, profileTop, runBaseline, sampleFollowers, seedFollowers } from './fanout-setup';
import {
  apiEnv,
  benchRedisPrefix,
  createBenchDatabase,
  envInt,
  forkTs,
  onCleanup,
  randomId,
  runMain,
  sleep,
} from './live-support';
import { metricValue, scrapeMetrics } from './metrics-scrape';
import { meterPhase, startCpuProfile, usageJson, usageLine, waitForQuiet } from './support';

const CLIENTS = envInt('FANOUT_CLIENTS', 100_000);
const SAMPLE = envInt('FANOUT_SAMPLE', 2_000);
const TARGET_MS = 20_000;
const PUSH_BOUND_MS = envInt('FANOUT_PUSH_BOUND_S', 150) * 1000;
const DELIVERY_WAIT_MS = envInt('FANOUT_DELIVERY_WAIT_S', 120) * 1000;
process.env.BENCH_QUIET_WAIT_S ??= '30';

const secs = (ms: number | null) => (ms === null ? 'n/a' : `${(ms / 1000).toFixed(2)} s`);
const pct = (xs: number[], p: number) =>
  xs.length ? xs[Math.min(xs.length - 1, Math.ceil((p / 100) * xs.length) - 1)] : NaN;
const load = () =>
  loadavg()
    .map((x) => x.toFixed(2))
    .join(' / ');

runMain('fanout', 25 * 60_000, async () => {
  console.log(`machine: load average ${load()} on 2 cores at the start`);
  const db = await createBenchDatabase();
  const prefix = benchRedisPrefix();
  const dataDir = mkdtempSync(join(tmpdir(), 'bench-fanout-'));
  onCleanup(`rm ${dataDir}`, async () => rmSync(dataDir, { recursive: true, force: true }));
  const extra: Record<string, string> = { DATA_DIR: dataDir };
  for (const k of ['FANOUT_BATCH_SIZE', 'WORKER_CONCURRENCY']) if (process.env[k]) extra[k] = process.env[k] as string;
  const config = AppConfig.fromEnv(apiEnv(db, prefix, extra));
  const batchSize = config.env.FANOUT_BATCH_SIZE;
  console.log(
    `fanout: ${CLIENTS} followers, sample of ${SAMPLE} sockets, FANOUT_BATCH_SIZE=${batchSize}, WORKER_CONCURRENCY=${config.env.WORKER_CONCURRENCY}, worker in the api process`,
  );

  let t = Date.now();
  const app: INestApplication = await createApi({ config, withWorker: true, bufferLogs: false });
  onCleanup('api', () => app.close());
  await app.listen(0, '127.0.0.1');
  const baseUrl = (await app.getUrl()).replace('[::1]', '127.0.0.1').replace('localhost', '127.0.0.1');
  console.log(`setup: api + worker booted in ${Date.now() - t} ms at ${baseUrl}; database ${db.name}, redis ${prefix}`);

  const pg = new Client({ connectionString: db.url });
  await pg.connect();
  onCleanup('pg client', () => pg.end());
  const tag = randomId(3);
  t = Date.now();
  const { freelancerId } = await seedFollowers(pg, CLIENTS, tag);
  console.log(
    `setup: ${CLIENTS} followers (+400 distractors) and their subscriptions inserted in ${Date.now() - t} ms`,
  );

  const tokens = app.get(TokenService);
  const sample = (await sampleFollowers(pg, tag, SAMPLE)).map((u) => ({
    id: u.id,
    token: tokens.issue({ id: u.id, role: 'client', tokenVersion: u.token_version }),
  }));
  const client = forkTs('fanout-client', 'bench/fanout-client.ts', {});
  const conn = await client.call<{ connected: number; failed: number; firstError: string | null; ms: number }>(
    'connect',
    { url: baseUrl, users: sample, concurrency: 50 },
    10 * 60_000,
  );
  console.log(
    `setup: ${conn.connected}/${sample.length} sample sockets connected in ${conn.ms} ms (websocket only, 50 at a time)${conn.failed ? `; ${conn.failed} failed: ${conn.firstError}` : ''}`,
  );
  const metrics = () => scrapeMetrics(baseUrl);
  const fanoutQueue = app.get<Queue>(getQueueToken(FANOUT_QUEUE));
  const deliveryQueue = app.get<Queue>(getQueueToken(DELIVERY_QUEUE));
  const ns = app.get(LiveGateway).server;

  const arrivalsOf = async (type: string, t0: number) => {
    const r = await client.call<{ arrivals: number[]; repeats: number }>('arrivals', { type });
    const ms = r.arrivals.map((a) => a - t0).sort((a, b) => a - b);
    return {
      n: ms.length,
      repeats: r.repeats,
      p50: pct(ms, 50),
      p99: pct(ms, 99),
      max: ms.length ? ms[ms.length - 1] : NaN,
    };
  };
  const waitArrivals = async (type: string, t0: number, boundMs: number) => {
    let a = await arrivalsOf(type, t0);
    while (a.n < conn.connected && nowMs() - t0 < boundMs) {
      await sleep(200);
      a = await arrivalsOf(type, t0);
    }
    return a;
  };

  // ---- baseline ---------------------------------------------------------------------------------------
  await waitForQuiet('baseline');
  let meter = meterPhase();
  const b0 = nowMs();
  const base = await runBaseline(pg, ns, b0);
  const baseArr = await waitArrivals('bench.baseline', b0, 120_000);
  const baseUsage = meter();
  console.log(
    `baseline: bare INSERT of ${base.rows} rows ${secs(base.insertMs)}, + one emit per user room done at ${secs(base.emitMs)}; ` +
      `sample received ${baseArr.n}/${conn.connected}: p50 ${secs(baseArr.p50)}, p99 ${secs(baseArr.p99)}, last ${secs(baseArr.max)}`,
  );
  console.log(`baseline: ${usageLine(baseUsage)}`);
  await pg.query('checkpoint');

  // ---- the product ------------------------------------------------------------------------------------
  await waitForQuiet('fan-out');
  const profDir = process.env.FANOUT_CPU_PROF;
  const stopProfile = profDir ? await startCpuProfile(join(profDir, `fanout-${tag}.cpuprofile`)) : null;
  meter = meterPhase();
  const fanout = app.get(FanoutService);
  const t0 = nowMs();
  await fanout.start({
    alertId: `bench-${tag}`,
    freelancerId,
    freelancerName: 'Bench Vetted Freelancer',
    categorySlug: CATEGORY,
  });
  const startMs = nowMs() - t0;
  let storedAt: number | null = null;
  let jobsDoneAt: number | null = null;
  let outboxAt: number | null = null;
  let stored = 0;
  let lastScrape = 0;
  let m = { fanoutBusy: NaN, outbox: NaN, deliveryWaiting: NaN };
  while (nowMs() - t0 < PUSH_BOUND_MS) {
    if (storedAt === null) {
      stored = Number(
        (await pg.query(`select count(*) from notifications where type = 'talent.vetted'`)).rows[0].count,
      );
      if (stored >= CLIENTS) storedAt = nowMs() - t0;
    }
    if (nowMs() - lastScrape > 500) {
      lastScrape = nowMs();
      const s = await metrics();
      const q = (queue: string, state: string) => metricValue(s, 'vetting_queue_jobs', { queue, state });
      m = {
        fanoutBusy: q('talent-alerts', 'waiting') + q('talent-alerts', 'active') + q('talent-alerts', 'delayed'),
        outbox: metricValue(s, 'vetting_outbox_backlog'),
        deliveryWaiting: q('notification-delivery', 'waiting'),
      };
      const at = nowMs() - t0;
      const fc = await fanoutQueue.getJobCounts('completed', 'failed');
      if (jobsDoneAt === null && storedAt !== null && m.fanoutBusy === 0 && (fc.completed ?? 0) > 0) jobsDoneAt = at;
      if (outboxAt === null && storedAt !== null && m.outbox === 0) outboxAt = at;
    }
    const arr = await arrivalsOf('talent.vetted', t0);
    if (storedAt !== null && jobsDoneAt !== null && outboxAt !== null && arr.n >= conn.connected) break;
    await sleep(200);
  }
  const pushed = await arrivalsOf('talent.vetted', t0);
  const pushUsage = meter();
  const profile = stopProfile ? await stopProfile() : null;
  const fc = await fanoutQueue.getJobCounts('completed', 'failed');
  const storedAndPushed = storedAt !== null && pushed.n >= conn.connected ? Math.max(storedAt, pushed.max) : null;
  const met = storedAndPushed !== null && storedAndPushed <= TARGET_MS;
  if (storedAt === null) console.log(`stored: only ${stored}/${CLIENTS} rows after ${secs(PUSH_BOUND_MS)} (bound)`);
  else
    console.log(
      `stored: all ${CLIENTS} talent.vetted rows committed ${secs(storedAt)} after start() (${Math.round(CLIENTS / (storedAt / 1000))}/s)`,
    );
  console.log(
    `pushed: sample received ${pushed.n}/${conn.connected} (repeats ${pushed.repeats}): p50 ${secs(pushed.p50)}, p99 ${secs(pushed.p99)}, last ${secs(pushed.max)} after start()`,
  );
  console.log(
    `fan-out jobs: talent-alerts idle at ${secs(jobsDoneAt)} (${fc.completed} completed, ${fc.failed} failed; /metrics busy=${m.fanoutBusy}); outbox backlog 0 at ${secs(outboxAt)} (last /metrics backlog ${m.outbox}); start() took ${startMs.toFixed(1)} ms`,
  );
  console.log(`fan-out: ${usageLine(pushUsage)} (the socket client process counts as "other")`);
  console.log(
    `target: ${CLIENTS} followers stored and pushed ≤ ${secs(TARGET_MS)}: ${secs(storedAndPushed)} → ${met ? 'met' : 'NOT MET'} ` +
      `(baseline: rows ${secs(base.insertMs)}, sample's last push ${secs(baseArr.max)})`,
  );
  if (profile) {
    console.log(`cpu profile: ${profile}; top self time (ms):`);
    for (const r of profileTop(JSON.parse(readFileSync(profile, 'utf8'))))
      console.log(`  ${String(r.ms).padStart(6)}  ${r.fn}`);
  }

  // ---- deliveries (capped) ----------------------------------------------------------------------------
  let routedAt: number | null = null;
  let drainedAt: number | null = null;
  let d = { routed: 0, sent: 0 };
  const dEnd = nowMs() + DELIVERY_WAIT_MS;
  while (nowMs() < dEnd) {
    const r = (
      await pg.query(
        `select count(*)::int as routed, count(*) filter (where status = 'sent')::int as sent from email_deliveries`,
      )
    ).rows[0];
    d = { routed: r.routed, sent: r.sent };
    if (routedAt === null && d.routed >= CLIENTS) routedAt = nowMs() - t0;
    const c = await deliveryQueue.getJobCounts('waiting', 'active', 'delayed', 'prioritized');
    const busy = (c.waiting ?? 0) + (c.active ?? 0) + (c.delayed ?? 0) + (c.prioritized ?? 0);
    if (routedAt !== null && d.sent >= CLIENTS && busy === 0) {
      drainedAt = nowMs() - t0;
      break;
    }
    await sleep(1000);
  }
  const dq = await deliveryQueue.getJobCounts('waiting', 'active', 'delayed', 'completed', 'failed');
  console.log(
    `deliveries: routed ${d.routed}/${CLIENTS}${routedAt === null ? '' : ` (all at ${secs(routedAt)})`}, e-mails sent ${d.sent}/${CLIENTS}${drainedAt === null ? ` (wait capped at ${secs(DELIVERY_WAIT_MS)} after the push phase, ${secs(nowMs() - t0)} after start())` : ` (queue drained at ${secs(drainedAt)})`}; delivery queue ${JSON.stringify(dq)}`,
  );

  // ---- correctness (not timing) -----------------------------------------------------------------------
  const check = (
    await pg.query(
      `select count(*)::int as total, count(distinct n.user_id)::int as users,
              count(*) filter (where u.plan = 'marketplace')::int as marketplace,
              count(*) filter (where u.email like 'other-%')::int as other_category
         from notifications n join users u on u.id = n.user_id where n.type = 'talent.vetted'`,
    )
  ).rows[0];
  const correct =
    check.total === CLIENTS && check.users === CLIENTS && check.marketplace === 0 && check.other_category === 0;
  console.log(
    `check: ${check.total} notifications to ${check.users} distinct followers, ${check.marketplace} marketplace, ${check.other_category} other-category → ${correct ? 'correct' : 'WRONG'}`,
  );
  const sockets = await client.call<{ connected: number; disconnects: number }>('counts');
  console.log(
    `machine: load average ${load()} at the end; sample sockets still connected ${sockets.connected}, dropped ${sockets.disconnects}`,
  );
  console.log(
    JSON.stringify({
      bench: 'fanout',
      at: new Date().toISOString(),
      clients: CLIENTS,
      sample: conn.connected,
      batchSize,
      workerConcurrency: config.env.WORKER_CONCURRENCY,
      target: { storedAndPushedMs: TARGET_MS, met },
      storedAndPushedMs: storedAndPushed === null ? null : Math.round(storedAndPushed),
      storedMs: storedAt === null ? null : Math.round(storedAt),
      stored,
      pushed: {
        received: pushed.n,
        repeats: pushed.repeats,
        p50Ms: Math.round(pushed.p50),
        p99Ms: Math.round(pushed.p99),
        lastMs: Math.round(pushed.max),
      },
      fanoutJobsIdleMs: jobsDoneAt === null ? null : Math.round(jobsDoneAt),
      outboxEmptyMs: outboxAt === null ? null : Math.round(outboxAt),
      fanoutJobs: fc,
      baseline: {
        insertMs: Math.round(base.insertMs),
        emitsDoneMs: Math.round(base.emitMs),
        sampleLastMs: Math.round(baseArr.max),
        sampleReceived: baseArr.n,
      },
      deliveries: {
        routed: d.routed,
        routedAllMs: routedAt === null ? null : Math.round(routedAt),
        emailsSent: d.sent,
        drainedMs: drainedAt === null ? null : Math.round(drainedAt),
        capMs: DELIVERY_WAIT_MS,
      },
      usage: { baseline: usageJson(baseUsage), fanout: usageJson(pushUsage) },
      correct,
      loadavg: loadavg().map((x) => Math.round(x * 100) / 100),
    }),
  );
});
