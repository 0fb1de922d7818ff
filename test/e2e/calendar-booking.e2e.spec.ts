import { DateTime } from 'luxon';
import { Client } from 'pg';
import ical from 'node-ical';
import { TestApp, startTestApp } from '../support/test-app';
import {
  ALL_DAY_UTC,
  adminToken,
  bearer,
  dayLoads,
  invitedFreelancer,
  talentManager,
} from '../support/calendar-fixtures';
import { registerUser } from '../support/test-app';

/** Default policy (30-minute calls, 24 h notice, one reschedule, 1 h lead) over HTTP. */
describe('booking, reschedules, cancellations and invites (PostgreSQL + Redis)', () => {
  let t: TestApp;
  let admin: string;
  beforeAll(async () => {
    t = await startTestApp({ withWorker: true });
    admin = await adminToken(t);
  });
  afterAll(async () => t?.close());

  /** A half-hour slot start `hours` from now on the UTC grid. */
  const slotIn = (hours: number) => {
    const at = DateTime.utc().plus({ hours });
    return at
      .set({ minute: at.minute < 30 ? 30 : 0, second: 0, millisecond: 0 })
      .plus({ hours: at.minute < 30 ? 0 : 1 });
  };
  const book = (f: { token: string; invitationId: string }, startsAt: DateTime) =>
    t
      .http()
      .post('/api/vetting/calls')
      .set(bearer(f.token))
      .send({ invitationId: f.invitationId, startsAt: startsAt.toISO() });
  const ics = async (token: string, callId: string) => {
    const res = await t
      .http()
      .get(`/api/vetting/calls/${callId}/calendar.ics`)
      .set(bearer(token))
      .buffer(true)
      .parse((r, cb) => {
        let data = '';
        r.on('data', (c: Buffer) => (data += c));
        r.on('end', () => cb(null, data));
      });
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/calendar/);
    // Unfold RFC 5545 continuation lines so assertions can read whole properties.
    const text = (res.body as string).replace(/\r?\n[ \t]/g, '');
    const parsed = ical.sync.parseICS(res.body as string);
    const event = Object.values(parsed).find((c) => c?.type === 'VEVENT') as any;
    return { text, event };
  };

  describe('availability validation', () => {
    it('refuses overlapping ranges, bad zones and end before start with 400 VALIDATION_FAILED', async () => {
      const tm = await talentManager(t, admin, 'it-networking');
      const res = await t
        .http()
        .put('/api/talent-managers/me/availability')
        .set(bearer(tm.token))
        .send({
          timeZone: 'Mars/Base',
          weekly: [
            { weekday: 1, start: '09:00', end: '12:00' },
            { weekday: 1, start: '11:00', end: '13:00' },
            { weekday: 2, start: '17:00', end: '09:00' },
            { weekday: 8, start: '09:00', end: '10:00' },
          ],
          exceptions: [{ date: '2026-02-30', available: false }],
          categorySlugs: ['translation'],
        });
      expect(res.status).toBe(400);
      expect(res.body.code).toBe('VALIDATION_FAILED');
      const fields = res.body.details.fields.map((f: { field: string }) => f.field);
      expect(fields).toEqual(
        expect.arrayContaining([
          'timeZone',
          'weekly[1]',
          'weekly[2].end',
          'weekly[3].weekday',
          'exceptions[0].date',
          'categorySlugs[0]',
        ]),
      );
    });

    it('is for talent managers only', async () => {
      const f = await registerUser(t);
      const res = await t.http().put('/api/talent-managers/me/availability').set(bearer(f.token)).send(ALL_DAY_UTC);
      expect(res.status).toBe(403);
      expect(res.body.code).toBe('FORBIDDEN');
    });

    it('defaults to every eligible category and the configured daily cap', async () => {
      const tm = await talentManager(t, admin, 'writing');
      const res = await t
        .http()
        .put('/api/talent-managers/me/availability')
        .set(bearer(tm.token))
        .send({ timeZone: 'Europe/Berlin', weekly: [{ weekday: 1, start: '09:00', end: '17:00' }], exceptions: [] });
      expect(res.status).toBe(200);
      expect(res.body.dailyCap).toBe(8);
      expect(res.body.categorySlugs).toHaveLength(8);
      // Offer nothing afterwards: a talent manager of every category would otherwise compete, on Mondays, with
      // those the other tests of this app count on (which one is least loaded would depend on the time of day).
      const closed = await t
        .http()
        .put('/api/talent-managers/me/availability')
        .set(bearer(tm.token))
        .send({ timeZone: 'Europe/Berlin', weekly: [], exceptions: [] });
      expect(closed.status).toBe(200);
    });
  });

  describe('invitations and eligibility', () => {
    it('accepts only the eight eligible categories', async () => {
      const f = await registerUser(t);
      const bad = await t
        .http()
        .post('/api/vetting/invitations')
        .set(bearer(admin))
        .send({ freelancerId: f.user.id, program: 'expert-vetted', categorySlug: 'customer-service' });
      expect(bad.status).toBe(422);
      expect(bad.body.code).toBe('CATEGORY_NOT_ELIGIBLE');
      const ok = await t
        .http()
        .post('/api/vetting/invitations')
        .set(bearer(admin))
        .send({ freelancerId: f.user.id, program: 'expert-vetted', categorySlug: 'hr' });
      expect(ok.status).toBe(201);
      expect(ok.body).toMatchObject({ id: expect.any(String), status: 'open' });
      const dup = await t
        .http()
        .post('/api/vetting/invitations')
        .set(bearer(admin))
        .send({ freelancerId: f.user.id, program: 'expert-vetted', categorySlug: 'hr' });
      expect(dup.status).toBe(409);
      expect(dup.body.code).toBe('INVITATION_EXISTS');
    });

    it('explains eligibility and refuses booking without an invitation (NOT_INVITED)', async () => {
      const f = await registerUser(t);
      const el = await t.http().get('/api/vetting/eligibility').set(bearer(f.token));
      expect(el.body).toMatchObject({ eligible: false, reason: 'NOT_INVITED' });
      const other = await invitedFreelancer(t, admin, 'hr');
      const res = await t
        .http()
        .post('/api/vetting/calls')
        .set(bearer(f.token))
        .send({ invitationId: other.invitationId, startsAt: slotIn(48).toISO() });
      expect(res.status).toBe(403);
      expect(res.body.code).toBe('NOT_INVITED');
      const slots = await t
        .http()
        .get('/api/vetting/slots')
        .query({ invitationId: other.invitationId })
        .set(bearer(f.token));
      expect(slots.status).toBe(403);
      expect(slots.body.code).toBe('NOT_INVITED');
    });

    it('lets freelancers apply while an admin-opened window is open', async () => {
      const f = await registerUser(t);
      const closed = await t
        .http()
        .post('/api/vetting/applications')
        .set(bearer(f.token))
        .send({ categorySlug: 'consulting' });
      expect(closed.status).toBe(403);
      expect(closed.body.code).toBe('NOT_INVITED');
      const win = await t
        .http()
        .post('/api/vetting/application-windows')
        .set(bearer(admin))
        .send({
          program: 'expert-vetted',
          categorySlug: 'consulting',
          closesAt: DateTime.utc().plus({ days: 7 }).toISO(),
        });
      expect(win.status).toBe(201);
      const applied = await t
        .http()
        .post('/api/vetting/applications')
        .set(bearer(f.token))
        .send({ categorySlug: 'consulting' });
      expect(applied.status).toBe(201);
      expect(applied.body).toMatchObject({ source: 'application', status: 'open', categorySlug: 'consulting' });
      const el = await t.http().get('/api/vetting/eligibility').set(bearer(f.token));
      expect(el.body.eligible).toBe(true);
      await t.http().post(`/api/vetting/application-windows/${win.body.id}/close`).set(bearer(admin)).expect(200);
      const late = await registerUser(t);
      const refused = await t
        .http()
        .post('/api/vetting/applications')
        .set(bearer(late.token))
        .send({ categorySlug: 'consulting' });
      expect(refused.body.code).toBe('NOT_INVITED');
    });
  });

  describe('slots and booking', () => {
    it('lists UTC slots on the half-hour grid, at least the lead time ahead, without booked ones', async () => {
      const tm = await talentManager(t, admin, 'web-mobile-software-dev');
      const f = await invitedFreelancer(t, admin, 'web-mobile-software-dev');
      const from = DateTime.utc();
      const res = await t
        .http()
        .get('/api/vetting/slots')
        .query({ invitationId: f.invitationId, from: from.toISO(), to: from.plus({ days: 2 }).toISO() })
        .set(bearer(f.token));
      expect(res.status).toBe(200);
      const slots: { startsAt: string; endsAt: string }[] = res.body.slots;
      expect(slots.length).toBeGreaterThan(40);
      for (const s of slots) {
        const start = DateTime.fromISO(s.startsAt, { zone: 'utc' });
        expect(s.startsAt.endsWith('Z')).toBe(true);
        expect(start.minute % 30).toBe(0);
        expect(start >= from.plus({ hours: 1 }).minus({ seconds: 1 })).toBe(true);
        expect(DateTime.fromISO(s.endsAt).diff(start).as('minutes')).toBe(30);
      }
      const chosen = slots[5];
      const booked = await book(f, DateTime.fromISO(chosen.startsAt));
      expect(booked.status).toBe(201);
      expect(booked.body.talentManagerId).toBe(tm.user.id);
      const other = await invitedFreelancer(t, admin, 'web-mobile-software-dev');
      const after = await t
        .http()
        .get('/api/vetting/slots')
        .query({ invitationId: other.invitationId, from: from.toISO(), to: from.plus({ days: 2 }).toISO() })
        .set(bearer(other.token));
      expect(after.body.slots.map((s: { startsAt: string }) => s.startsAt)).not.toContain(chosen.startsAt);
      const taken = await book(other, DateTime.fromISO(chosen.startsAt));
      expect(taken.status).toBe(409);
      expect(taken.body.code).toBe('SLOT_UNAVAILABLE');
      const again = await book(f, slotIn(30));
      expect(again.status).toBe(409);
      expect(again.body.code).toBe('CALL_ALREADY_BOOKED');
    });

    it('refuses off-grid, too-soon and beyond-horizon starts with SLOT_UNAVAILABLE, and bad input with VALIDATION_FAILED', async () => {
      await talentManager(t, admin, 'design-creative');
      const f = await invitedFreelancer(t, admin, 'design-creative');
      for (const startsAt of [slotIn(48).plus({ minutes: 10 }), slotIn(0).minus({ minutes: 30 }), slotIn(24 * 40)]) {
        const res = await book(f, startsAt);
        expect(res.status).toBe(409);
        expect(res.body.code).toBe('SLOT_UNAVAILABLE');
      }
      const bad = await t
        .http()
        .post('/api/vetting/calls')
        .set(bearer(f.token))
        .send({ invitationId: 'x', startsAt: 'tomorrow' });
      expect(bad.status).toBe(400);
      expect(bad.body.details.fields.map((x: { field: string }) => x.field).sort()).toEqual([
        'invitationId',
        'startsAt',
      ]);
    });

    it('one freelancer booking many slots at once gets exactly one call; the rest are CALL_ALREADY_BOOKED', async () => {
      await talentManager(t, admin, 'design-creative');
      await talentManager(t, admin, 'design-creative');
      const f = await invitedFreelancer(t, admin, 'design-creative');
      const answers = await Promise.all(Array.from({ length: 12 }, (_, i) => book(f, slotIn(30 + i))));
      expect(answers.filter((r) => r.status === 201)).toHaveLength(1);
      expect(answers.filter((r) => r.status !== 201).map((r) => `${r.status} ${r.body.code}`)).toEqual(
        Array(11).fill('409 CALL_ALREADY_BOOKED'),
      );
      const mine = await t.http().get('/api/vetting/calls').set(bearer(f.token));
      expect(mine.body.calls.filter((c: { status: string }) => c.status === 'scheduled')).toHaveLength(1);
      const history = await t
        .http()
        .get(`/api/vetting/calls/${answers.find((r) => r.status === 201)!.body.id}/history`)
        .set(bearer(f.token));
      expect(history.body.history).toEqual([
        expect.objectContaining({ action: 'booked', actorId: f.user.id, toStatus: 'scheduled' }),
      ]);
    });

    it('assigns the least-loaded talent manager', async () => {
      const a = await talentManager(t, admin, 'sales-marketing');
      const b = await talentManager(t, admin, 'sales-marketing');
      const f1 = await invitedFreelancer(t, admin, 'sales-marketing');
      const f2 = await invitedFreelancer(t, admin, 'sales-marketing');
      const r1 = await book(f1, slotIn(50));
      const r2 = await book(f2, slotIn(51));
      expect(r1.status).toBe(201);
      expect(r2.status).toBe(201);
      expect(new Set([r1.body.talentManagerId, r2.body.talentManagerId])).toEqual(new Set([a.user.id, b.user.id]));
    });
  });

  describe('reschedule, cancel and the .ics invite', () => {
    it('reschedules once with ≥ 24 h notice; the second is RESCHEDULE_LIMIT_REACHED; SEQUENCE rises through cancel', async () => {
      const tm = await talentManager(t, admin, 'data-science-analytics');
      const f = await invitedFreelancer(t, admin, 'data-science-analytics');
      const booked = await book(f, slotIn(72));
      expect(booked.status).toBe(201);
      const first = await ics(f.token, booked.body.id);
      expect(first.text).toContain('METHOD:REQUEST');
      expect(first.event.uid).toBe(`vetting-call-${booked.body.id}@vetting-platform`);
      expect(Number(first.event.sequence)).toBe(0);
      expect(first.event.start.toISOString()).toBe(booked.body.startsAt);
      expect(first.event.end.toISOString()).toBe(booked.body.endsAt);
      expect(first.text).toMatch(/ORGANIZER;CN="?Staff talent_manager"?:mailto:/);
      expect(first.text.toLowerCase()).toContain(`mailto:${f.user.email}`);
      expect(first.event.url.val).toContain(booked.body.id);

      const moved = await t
        .http()
        .post(`/api/vetting/calls/${booked.body.id}/reschedule`)
        .set(bearer(f.token))
        .send({ startsAt: slotIn(96).toISO() });
      expect(moved.status).toBe(200);
      expect(moved.body).toMatchObject({
        id: booked.body.id,
        status: 'rescheduled',
        rescheduleCount: 1,
        startsAt: slotIn(96).toISO(),
        talentManagerId: tm.user.id,
      });
      const second = await ics(tm.token, booked.body.id);
      expect(second.text).toContain('METHOD:REQUEST');
      expect(second.event.uid).toBe(first.event.uid);
      expect(Number(second.event.sequence)).toBe(1);
      expect(second.event.start.toISOString()).toBe(moved.body.startsAt);

      const again = await t
        .http()
        .post(`/api/vetting/calls/${booked.body.id}/reschedule`)
        .set(bearer(f.token))
        .send({ startsAt: slotIn(120).toISO() });
      expect(again.status).toBe(409);
      expect(again.body.code).toBe('RESCHEDULE_LIMIT_REACHED');

      const cancelled = await t
        .http()
        .post(`/api/vetting/calls/${booked.body.id}/cancel`)
        .set(bearer(f.token))
        .send({});
      expect(cancelled.status).toBe(200);
      expect(cancelled.body).toMatchObject({ status: 'cancelled', countsAsMiss: false });
      const third = await ics(f.token, booked.body.id);
      expect(third.text).toContain('METHOD:CANCEL');
      expect(third.text).toContain('STATUS:CANCELLED');
      expect(third.event.uid).toBe(first.event.uid);
      expect(Number(third.event.sequence)).toBe(2);

      const history = await t.http().get(`/api/vetting/calls/${booked.body.id}/history`).set(bearer(f.token));
      expect(history.body.history.map((h: { action: string }) => h.action)).toEqual([
        'booked',
        'rescheduled',
        'cancelled',
      ]);
      // A rebooking after a cancellation is a reschedule in disguise: none is left.
      const rebook = await book(f, slotIn(100));
      expect(rebook.status).toBe(409);
      expect(rebook.body.code).toBe('RESCHEDULE_LIMIT_REACHED');
    });

    it('refuses a reschedule inside the notice window with NOTICE_TOO_SHORT', async () => {
      await talentManager(t, admin, 'hr');
      const f = await invitedFreelancer(t, admin, 'hr');
      const booked = await book(f, slotIn(5));
      expect(booked.status).toBe(201);
      const res = await t
        .http()
        .post(`/api/vetting/calls/${booked.body.id}/reschedule`)
        .set(bearer(f.token))
        .send({ startsAt: slotIn(72).toISO() });
      expect(res.status).toBe(409);
      expect(res.body).toMatchObject({ code: 'NOTICE_TOO_SHORT', details: { rescheduleDeadline: expect.any(String) } });
      const view = await t.http().get(`/api/vetting/calls/${booked.body.id}`).set(bearer(f.token));
      expect(view.body).toMatchObject({ status: 'scheduled', rescheduleCount: 0, startsAt: booked.body.startsAt });
    });

    it('a cancellation inside the notice window counts as a miss: cooldown and COOLDOWN_ACTIVE', async () => {
      await talentManager(t, admin, 'writing');
      const f = await invitedFreelancer(t, admin, 'writing');
      const booked = await book(f, slotIn(3));
      expect(booked.status).toBe(201);
      const res = await t
        .http()
        .post(`/api/vetting/calls/${booked.body.id}/cancel`)
        .set(bearer(f.token))
        .send({ reason: 'conflict' });
      expect(res.status).toBe(200);
      const eligibleAt = DateTime.fromISO(booked.body.startsAt).plus({ months: 6 }).toUTC().toISO();
      expect(res.body).toMatchObject({ status: 'cancelled', countsAsMiss: true, eligibleAt });
      const el = await t.http().get('/api/vetting/eligibility').set(bearer(f.token));
      expect(el.body).toMatchObject({ eligible: false, reason: 'COOLDOWN_ACTIVE', eligibleAt });
      const rebook = await book(f, slotIn(60));
      expect(rebook.status).toBe(409);
      expect(rebook.body).toMatchObject({ code: 'COOLDOWN_ACTIVE', details: { eligibleAt } });
      const twice = await t.http().post(`/api/vetting/calls/${booked.body.id}/cancel`).set(bearer(f.token)).send({});
      expect(twice.status).toBe(409);
      expect(twice.body.code).toBe('CALL_NOT_ACTIVE');
    });

    it('two concurrent reschedules of one call: exactly one wins', async () => {
      await talentManager(t, admin, 'consulting');
      const f = await invitedFreelancer(t, admin, 'consulting');
      const booked = await book(f, slotIn(72));
      expect(booked.status).toBe(201);
      const [a, b] = await Promise.all([
        t
          .http()
          .post(`/api/vetting/calls/${booked.body.id}/reschedule`)
          .set(bearer(f.token))
          .send({ startsAt: slotIn(80).toISO() }),
        t
          .http()
          .post(`/api/vetting/calls/${booked.body.id}/reschedule`)
          .set(bearer(f.token))
          .send({ startsAt: slotIn(90).toISO() }),
      ]);
      const statuses = [a.status, b.status].sort();
      expect(statuses).toEqual([200, 409]);
      const loser = a.status === 409 ? a : b;
      expect(loser.body.code).toBe('RESCHEDULE_LIMIT_REACHED');
      const view = await t.http().get(`/api/vetting/calls/${booked.body.id}`).set(bearer(f.token));
      expect(view.body.rescheduleCount).toBe(1);
    });

    it('only participants (and admins) see a call; others get 404; unknown ids are 404', async () => {
      await talentManager(t, admin, 'it-networking');
      const f = await invitedFreelancer(t, admin, 'it-networking');
      const booked = await book(f, slotIn(30));
      expect(booked.status).toBe(201);
      const stranger = await registerUser(t);
      expect((await t.http().get(`/api/vetting/calls/${booked.body.id}`).set(bearer(stranger.token))).status).toBe(404);
      expect(
        (await t.http().get(`/api/vetting/calls/${booked.body.id}/calendar.ics`).set(bearer(stranger.token))).status,
      ).toBe(404);
      expect((await t.http().get(`/api/vetting/calls/${booked.body.id}`).set(bearer(admin))).status).toBe(200);
      const unknown = await t
        .http()
        .get('/api/vetting/calls/00000000-0000-4000-8000-000000000000')
        .set(bearer(f.token));
      expect(unknown.status).toBe(404);
      expect(unknown.body.code).toBe('NOT_FOUND');
      expect((await t.http().get('/api/vetting/calls/not-a-uuid').set(bearer(f.token))).status).toBe(404);
      const early = await t.http().post(`/api/vetting/calls/${booked.body.id}/scorecard`).set(bearer(admin)).send({});
      expect(early.status).toBe(403);
    });
  });
});

