import { randomUUID } from 'node:crypto';
import { EntityManager } from '@mikro-orm/postgresql';
import {
  DeliveriesRepository,
  NewNotification,
  NotificationsRepository,
  TalentAlertsRepository,
  WebhooksRepository,
} from '@vetting/notifications';
import { MediumDatabase, openMediumDatabase } from '../support/medium-database';

/** The statements that make fan-outs and deliveries happen once: batch insert, delivery claims, recipients. */
describe('notifications: fan-out batch insert and delivery claims', () => {
  let db: MediumDatabase;
  let em: EntityManager;

  beforeAll(async () => {
    db = await openMediumDatabase();
    em = db.em();
  });
  afterAll(() => db.close());

  async function user(role = 'client', plan: string | null = 'business_plus'): Promise<string> {
    const id = randomUUID();
    await em.execute(
      `insert into users (id, email, password_hash, name, role, time_zone, plan, created_at)
       values (?, ?, 'x', 'Medium', ?, 'UTC', ?, now())`,
      [id, `${id}@example.com`, role, role === 'client' ? plan : null],
    );
    return id;
  }

  const alert = (alertId: string, userId: string): NewNotification => ({
    id: randomUUID(),
    userId,
    type: 'talent.vetted',
    title: 'New Expert-Vetted talent',
    body: 'b',
    dedupeKey: `talent.vetted:${alertId}:${userId}`,
  });

  const count = async (sql: string, params: unknown[]) =>
    Number((await em.execute<{ n: string }[]>(`select count(*)::text as n from ${sql}`, params))[0].n);

  describe('batch insert (NotificationsRepository.insertMany)', () => {
    it('stores a batch once: a retried batch stores nothing', async () => {
      const alertId = randomUUID();
      const clients = await Promise.all([user(), user(), user()]);
      const repo = new NotificationsRepository(em);
      const first = await repo.insertMany(
        em,
        clients.map((c) => alert(alertId, c)),
        new Date(),
      );
      expect(first).toHaveLength(3);
      const retry = await repo.insertMany(
        em,
        clients.map((c) => alert(alertId, c)),
        new Date(),
      );
      expect(retry).toEqual([]);
      expect(await count(`notifications where dedupe_key like ?`, [`talent.vetted:${alertId}:%`])).toBe(3);
    });

    it('two overlapping batches in concurrent transactions store each key once', async () => {
      const alertId = randomUUID();
      const clients = await Promise.all([user(), user(), user(), user()]);
      const batchA = clients.slice(0, 3).map((c) => alert(alertId, c));
      const batchB = clients.slice(1).map((c) => alert(alertId, c));
      const run = (batch: NewNotification[]) => {
        const own = db.em();
        return own.transactional((tem) => new NotificationsRepository(own).insertMany(tem, batch, new Date()));
      };
      const [a, b] = await Promise.all([run(batchA), run(batchB)]);
      expect(a.length + b.length).toBe(4);
      const stored = await em.execute<{ user_id: string }[]>(
        `select user_id from notifications where dedupe_key like ? order by user_id`,
        [`talent.vetted:${alertId}:%`],
      );
      expect(stored.map((r) => r.user_id)).toEqual([...clients].sort());
    });
  });

  describe('alert recipients (TalentAlertsRepository.alertRecipients)', () => {
    it('pages through Business Plus and Enterprise followers by id, never marketplace clients or others', async () => {
      const category = `medium-${randomUUID()}`;
      const plus = await Promise.all([user('client', 'business_plus'), user('client', 'enterprise'), user()]);
      const marketplace = await user('client', 'marketplace');
      const freelancer = await user('freelancer');
      const notFollowing = await user();
      for (const id of [...plus, marketplace, freelancer]) {
        await em.execute(
          `insert into talent_alert_subscriptions (client_id, category_slug, created_at) values (?, ?, now())`,
          [id, category],
        );
      }
      const repo = new TalentAlertsRepository(em);
      const page1 = await repo.alertRecipients(category, null, 2);
      const page2 = await repo.alertRecipients(category, page1[1], 2);
      const page3 = await repo.alertRecipients(category, page2[0], 2);
      expect([...page1, ...page2]).toEqual([...plus].sort());
      expect(page2).toHaveLength(1);
      expect(page3).toEqual([]);
      expect([...page1, ...page2]).not.toContain(notFollowing);
    });
  });

  describe('alert batch (TalentAlertsRepository.insertAlertBatch)', () => {
    const content = { type: 'talent.vetted', title: 'New Expert-Vetted talent', body: 'b', data: { badge: 'x' } };

    it('stores each page of Business Plus and Enterprise followers by id, set-based; a retried page stores nothing and still names where the next starts', async () => {
      const category = `medium-${randomUUID()}`;
      const alertId = randomUUID();
      const plus = await Promise.all([user('client', 'business_plus'), user('client', 'enterprise'), user(), user()]);
      const marketplace = await user('client', 'marketplace');
      const freelancer = await user('freelancer');
      for (const id of [...plus, marketplace, freelancer]) {
        await em.execute(
          `insert into talent_alert_subscriptions (client_id, category_slug, created_at) values (?, ?, now())`,
          [id, category],
        );
      }
      const sorted = [...plus].sort();
      const repo = new TalentAlertsRepository(em);
      const batch = (after: string | null) =>
        em.transactional((tem) =>
          repo.insertAlertBatch(tem as EntityManager, {
            categorySlug: category,
            after,
            size: 3,
            content,
            dedupePrefix: `talent.vetted:${alertId}:`,
            createdAt: new Date(),
          }),
        );
      const first = await batch(null);
      expect(first.pageSize).toBe(3);
      expect(first.last).toBe(sorted[2]);
      expect(first.stored.map((s) => s.userId).sort()).toEqual(sorted.slice(0, 3));
      expect(first.stored.every((s) => s.push)).toBe(true);
      const retried = await batch(null);
      expect(retried).toEqual({ pageSize: 3, last: sorted[2], stored: [] });
      const second = await batch(first.last);
      expect(second).toMatchObject({ pageSize: 1, last: sorted[3] });
      expect(second.stored.map((s) => s.userId)).toEqual([sorted[3]]);
      expect(await batch(second.last)).toEqual({ pageSize: 0, last: null, stored: [] });

      const stored = await em.execute<{ user_id: string; dedupe_key: string; type: string; data: unknown }[]>(
        `select user_id, dedupe_key, type, data from notifications where dedupe_key like ? order by user_id`,
        [`talent.vetted:${alertId}:%`],
      );
      expect(stored.map((r) => r.user_id)).toEqual(sorted);
      expect(stored[0]).toMatchObject({ dedupe_key: `talent.vetted:${alertId}:${sorted[0]}`, type: 'talent.vetted' });
      const ids = [...first.stored, ...second.stored].map((s) => s.id);
      expect(await count(`notifications where id = any(string_to_array(?, ',')::uuid[])`, [ids.join(',')])).toBe(4);
    });

    it('the same page in two concurrent transactions stores each follower once', async () => {
      const category = `medium-${randomUUID()}`;
      const alertId = randomUUID();
      const followers = await Promise.all([user(), user(), user()]);
      for (const id of followers) {
        await em.execute(
          `insert into talent_alert_subscriptions (client_id, category_slug, created_at) values (?, ?, now())`,
          [id, category],
        );
      }
      const run = () => {
        const own = db.em();
        return own.transactional((tem) =>
          new TalentAlertsRepository(own).insertAlertBatch(tem as EntityManager, {
            categorySlug: category,
            after: null,
            size: 10,
            content,
            dedupePrefix: `talent.vetted:${alertId}:`,
            createdAt: new Date(),
          }),
        );
      };
      const [a, b] = await Promise.all([run(), run()]);
      expect(a.stored.length + b.stored.length).toBe(3);
      expect(await count(`notifications where dedupe_key like ?`, [`talent.vetted:${alertId}:%`])).toBe(3);
    });
  });

  describe('delivery claims (DeliveriesRepository)', () => {
    async function notification(userId: string): Promise<string> {
      const id = randomUUID();
      const row = { id, userId, type: 'call.booked', title: 't', body: 'b' };
      await new NotificationsRepository(em).insertMany(em, [row], new Date());
      return id;
    }

    async function webhook(userId: string): Promise<string> {
      const hook = await new WebhooksRepository(db.em()).create({
        userId,
        url: 'https://example.com/hook',
        secret: 's'.repeat(24),
        events: [],
        active: true,
        consecutiveFailures: 0,
        createdAt: new Date(),
      });
      return hook.id;
    }

    it('a webhook delivery is claimed once: every claim, also concurrent ones, gets the same row', async () => {
      const u = await user();
      const [n, hook] = await Promise.all([notification(u), webhook(u)]);
      const claim = () => new DeliveriesRepository(db.em()).claimWebhook(hook, n, 'call.booked', new Date());
      const ids = await Promise.all([claim(), claim(), claim()]);
      const again = await claim();
      expect(new Set([...ids, again]).size).toBe(1);
      expect(await count(`webhook_deliveries where webhook_id = ? and notification_id = ?`, [hook, n])).toBe(1);
    });

    it('an email is claimed once per notification, also concurrently', async () => {
      const u = await user();
      const n = await notification(u);
      const claim = () => new DeliveriesRepository(db.em()).claimEmail(n, `${u}@example.com`);
      await Promise.all([claim(), claim(), claim()]);
      await claim();
      expect(await count(`email_deliveries where notification_id = ?`, [n])).toBe(1);
    });

    it('an attempt is appended to the log; the last failed attempt counts toward disabling the webhook', async () => {
      const u = await user();
      const [n, hook] = await Promise.all([notification(u), webhook(u)]);
      const deliveries = new DeliveriesRepository(em);
      const id = await deliveries.claimWebhook(hook, n, 'call.booked', new Date());
      const entry = (error: string | null) => ({ at: new Date().toISOString(), statusCode: 500, error, durationMs: 3 });
      const failed = { statusCode: 500, error: 'HTTP 500', entry: entry('HTTP 500') };
      await deliveries.recordWebhookAttempt(id, failed, 'pending', null);
      await deliveries.recordWebhookAttempt(id, failed, 'failed', null);
      const [row] = await em.execute<{ attempts: number; status: string; log: unknown[] }[]>(
        `select attempts, status, log from webhook_deliveries where id = ?`,
        [id],
      );
      expect(row.attempts).toBe(2);
      expect(row.status).toBe('failed');
      expect(row.log).toHaveLength(2);

      const hooks = new WebhooksRepository(em);
      await Promise.all([1, 2].map(() => hooks.countFailure(hook, 3, new Date(), 'too many failures')));
      let [h] = await em.execute<{ active: boolean; consecutive_failures: number }[]>(
        `select active, consecutive_failures from webhooks where id = ?`,
        [hook],
      );
      expect(h).toEqual({ active: true, consecutive_failures: 2 });
      await hooks.countFailure(hook, 3, new Date(), 'too many failures');
      [h] = await em.execute(`select active, consecutive_failures from webhooks where id = ?`, [hook]);
      expect(h).toEqual({ active: false, consecutive_failures: 3 });
      await hooks.resetFailures(hook);
      [h] = await em.execute(`select active, consecutive_failures from webhooks where id = ?`, [hook]);
      expect(h).toEqual({ active: false, consecutive_failures: 0 });
    });
  });
});
