/**
 * Vetted-talent alert fan-out to 10,000 clients.
 *
 *   node -r ts-node/register/transpile-only -r tsconfig-paths/register bench/fanout.ts
 *
 * Boots the real api with the BullMQ worker in process (`createApi({ withWorker: true })`) on its own
 * database and Redis prefix. Setup (not timed, bulk SQL, no HTTP and no bcrypt): FANOUT_CLIENTS
 * business_plus/enterprise clients following one category in `talent_alert_subscriptions`, one freelancer,
 * and distractors that must get nothing (marketplace clients following the category, business_plus
 * clients following another one).
 *
 * Timed, from `FanoutService.start({...})`:
 *   1. until FANOUT_CLIENTS `talent.vetted` notifications exist (polled every 100 ms, bounded by 5 min);
 *   2. until every resulting `route` job of the 'notification-delivery' queue has completed (BullMQ
 *      QueueEvents, bounded by 5 min), and until the queue is drained (no waiting/active/delayed job:
 *      this includes the `email` jobs the route jobs queue; without SMTP_URL they are written as .eml
 *      files into a temporary DATA_DIR, removed at the end).
 * No numeric target was set for this benchmark: the figures are reported, not judged.
 */
import 'reflect-metadata';
import { INestApplication } from '@nestjs/common';
import { getQueueToken } from '@nestjs/bullmq';
import { Queue, QueueEvents } from 'bullmq';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Client } from 'pg';
import { AppConfig } from '@vetting/core';
import { DELIVERY_QUEUE, FANOUT_QUEUE, FanoutService } from '../libs/notifications/src';
import { createApi } from '../apps/api/src/bootstrap';
import {
  apiEnv,
  benchRedisPrefix,
  createBenchDatabase,
  envInt,
  onCleanup,
  randomId,
  runMain,
  sleep,
} from './live-support';

const CLIENTS = envInt('FANOUT_CLIENTS', 10_000);
const MARKETPLACE_DISTRACTORS = 200;
const OTHER_CATEGORY_DISTRACTORS = 200;
const CATEGORY = 'data-science-analytics';
const POLL_MS = 100;
const BOUND_MS = 5 * 60_000;

const secs = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

