import { EntityManager } from '@mikro-orm/postgresql';
import { randomUUID } from 'node:crypto';
import { DateTime, Duration } from 'luxon';
import { AppError, outboxInsertPart } from '@vetting/core';
import { notificationsInsertPart } from '@vetting/notifications';
import {
  AvailabilityRepository,
  BookingReadRepository,
  BookingRow,
  CallsRepository,
  FreeTime,
  bookingEntitlement,
  isDayFull,
  isDuplicateCall,
  isTimeTaken,
  offersSlot,
} from '@vetting/calendar';
import { MediumDatabase, openMediumDatabase } from '../support/medium-database';
import { dayLoad, draftCall, insertTalentManager, invitedFreelancer } from '../support/calendar-medium';

/*
 * The booking statement (CallsRepository.insertBooking(s), one CTE over talent's invitations and cooldowns and
 * the calendar's calls) and the "who is free" read, against real PostgreSQL: races are settled by the
 * database, and each rule the SQL enforces gives the same answer as its TypeScript twin.
 */
describe('calendar booking statement (PostgreSQL)', () => {
  let db: MediumDatabase;
  let calls: CallsRepository;
  let availability: AvailabilityRepository;
  let reads: BookingReadRepository;
  const now = DateTime.utc().startOf('second');
  const day = now.plus({ days: 3 }).startOf('day');
  const at = (h: number, m = 0) => day.set({ hour: h, minute: m });
  const policy = {
    callLength: Duration.fromObject({ minutes: 30 }),
    minBookingLead: Duration.fromObject({ hours: 1 }),
    bookingHorizon: Duration.fromObject({ days: 30 }),
  };
  const unread = { reschedulesUsed: 0, freeRebooking: false, hasCancelledCall: false };

  beforeAll(async () => {
    db = await openMediumDatabase();
    calls = new CallsRepository(db.em(), db.orm);
    availability = new AvailabilityRepository(db.em(), db.orm);
    reads = new BookingReadRepository(db.em());
  });
  afterAll(() => db.close());

  type Outcome = 'booked' | 'changed' | 'taken' | 'day-full' | 'duplicate';
  async function book(
    f: { freelancerId: string; invitationId: string },
    tmId: string,
    startsAt: DateTime,
    read = unread,
  ) {
    const call = draftCall(f, tmId, startsAt, now);
    try {
      const ok = await db.em().transactional((tem) => calls.insertBooking(tem as EntityManager, call, read, now, {}));
      return (ok ? 'booked' : 'changed') as Outcome;
    } catch (err) {
      if (isDayFull(err)) return 'day-full' as Outcome;
      if (isTimeTaken(err)) return 'taken' as Outcome;
      if (isDuplicateCall(err)) return 'duplicate' as Outcome;
      throw err;
    }
  }
  const count = (outcomes: Outcome[]) =>
    outcomes.reduce<Record<string, number>>((c, o) => ({ ...c, [o]: (c[o] ?? 0) + 1 }), {});

  it('two concurrent bookings of the same slot: exactly one wins, the other finds the time taken (23P01)', async () => {
    const tm = await insertTalentManager(db.em());
    const [a, b] = [await invitedFreelancer(db.em()), await invitedFreelancer(db.em())];
    const outcomes = await Promise.all([book(a, tm, at(10)), book(b, tm, at(10))]);
    expect(count(outcomes)).toEqual({ booked: 1, taken: 1 });
    const [{ n }] = await db
      .em()
      .execute(`select count(*)::int as n from vetting_calls where talent_manager_id = ?`, [tm]);
    expect(n).toBe(1);
  });

  it('one invitation booked at two slots at once: one call, the other is refused (one active call)', async () => {
    const tm = await insertTalentManager(db.em());
    const f = await invitedFreelancer(db.em());
    const outcomes = await Promise.all([book(f, tm, at(10)), book(f, tm, at(11))]);
    expect(count(outcomes)).toEqual({ booked: 1, duplicate: 1 });
  });

  it('daily cap under concurrency: five bookings of five slots of one day, cap 2, exactly two win', async () => {
    const tm = await insertTalentManager(db.em(), { dailyCap: 2 });
    const fs = await Promise.all([0, 1, 2, 3, 4].map(() => invitedFreelancer(db.em())));
    const outcomes = await Promise.all(fs.map((f, i) => book(f, tm, at(9 + i))));
    expect(count(outcomes)).toEqual({ booked: 2, 'day-full': 3 });
    expect(await dayLoad(db.em(), tm)).toEqual({ [day.toISODate()!]: 2 });
  });

  it('the daily cap and the overlap rule of offersSlot (TypeScript) answer as the database does', async () => {
    for (const cap of [1, 2, 3]) {
      const tm = await insertTalentManager(db.em(), { dailyCap: cap });
      const tries = [at(9), at(9), at(9, 30), at(10), at(11), at(12)];
      let booked = 0;
      for (const startsAt of tries) {
        const free = await availability.whoIsFree(
          { categorySlug: 'web-mobile-software-dev' },
          startsAt,
          startsAt.plus(policy.callLength),
        );
        const schedule = free.schedules.find((s) => s.talentManagerId === tm)!;
        const offered = offersSlot(schedule, free.booked, policy, now, startsAt);
        const outcome = await book(await invitedFreelancer(db.em()), tm, startsAt);
        expect({ cap, startsAt: startsAt.toISO(), outcome, offered }).toEqual({
          cap,
          startsAt: startsAt.toISO(),
          outcome: offered ? 'booked' : expect.stringMatching(/^(taken|day-full)$/),
          offered,
        });
        if (outcome === 'booked') booked++;
      }
      expect(booked).toBe(Math.min(cap, 5));
    }
  });

  it.each(['Pacific/Kiritimati', 'Etc/GMT+12'])(
    'the read sees the whole local day for the cap (%s): a slot 23 h after the day’s first call is not offered',
    async (timeZone) => {
      const tm = await insertTalentManager(db.em(), { timeZone, dailyCap: 1 });
      const localDay = now.setZone(timeZone).plus({ days: 3 }).startOf('day');
      const first = localDay.toUTC();
      const last = localDay.set({ hour: 23 }).toUTC();
      expect(await book(await invitedFreelancer(db.em()), tm, first)).toBe('booked');
      const free = await availability.whoIsFree(
        { categorySlug: 'web-mobile-software-dev' },
        last,
        last.plus(policy.callLength),
      );
      expect(free.booked.filter((b) => b.talentManagerId === tm).map((b) => b.startsAt.toMillis())).toEqual([
        first.toMillis(),
      ]);
      const schedule = free.schedules.find((s) => s.talentManagerId === tm)!;
      expect(offersSlot(schedule, free.booked, policy, now, last)).toBe(false);
      expect(await book(await invitedFreelancer(db.em()), tm, last)).toBe('day-full');
      // The next local day starts a new count.
      const next = localDay.plus({ days: 1 }).toUTC();
      const nextFree = await availability.whoIsFree(
        { categorySlug: 'web-mobile-software-dev' },
        next,
        next.plus(policy.callLength),
      );
      const nextSchedule = nextFree.schedules.find((s) => s.talentManagerId === tm)!;
      expect(offersSlot(nextSchedule, nextFree.booked, policy, now, next)).toBe(true);
    },
  );

  it('a running cooldown: the statement writes nothing, and bookingEntitlement refuses with COOLDOWN_ACTIVE', async () => {
    const tm = await insertTalentManager(db.em());
    const f = await invitedFreelancer(db.em());
    await db.em().execute(
      `insert into vetting_cooldowns (id, freelancer_id, program, reason, starts_at, until)
       values (gen_random_uuid(), ?, 'expert-vetted', 'missed', ?, ?)`,
      [f.freelancerId, now.toJSDate(), now.plus({ days: 90 }).toJSDate()],
    );
    expect(await book(f, tm, at(10))).toBe('changed');
    const facts = await calls.invitationFacts(f.invitationId, f.freelancerId, now);
    expect(() => bookingEntitlement(facts, f.freelancerId, now, { maxReschedules: 1 })).toThrow(
      expect.objectContaining({ code: 'COOLDOWN_ACTIVE' }) as unknown as AppError,
    );
    const [{ n }] = await db
      .em()
      .execute(`select count(*)::int as n from vetting_calls where invitation_id = ?`, [f.invitationId]);
    expect(n).toBe(0);
  });

  it('an invitation changed since it was read (counters): nothing is written', async () => {
    const tm = await insertTalentManager(db.em());
    const f = await invitedFreelancer(db.em());
    expect(await book(f, tm, at(10), { ...unread, reschedulesUsed: 1 })).toBe('changed');
    expect(await book(f, tm, at(10), { ...unread, freeRebooking: true })).toBe('changed');
    expect(await book(f, tm, at(10))).toBe('booked');
  });

  /** A read's free time in a fixed order (json_agg's order is the plan's). */
  const ordered = (free: FreeTime) => ({
    schedules: [...free.schedules].sort((a, b) => a.talentManagerId.localeCompare(b.talentManagerId)),
    booked: [...free.booked].sort(
      (a, b) => a.talentManagerId.localeCompare(b.talentManagerId) || a.startsAt.toMillis() - b.startsAt.toMillis(),
    ),
  });
  /** What one request of the booking read must answer: invitationFacts and whoIsFree by invitation, read alone. */
  const reference = async (invitationId: string, freelancerId: string, from: DateTime) => ({
    facts: await calls.invitationFacts(invitationId, freelancerId, now),
    free: ordered(await availability.whoIsFree({ invitationId }, from, from.plus(policy.callLength))),
  });
  const readOne = async (invitationId: string, freelancerId: string, from: DateTime) => {
    const read = await reads.read(invitationId, freelancerId, now, from, from.plus(policy.callLength));
    return { facts: read.facts, free: ordered(read.free) };
  };

  it('the booking read answers as invitationFacts and whoIsFree by invitation do', async () => {
    const tm = await insertTalentManager(db.em());
    const f = await invitedFreelancer(db.em());
    const other = await invitedFreelancer(db.em());
    expect(await book(other, tm, at(16))).toBe('booked');
    const compare = async (invitationId: string, freelancerId: string) => {
      const read = await readOne(invitationId, freelancerId, at(16));
      expect(read).toEqual(await reference(invitationId, freelancerId, at(16)));
      return read;
    };
    const fresh = await compare(f.invitationId, f.freelancerId);
    expect(fresh.facts).toMatchObject({ hasActiveCall: false, cooldownUntil: null });
    expect(fresh.free.booked.filter((b) => b.talentManagerId === tm).map((b) => b.startsAt.toISO())).toEqual([
      at(16).toISO(),
    ]);
    expect(fresh.free.schedules.map((s) => s.talentManagerId)).toContain(tm);
    // The other freelancer's invitation: has its call; someone else's freelancer id; a cooldown; no invitation.
    expect((await compare(other.invitationId, other.freelancerId)).facts.hasActiveCall).toBe(true);
    await compare(other.invitationId, f.freelancerId);
    await db.em().execute(
      `insert into vetting_cooldowns (id, freelancer_id, program, reason, starts_at, until)
       values (gen_random_uuid(), ?, 'expert-vetted', 'missed', ?, ?)`,
      [f.freelancerId, now.toJSDate(), now.plus({ days: 90 }).toJSDate()],
    );
    expect((await compare(f.invitationId, f.freelancerId)).facts.cooldownUntil).not.toBeNull();
    const none = await compare('00000000-0000-4000-8000-000000000000', f.freelancerId);
    expect(none).toEqual({ facts: expect.objectContaining({ invitation: null }), free: { schedules: [], booked: [] } });
  });

  it('the reads of bookings that arrive together (one statement) each answer as that request read alone', async () => {
    const tm = await insertTalentManager(db.em());
    const hrTm = await insertTalentManager(db.em());
    await db
      .em()
      .execute(`update talent_manager_availability set category_slugs = '["hr"]' where talent_manager_id = ?`, [hrTm]);
    const [f, g, booker, hr] = [
      await invitedFreelancer(db.em()),
      await invitedFreelancer(db.em()),
      await invitedFreelancer(db.em()),
      await invitedFreelancer(db.em()),
    ];
    await db.em().execute(`update vetting_invitations set category_slug = 'hr' where id = ?`, [hr.invitationId]);
    // Calls on two days two days apart: each request's window holds the calls of its own day only.
    expect(await book(booker, tm, at(16))).toBe('booked');
    const later = at(16).plus({ days: 3 });
    expect(await book(await invitedFreelancer(db.em()), tm, later)).toBe('booked');
    const asked: [string, string, DateTime][] = [
      [f.invitationId, f.freelancerId, at(16)],
      [g.invitationId, g.freelancerId, later],
      [booker.invitationId, booker.freelancerId, at(10)],
      [hr.invitationId, hr.freelancerId, at(11)],
      [f.invitationId, g.freelancerId, later.plus({ hours: 2 })],
      ['00000000-0000-4000-8000-000000000000', f.freelancerId, at(16)],
    ];
    const together = await Promise.all(asked.map(([inv, fr, from]) => readOne(inv, fr, from)));
    for (const [k, [inv, fr, from]] of asked.entries()) expect(together[k]).toEqual(await reference(inv, fr, from));
    // The windows differ: the first sees the call of its day and not the later one; the second the reverse.
    const starts = (k: number) =>
      together[k].free.booked.filter((b) => b.talentManagerId === tm).map((b) => b.startsAt.toISO());
    expect(starts(0)).toEqual([at(16).toISO()]);
    expect(starts(1)).toEqual([later.toISO()]);
    expect(together[3].free.schedules.map((s) => s.talentManagerId)).toEqual([hrTm]);
    expect(together[2].facts.hasActiveCall).toBe(true);
    // A malformed id in the batch reads as no invitation, and fails no other request of it.
    const [bad, good] = await Promise.all([
      readOne('not-a-uuid', f.freelancerId, at(16)),
      readOne(f.invitationId, f.freelancerId, at(16)),
    ]);
    expect(bad).toEqual(await reference('00000000-0000-4000-8000-000000000000', f.freelancerId, at(16)));
    expect(good).toEqual(await reference(f.invitationId, f.freelancerId, at(16)));
  });

  it('several bookings in one statement: each is booked (with its own effects) or not as alone; a refusal writes none', async () => {
    const [tmA, tmB] = [await insertTalentManager(db.em()), await insertTalentManager(db.em())];
    const fs = [await invitedFreelancer(db.em()), await invitedFreelancer(db.em()), await invitedFreelancer(db.em())];
    const write = (f: (typeof fs)[number], tm: string, startsAt: DateTime, read = unread): BookingRow => ({
      call: draftCall(f, tm, startsAt, now),
      read,
      now,
      details: {},
    });
    // Each booking's effects gated on its own call: a timers row and a notification (with its delivery row).
    const effectsOf = (rows: BookingRow[]) => [
      outboxInsertPart(
        'timers',
        { idsOf: 'c' },
        rows.map(({ call }) => ({
          topic: 'calendar.timers',
          key: `call:${call.id}:v1:timers`,
          payload: { callId: call.id },
          gateId: call.id,
        })),
      ),
      notificationsInsertPart(
        'notices',
        { idsOf: 'c' },
        rows.map(({ call }) => ({
          id: randomUUID(),
          userId: call.freelancerId,
          type: 'call.booked',
          title: 'Vetting call booked',
          body: 'body',
          data: { callId: call.id },
          dedupeKey: `call.booked:${call.id}:v1`,
          gateId: call.id,
        })),
        now.toJSDate(),
        'notification.deliver',
      ),
    ];
    const written = async (ids: string[]) => ({
      calls: (
        await db.em().execute<{ id: string }[]>(`select id from vetting_calls where id in (?) order by id`, [ids])
      ).map((r) => r.id),
      timers: (
        await db
          .em()
          .execute<{ k: string }[]>(`select idempotency_key as k from outbox where idempotency_key in (?) order by k`, [
            ids.map((id) => `call:${id}:v1:timers`),
          ])
      ).map((r) => r.k),
      notified: (
        await db.em().execute<{ call_id: string }[]>(
          `select n.data->>'callId' as call_id from notifications n
               join outbox o on o.idempotency_key = 'notification:' || n.id || ':deliver'
              where n.data->>'callId' in (?) order by 1`,
          [ids],
        )
      ).map((r) => r.call_id),
    });

    // Three bookings, the third read with stale counters: two booked with their effects, the third nothing.
    const batch = [
      write(fs[0], tmA, at(12)),
      write(fs[1], tmB, at(12)),
      write(fs[2], tmA, at(13), { ...unread, reschedulesUsed: 1 }),
    ];
    const booked = await calls.insertBookings(db.em(), batch, effectsOf(batch));
    const ids = batch.map((w) => w.call.id);
    expect([...booked].sort()).toEqual([ids[0], ids[1]].sort());
    expect(await written(ids)).toEqual({
      calls: [ids[0], ids[1]].sort(),
      timers: [ids[0], ids[1]].map((id) => `call:${id}:v1:timers`).sort(),
      notified: [ids[0], ids[1]].sort(),
    });

    // A batch where one booking overlaps a call just booked: refused as a whole (23P01), nothing of it written.
    const third = await invitedFreelancer(db.em());
    const refused = [write(fs[2], tmB, at(14)), write(third, tmA, at(12, 15))];
    const err = await calls.insertBookings(db.em(), refused, effectsOf(refused)).catch((e: unknown) => e);
    expect(isTimeTaken(err)).toBe(true);
    expect(await written(refused.map((w) => w.call.id))).toEqual({ calls: [], timers: [], notified: [] });
    // Alone, the other one books.
    expect(await book(fs[2], tmB, at(14))).toBe('booked');
  });

  it('the booking statement stores its outbox rows and notifications itself, and nothing when it books nothing', async () => {
    const tm = await insertTalentManager(db.em());
    const [f, late, stale] = [
      await invitedFreelancer(db.em()),
      await invitedFreelancer(db.em()),
      await invitedFreelancer(db.em()),
    ];
    // The talent manager muted call.booked pushes: the SQL twin of wantsPush answers false for them.
    await db
      .em()
      .execute(
        `insert into notification_preferences (user_id, push, muted_types, updated_at) values (?, true, '["call.booked"]', now())`,
        [tm],
      );
    const createdAt = now.toJSDate();
    const attempt = async (who: typeof f, read = unread) => {
      const call = draftCall(who, tm, at(18), now);
      const notices = [who.freelancerId, tm].map((userId, i) => ({
        id: randomUUID(),
        userId,
        type: 'call.booked',
        title: 'Vetting call booked',
        body: `body ${i}`,
        data: { callId: call.id },
        dedupeKey: `call.booked:${call.id}:v1:${userId}`,
        attachments: [{ filename: 'vetting-call.ics', contentType: 'text/calendar; charset=utf-8', content: 'ICS' }],
      }));
      const effects = [
        outboxInsertPart('timers', 'c', [
          { topic: 'calendar.timers', key: `call:${call.id}:v1:timers`, payload: { callId: call.id } },
        ]),
        notificationsInsertPart('notices', 'c', notices, createdAt, 'notification.deliver'),
      ];
      let outcome: string;
      try {
        outcome = (await calls.insertBooking(db.em(), call, read, now, {}, effects)) ? 'booked' : 'changed';
      } catch (err) {
        outcome = isTimeTaken(err) ? 'taken' : String(err);
      }
      const outbox = await db
        .em()
        .execute<{ topic: string; idempotency_key: string; payload: unknown }[]>(
          `select topic, idempotency_key, payload from outbox where idempotency_key like ? or payload->'view'->'data'->>'callId' = ? order by topic, payload->>'userId'`,
          [`call:${call.id}:%`, call.id],
        );
      const notifications = await db
        .em()
        .execute<{ user_id: string; dedupe_key: string; attachments: unknown }[]>(
          `select user_id, dedupe_key, attachments from notifications where data->>'callId' = ? order by dedupe_key`,
          [call.id],
        );
      return { call, notices, outcome, outbox, notifications };
    };

    const ok = await attempt(f);
    expect(ok.outcome).toBe('booked');
    expect(ok.notifications).toHaveLength(2);
    expect(ok.notifications[0].attachments).toEqual(ok.notices[0].attachments);
    const view = (n: (typeof ok.notices)[number]) => ({
      id: n.id,
      type: n.type,
      title: n.title,
      body: n.body,
      data: n.data,
      createdAt: createdAt.toISOString(),
      readAt: null,
    });
    const byUser = (a: { payload: any }, b: { payload: any }) =>
      String(a.payload.userId).localeCompare(b.payload.userId);
    expect(ok.outbox.filter((r) => r.topic === 'calendar.timers')).toEqual([
      { topic: 'calendar.timers', idempotency_key: `call:${ok.call.id}:v1:timers`, payload: { callId: ok.call.id } },
    ]);
    expect(ok.outbox.filter((r) => r.topic === 'notification.deliver').sort(byUser)).toEqual(
      [
        {
          topic: 'notification.deliver',
          idempotency_key: `notification:${ok.notices[0].id}:deliver`,
          payload: { userId: f.freelancerId, push: true, view: view(ok.notices[0]) },
        },
        {
          topic: 'notification.deliver',
          idempotency_key: `notification:${ok.notices[1].id}:deliver`,
          payload: { userId: tm, push: false, view: view(ok.notices[1]) },
        },
      ].sort(byUser),
    );

    // The same slot again (23P01) and an invitation changed since it was read: no row of any kind.
    for (const [who, read, expected] of [
      [late, unread, 'taken'],
      [stale, { ...unread, reschedulesUsed: 1 }, 'changed'],
    ] as const) {
      const refused = await attempt(who, read);
      expect({ outcome: refused.outcome, outbox: refused.outbox, notifications: refused.notifications }).toEqual({
        outcome: expected,
        outbox: [],
        notifications: [],
      });
    }
  });

  it('who is free: one read by invitation or by category, and the call being moved does not hold its time', async () => {
    const tm = await insertTalentManager(db.em());
    const f = await invitedFreelancer(db.em());
    expect(await book(f, tm, at(14))).toBe('booked');
    const byInvitation = await availability.whoIsFree({ invitationId: f.invitationId }, at(14), at(14, 30));
    const bySlug = await availability.whoIsFree({ categorySlug: 'web-mobile-software-dev' }, at(14), at(14, 30));
    expect(byInvitation).toEqual(bySlug);
    const mine = byInvitation.booked.filter((b) => b.talentManagerId === tm);
    expect(mine.map((b) => b.startsAt.toISO())).toEqual([at(14).toISO()]);
    const [{ id }] = await db.em().execute(`select id from vetting_calls where invitation_id = ?`, [f.invitationId]);
    const moving = await availability.whoIsFree({ categorySlug: 'web-mobile-software-dev' }, at(14), at(14, 30), id);
    expect(moving.booked.filter((b) => b.talentManagerId === tm)).toEqual([]);
    expect(
      await availability.whoIsFree({ invitationId: '00000000-0000-4000-8000-000000000000' }, at(14), at(15)),
    ).toEqual({
      schedules: [],
      booked: [],
    });
  });
});
