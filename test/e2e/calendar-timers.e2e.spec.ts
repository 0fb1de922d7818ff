import { getQueueToken } from '@nestjs/bullmq';
import { Queue } from 'bullmq';
import { DateTime } from 'luxon';
import { CALL_TIMERS_QUEUE } from '@vetting/calendar';
import { TestApp, connected, emitAck, nextEvent, nextEventWhere, startTestApp } from '../support/test-app';
import {
  adminToken,
  bearer,
  dayLoads,
  invitedFreelancer,
  nextGridStart,
  talentManager,
} from '../support/calendar-fixtures';
import { SHORT_CALLS_ENV } from '../support/short-calls';

const CALL_MS = 20_000;
jest.setTimeout(120_000);

/** Milliseconds from now until `offsetMs` after the call's start, plus slack for the timer to run. */
const until = (startsAt: DateTime, offsetMs: number) => Math.max(0, startsAt.toMillis() + offsetMs - Date.now()) + 8000;

/** Real worker, real timers: short policy values through the environment. */
describe('vetting call timers (PostgreSQL + Redis + BullMQ worker)', () => {
  let t: TestApp;
  let admin: string;
  beforeAll(async () => {
    t = await startTestApp({
      withWorker: true,
      env: {
        ...SHORT_CALLS_ENV,
        VETTING_RESCHEDULE_NOTICE: 'PT1H',
        VETTING_REMINDERS: 'PT24H,PT2S',
        VETTING_MISSED_COOLDOWN: 'PT12S',
      },
    });
    admin = await adminToken(t);
  });
  afterAll(async () => t?.close());

  /** The talent manager's active calls counted against the daily cap, across days (the database's own count). */
  const dayLoad = async (talentManagerId: string) =>
    Object.values(await dayLoads(t, talentManagerId)).reduce((sum, n) => sum + n, 0);

  async function book(category: string, aheadMs = 2500) {
    const tm = await talentManager(t, admin, category);
    const f = await invitedFreelancer(t, admin, category);
    const startsAt = nextGridStart(CALL_MS, aheadMs);
    const res = await t
      .http()
      .post('/api/vetting/calls')
      .set(bearer(f.token))
      .send({ invitationId: f.invitationId, startsAt: startsAt.toISO() });
    if (res.status !== 201) throw new Error(`booking failed: ${res.status} ${JSON.stringify(res.body)}`);
    expect(res.body).toMatchObject({
      status: 'scheduled',
      talentManagerId: tm.user.id,
      freelancerId: f.user.id,
      rescheduleCount: 0,
    });
    expect(res.body.startsAt).toBe(startsAt.toUTC().toISO());
    expect(res.body.endsAt).toBe(startsAt.plus({ milliseconds: CALL_MS }).toUTC().toISO());
    return { tm, f, call: res.body, startsAt };
  }

  it('a freelancer who never joins is missed, then gets COOLDOWN_ACTIVE with eligibleAt', async () => {
    const { tm, f, call, startsAt } = await book('writing');
    expect(await dayLoad(tm.user.id)).toBe(1);
    const socket = t.socket(f.token);
    await connected(socket);
    const missed = await nextEvent(socket, 'call:missed', until(startsAt, 3000));
    const expectedEligibleAt = startsAt.plus({ seconds: 12 }).toUTC().toISO();
    expect(missed).toMatchObject({ callId: call.id, eligibleAt: expectedEligibleAt });
    // The grace check fires at start + grace, not before.
    expect(Date.now()).toBeGreaterThanOrEqual(startsAt.toMillis() + 3000);

    const view = await t.http().get(`/api/vetting/calls/${call.id}`).set(bearer(f.token));
    expect(view.body.status).toBe('missed');
    // The call's later timers (ending-soon, end) are taken off the queue after the sweep commits, not left to fire
    // for nothing (bounded wait for the outbox relay; nothing about timing is asserted).
    const timers = t.app.get<Queue>(getQueueToken(CALL_TIMERS_QUEUE), { strict: false });
    const pending = async () =>
      (
        await Promise.all([`call:${call.id}:ending-soon-v1`, `call:${call.id}:end-v1`].map((id) => timers.getJob(id)))
      ).filter(Boolean).length;
    for (let i = 0; i < 50 && (await pending()) > 0; i++) await new Promise((r) => setTimeout(r, 100));
    expect(await pending()).toBe(0);
    expect(view.body.freelancerJoinedAt).toBeNull();
    // A missed call no longer holds a place of the talent manager's day.
    expect(await dayLoad(tm.user.id)).toBe(0);

    const again = await t
      .http()
      .post('/api/vetting/calls')
      .set(bearer(f.token))
      .send({ invitationId: f.invitationId, startsAt: nextGridStart(CALL_MS, 60_000).toISO() });
    expect(again.status).toBe(409);
    expect(again.body).toMatchObject({ code: 'COOLDOWN_ACTIVE', details: { eligibleAt: expectedEligibleAt } });

    const eligibility = await t.http().get('/api/vetting/eligibility').set(bearer(f.token));
    expect(eligibility.body).toMatchObject({
      eligible: false,
      reason: 'COOLDOWN_ACTIVE',
      eligibleAt: expectedEligibleAt,
    });

    const inbox = await t.http().get('/api/notifications').set(bearer(f.token));
    expect(inbox.body.items.map((n: { type: string }) => n.type)).toEqual(
      expect.arrayContaining(['call.missed', 'call.booked', 'vetting.invited']),
    );

    const history = await t.http().get(`/api/vetting/calls/${call.id}/history`).set(bearer(f.token));
    expect(history.body.history.map((h: { action: string }) => h.action)).toEqual(['booked', 'missed']);

    // The reminder 2 s before the start was stored; the cooldown-expiry job tells the freelancer they are eligible again.
    expect(inbox.body.items.map((n: { type: string }) => n.type)).toContain('call.reminder');
    const again2 = await new Promise<any>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('no eligible-again notification')), until(startsAt, 12_000));
      socket.on('notification:new', (n: { type: string }) => {
        if (n.type === 'vetting.eligible-again') {
          clearTimeout(timer);
          resolve(n);
        }
      });
    });
    expect(again2).toMatchObject({ type: 'vetting.eligible-again' });
    expect(Date.now()).toBeGreaterThanOrEqual(DateTime.fromISO(expectedEligibleAt!).toMillis());
    const after = await t.http().get('/api/vetting/eligibility').set(bearer(f.token));
    // The cooldown is over; the missed call closed the invitation, so a new one is needed.
    expect(after.body).toMatchObject({ eligible: false, reason: 'NOT_INVITED' });
  });

  it('a freelancer who joins in time completes the call and receives call:ending-soon and call:ended', async () => {
    const { tm, f, call, startsAt } = await book('consulting');
    const fs = t.socket(f.token);
    const ts = t.socket(tm.token);
    await Promise.all([connected(fs), connected(ts)]);

    const joined = await emitAck(fs, 'call:join', { callId: call.id });
    expect(joined).toMatchObject({
      ok: true,
      call: { id: call.id, status: 'in_progress' },
      present: { freelancer: true, talentManager: false },
    });
    expect(joined.call.freelancerJoinedAt).not.toBeNull();

    // The broadcast of the freelancer's own join may still be on its way: wait for the state with both.
    const stateSeenByFreelancer = nextEventWhere(fs, 'call:state', (s: any) => s.present?.talentManager === true);
    const tmJoined = await emitAck(ts, 'call:join', { callId: call.id });
    expect(tmJoined).toMatchObject({ ok: true, present: { freelancer: true, talentManager: true } });
    expect((await stateSeenByFreelancer).present).toEqual({ freelancer: true, talentManager: true });

    const endingSoon = await nextEvent(fs, 'call:ending-soon', until(startsAt, CALL_MS - 5000));
    expect(endingSoon).toMatchObject({ callId: call.id });
    expect(Date.now()).toBeGreaterThanOrEqual(startsAt.toMillis() + CALL_MS - 5000);
    const ended = await nextEvent(fs, 'call:ended', until(startsAt, CALL_MS));
    expect(ended).toMatchObject({ callId: call.id, call: { status: 'completed' } });
    expect(Date.now()).toBeGreaterThanOrEqual(startsAt.toMillis() + CALL_MS);
    expect(await dayLoad(tm.user.id)).toBe(0);

    const view = await t.http().get(`/api/vetting/calls/${call.id}`).set(bearer(tm.token));
    expect(view.body.status).toBe('completed');

    // The room is closed: joining again is refused.
    const late = await emitAck(fs, 'call:join', { callId: call.id });
    expect(late).toMatchObject({ ok: false, code: 'CALL_NOT_ACTIVE' });

    // Scorecard: once, by the call's talent manager.
    const card = {
      hardSkills: [{ skill: 'TypeScript', score: 5 }],
      softSkills: { reliability: 4, communication: 5 },
      decision: 'pass',
      notes: 'Strong.',
    };
    const byFreelancer = await t.http().post(`/api/vetting/calls/${call.id}/scorecard`).set(bearer(f.token)).send(card);
    expect(byFreelancer.status).toBe(403);
    const first = await t.http().post(`/api/vetting/calls/${call.id}/scorecard`).set(bearer(tm.token)).send(card);
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({
      callId: call.id,
      decision: 'pass',
      softSkills: { reliability: 4, communication: 5 },
    });
    const second = await t.http().post(`/api/vetting/calls/${call.id}/scorecard`).set(bearer(tm.token)).send(card);
    expect(second.status).toBe(409);
    expect(second.body.code).toBe('SCORECARD_ALREADY_SUBMITTED');

    // The call held used the invitation up: it is closed, and no second vetting call can be booked on it.
    const invitations = await t.http().get('/api/vetting/invitations').set(bearer(f.token));
    expect(invitations.body.invitations).toEqual([
      expect.objectContaining({ id: f.invitationId, status: 'closed', closedReason: 'call_completed' }),
    ]);
    const rebook = await t
      .http()
      .post('/api/vetting/calls')
      .set(bearer(f.token))
      .send({ invitationId: f.invitationId, startsAt: startsAt.plus({ days: 2 }).toISO() });
    expect(rebook.status).toBe(403);
    expect(rebook.body.code).toBe('NOT_INVITED');
  });

  it('a join after the grace period gets GRACE_PERIOD_EXPIRED', async () => {
    const { f, call, startsAt } = await book('hr');
    const fs = t.socket(f.token);
    await connected(fs);
    const wait = startsAt.toMillis() + 3500 - Date.now();
    await new Promise((r) => setTimeout(r, Math.max(0, wait)));
    const res = await emitAck(fs, 'call:join', { callId: call.id });
    expect(res).toMatchObject({ ok: false, code: 'GRACE_PERIOD_EXPIRED' });
  });

  it('an absent talent manager makes the call interviewer_absent and the rebooking free', async () => {
    const { f, call, startsAt } = await book('sales-marketing');
    const fs = t.socket(f.token);
    await connected(fs);
    expect(await emitAck(fs, 'call:join', { callId: call.id })).toMatchObject({ ok: true });
    const absent = await nextEvent(fs, 'call:interviewer-absent', until(startsAt, 3000));
    expect(absent).toMatchObject({ callId: call.id, freeRebooking: true });
    const view = await t.http().get(`/api/vetting/calls/${call.id}`).set(bearer(f.token));
    expect(view.body.status).toBe('interviewer_absent');

    const rebook = await t
      .http()
      .post('/api/vetting/calls')
      .set(bearer(f.token))
      .send({ invitationId: f.invitationId, startsAt: nextGridStart(CALL_MS, 120_000).toISO() });
    expect(rebook.status).toBe(201);
    expect(rebook.body).toMatchObject({ rescheduleCount: 0, freeRebooking: true });
  });

  it('only the call’s participants may join; to others the call does not exist (NOT_FOUND)', async () => {
    const { call } = await book('design-creative', 60_000);
    const other = await invitedFreelancer(t, admin, 'design-creative');
    const os = t.socket(other.token);
    await connected(os);
    expect(await emitAck(os, 'call:join', { callId: call.id })).toMatchObject({ ok: false, code: 'NOT_FOUND' });
    expect(await emitAck(os, 'call:join', { callId: 'nope' })).toMatchObject({ ok: false, code: 'VALIDATION_FAILED' });
    const view = await t.http().get(`/api/vetting/calls/${call.id}`).set(bearer(other.token));
    expect(view.status).toBe(404);
  });

  it('50 parallel bookings of one slot with one talent manager: exactly one wins, the rest SLOT_UNAVAILABLE, no 5xx', async () => {
    await talentManager(t, admin, 'data-science-analytics');
    const freelancers = await Promise.all(
      Array.from({ length: 50 }, () => invitedFreelancer(t, admin, 'data-science-analytics')),
    );
    const startsAt = nextGridStart(CALL_MS, 10 * 60_000).toISO();
    const results = await Promise.all(
      freelancers.map((f) =>
        t.http().post('/api/vetting/calls').set(bearer(f.token)).send({ invitationId: f.invitationId, startsAt }),
      ),
    );
    const statuses = results.map((r) => r.status);
    expect(statuses.filter((s) => s === 201)).toHaveLength(1);
    expect(statuses.filter((s) => s >= 500)).toHaveLength(0);
    const losers = results.filter((r) => r.status !== 201);
    expect(losers).toHaveLength(49);
    for (const r of losers) expect(r.body).toMatchObject({ statusCode: 409, code: 'SLOT_UNAVAILABLE' });
  });
});

describe('DateTime sanity for the fixtures', () => {
  it('grid starts are aligned', () => {
    const s = nextGridStart(CALL_MS, 0);
    expect(s.toMillis() % CALL_MS).toBe(0);
    expect(s >= DateTime.utc().minus({ seconds: 1 })).toBe(true);
  });
});
