import { EntityManager } from '@mikro-orm/postgresql';
import { DateTime, Duration } from 'luxon';
import { CallsRepository, StaleCall, VettingCall, assertCanReschedule, isTimeTaken } from '@vetting/calendar';
import { MediumDatabase, openMediumDatabase } from '../support/medium-database';
import { draftCall, insertCallRow, insertTalentManager, invitedFreelancer } from '../support/calendar-medium';

/*
 * The conditional reschedule (CallsRepository.moveIfCurrent: talent's invitation counts the reschedule, the
 * call moves only at the version read and with notice, in one transaction) against real PostgreSQL, and its
 * TypeScript twin assertCanReschedule (domain/call.rules.ts) over a table of cases.
 */
describe('calendar conditional reschedule (PostgreSQL)', () => {
  let db: MediumDatabase;
  let calls: CallsRepository;
  let tm: string;
  const now = DateTime.utc().startOf('second');
  const notice = Duration.fromObject({ hours: 24 });

  beforeAll(async () => {
    db = await openMediumDatabase();
    calls = new CallsRepository(db.em(), db.orm);
    tm = await insertTalentManager(db.em());
  });
  afterAll(() => db.close());

  /** A booked call `ahead` from now, its freelancer having used `used` reschedules. */
  async function bookedCall(ahead: Duration, used = 0): Promise<VettingCall> {
    const f = await invitedFreelancer(db.em(), { reschedulesUsed: used });
    const call = draftCall(f, tm, now.plus(ahead), now);
    call.rescheduleCount = used;
    await insertCallRow(db.em(), call);
    return call;
  }

  type Outcome = 'moved' | 'limit' | 'stale' | 'taken';
  async function move(call: VettingCall, to: DateTime, maxReschedules = 1): Promise<Outcome> {
    try {
      const r = await db.em().transactional((tem) =>
        calls.moveIfCurrent(tem as EntityManager, {
          call,
          talentManagerId: call.talentManagerId,
          startsAt: to,
          endsAt: to.plus({ minutes: 30 }),
          now,
          noticeDeadline: now.plus(notice),
          maxReschedules,
        }),
      );
      return r ? 'moved' : 'limit';
    } catch (err) {
      if (err instanceof StaleCall) return 'stale';
      if (isTimeTaken(err)) return 'taken';
      throw err;
    }
  }
  const used = async (call: VettingCall) =>
    (await db.em().execute(`select reschedules_used from vetting_invitations where id = ?`, [call.invitationId]))[0]
      .reschedules_used;
  const row = async (call: VettingCall) =>
    (await db.em().execute(`select version, status, starts_at from vetting_calls where id = ?`, [call.id]))[0];

  it('a stale version: no call row is updated and the invitation’s count is rolled back', async () => {
    const call = await bookedCall(Duration.fromObject({ days: 5 }));
    const target = DateTime.fromJSDate(call.startsAt, { zone: 'utc' }).plus({ hours: 2 });
    expect(await move(call, target, 3)).toBe('moved');
    expect(await used(call)).toBe(1);
    // The same version again (a concurrent reschedule or cancel already moved it on).
    expect(await move(call, target.plus({ hours: 2 }), 3)).toBe('stale');
    expect(await used(call)).toBe(1);
    expect(await row(call)).toEqual(expect.objectContaining({ version: 2, status: 'rescheduled' }));
  });

  it('two concurrent reschedules of one call: exactly one wins, the count rises once', async () => {
    const call = await bookedCall(Duration.fromObject({ days: 6 }));
    const start = DateTime.fromJSDate(call.startsAt, { zone: 'utc' });
    const outcomes = await Promise.all([
      move(call, start.plus({ hours: 1 }), 2),
      move(call, start.plus({ hours: 3 }), 2),
    ]);
    expect(outcomes.sort()).toEqual(['moved', 'stale']);
    expect(await used(call)).toBe(1);
    expect((await row(call)).version).toBe(2);
  });

  it('with one reschedule allowed, the loser of a race finds none left and writes nothing', async () => {
    const call = await bookedCall(Duration.fromObject({ days: 7 }));
    const start = DateTime.fromJSDate(call.startsAt, { zone: 'utc' });
    const outcomes = await Promise.all([move(call, start.plus({ hours: 1 })), move(call, start.plus({ hours: 3 }))]);
    expect(outcomes.sort()).toEqual(['limit', 'moved']);
    expect(await used(call)).toBe(1);
  });

  it('moving onto another call of the talent manager is refused by the exclusion constraint', async () => {
    const a = await bookedCall(Duration.fromObject({ days: 8 }));
    const b = await bookedCall(Duration.fromObject({ days: 8, hours: 1 }));
    expect(await move(b, DateTime.fromJSDate(a.startsAt, { zone: 'utc' }), 3)).toBe('taken');
    expect(await used(b)).toBe(0);
  });

  // The reschedule limit and the notice, in SQL (moveIfCurrent) and in TypeScript (assertCanReschedule).
  const cases: { name: string; ahead: Duration; used: number; max: number }[] = [
    { name: 'plenty of notice, none used', ahead: Duration.fromObject({ hours: 48 }), used: 0, max: 1 },
    { name: 'exactly the notice', ahead: notice, used: 0, max: 1 },
    { name: 'a second short of the notice', ahead: notice.minus({ seconds: 1 }), used: 0, max: 1 },
    { name: 'an hour before the start', ahead: Duration.fromObject({ hours: 1 }), used: 0, max: 2 },
    { name: 'the limit used up', ahead: Duration.fromObject({ hours: 48 }), used: 1, max: 1 },
    { name: 'one of two used', ahead: Duration.fromObject({ hours: 48 }), used: 1, max: 2 },
  ];
  it.each(cases)('SQL and assertCanReschedule agree: $name', async ({ ahead, used: u, max }) => {
    const f = await invitedFreelancer(db.em(), { reschedulesUsed: u });
    const startsAt = now.plus(ahead);
    const call = draftCall(f, await insertTalentManager(db.em()), startsAt, now);
    call.rescheduleCount = u;
    await insertCallRow(db.em(), call);
    let tsAnswer: string;
    try {
      assertCanReschedule(
        {
          id: call.id,
          status: 'scheduled',
          startsAt,
          endsAt: startsAt.plus({ minutes: 30 }),
          rescheduleCount: u,
          version: 1,
        },
        now,
        { rescheduleNotice: notice, maxReschedules: max },
        u,
      );
      tsAnswer = 'allowed';
    } catch (err) {
      tsAnswer = (err as { code: string }).code;
    }
    const sql = await move(call, startsAt.plus({ days: 1 }), max);
    const expected = { allowed: 'moved', RESCHEDULE_LIMIT_REACHED: 'limit', NOTICE_TOO_SHORT: 'stale' }[tsAnswer];
    expect({ tsAnswer, sql }).toEqual({ tsAnswer, sql: expected });
  });
});