runMain('fanout', 15 * 60_000, async () => {
  console.log(
    `machine: load average ${loadavg()
      .map((x) => x.toFixed(2))
      .join(' / ')} on 2 cores at the start (other work on the machine adds noise)`,
  );
  const db = await createBenchDatabase();
  const prefix = benchRedisPrefix();
  const dataDir = mkdtempSync(join(tmpdir(), 'bench-fanout-'));
  onCleanup(`rm ${dataDir}`, async () => rmSync(dataDir, { recursive: true, force: true }));
  const extra: Record<string, string> = { DATA_DIR: dataDir };
  if (process.env.FANOUT_BATCH_SIZE) extra.FANOUT_BATCH_SIZE = process.env.FANOUT_BATCH_SIZE;
  if (process.env.WORKER_CONCURRENCY) extra.WORKER_CONCURRENCY = process.env.WORKER_CONCURRENCY;
  const config = AppConfig.fromEnv(apiEnv(db, prefix, extra));
  const batchSize = config.env.FANOUT_BATCH_SIZE;
  console.log(
    `fanout: ${CLIENTS} subscribed business_plus/enterprise clients, FANOUT_BATCH_SIZE=${batchSize}, WORKER_CONCURRENCY=${config.env.WORKER_CONCURRENCY}, worker in the api process`,
  );
  console.log(`setup: database ${db.name}, redis prefix ${prefix}, DATA_DIR ${dataDir}`);

  const t0 = Date.now();
  const app: INestApplication = await createApi({ config, withWorker: true, bufferLogs: false });
  onCleanup('api', () => app.close());
  await app.listen(0, '127.0.0.1');
  console.log(`setup: api + worker booted in ${Date.now() - t0} ms`);

  // ---- rows by bulk SQL (not timed) ------------------------------------------------------------
  const pg = new Client({ connectionString: db.url });
  await pg.connect();
  onCleanup('pg client', () => pg.end());
  const tag = randomId(3);
  const t1 = Date.now();
  const insertClients = (n: number, kind: string, planSql: string) =>
    pg.query(
      `insert into users (id, email, password_hash, name, role, time_zone, plan, created_at)
       select gen_random_uuid(), '${kind}-' || g || '-${tag}@bench-fanout.test', 'not-a-bcrypt-hash', 'Bench client ' || g, 'client', 'UTC', ${planSql}, now()
         from generate_series(1, $1::int) g`,
      [n],
    );
  const subscribe = (kind: string, category: string) =>
    pg.query(
      `insert into talent_alert_subscriptions (client_id, category_slug, created_at) select id, $1, now() from users where email like $2`,
      [category, `${kind}-%-${tag}@bench-fanout.test`],
    );
  await insertClients(CLIENTS, 'fan', `case when g % 2 = 0 then 'business_plus' else 'enterprise' end`);
  await subscribe('fan', CATEGORY);
  await insertClients(MARKETPLACE_DISTRACTORS, 'market', `'marketplace'`);
  await subscribe('market', CATEGORY);
  await insertClients(OTHER_CATEGORY_DISTRACTORS, 'other', `'business_plus'`);
  await subscribe('other', 'web-mobile-software-dev');
  const freelancerId = (
    await pg.query(
      `insert into users (id, email, password_hash, name, role, time_zone, plan, created_at)
       values (gen_random_uuid(), $1, 'not-a-bcrypt-hash', 'Bench Vetted Freelancer', 'freelancer', 'UTC', null, now()) returning id`,
      [`vetted-${tag}@bench-fanout.test`],
    )
  ).rows[0].id as string;
  await pg.query('analyze users; analyze talent_alert_subscriptions');
  const subs = Number(
    (await pg.query(`select count(*) from talent_alert_subscriptions where category_slug = $1`, [CATEGORY])).rows[0]
      .count,
  );
  console.log(
    `setup: ${CLIENTS + MARKETPLACE_DISTRACTORS + OTHER_CATEGORY_DISTRACTORS + 1} users and ${subs} subscriptions to ${CATEGORY} inserted in ${Date.now() - t1} ms (+${MARKETPLACE_DISTRACTORS} marketplace and ${OTHER_CATEGORY_DISTRACTORS} other-category distractors)`,
  );

  // ---- the queue and its events -------------------------------------------------------------------
  const queue = app.get<Queue>(getQueueToken(DELIVERY_QUEUE));
  const events = new QueueEvents(DELIVERY_QUEUE, {
    connection: queue.opts.connection as any,
    prefix: queue.opts.prefix,
  });
  onCleanup('queue events', () => events.close());
  await events.waitUntilReady();
  // Fan-out batches run on their own queue, so a batch never waits behind the previous one's deliveries.
  const fanoutEvents = new QueueEvents(FANOUT_QUEUE, {
    connection: queue.opts.connection as any,
    prefix: queue.opts.prefix,
  });
  onCleanup('fan-out queue events', () => fanoutEvents.close());
  await fanoutEvents.waitUntilReady();
  const before = await queue.getJobCounts();
  const busyBefore = (before.waiting ?? 0) + (before.active ?? 0) + (before.delayed ?? 0) + (before.prioritized ?? 0);
  if (busyBefore > 0) throw new Error(`the delivery queue is not empty before the run: ${JSON.stringify(before)}`);

  const done = { route: 0, email: 0, fanout: 0, fanoutWithClients: 0, other: 0 };
  const failed = { route: 0, email: 0, fanout: 0, other: 0 };
  let firstFailure: string | null = null;
  let start = 0;
  let routeAllAt: number | null = null;
  const fanoutJobIds: string[] = [];
  const kindOf = (jobId: string): 'route' | 'email' | 'fanout' | 'other' =>
    jobId.startsWith('fanout:')
      ? 'fanout'
      : jobId.endsWith(':route')
        ? 'route'
        : jobId.endsWith(':email')
          ? 'email'
          : 'other';
  const onCompleted = ({ jobId, returnvalue }: { jobId: string; returnvalue: unknown }) => {
    const kind = kindOf(jobId);
    done[kind]++;
    if (kind === 'fanout') {
      fanoutJobIds.push(jobId);
      const value = typeof returnvalue === 'string' ? safeJson(returnvalue) : returnvalue;
      if (value && (value as any).notified > 0) done.fanoutWithClients++;
    }
    if (kind === 'route' && done.route === CLIENTS && routeAllAt === null) routeAllAt = performance.now() - start;
  };
  const onFailed = ({ jobId, failedReason }: { jobId: string; failedReason: string }) => {
    failed[kindOf(jobId)]++;
    firstFailure ??= `${jobId}: ${failedReason}`;
  };
  for (const e of [events, fanoutEvents]) {
    e.on('completed', onCompleted);
    e.on('failed', onFailed);
  }

  // ---- timed ------------------------------------------------------------------------------------------
  const fanout = app.get(FanoutService);
  const alertId = `bench-${tag}`;
  start = performance.now();
  await fanout.start({ alertId, freelancerId, freelancerName: 'Bench Vetted Freelancer', categorySlug: CATEGORY });
  const enqueueMs = performance.now() - start;

  let notifiedAt: number | null = null;
  let lastCount = 0;
  while (performance.now() - start < BOUND_MS) {
    lastCount = Number(
      (await pg.query(`select count(*) from notifications where type = 'talent.vetted'`)).rows[0].count,
    );
    if (lastCount >= CLIENTS) {
      notifiedAt = performance.now() - start;
      break;
    }
    await sleep(POLL_MS);
  }
  if (notifiedAt === null)
    console.log(`notifications: only ${lastCount}/${CLIENTS} after ${secs(BOUND_MS)} (bound reached)`);
  else
    console.log(
      `notifications: ${lastCount} talent.vetted notifications stored ${secs(notifiedAt)} after start() → ${Math.round(CLIENTS / (notifiedAt / 1000))} notifications/s`,
    );

  // Route jobs, then the whole queue (route + the email jobs they add).
  let drainedAt: number | null = null;
  let counts: Record<string, number> = {};
  const t2 = performance.now();
  while (performance.now() - t2 < BOUND_MS) {
    counts = await queue.getJobCounts();
    const busy =
      (counts.waiting ?? 0) +
      (counts.active ?? 0) +
      (counts.delayed ?? 0) +
      (counts.prioritized ?? 0) +
      (counts['waiting-children'] ?? 0);
    if (busy === 0 && routeAllAt !== null) {
      drainedAt = performance.now() - start;
      break;
    }
    if (busy === 0 && performance.now() - start > (notifiedAt ?? 0) + 10_000) {
      drainedAt = performance.now() - start; // drained, but the events did not report every route job
      break;
    }
    await sleep(250);
  }
  const routeMs = routeAllAt as number | null;
  if (routeMs !== null)
    console.log(
      `route jobs: ${done.route} completed ${secs(routeMs)} after start() → ${Math.round(CLIENTS / (routeMs / 1000))} route jobs/s`,
    );
  else console.log(`route jobs: ${done.route}/${CLIENTS} completion events seen (bound reached or events missed)`);
  if (drainedAt !== null)
    console.log(
      `queue drained (route + email jobs): ${secs(drainedAt)} after start(); ${done.email} email jobs completed`,
    );
  else console.log(`queue not drained within ${secs(BOUND_MS)}: ${JSON.stringify(counts)}`);
  console.log(
    `batches: ${done.fanout} fanout jobs completed (${done.fanoutWithClients} with clients, ${done.fanout - done.fanoutWithClients} empty); expected ${Math.ceil(CLIENTS / batchSize)} with clients`,
  );
  // Where a batch's time goes: waiting in the queue (behind other jobs) vs running (BullMQ's own timestamps).
  const fanoutQueue = app.get<Queue>(getQueueToken(FANOUT_QUEUE));
  const batchJobs = (await Promise.all(fanoutJobIds.map((id) => fanoutQueue.getJob(id)))).filter(
    (j) => j && j.processedOn && j.finishedOn,
  );
  const waits = batchJobs.map((j) => j!.processedOn! - j!.timestamp);
  const runs = batchJobs.map((j) => j!.finishedOn! - j!.processedOn!);
  const mean = (xs: number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : NaN);
  const batchSplit = {
    jobs: batchJobs.length,
    meanWaitMs: Math.round(mean(waits)),
    maxWaitMs: waits.length ? Math.max(...waits) : null,
    meanRunMs: Math.round(mean(runs)),
    maxRunMs: runs.length ? Math.max(...runs) : null,
  };
  console.log(
    `batches: each fanout job waited in the queue ${batchSplit.meanWaitMs} ms on average (max ${batchSplit.maxWaitMs} ms) and ran ${batchSplit.meanRunMs} ms on average (max ${batchSplit.maxRunMs} ms); ` +
      `batches run on their own queue (talent-alerts), not behind the deliveries they create`,
  );
  console.log(
    `failed jobs: route=${failed.route} email=${failed.email} fanout=${failed.fanout} other=${failed.other}${firstFailure ? ` (first: ${firstFailure})` : ''}; start() itself took ${enqueueMs.toFixed(1)} ms`,
  );

  // ---- checks (correctness, not timing) -----------------------------------------------------------------
  const check = (
    await pg.query(
      `select count(*)::int as total, count(distinct n.user_id)::int as users,
              count(*) filter (where u.plan = 'marketplace')::int as marketplace,
              count(*) filter (where u.email like 'other-%')::int as other_category
         from notifications n join users u on u.id = n.user_id where n.type = 'talent.vetted'`,
    )
  ).rows[0];
  const emails = (
    await pg.query(
      `select count(*)::int as total, count(*) filter (where status = 'sent')::int as sent from email_deliveries`,
    )
  ).rows[0];
  let eml = 0;
  try {
    eml = readdirSync(join(dataDir, 'outbox')).length;
  } catch {
    /* no outbox: no email written */
  }
  const correct =
    check.total === CLIENTS && check.users === CLIENTS && check.marketplace === 0 && check.other_category === 0;
  console.log(
    `check: ${check.total} notifications to ${check.users} distinct clients, ${check.marketplace} to marketplace clients, ${check.other_category} to other-category followers → ${correct ? 'correct' : 'WRONG'}; ` +
      `email_deliveries=${emails.total} (sent ${emails.sent}), .eml files=${eml}`,
  );
  console.log(
    `machine: load average ${loadavg()
      .map((x) => x.toFixed(2))
      .join(' / ')} at the end`,
  );
  console.log('target: none was set for the fan-out; figures only');
  console.log(
    JSON.stringify({
      bench: 'fanout',
      at: new Date().toISOString(),
      clients: CLIENTS,
      batchSize,
      workerConcurrency: config.env.WORKER_CONCURRENCY,
      notificationsMs: notifiedAt === null ? null : Math.round(notifiedAt),
      notificationsPerSec: notifiedAt === null ? null : Math.round(CLIENTS / (notifiedAt / 1000)),
      routeJobsMs: routeMs === null ? null : Math.round(routeMs),
      routeJobsPerSec: routeMs === null ? null : Math.round(CLIENTS / (routeMs / 1000)),
      queueDrainedMs: drainedAt === null ? null : Math.round(drainedAt),
      fanoutJobs: done.fanout,
      fanoutJobsWithClients: done.fanoutWithClients,
      batchSplit,
      routeJobsCompleted: done.route,
      emailJobsCompleted: done.email,
      failed,
      correct,
      emailDeliveries: emails,
      loadavg: loadavg().map((x) => Math.round(x * 100) / 100),
    }),
  );
});

function safeJson(s: string): unknown {
  try {
    return JSON.parse(s);
  } catch {
    return null;
  }
}
