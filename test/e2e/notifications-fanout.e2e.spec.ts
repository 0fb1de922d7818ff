import { getQueueToken } from '@nestjs/bullmq';
import { Queue } from 'bullmq';
import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { OutboxRelay } from '@vetting/core';
import { TokenService } from '@vetting/identity';
import { DELIVERY_QUEUE, FanoutService, routeJobId } from '@vetting/notifications';
import { TestApp, connected, startTestApp } from '../support/test-app';

jest.setTimeout(120_000);

async function until<T>(what: string, probe: () => Promise<T | null | undefined | false>, ms = 30_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await probe();
    if (v) return v;
    if (Date.now() > end) throw new Error(`${what}: not reached in time`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/**
 * The vetted-talent fan-out at batch size 3 over 7 followers: each batch is one set-based statement and one
 * outbox row for its pushes and routing (not one per notification); the next batch's job is owed before the
 * batch's pushes; a retried batch stores and owes nothing; a repeated delivery pushes again (same ids) and
 * queues no routing job twice.
 */
describe('notifications: vetted-talent fan-out in batches (PostgreSQL + Redis + worker)', () => {
  let t: TestApp;
  let pg: Client;
  const category = 'data-science-analytics';

  beforeAll(async () => {
    t = await startTestApp({ withWorker: true, env: { FANOUT_BATCH_SIZE: '3' } });
    pg = new Client({ connectionString: t.databaseUrl });
    await pg.connect();
  });
  afterAll(async () => {
    await pg?.end();
    await t?.close();
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

  it('stores every follower once in set-based batches, owes one delivery row per batch, and delivers each push and routing job once', async () => {
    const followers = [];
    for (let i = 0; i < 7; i++) followers.push(await client(i % 2 ? 'business_plus' : 'enterprise'));
    const marketplace = await client('marketplace');
    const pushOff = followers[4];
    await pg.query(
      `insert into notification_preferences (user_id, push, email, webhook, muted_types, updated_at)
       values ($1, false, true, true, '[]', now())`,
      [pushOff],
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
    const delivery = t.app.get<Queue>(getQueueToken(DELIVERY_QUEUE));
    for (const n of stored) expect(await delivery.getJob(routeJobId(n.id))).toBeDefined();

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
    const routeJobs = (await delivery.getJobs(['waiting', 'active', 'completed', 'delayed', 'failed'])).filter(
      (j) => j?.name === 'route' && stored.some((n) => j.id === routeJobId(n.id)),
    );
    expect(routeJobs).toHaveLength(stored.length);
    expect(
      await pg
        .query(`select count(*)::int as n from notifications where type = 'talent.vetted'`)
        .then((r) => r.rows[0].n),
    ).toBe(7);
  });
});
