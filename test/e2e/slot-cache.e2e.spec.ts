import { DateTime } from 'luxon';
import { Client } from 'pg';
import { ManualClock } from '@vetting/core';
import { TestApp, startTestApp } from '../support/test-app';
import { ALL_DAY_UTC, adminToken, bearer, invitedFreelancer, talentManager } from '../support/calendar-fixtures';

/*
 * The slot list is cached per category in each api process and invalidated by a version the database raises
 * with every change that moves a slot (migrations/…_slot_versions.ts). Two api instances share one database
 * here, each with its own cache: a change made through one (or straight in the database, as the worker's
 * timers do) must show in the next list of the other, and a listed slot taken meanwhile is still refused at
 * booking by the database.
 */
describe('slot list cache: invalidated across api processes (PostgreSQL)', () => {
  let a: TestApp;
  let b: TestApp;
  let admin: string;
  let pg: Client;
  beforeAll(async () => {
    a = await startTestApp({ withWorker: false });
    b = await startTestApp({ withWorker: false, databaseUrl: a.databaseUrl });
    admin = await adminToken(a);
    pg = new Client({ connectionString: a.databaseUrl });
    await pg.connect();
  });
  afterAll(async () => {
    await pg?.end();
    await b?.close();
    await a?.close();
  });

  // A fixed range past the 1-hour lead, so that the lists of one test differ only by what was changed.
  const from = DateTime.utc().plus({ hours: 2 }).toISO();
  const slotsVia = async (t: TestApp, f: { token: string; invitationId: string }, days = 3) => {
    const to = DateTime.fromISO(from).plus({ days }).toISO();
    const res = await t
      .http()
      .get('/api/vetting/slots')
      .query({ invitationId: f.invitationId, from, to })
      .set(bearer(f.token));
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    return (res.body.slots as { startsAt: string }[]).map((s) => s.startsAt);
  };
  const book = (t: TestApp, f: { token: string; invitationId: string }, startsAt: string) =>
    t.http().post('/api/vetting/calls').set(bearer(f.token)).send({ invitationId: f.invitationId, startsAt });

  it('a booking through one process removes the slot from the other’s list; a cancellation brings it back', async () => {
    await talentManager(a, admin, 'web-mobile-software-dev');
    const f1 = await invitedFreelancer(a, admin, 'web-mobile-software-dev');
    const f2 = await invitedFreelancer(a, admin, 'web-mobile-software-dev');
    // Both processes have the list cached.
    const listedA = await slotsVia(a, f1);
    const listedB = await slotsVia(b, f2);
    expect(listedB).toEqual(listedA);
    const chosen = listedA[3];

    const booked = await book(a, f1, chosen);
    expect(booked.status).toBe(201);
    expect(await slotsVia(b, f2)).not.toContain(chosen);
    expect(await slotsVia(a, f2)).not.toContain(chosen);

    // f2 still has the slot from B's earlier answer: the database refuses it.
    const late = await book(b, f2, chosen);
    expect(late.status).toBe(409);
    expect(late.body.code).toBe('SLOT_UNAVAILABLE');

    const cancelled = await b.http().post(`/api/vetting/calls/${booked.body.id}/cancel`).set(bearer(f1.token)).send({});
    expect(cancelled.status).toBe(200);
    expect(await slotsVia(a, f2)).toContain(chosen);
    expect(await slotsVia(b, f2)).toEqual(listedA);
  });

  it('a reschedule through one process moves the slot in the other’s list', async () => {
    await talentManager(a, admin, 'consulting');
    const f1 = await invitedFreelancer(a, admin, 'consulting');
    const f2 = await invitedFreelancer(a, admin, 'consulting');
    const listed = await slotsVia(b, f2);
    const booked = await book(a, f1, listed[60]);
    expect(booked.status).toBe(201);
    expect(await slotsVia(b, f2)).not.toContain(listed[60]);
    const moved = await a
      .http()
      .post(`/api/vetting/calls/${booked.body.id}/reschedule`)
      .set(bearer(f1.token))
      .send({ startsAt: listed[100] });
    expect(moved.status).toBe(200);
    const after = await slotsVia(b, f2);
    expect(after).toContain(listed[60]);
    expect(after).not.toContain(listed[100]);
  });

  it('availability and categories changed through one process show in the other’s next list', async () => {
    const tm = await talentManager(a, admin, 'hr');
    const f = await invitedFreelancer(a, admin, 'hr');
    const before = await slotsVia(b, f, 8);
    expect(before.length).toBeGreaterThan(100);

    // Weekday mornings only, in Berlin.
    const week = {
      timeZone: 'Europe/Berlin',
      weekly: [1, 2, 3, 4, 5].map((weekday) => ({ weekday, start: '09:00', end: '12:00' })),
      exceptions: [],
    };
    const set = (body: Record<string, unknown>) =>
      a.http().put('/api/talent-managers/me/availability').set(bearer(tm.token)).send(body);
    expect((await set({ ...week, categorySlugs: ['hr'], dailyCap: 48 })).status).toBe(200);
    const mornings = await slotsVia(b, f, 8);
    expect(mornings.length).toBeGreaterThan(0);
    expect(mornings.length).toBeLessThan(before.length);
    for (const s of mornings) {
      const local = DateTime.fromISO(s).setZone('Europe/Berlin');
      expect(local.weekday).toBeLessThanOrEqual(5);
      expect(local.hour).toBeGreaterThanOrEqual(9);
      expect(local.hour).toBeLessThan(12);
    }

    // A day off.
    const dayOff = DateTime.fromISO(mornings[0]).setZone('Europe/Berlin').toISODate()!;
    const exceptions = [{ date: dayOff, available: false }];
    expect((await set({ ...week, exceptions, categorySlugs: ['hr'], dailyCap: 48 })).status).toBe(200);
    const withDayOff = await slotsVia(b, f, 8);
    expect(withDayOff.some((s) => DateTime.fromISO(s).setZone('Europe/Berlin').toISODate() === dayOff)).toBe(false);
    expect(withDayOff.length).toBeLessThan(mornings.length);

    // The talent manager leaves the category: nobody is left in it.
    expect((await set({ ...week, categorySlugs: ['writing'], dailyCap: 48 })).status).toBe(200);
    expect(await slotsVia(b, f, 8)).toEqual([]);
  });

  it('a daily cap lowered through one process closes the day in the other’s list', async () => {
    const tm = await talentManager(a, admin, 'data-science-analytics');
    const f1 = await invitedFreelancer(a, admin, 'data-science-analytics');
    const f2 = await invitedFreelancer(a, admin, 'data-science-analytics');
    const listed = await slotsVia(b, f2);
    // A slot late enough that its UTC day still has other free slots after it.
    const chosen = listed.find((s) => DateTime.fromISO(s, { zone: 'utc' }).hour === 12)!;
    expect((await book(a, f1, chosen)).status).toBe(201);
    const day = DateTime.fromISO(chosen, { zone: 'utc' }).toISODate();
    const onDay = (list: string[]) => list.filter((s) => DateTime.fromISO(s, { zone: 'utc' }).toISODate() === day);
    expect(onDay(await slotsVia(b, f2)).length).toBeGreaterThan(0);
    const capped = await a
      .http()
      .put('/api/talent-managers/me/availability')
      .set(bearer(tm.token))
      .send({ ...ALL_DAY_UTC, categorySlugs: ['data-science-analytics'], dailyCap: 1 });
    expect(capped.status).toBe(200);
    expect(onDay(await slotsVia(b, f2))).toEqual([]);
  });

  it('changes written straight to the database (the worker’s timers, another service) are seen too', async () => {
    const tm = await talentManager(a, admin, 'design-creative');
    const f1 = await invitedFreelancer(a, admin, 'design-creative');
    const f2 = await invitedFreelancer(a, admin, 'design-creative');
    const listed = await slotsVia(a, f2);
    const booked = await book(b, f1, listed[10]);
    expect(booked.status).toBe(201);
    expect(await slotsVia(a, f2)).not.toContain(listed[10]);
    // A call ending (as the grace timer marks a missed one) frees its time.
    await pg.query(`update vetting_calls set status = 'missed', ended_at = now() where id = $1`, [booked.body.id]);
    expect(await slotsVia(a, f2)).toContain(listed[10]);
    // A user who is no longer a talent manager offers nothing.
    await pg.query(`update users set role = 'proctor' where id = $1`, [tm.user.id]);
    expect(await slotsVia(a, f2)).toEqual([]);
    await pg.query(`update users set role = 'talent_manager' where id = $1`, [tm.user.id]);
    expect(await slotsVia(a, f2)).toEqual(listed);
  });

  it('a talent manager added to the category through one process shows in the other’s list', async () => {
    const berlinMornings = {
      timeZone: 'Europe/Berlin',
      weekly: [1, 2, 3, 4, 5].map((weekday) => ({ weekday, start: '09:00', end: '10:00' })),
      exceptions: [],
    };
    await talentManager(a, admin, 'sales-marketing', berlinMornings);
    const f = await invitedFreelancer(a, admin, 'sales-marketing');
    const before = await slotsVia(b, f, 8);
    await talentManager(a, admin, 'sales-marketing', {
      ...berlinMornings,
      timeZone: 'America/New_York',
    });
    const after = await slotsVia(b, f, 8);
    expect(after.length).toBeGreaterThan(before.length);
    expect(after).toEqual(expect.arrayContaining(before));
  });
});