/** The daily cap is enforced by the database, like double booking: concurrent bookings cannot exceed it. */
describe('daily cap under concurrency (PostgreSQL)', () => {
  let t: TestApp;
  let admin: string;
  beforeAll(async () => {
    t = await startTestApp({ withWorker: false });
    admin = await adminToken(t);
  });
  afterAll(async () => t?.close());

  const book = (f: { token: string; invitationId: string }, startsAt: DateTime) =>
    t
      .http()
      .post('/api/vetting/calls')
      .set(bearer(f.token))
      .send({ invitationId: f.invitationId, startsAt: startsAt.toISO() });
  // A UTC day three days ahead: far from the notice window and the lead time.
  const day = DateTime.utc().plus({ days: 3 }).startOf('day');
  const at = (hour: number, minute = 0) => day.set({ hour, minute });

  it('8 freelancers booking 8 different slots of one day at once, cap 2: exactly 2 calls; cancel and reschedule free a place', async () => {
    await talentManager(t, admin, 'consulting', ALL_DAY_UTC, 2);
    const fs = await Promise.all(Array.from({ length: 9 }, () => invitedFreelancer(t, admin, 'consulting')));
    const answers = await Promise.all(fs.slice(0, 8).map((f, i) => book(f, at(8 + i))));
    const won = answers.filter((r) => r.status === 201);
    expect(won).toHaveLength(2);
    expect(answers.filter((r) => r.status !== 201).map((r) => `${r.status} ${r.body.code}`)).toEqual(
      Array(6).fill('409 SLOT_UNAVAILABLE'),
    );

    // The day is full: no slot of it is offered, and the ninth freelancer cannot book it.
    const ninth = fs[8];
    const slots = await t
      .http()
      .get('/api/vetting/slots')
      .query({ invitationId: ninth.invitationId, from: day.toISO(), to: day.plus({ days: 1 }).toISO() })
      .set(bearer(ninth.token));
    expect(slots.status).toBe(200);
    expect(slots.body.slots).toEqual([]);
    expect((await book(ninth, at(20))).body.code).toBe('SLOT_UNAVAILABLE');

    // A cancellation frees a place on that day.
    const winner = fs[answers.indexOf(won[0])];
    expect(
      (await t.http().post(`/api/vetting/calls/${won[0].body.id}/cancel`).set(bearer(winner.token)).send({})).status,
    ).toBe(200);
    expect((await book(ninth, at(20))).status).toBe(201);
    expect((await book(fs[answers.findIndex((r) => r.status !== 201)], at(21))).body.code).toBe('SLOT_UNAVAILABLE');

    // A reschedule to another day frees its place too.
    const mover = fs[answers.indexOf(won[1])];
    const moved = await t
      .http()
      .post(`/api/vetting/calls/${won[1].body.id}/reschedule`)
      .set(bearer(mover.token))
      .send({ startsAt: at(10).plus({ days: 1 }).toISO() });
    expect(moved.status).toBe(200);
    const loser = fs[answers.findIndex((r) => r.status !== 201)];
    expect((await book(loser, at(22))).status).toBe(201);
  });

  it('crossing reschedules of one talent manager (Monday ↔ Tuesday, all at once) all succeed and keep the counts', async () => {
    const tm = await talentManager(t, admin, 'it-networking', ALL_DAY_UTC, 10);
    const fs = await Promise.all(Array.from({ length: 8 }, () => invitedFreelancer(t, admin, 'it-networking')));
    const d1 = day.plus({ days: 2 });
    const d2 = day.plus({ days: 3 });
    const calls: string[] = [];
    for (const [i, f] of fs.entries()) {
      const res = await book(f, (i < 4 ? d1 : d2).set({ hour: 9 + (i % 4) }));
      expect(res.status).toBe(201);
      calls.push(res.body.id);
    }
    expect(await dayLoads(t, tm.user.id)).toEqual({ [d1.toISODate()!]: 4, [d2.toISODate()!]: 4 });
    const moved = await Promise.all(
      fs.map((f, i) =>
        t
          .http()
          .post(`/api/vetting/calls/${calls[i]}/reschedule`)
          .set(bearer(f.token))
          .send({ startsAt: (i < 4 ? d2 : d1).set({ hour: 14 + (i % 4) }).toISO() }),
      ),
    );
    expect(moved.map((r) => r.status)).toEqual(Array(8).fill(200));
    expect(await dayLoads(t, tm.user.id)).toEqual({ [d1.toISODate()!]: 4, [d2.toISODate()!]: 4 });
  });

  it('a change of time zone moves the calls to the local days of the new zone', async () => {
    const tm = await talentManager(t, admin, 'hr', ALL_DAY_UTC, 1);
    const [f1, f2] = await Promise.all([invitedFreelancer(t, admin, 'hr'), invitedFreelancer(t, admin, 'hr')]);
    // 23:30 UTC is 00:30 of the next day in Berlin (UTC+1 in winter, UTC+2 in summer).
    const late = day.set({ hour: 23, minute: 0 });
    expect((await book(f1, late)).status).toBe(201);
    expect(await dayLoads(t, tm.user.id)).toEqual({ [day.toISODate()!]: 1 });
    const berlin = { ...ALL_DAY_UTC, timeZone: 'Europe/Berlin', categorySlugs: ['hr'], dailyCap: 1 };
    expect((await t.http().put('/api/talent-managers/me/availability').set(bearer(tm.token)).send(berlin)).status).toBe(
      200,
    );
    expect(await dayLoads(t, tm.user.id)).toEqual({ [day.plus({ days: 1 }).toISODate()!]: 1 });
    // The talent manager's Berlin day of `day` is free again: a call at 10:00 UTC fits under the cap of 1.
    expect((await book(f2, day.set({ hour: 10 }))).status).toBe(201);
  });

  it('bookings that arrive together go to different talent managers: the ranking counts those still being written', async () => {
    const tms = [];
    for (let i = 0; i < 4; i++) tms.push(await talentManager(t, admin, 'data-science-analytics'));
    const fs = await Promise.all(
      Array.from({ length: 4 }, () => invitedFreelancer(t, admin, 'data-science-analytics')),
    );
    // Hold every booking statement inside PostgreSQL (at its day-load row), so that all four are read and ranked
    // before any is written: each read sees four talent managers without calls.
    const locker = new Client({ connectionString: t.databaseUrl });
    await locker.connect();
    try {
      await locker.query('begin');
      await locker.query('lock table talent_manager_day_load in exclusive mode');
      const answers = Promise.all(fs.map((f, i) => book(f, at(9 + i))));
      // Bookings arriving together may share one statement, and pg_stat_activity shows only the start of a long one:
      // once a booking statement waits on the lock, the others are given time to be read, ranked and sent (with the
      // lock held, whatever reaches its ranking later still sees the first ones as being written).
      const waiting = async () =>
        (
          await locker.query<{ n: number }>(
            `select count(*)::int as n from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock'`,
          )
        ).rows[0].n;
      for (let tries = 0; (await waiting()) < 1; tries++) {
        if (tries > 200) throw new Error('no booking statement reached the lock');
        await new Promise((r) => setTimeout(r, 25));
      }
      await new Promise((r) => setTimeout(r, 500));
      await locker.query('commit');
      const booked = await answers;
      expect(booked.map((r) => r.status)).toEqual([201, 201, 201, 201]);
      // One after another they would spread too; together, without counting pending ones, all four chose the same.
      expect(new Set(booked.map((r) => r.body.talentManagerId))).toEqual(new Set(tms.map((tm) => tm.user.id)));
    } finally {
      await locker.end();
    }
  });

  it('a lower cap set later is enforced for new bookings on a day already holding calls', async () => {
    const tm = await talentManager(t, admin, 'writing', ALL_DAY_UTC, 3);
    const fs = await Promise.all(Array.from({ length: 3 }, () => invitedFreelancer(t, admin, 'writing')));
    expect((await book(fs[0], at(9))).status).toBe(201);
    expect((await book(fs[1], at(10))).status).toBe(201);
    const lowered = await t
      .http()
      .put('/api/talent-managers/me/availability')
      .set(bearer(tm.token))
      .send({ ...ALL_DAY_UTC, categorySlugs: ['writing'], dailyCap: 2 });
    expect(lowered.status).toBe(200);
    expect((await book(fs[2], at(11))).body.code).toBe('SLOT_UNAVAILABLE');
  });
});
