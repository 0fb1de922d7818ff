import { getQueueToken } from '@nestjs/bullmq';
import { Queue } from 'bullmq';
import { DateTime } from 'luxon';
import { Client } from 'pg';
import { ATTEMPT_DEADLINES_QUEUE, startWindowJobId } from '@vetting/assessments';
import { ManualClock } from '@vetting/core';
import { TestApp, connected, emitAck, registerUser, startTestApp } from '../support/test-app';
import { bearer } from '../support/calendar-fixtures';

jest.setTimeout(90_000);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls `read` until `done` holds (bounded). */
async function eventually<T>(read: () => Promise<T>, done: (v: T) => boolean, ms = 20_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await read();
    if (done(v)) return v;
    if (Date.now() > end) throw new Error(`condition not met within ${ms} ms: ${JSON.stringify(v)}`);
    await sleep(100);
  }
}

/** The start window: a created attempt shows no item, may be abandoned, and lapses if not started in time. */
describe('attempt start window and abandon (PostgreSQL + Redis + worker, manual clock)', () => {
  let t: TestApp;
  let db: Client;
  let queue: Queue;
  // The server's clock: the window is measured on it, while the start-window job is delayed in real time.
  const clock = new ManualClock(DateTime.utc());
  beforeAll(async () => {
    t = await startTestApp({ withWorker: true, clock, env: { ATTEMPT_START_WINDOW: 'PT2S' } });
    db = new Client({ connectionString: t.databaseUrl });
    await db.connect();
    queue = t.app.get<Queue>(getQueueToken(ATTEMPT_DEADLINES_QUEUE), { strict: false });
  });
  afterAll(async () => {
    await db?.end();
    await t?.close();
  });

  const create = (token: string, slug = 'quiz-open') =>
    t.http().post(`/api/assessments/${slug}/attempts`).set(bearer(token));
  const row = async (id: string) =>
    (await db.query(`select status, end_reason, ended_at, score, graded_at from attempts where id = $1`, [id])).rows[0];

  it('abandon before the start: no items, no grade, no retake cooldown, a new attempt on the same test at once', async () => {
    const f = await registerUser(t);
    const a = await create(f.token);
    expect(a.status).toBe(201);
    expect(a.body).toMatchObject({ status: 'created', items: [], itemCount: 6 });
    expect(a.body.startBy).toBe(DateTime.fromISO(a.body.createdAt).plus({ seconds: 2 }).toUTC().toISO());
    expect((await create(f.token)).body.code).toBe('ATTEMPT_IN_PROGRESS');

    const stranger = await registerUser(t);
    expect(
      (await t.http().post(`/api/attempts/${a.body.id}/abandon`).set(bearer(stranger.token))).status,
    ).toBeGreaterThanOrEqual(403);
    expect((await row(a.body.id)).status).toBe('created');

    const abandoned = await t.http().post(`/api/attempts/${a.body.id}/abandon`).set(bearer(f.token));
    expect(abandoned.status).toBe(200);
    expect(abandoned.body).toMatchObject({ status: 'abandoned', items: [], endReason: 'abandoned_by_candidate' });
    expect(abandoned.body.score).toBeUndefined();
    const again = await t.http().post(`/api/attempts/${a.body.id}/abandon`).set(bearer(f.token));
    expect(again.status).toBe(409);
    expect(again.body).toMatchObject({ code: 'ATTEMPT_NOT_ABANDONABLE', details: { status: 'abandoned' } });
    const startAbandoned = await t.http().post(`/api/attempts/${a.body.id}/start`).set(bearer(f.token));
    expect(startAbandoned.status).toBe(409);
    expect(startAbandoned.body.code).toBe('ATTEMPT_NOT_ACTIVE');

    // No retake cooldown and not open any more: the same test again, at once.
    const b = await create(f.token);
    expect(b.status).toBe(201);
    const begun = await t.http().post(`/api/attempts/${b.body.id}/start`).set(bearer(f.token));
    expect(begun.body.items).toHaveLength(6);
    const late = await t.http().post(`/api/attempts/${b.body.id}/abandon`).set(bearer(f.token));
    expect(late.status).toBe(409);
    expect(late.body).toMatchObject({ code: 'ATTEMPT_NOT_ABANDONABLE', details: { status: 'in_progress' } });

    // Never graded (no grading job), so never in a norm group.
    await sleep(1000);
    expect(await row(a.body.id)).toMatchObject({ status: 'abandoned', score: null, graded_at: null });
    const inbox = await t.http().get('/api/notifications').set(bearer(f.token));
    expect(inbox.body.items.map((n: { type: string }) => n.type)).not.toContain('attempt.graded');
  });

  it('a start after the window answers ATTEMPT_START_WINDOW_PASSED and the attempt is abandoned (HTTP and socket)', async () => {
    const f = await registerUser(t);
    const a = await create(f.token);
    clock.advance({ seconds: 2 });
    const late = await t.http().post(`/api/attempts/${a.body.id}/start`).set(bearer(f.token));
    expect(late.status).toBe(409);
    expect(late.body).toMatchObject({ code: 'ATTEMPT_START_WINDOW_PASSED', details: { startBy: a.body.startBy } });
    expect(await row(a.body.id)).toMatchObject({
      status: 'abandoned',
      end_reason: 'start_window_passed',
      graded_at: null,
    });
    const read = await t.http().get(`/api/attempts/${a.body.id}`).set(bearer(f.token));
    expect(read.body).toMatchObject({ status: 'abandoned', items: [] });

    const s = t.socket(f.token);
    await connected(s);
    expect(await emitAck(s, 'attempt:join', { attemptId: a.body.id })).toMatchObject({
      ok: false,
      code: 'ATTEMPT_START_WINDOW_PASSED',
    });

    // A new attempt on the same test straight away: no cooldown.
    const b = await create(f.token);
    expect(b.status).toBe(201);
    const joined = await emitAck(s, 'attempt:join', { attemptId: b.body.id });
    expect(joined).toMatchObject({ ok: true, attempt: { status: 'in_progress' } });
    expect(joined.attempt.items).toHaveLength(6);
  });

  it('the start-window job lapses an attempt at its startBy on the server clock, and does nothing before', async () => {
    const early = await registerUser(t);
    const x = await create(early.token);
    // The job runs after the window in real time, but the server clock has not moved: x is still in time.
    const xJob = await eventually(
      () => queue.getJob(startWindowJobId(x.body.id)),
      (j) => Boolean(j),
    );
    await eventually(
      () => xJob!.getState(),
      (s) => s === 'completed',
    );
    expect((await row(x.body.id)).status).toBe('created');

    const f = await registerUser(t);
    const y = await create(f.token);
    clock.advance({ seconds: 2 });
    const lapsed = await eventually(
      () => row(y.body.id),
      (r) => r.status !== 'created',
    );
    expect(lapsed).toMatchObject({
      status: 'abandoned',
      end_reason: 'start_window_passed',
      score: null,
      graded_at: null,
    });
    expect((await create(f.token)).status).toBe(201);

    // x's job ran early and is gone; x lapsed since by the clock, so a new attempt abandons it first.
    expect((await row(x.body.id)).status).toBe('created');
    const next = await create(early.token);
    expect(next.status).toBe(201);
    expect(await row(x.body.id)).toMatchObject({ status: 'abandoned', end_reason: 'start_window_passed' });
  });
});