describe('slot list cache: the lead time is applied per request (injected clock)', () => {
  const clock = new ManualClock(DateTime.fromISO('2030-01-07T06:10:00Z', { zone: 'utc' })); // a Monday
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ withWorker: false, clock });
  });
  afterAll(async () => t?.close());

  it('a cached list loses the slots that come within the lead as the clock moves, with nothing written', async () => {
    const admin = await adminToken(t);
    await talentManager(t, admin, 'it-networking');
    const f = await invitedFreelancer(t, admin, 'it-networking');
    const list = async () => {
      const res = await t
        .http()
        .get('/api/vetting/slots')
        .query({ invitationId: f.invitationId, to: clock.now().plus({ days: 2 }).toISO() })
        .set(bearer(f.token));
      expect(res.status).toBe(200);
      return res.body.slots as { startsAt: string; localStartsAt: string }[];
    };
    const first = await list();
    // 1 h lead: the first slot is 07:30 (07:10 is not on the half-hour grid).
    expect(first[0].startsAt).toBe('2030-01-07T07:30:00.000Z');
    expect(first[0].localStartsAt).toBe('2030-01-07T08:30:00.000+01:00'); // the freelancer's zone (Berlin)
    clock.advance({ hours: 2 });
    const later = await list();
    expect(later[0].startsAt).toBe('2030-01-07T09:30:00.000Z');
    // The end of the range moved with `to` as well.
    expect(later[later.length - 1].startsAt).toBe('2030-01-09T08:00:00.000Z');
  });
});
