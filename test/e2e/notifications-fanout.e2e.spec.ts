import { getQueueToken } from '@nestjs/bullmq';
import { Queue } from 'bullmq';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { OutboxRelay } from '@vetting/core';
import { TokenService } from '@vetting/identity';
import { DELIVERY_QUEUE, FanoutService, routeBatchJobId } from '@vetting/notifications';
import { TestApp, connected, startTestApp } from '../support/test-app';
import { until } from '../support/until';

jest.setTimeout(120_000);

/**
 * The vetted-talent fan-out at batch size 3 over 7 followers: each batch is one set-based statement and one
 * outbox row for its pushes and routing (not one per notification) and one routing job (set-based: emails
 * and webhook deliveries claimed for the lot, by each user's preferences); the next batch's job is owed
 * before the batch's pushes; a retried batch stores and owes nothing; a repeated delivery pushes again (same
 * ids) and routes nothing twice.
 */
describe('notifications: vetted-talent fan-out in batches (PostgreSQL + Redis + worker)', () => {
  let t: TestApp;
  let pg: Client;
  let receiver: Server;
  let hookUrl: string;
  const hits: string[] = [];
  const dataDir = mkdtempSync(join(tmpdir(), 'fanout-e2e-'));
  const category = 'data-science-analytics';

  beforeAll(async () => {
    receiver = createServer((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        hits.push(body);
        res.end();
      });
    });
    await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
    hookUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
    t = await startTestApp({ withWorker: true, env: { FANOUT_BATCH_SIZE: '3', DATA_DIR: dataDir } });
    pg = new Client({ connectionString: t.databaseUrl });
    await pg.connect();
  });
  afterAll(async () => {
    await pg?.end();
    await t?.close();
    await new Promise((r) => receiver?.close(r));
    rmSync(dataDir, { recursive: true, force: true });
  });

  async function client(plan: string): Promise<string> {
    const id = randomUUID();
    await pg.query(
      `insert into users (id, email, password_hash, name, role, time_zone, plan, created_at)
       values ($1, $2, 'x', 'Follower', 'client', 'UTC', $3, now())`,
      [id, `${id}@fanout.test`, plan],
    );
    await pg.query(
      `insert into talent_alert_subscriptions (client_id, category_slug, created_at) values ($1, $2, now())`,
      [id, category],
    );
    return id;
  }

  it('stores every follower once in set-based batches, owes one delivery row and routes once per batch, and delivers each push and delivery once', async () => {
    const followers = [];
    for (let i = 0; i < 7; i++) followers.push(await client(i % 2 ? 'business_plus' : 'enterprise'));
    const marketplace = await client('marketplace');
    const [pushOff, emailOff, withHook] = [followers[4], followers[1], followers[6]];
    await pg.query(
      `insert into notification_preferences (user_id, push, email, webhook, muted_types, updated_at)
       values ($1, false, true, true, '[]', now()), ($2, true, false, true, '[]', now())`,
      [pushOff, emailOff],
    );
    await pg.query(
      `insert into webhooks (id, user_id, url, secret, events, active, created_at)
       values ($1, $2, $3, 'secret-secret-secret-secret', '["talent.vetted"]', true, now())`,
      [randomUUID(), withHook, hookUrl],
    );
    const tokens = t.app.get(TokenService);
    const seen = new Map<string, { id: string; type: string }[]>();
    for (const id of [...followers, marketplace]) {
      const s = t.socket(tokens.issue({ id, role: 'client', tokenVersion: 0 }));
      seen.set(id, []);
      s.on('notification:new', (n) => seen.get(id)!.push(n));
      await connected(s);
    }
    const pushed = followers.filter((id) => id !== pushOff);

    const alertId = randomUUID();
    const job = { alertId, freelancerId: randomUUID(), freelancerName: 'Vetted Freelancer', categorySlug: category };
    await t.app.get(FanoutService).start(job);
    const undelivered = async () =>
      Number((await pg.query(`select count(*)::int as n from outbox where delivered_at is null`)).rows[0].n);
    await until('every follower pushed', async () => pushed.every((id) => seen.get(id)!.length >= 1));
    await until('outbox drained', async () => (await undelivered()) === 0);

    const stored = (
      await pg.query<{ id: string; user_id: string }>(
        `select id, user_id from notifications where type = 'talent.vetted' and dedupe_key like $1`,
        [`talent.vetted:${alertId}:%`],
      )
    ).rows;
    expect(stored.map((r) => r.user_id).sort()).toEqual([...followers].sort());
    // Batches of 3, 3 and 1: each one row for its pushes and routing, and the next batch owed before them.
    const topics = (await pg.query<{ topic: string }>(`select topic from outbox order by id`)).rows.map((r) => r.topic);
    expect(topics.filter((x) => x !== 'live.emit')).toEqual([
      'notifications.fanout-batch',
      'notification.deliver-batch',
      'notifications.fanout-batch',
      'notification.deliver-batch',
      'notification.deliver-batch',
    ]);
    for (const id of pushed) expect(seen.get(id)!.map((n) => n.type)).toEqual(['talent.vetted']);
    expect(seen.get(pushOff)).toEqual([]);
    expect(seen.get(marketplace)).toEqual([]);
    // Routed set-based, one job per batch: every email but the one turned off, the one webhook.
    const delivery = t.app.get<Queue>(getQueueToken(DELIVERY_QUEUE));
    const routeJobs = async () =>
      (await delivery.getJobs(['waiting', 'active', 'completed', 'delayed', 'failed'])).filter((j) =>
        j?.name.startsWith('route'),
      );
    await until(
      'batches routed',
      async () => (await routeJobs()).every((j) => j.finishedOn) && (await routeJobs()).length === 3,
    );
    const batchJobs = await routeJobs();
    expect(batchJobs.map((j) => j.name)).toEqual(['route-batch', 'route-batch', 'route-batch']);
    expect(batchJobs.flatMap((j) => j.data.notificationIds).sort()).toEqual(stored.map((n) => n.id).sort());
    for (const j of batchJobs) expect(j.id).toBe(routeBatchJobId(j.data.notificationIds[0]));
    const byUser = new Map(stored.map((n) => [n.user_id, n.id]));
    const emailed = (await pg.query<{ notification_id: string }>(`select notification_id from email_deliveries`)).rows;
    expect(emailed.map((e) => e.notification_id).sort()).toEqual(
      followers
        .filter((id) => id !== emailOff)
        .map((id) => byUser.get(id))
        .sort(),
    );
    const hooked = (await pg.query(`select notification_id, event_type from webhook_deliveries`)).rows;
    expect(hooked).toEqual([{ notification_id: byUser.get(withHook), event_type: 'talent.vetted' }]);
    await until('webhook posted', async () => hits.length === 1);

    // A retried first batch: nothing stored or owed twice, and the chain goes on from the same place.
    const fanout = t.app.get(FanoutService);
    const retried = await fanout.runBatch({ ...job, after: null });
    expect(retried).toEqual({ notified: 0, next: [...followers].sort()[2] });
    expect(await pg.query(`select count(*)::int as n from outbox`).then((r) => r.rows[0].n)).toBe(topics.length);

    // Delivered again (a relay that died before marking its rows): the same pushes again, no routing twice.
    const ids = new Map(pushed.map((id) => [id, seen.get(id)![0]]));
    await pg.query(
      `update outbox set delivered_at = null, available_at = now() where topic = 'notification.deliver-batch'`,
    );
    t.app.get(OutboxRelay).kick();
    await until('pushed again', async () => pushed.every((id) => seen.get(id)!.length >= 2));
    await until('outbox drained again', async () => (await undelivered()) === 0);
    for (const id of pushed) expect(seen.get(id)!.map((n) => n.id)).toEqual([ids.get(id)!.id, ids.get(id)!.id]);
    expect((await routeJobs()).map((j) => j.id).sort()).toEqual(batchJobs.map((j) => j.id).sort());
    expect(await pg.query(`select count(*)::int as n from email_deliveries`).then((r) => r.rows[0].n)).toBe(6);
    expect(await pg.query(`select count(*)::int as n from webhook_deliveries`).then((r) => r.rows[0].n)).toBe(1);
    expect(
      await pg
        .query(`select count(*)::int as n from notifications where type = 'talent.vetted'`)
        .then((r) => r.rows[0].n),
    ).toBe(7);
  });
});
