import { getQueueToken } from '@nestjs/bullmq';
import { Queue } from 'bullmq';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { OutboxRelay } from '@vetting/core';
import { DELIVERY_QUEUE, routeJobId } from '@vetting/notifications';
import { TestApp, connected, loginAdmin, startTestApp } from '../support/test-app';
import { bearer, invitedFreelancer, nextGridStart, talentManager } from '../support/calendar-fixtures';
import { until } from '../support/until';
import { SHORT_CALLS_ENV } from '../support/short-calls';

jest.setTimeout(120_000);

/**
 * A booking stores its two call.booked notifications and their delivery rows in its own statement
 * (`notifyManyPart`: one `notification.deliver` row per notification), beside the batch delivery rows the
 * fan-outs and `notifyMany` write (`notification.deliver-batch`). Those rows are delivered by the notifications
 * service: each participant is pushed their notification and each notification is routed once (one `route` job,
 * one email claim), also when the rows are delivered again.
 */
describe('calendar + notifications: the notifications of a booking are pushed and routed once (PostgreSQL + Redis + worker)', () => {
  let t: TestApp;
  let pg: Client;
  const dataDir = mkdtempSync(join(tmpdir(), 'booking-notifications-e2e-'));

  beforeAll(async () => {
    t = await startTestApp({
      withWorker: true,
      env: {
        ...SHORT_CALLS_ENV,
        DATA_DIR: dataDir,
      },
    });
    pg = new Client({ connectionString: t.databaseUrl });
    await pg.connect();
  });
  afterAll(async () => {
    await pg?.end();
    await t?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('pushes each participant their call.booked once per delivery and routes each notification once', async () => {
    const admin = await loginAdmin(t);
    const tm = await talentManager(t, admin, 'hr');
    const f = await invitedFreelancer(t, admin, 'hr');
    const seen = new Map<string, { id: string; type: string }[]>();
    for (const [userId, token] of [
      [f.user.id, f.token],
      [tm.user.id, tm.token],
    ]) {
      const s = t.socket(token);
      seen.set(userId, []);
      s.on('notification:new', (n) => seen.get(userId)!.push(n));
      await connected(s);
    }
    const booked = await t
      .http()
      .post('/api/vetting/calls')
      .set(bearer(f.token))
      .send({ invitationId: f.invitationId, startsAt: nextGridStart(20_000, 600_000).toISO() });
    expect(booked.status).toBe(201);

    const stored = (
      await pg.query<{ id: string; user_id: string }>(
        `select id, user_id from notifications where type = 'call.booked' and dedupe_key like $1`,
        [`call.booked:${booked.body.id}:%`],
      )
    ).rows;
    expect(stored.map((n) => n.user_id).sort()).toEqual([f.user.id, tm.user.id].sort());
    const keys = stored.map((n) => `notification:${n.id}:deliver`);
    const rows = async () =>
      (
        await pg.query<{ topic: string; delivered: boolean }>(
          `select topic, delivered_at is not null as delivered from outbox where idempotency_key = any($1)`,
          [keys],
        )
      ).rows;
    expect((await rows()).map((r) => r.topic)).toEqual(['notification.deliver', 'notification.deliver']);
    // No batch row owes them a second time.
    const batchRows = await pg.query(
      `select 1 from outbox where topic = 'notification.deliver-batch' and payload::text like any($1)`,
      [stored.map((n) => `%${n.id}%`)],
    );
    expect(batchRows.rowCount).toBe(0);

    const pushedOnce = (n: number) => async () =>
      stored.every((s) => seen.get(s.user_id)!.filter((p) => p.type === 'call.booked').length >= n);
    await until('both participants pushed', pushedOnce(1));
    await until('delivery rows delivered', async () => (await rows()).every((r) => r.delivered));
    for (const s of stored)
      expect(
        seen
          .get(s.user_id)!
          .filter((p) => p.type === 'call.booked')
          .map((p) => p.id),
      ).toEqual([s.id]);

    const delivery = t.app.get<Queue>(getQueueToken(DELIVERY_QUEUE));
    const routeJobs = async () =>
      (await delivery.getJobs(['waiting', 'active', 'completed', 'delayed', 'failed'])).filter(
        (j) => j?.name === 'route' && stored.some((s) => s.id === j.data.notificationId),
      );
    await until('both routed', async () => {
      const jobs = await routeJobs();
      return jobs.length === 2 && jobs.every((j) => j.finishedOn);
    });
    const emailed = async () =>
      (
        await pg.query<{ notification_id: string }>(
          `select notification_id from email_deliveries where notification_id = any($1)`,
          [stored.map((s) => s.id)],
        )
      ).rows.map((r) => r.notification_id);
    await until('both emails claimed', async () => (await emailed()).length === 2);

    // Delivered again (a relay that died before marking its rows): pushed again (same ids), routed nothing twice.
    await pg.query(`update outbox set delivered_at = null, available_at = now() where idempotency_key = any($1)`, [
      keys,
    ]);
    t.app.get(OutboxRelay).kick();
    await until('pushed again', pushedOnce(2));
    await until('delivered again', async () => (await rows()).every((r) => r.delivered));
    for (const s of stored)
      expect(
        seen
          .get(s.user_id)!
          .filter((p) => p.type === 'call.booked')
          .map((p) => p.id),
      ).toEqual([s.id, s.id]);
    expect((await routeJobs()).map((j) => j.id).sort()).toEqual(stored.map((s) => routeJobId(s.id)).sort());
    expect((await emailed()).sort()).toEqual(stored.map((s) => s.id).sort());
  });
});
