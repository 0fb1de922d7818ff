import { DateTime, Duration } from 'luxon';
import { AppError } from '@vetting/core';
import { CALL_STATUSES, CallStatus } from '../data/call.entities';
import {
  CallPolicy,
  CallState,
  Participant,
  assertCanJoin,
  assertCanReschedule,
  assertCanScore,
  bookingEntitlement,
  BookingFacts,
  callNotActive,
  callTimers,
  cancellationOutcome,
  cooldownUntil,
  endOutcome,
  graceOutcome,
  isActive,
  settledCallTimerIds,
  timerJobId,
} from './call.rules';

// ---------------------------------------------------------------------------------------------
// Fixtures: the product's policy defaults and a call booked for 2026-03-20 10:00–10:30 UTC.
// ---------------------------------------------------------------------------------------------

const utc = (iso: string): DateTime => DateTime.fromISO(iso, { zone: 'utc' });
const MS = Duration.fromMillis(1);

const START = utc('2026-03-20T10:00:00Z');
const END = utc('2026-03-20T10:30:00Z');
const CALL_ID = '3f1c2a9e-8d4b-4c1e-9a7f-0b2d5e6f7a81';

function policy(over: Partial<CallPolicy> = {}): CallPolicy {
  return {
    callLength: Duration.fromISO('PT30M'),
    gracePeriod: Duration.fromISO('PT5M'),
    rescheduleNotice: Duration.fromISO('PT24H'),
    maxReschedules: 1,
    missedCooldown: Duration.fromISO('P6M'),
    joinEarly: Duration.fromISO('PT10M'),
    endingSoon: Duration.fromISO('PT5M'),
    reminders: [Duration.fromISO('PT24H'), Duration.fromISO('PT1H')],
    ...over,
  };
}

function call(over: Partial<CallState> = {}): CallState {
  return {
    id: CALL_ID,
    status: 'scheduled',
    startsAt: START,
    endsAt: END,
    rescheduleCount: 0,
    version: 1,
    freelancerJoinedAt: null,
    talentManagerJoinedAt: null,
    ...over,
  };
}

/** Runs fn, which must throw an AppError, and returns that error. */
function appError(fn: () => unknown): AppError {
  let thrown: unknown;
  try {
    fn();
  } catch (err) {
    thrown = err;
  }
  if (thrown === undefined) throw new Error('expected an AppError, but nothing was thrown');
  expect(thrown).toBeInstanceOf(AppError);
  return thrown as AppError;
}

const ACTIVE: CallStatus[] = ['scheduled', 'rescheduled', 'in_progress'];
const INACTIVE: CallStatus[] = ['completed', 'missed', 'interviewer_absent', 'cancelled'];
const STARTED_OR_OVER: CallStatus[] = ['in_progress', ...INACTIVE];

describe('status sets', () => {
  it('the fixtures cover every call status exactly once', () => {
    expect([...ACTIVE, ...INACTIVE].sort()).toEqual([...CALL_STATUSES].sort());
  });

  it.each(ACTIVE)('isActive(%s) is true', (s) => expect(isActive(s)).toBe(true));
  it.each(INACTIVE)('isActive(%s) is false', (s) => expect(isActive(s)).toBe(false));

  it('callNotActive is a 409 CALL_NOT_ACTIVE naming the status', () => {
    const err = callNotActive('completed');
    expect(err).toBeInstanceOf(AppError);
    expect(err.statusCode).toBe(409);
    expect(err.getStatus()).toBe(409);
    expect(err.code).toBe('CALL_NOT_ACTIVE');
    expect(err.details).toEqual({ status: 'completed' });
    expect(err.message).toBe('The call is completed');
  });
});

// ---------------------------------------------------------------------------------------------
describe('assertCanReschedule', () => {
  const deadline = START.minus({ hours: 24 }); // 2026-03-19T10:00:00Z

  it('allows a reschedule exactly 24 h before the start (the notice itself is enough)', () => {
    expect(() => assertCanReschedule(call(), deadline, policy())).not.toThrow();
  });

  it('allows a reschedule well ahead of the notice deadline', () => {
    expect(() => assertCanReschedule(call(), utc('2026-03-01T00:00:00Z'), policy())).not.toThrow();
  });

  it('rejects 1 ms past the deadline with NOTICE_TOO_SHORT, 409, and the deadline in UTC', () => {
    const err = appError(() => assertCanReschedule(call(), deadline.plus(MS), policy()));
    expect(err.code).toBe('NOTICE_TOO_SHORT');
    expect(err.statusCode).toBe(409);
    expect(err.details).toEqual({
      startsAt: '2026-03-20T10:00:00.000Z',
      rescheduleDeadline: '2026-03-19T10:00:00.000Z',
    });
    expect(err.message).toContain('PT24H');
  });

  it('rejects after the start when the status is still scheduled (NOTICE_TOO_SHORT)', () => {
    const err = appError(() => assertCanReschedule(call(), START.plus({ minutes: 1 }), policy()));
    expect(err.code).toBe('NOTICE_TOO_SHORT');
  });

  it('compares instants, not wall clocks: "now" in another zone at the deadline is allowed, 1 ms later is not', () => {
    const berlinAtDeadline = deadline.setZone('Europe/Berlin'); // 11:00 local
    expect(() => assertCanReschedule(call(), berlinAtDeadline, policy())).not.toThrow();
    const err = appError(() => assertCanReschedule(call(), berlinAtDeadline.plus(MS), policy()));
    expect(err.code).toBe('NOTICE_TOO_SHORT');
  });

  it('reports the deadline in UTC even when the call times carry another zone', () => {
    const c = call({ startsAt: START.setZone('America/New_York'), endsAt: END.setZone('America/New_York') });
    const err = appError(() => assertCanReschedule(c, deadline.plus({ hours: 1 }), policy()));
    expect(err.details).toMatchObject({
      rescheduleDeadline: '2026-03-19T10:00:00.000Z',
      startsAt: '2026-03-20T10:00:00.000Z',
    });
  });

  it('honours a custom notice (PT2H): exactly 2 h before is fine, 1 ms less is not', () => {
    const p = policy({ rescheduleNotice: Duration.fromISO('PT2H') });
    expect(() => assertCanReschedule(call(), START.minus({ hours: 2 }), p)).not.toThrow();
    const err = appError(() => assertCanReschedule(call(), START.minus({ hours: 2 }).plus(MS), p));
    expect(err.code).toBe('NOTICE_TOO_SHORT');
    expect(err.details).toMatchObject({ rescheduleDeadline: '2026-03-20T08:00:00.000Z' });
  });

  describe('reschedule limit (default max 1)', () => {
    it('rejects a call already rescheduled once (rescheduleCount 1) with RESCHEDULE_LIMIT_REACHED', () => {
      const err = appError(() =>
        assertCanReschedule(call({ status: 'rescheduled', rescheduleCount: 1 }), deadline, policy()),
      );
      expect(err.code).toBe('RESCHEDULE_LIMIT_REACHED');
      expect(err.statusCode).toBe(409);
      expect(err.details).toEqual({ rescheduleCount: 1, maxReschedules: 1 });
    });

    it('rejects when the reschedulesUsed argument is 1 even though the call itself has count 0', () => {
      const err = appError(() => assertCanReschedule(call({ rescheduleCount: 0 }), deadline, policy(), 1));
      expect(err.code).toBe('RESCHEDULE_LIMIT_REACHED');
      expect(err.details).toEqual({ rescheduleCount: 1, maxReschedules: 1 });
    });

    it('the reschedulesUsed argument overrides the call count in the other direction too', () => {
      expect(() =>
        assertCanReschedule(call({ status: 'rescheduled', rescheduleCount: 1 }), deadline, policy(), 0),
      ).not.toThrow();
    });

    it('rejects a count above the max (data drift) as well', () => {
      const err = appError(() => assertCanReschedule(call({ rescheduleCount: 5 }), deadline, policy()));
      expect(err.code).toBe('RESCHEDULE_LIMIT_REACHED');
      expect(err.details).toEqual({ rescheduleCount: 5, maxReschedules: 1 });
    });

    it('checks the limit before the notice: both violated → RESCHEDULE_LIMIT_REACHED', () => {
      const err = appError(() =>
        assertCanReschedule(call({ status: 'rescheduled', rescheduleCount: 1 }), START.minus({ hours: 1 }), policy()),
      );
      expect(err.code).toBe('RESCHEDULE_LIMIT_REACHED');
    });

    it('checks the status before the limit: in_progress with the limit used → CALL_NOT_ACTIVE', () => {
      const err = appError(() =>
        assertCanReschedule(call({ status: 'in_progress', rescheduleCount: 1 }), deadline, policy()),
      );
      expect(err.code).toBe('CALL_NOT_ACTIVE');
    });

    it("still allows a call in status 'rescheduled' when its count is below the max", () => {
      expect(() =>
        assertCanReschedule(call({ status: 'rescheduled', rescheduleCount: 0 }), deadline, policy()),
      ).not.toThrow();
      expect(() =>
        assertCanReschedule(
          call({ status: 'rescheduled', rescheduleCount: 1 }),
          deadline,
          policy({ maxReschedules: 2 }),
        ),
      ).not.toThrow();
    });
  });

  describe('maxReschedules 0', () => {
    const p = policy({ maxReschedules: 0 });

    it('rejects even the first reschedule, with plenty of notice', () => {
      const err = appError(() => assertCanReschedule(call(), utc('2026-01-01T00:00:00Z'), p));
      expect(err.code).toBe('RESCHEDULE_LIMIT_REACHED');
      expect(err.details).toEqual({ rescheduleCount: 0, maxReschedules: 0 });
      expect(err.message).toContain('0 time(s)');
    });
  });

  describe('maxReschedules 2', () => {
    const p = policy({ maxReschedules: 2 });

    it.each([0, 1])('allows with %i reschedule(s) used', (used) => {
      expect(() =>
        assertCanReschedule(call({ status: used ? 'rescheduled' : 'scheduled', rescheduleCount: used }), deadline, p),
      ).not.toThrow();
    });

    it('rejects the third reschedule', () => {
      const err = appError(() => assertCanReschedule(call({ status: 'rescheduled', rescheduleCount: 2 }), deadline, p));
      expect(err.code).toBe('RESCHEDULE_LIMIT_REACHED');
      expect(err.details).toEqual({ rescheduleCount: 2, maxReschedules: 2 });
    });

    it('still enforces the notice when a reschedule is left', () => {
      const err = appError(() =>
        assertCanReschedule(call({ status: 'rescheduled', rescheduleCount: 1 }), deadline.plus(MS), p),
      );
      expect(err.code).toBe('NOTICE_TOO_SHORT');
    });
  });

  it.each(STARTED_OR_OVER)('rejects status %s with CALL_NOT_ACTIVE (409, details.status)', (status) => {
    const err = appError(() => assertCanReschedule(call({ status }), utc('2026-01-01T00:00:00Z'), policy()));
    expect(err.code).toBe('CALL_NOT_ACTIVE');
    expect(err.statusCode).toBe(409);
    expect(err.details).toEqual({ status });
  });
});

// ---------------------------------------------------------------------------------------------
describe('cancellationOutcome', () => {
  const boundary = START.minus({ hours: 24 });

  it('well outside the notice window does not count as a miss', () => {
    expect(cancellationOutcome(call(), utc('2026-03-10T00:00:00Z'), policy())).toEqual({ countsAsMiss: false });
  });

  it('exactly at the notice boundary does not count as a miss', () => {
    expect(cancellationOutcome(call(), boundary, policy())).toEqual({ countsAsMiss: false });
  });

  it('1 ms inside the notice window counts as a miss', () => {
    expect(cancellationOutcome(call(), boundary.plus(MS), policy())).toEqual({ countsAsMiss: true });
  });

  it('1 ms before the start counts as a miss', () => {
    expect(cancellationOutcome(call(), START.minus(MS), policy())).toEqual({ countsAsMiss: true });
  });

  it('after the start with the status still scheduled counts as a miss', () => {
    expect(cancellationOutcome(call(), START.plus({ minutes: 2 }), policy())).toEqual({ countsAsMiss: true });
  });

  it("applies to status 'rescheduled' the same way", () => {
    const c = call({ status: 'rescheduled', rescheduleCount: 1 });
    expect(cancellationOutcome(c, boundary, policy())).toEqual({ countsAsMiss: false });
    expect(cancellationOutcome(c, boundary.plus(MS), policy())).toEqual({ countsAsMiss: true });
  });

  it('compares instants regardless of the zone of "now"', () => {
    expect(cancellationOutcome(call(), boundary.setZone('Asia/Tokyo'), policy())).toEqual({ countsAsMiss: false });
    expect(cancellationOutcome(call(), boundary.plus(MS).setZone('Asia/Tokyo'), policy())).toEqual({
      countsAsMiss: true,
    });
  });

  it('uses the configured notice', () => {
    const p = policy({ rescheduleNotice: Duration.fromISO('PT2H') });
    expect(cancellationOutcome(call(), START.minus({ hours: 2 }), p)).toEqual({ countsAsMiss: false });
    expect(cancellationOutcome(call(), START.minus({ hours: 2 }).plus(MS), p)).toEqual({ countsAsMiss: true });
  });

  it.each(STARTED_OR_OVER)('rejects status %s with CALL_NOT_ACTIVE', (status) => {
    const err = appError(() => cancellationOutcome(call({ status }), utc('2026-03-01T00:00:00Z'), policy()));
    expect(err.code).toBe('CALL_NOT_ACTIVE');
    expect(err.statusCode).toBe(409);
    expect(err.details).toEqual({ status });
  });
});

// ---------------------------------------------------------------------------------------------
describe('assertCanJoin', () => {
  const opensAt = START.minus({ minutes: 10 }); // 09:50
  const graceEnd = START.plus({ minutes: 5 }); // 10:05
  const WHO: Participant[] = ['freelancer', 'talent_manager'];

  describe.each(WHO)('%s', (who) => {
    it('is refused 1 ms before start − joinEarly with CALL_NOT_OPEN_YET and details.opensAt', () => {
      const err = appError(() => assertCanJoin(call(), who, opensAt.minus(MS), policy()));
      expect(err.code).toBe('CALL_NOT_OPEN_YET');
      expect(err.statusCode).toBe(409);
      expect(err.details).toEqual({ opensAt: '2026-03-20T09:50:00.000Z' });
    });

    it('is refused a day early with CALL_NOT_OPEN_YET', () => {
      expect(appError(() => assertCanJoin(call(), who, START.minus({ days: 1 }), policy())).code).toBe(
        'CALL_NOT_OPEN_YET',
      );
    });

    it('may join exactly at start − joinEarly', () => {
      expect(() => assertCanJoin(call(), who, opensAt, policy())).not.toThrow();
    });

    it('may join at the start', () => {
      expect(() => assertCanJoin(call(), who, START, policy())).not.toThrow();
    });

    it('may join exactly at start + grace', () => {
      expect(() => assertCanJoin(call(), who, graceEnd, policy())).not.toThrow();
    });

    it('is refused exactly at endsAt with CALL_ENDED (details.endsAt)', () => {
      const c = call({ status: 'in_progress', freelancerJoinedAt: START, talentManagerJoinedAt: START });
      const err = appError(() => assertCanJoin(c, who, END, policy()));
      expect(err.code).toBe('CALL_ENDED');
      expect(err.statusCode).toBe(409);
      expect(err.details).toEqual({ endsAt: '2026-03-20T10:30:00.000Z' });
    });

    it('may (re)join 1 ms before endsAt when already joined', () => {
      const c = call({ status: 'in_progress', freelancerJoinedAt: START, talentManagerJoinedAt: START });
      expect(() => assertCanJoin(c, who, END.minus(MS), policy())).not.toThrow();
    });

    it.each(['completed', 'cancelled', 'interviewer_absent'] as CallStatus[])(
      'is refused on a %s call with CALL_NOT_ACTIVE',
      (status) => {
        const err = appError(() => assertCanJoin(call({ status }), who, START, policy()));
        expect(err.code).toBe('CALL_NOT_ACTIVE');
        expect(err.statusCode).toBe(409);
        expect(err.details).toEqual({ status });
      },
    );

    // VETTING_JOIN_EARLY=PT0S: the room opens at the start, not a millisecond before.
    it('with joinEarly PT0S opens the room at the start', () => {
      const p = policy({ joinEarly: Duration.fromISO('PT0S') });
      expect(() => assertCanJoin(call(), who, START, p)).not.toThrow();
      const err = appError(() => assertCanJoin(call(), who, START.minus(MS), p));
      expect(err.code).toBe('CALL_NOT_OPEN_YET');
      expect(err.details).toEqual({ opensAt: '2026-03-20T10:00:00.000Z' });
    });

    it('honours a custom joinEarly (PT2M)', () => {
      const p = policy({ joinEarly: Duration.fromISO('PT2M') });
      expect(() => assertCanJoin(call(), who, START.minus({ minutes: 2 }), p)).not.toThrow();
      const err = appError(() => assertCanJoin(call(), who, START.minus({ minutes: 2 }).minus(MS), p));
      expect(err.code).toBe('CALL_NOT_OPEN_YET');
      expect(err.details).toEqual({ opensAt: '2026-03-20T09:58:00.000Z' });
    });
  });

  describe('freelancer and the grace period', () => {
    it('a first join 1 ms after start + grace is refused with GRACE_PERIOD_EXPIRED (details.graceEndedAt)', () => {
      const err = appError(() => assertCanJoin(call(), 'freelancer', graceEnd.plus(MS), policy()));
      expect(err.code).toBe('GRACE_PERIOD_EXPIRED');
      expect(err.statusCode).toBe(409);
      expect(err.details).toEqual({ graceEndedAt: '2026-03-20T10:05:00.000Z' });
    });

    it('also when the talent manager already started the call (in_progress)', () => {
      const c = call({ status: 'in_progress', talentManagerJoinedAt: START });
      expect(appError(() => assertCanJoin(c, 'freelancer', graceEnd.plus(MS), policy())).code).toBe(
        'GRACE_PERIOD_EXPIRED',
      );
    });

    it('a freelancer who joined earlier may rejoin after the grace period', () => {
      const c = call({ status: 'in_progress', freelancerJoinedAt: START.plus({ minutes: 1 }) });
      expect(() => assertCanJoin(c, 'freelancer', graceEnd.plus({ minutes: 10 }), policy())).not.toThrow();
    });

    it('a freelancer who joined early (before the start) may rejoin after the grace period', () => {
      const c = call({ status: 'in_progress', freelancerJoinedAt: opensAt });
      expect(() => assertCanJoin(c, 'freelancer', END.minus(MS), policy())).not.toThrow();
    });

    it('past endsAt the room is closed: CALL_ENDED wins over GRACE_PERIOD_EXPIRED', () => {
      expect(appError(() => assertCanJoin(call(), 'freelancer', END, policy())).code).toBe('CALL_ENDED');
    });

    it('a missed call refuses the freelancer with GRACE_PERIOD_EXPIRED (not CALL_NOT_ACTIVE)', () => {
      const err = appError(() =>
        assertCanJoin(call({ status: 'missed' }), 'freelancer', graceEnd.plus({ minutes: 1 }), policy()),
      );
      expect(err.code).toBe('GRACE_PERIOD_EXPIRED');
      expect(err.details).toEqual({ graceEndedAt: '2026-03-20T10:05:00.000Z' });
    });

    it('honours a custom grace period (PT1M)', () => {
      const p = policy({ gracePeriod: Duration.fromISO('PT1M') });
      expect(() => assertCanJoin(call(), 'freelancer', START.plus({ minutes: 1 }), p)).not.toThrow();
      const err = appError(() => assertCanJoin(call(), 'freelancer', START.plus({ minutes: 1 }).plus(MS), p));
      expect(err.code).toBe('GRACE_PERIOD_EXPIRED');
      expect(err.details).toEqual({ graceEndedAt: '2026-03-20T10:01:00.000Z' });
    });
  });

  describe('talent manager and the grace period', () => {
    it('may make a first join after the grace period', () => {
      expect(() => assertCanJoin(call(), 'talent_manager', graceEnd.plus(MS), policy())).not.toThrow();
      expect(() =>
        assertCanJoin(
          call({ status: 'in_progress', freelancerJoinedAt: START }),
          'talent_manager',
          END.minus(MS),
          policy(),
        ),
      ).not.toThrow();
    });

    it('is refused on a missed call with CALL_NOT_ACTIVE (only the freelancer gets GRACE_PERIOD_EXPIRED)', () => {
      const err = appError(() =>
        assertCanJoin(call({ status: 'missed' }), 'talent_manager', graceEnd.plus(MS), policy()),
      );
      expect(err.code).toBe('CALL_NOT_ACTIVE');
      expect(err.details).toEqual({ status: 'missed' });
    });
  });

  it("a call in status 'rescheduled' opens the same way", () => {
    const c = call({ status: 'rescheduled', rescheduleCount: 1 });
    expect(appError(() => assertCanJoin(c, 'freelancer', opensAt.minus(MS), policy())).code).toBe('CALL_NOT_OPEN_YET');
    expect(() => assertCanJoin(c, 'freelancer', opensAt, policy())).not.toThrow();
  });
});

// ---------------------------------------------------------------------------------------------
describe('graceOutcome', () => {
  const J = START.plus({ minutes: 1 });
  const cases: [string, DateTime | null, DateTime | null, ReturnType<typeof graceOutcome>][] = [
    ['nobody joined', null, null, 'missed'],
    ['only the talent manager joined', null, J, 'missed'],
    ['only the freelancer joined', J, null, 'interviewer_absent'],
    ['both joined', J, J, null],
  ];

  describe.each(ACTIVE)('active status %s', (status) => {
    it.each(cases)('%s → %s', (_label, freelancerJoinedAt, talentManagerJoinedAt, expected) => {
      expect(graceOutcome(call({ status, freelancerJoinedAt, talentManagerJoinedAt }))).toBe(expected);
    });
  });

  it('treats an undefined join time like null', () => {
    expect(graceOutcome(call({ freelancerJoinedAt: undefined, talentManagerJoinedAt: undefined }))).toBe('missed');
    expect(graceOutcome(call({ freelancerJoinedAt: J, talentManagerJoinedAt: undefined }))).toBe('interviewer_absent');
  });

  describe.each(INACTIVE)('non-active status %s', (status) => {
    it.each(cases)('%s → null', (_label, freelancerJoinedAt, talentManagerJoinedAt) => {
      expect(graceOutcome(call({ status, freelancerJoinedAt, talentManagerJoinedAt }))).toBeNull();
    });
  });
});

describe('endOutcome', () => {
  const J = START.plus({ minutes: 1 });
  const cases: [string, DateTime | null, DateTime | null, ReturnType<typeof endOutcome>][] = [
    ['nobody joined', null, null, 'missed'],
    ['only the talent manager joined', null, J, 'missed'],
    ['only the freelancer joined', J, null, 'completed'],
    ['both joined', J, J, 'completed'],
  ];

  describe.each(ACTIVE)('active status %s', (status) => {
    it.each(cases)('%s → %s', (_label, freelancerJoinedAt, talentManagerJoinedAt, expected) => {
      expect(endOutcome(call({ status, freelancerJoinedAt, talentManagerJoinedAt }))).toBe(expected);
    });
  });

  describe.each(INACTIVE)('non-active status %s', (status) => {
    it.each(cases)('%s → null', (_label, freelancerJoinedAt, talentManagerJoinedAt) => {
      expect(endOutcome(call({ status, freelancerJoinedAt, talentManagerJoinedAt }))).toBeNull();
    });
  });
});

// ---------------------------------------------------------------------------------------------
describe('cooldownUntil', () => {
  const p = policy();

  it('is the call start plus 6 months', () => {
    expect(cooldownUntil(call(), p).toISO()).toBe('2026-09-20T10:00:00.000Z');
  });

  it('only needs startsAt', () => {
    expect(cooldownUntil({ startsAt: START }, p).toMillis()).toBe(utc('2026-09-20T10:00:00Z').toMillis());
  });

  it('is calendar-aware: 2026-08-31 + P6M → 2027-02-28 (month end clamps)', () => {
    expect(cooldownUntil({ startsAt: utc('2026-08-31T15:30:00Z') }, p).toISO()).toBe('2027-02-28T15:30:00.000Z');
  });

  it('lands on 29 February in a leap year: 2027-08-31 + P6M → 2028-02-29', () => {
    expect(cooldownUntil({ startsAt: utc('2027-08-31T09:00:00Z') }, p).toISO()).toBe('2028-02-29T09:00:00.000Z');
  });

  it('clamps 31 → 30: 2026-03-31 + P6M → 2026-09-30', () => {
    expect(cooldownUntil({ startsAt: utc('2026-03-31T09:00:00Z') }, p).toISO()).toBe('2026-09-30T09:00:00.000Z');
  });

  it('crosses the year: 2026-12-15 + P6M → 2027-06-15', () => {
    expect(cooldownUntil({ startsAt: utc('2026-12-15T23:59:59Z') }, p).toISO()).toBe('2027-06-15T23:59:59.000Z');
  });

  it('is not a fixed 180 days', () => {
    const until = cooldownUntil({ startsAt: START }, p);
    expect(until.diff(START, 'days').days).toBe(184);
  });

  it('uses the configured cooldown (P1Y)', () => {
    expect(
      cooldownUntil({ startsAt: utc('2028-02-29T10:00:00Z') }, { missedCooldown: Duration.fromISO('P1Y') }).toISO(),
    ).toBe('2029-02-28T10:00:00.000Z');
  });
});

// ---------------------------------------------------------------------------------------------
describe('settledCallTimerIds', () => {
  it('names exactly the timers of the version that fall after the grace moment (ending-soon, end)', () => {
    const c = call({ id: CALL_ID, version: 4 });
    const later = callTimers(c, policy(), utc('2026-03-17T10:00:00Z'))
      .filter((t) => t.at > c.startsAt.plus(policy().gracePeriod))
      .map((t) => t.jobId);
    expect(settledCallTimerIds(CALL_ID, 4).sort()).toEqual(later.sort());
    expect(settledCallTimerIds(CALL_ID, 4)).toEqual([`call:${CALL_ID}:ending-soon-v4`, `call:${CALL_ID}:end-v4`]);
  });
});

// ---------------------------------------------------------------------------------------------
describe('timerJobId', () => {
  it('builds call:<id>:<kind>-v<version>', () => {
    expect(timerJobId(CALL_ID, 'grace', 3)).toBe(`call:${CALL_ID}:grace-v3`);
    expect(timerJobId(CALL_ID, 'ending-soon', 3)).toBe(`call:${CALL_ID}:ending-soon-v3`);
    expect(timerJobId(CALL_ID, 'end', 3)).toBe(`call:${CALL_ID}:end-v3`);
  });

  it('appends the lead of a reminder', () => {
    expect(timerJobId(CALL_ID, 'reminder', 7, 'PT24H')).toBe(`call:${CALL_ID}:reminder-PT24H-v7`);
  });

  it('ignores an empty lead', () => {
    expect(timerJobId(CALL_ID, 'reminder', 1, '')).toBe(`call:${CALL_ID}:reminder-v1`);
  });

  it('is deterministic: the same inputs give the same id', () => {
    expect(timerJobId(CALL_ID, 'reminder', 2, 'PT1H')).toBe(timerJobId(CALL_ID, 'reminder', 2, 'PT1H'));
  });

  it('differs by call, kind, version and lead', () => {
    const ids = new Set([
      timerJobId(CALL_ID, 'grace', 1),
      timerJobId('other-call', 'grace', 1),
      timerJobId(CALL_ID, 'end', 1),
      timerJobId(CALL_ID, 'grace', 2),
      timerJobId(CALL_ID, 'reminder', 1, 'PT1H'),
      timerJobId(CALL_ID, 'reminder', 1, 'PT24H'),
    ]);
    expect(ids.size).toBe(6);
  });

  it('has exactly three ":"-separated parts (BullMQ custom ids)', () => {
    for (const id of [timerJobId(CALL_ID, 'grace', 1), timerJobId(CALL_ID, 'reminder', 10, 'PT24H')]) {
      expect(id.split(':')).toHaveLength(3);
    }
  });
});

describe('callTimers', () => {
  const summary = (ts: ReturnType<typeof callTimers>) =>
    ts.map((t) => ({ kind: t.kind, jobId: t.jobId, at: t.at.toUTC().toISO(), lead: t.lead }));

  it('for a call 3 days ahead: both reminders, grace, ending-soon and end with exact instants and ids', () => {
    const timers = callTimers(call({ version: 3 }), policy(), utc('2026-03-17T10:00:00Z'));
    expect(summary(timers)).toEqual([
      { kind: 'reminder', jobId: `call:${CALL_ID}:reminder-PT24H-v3`, at: '2026-03-19T10:00:00.000Z', lead: 'PT24H' },
      { kind: 'reminder', jobId: `call:${CALL_ID}:reminder-PT1H-v3`, at: '2026-03-20T09:00:00.000Z', lead: 'PT1H' },
      { kind: 'grace', jobId: `call:${CALL_ID}:grace-v3`, at: '2026-03-20T10:05:00.000Z', lead: undefined },
      { kind: 'ending-soon', jobId: `call:${CALL_ID}:ending-soon-v3`, at: '2026-03-20T10:25:00.000Z', lead: undefined },
      { kind: 'end', jobId: `call:${CALL_ID}:end-v3`, at: '2026-03-20T10:30:00.000Z', lead: undefined },
    ]);
  });

  it('a PT0S reminder fires at the start; no reminders configured gives none', () => {
    const atStart = callTimers(
      call({ version: 2 }),
      policy({ reminders: [Duration.fromISO('PT0S')] }),
      utc('2026-03-17T10:00:00Z'),
    );
    expect(summary(atStart)[0]).toEqual({
      kind: 'reminder',
      jobId: `call:${CALL_ID}:reminder-PT0S-v2`,
      at: '2026-03-20T10:00:00.000Z',
      lead: 'PT0S',
    });
    const none = callTimers(call(), policy({ reminders: [] }), utc('2026-03-17T10:00:00Z'));
    expect(none.map((t) => t.kind)).toEqual(['grace', 'ending-soon', 'end']);
  });

  it('only reminders carry a lead', () => {
    const timers = callTimers(call(), policy(), utc('2026-03-17T10:00:00Z'));
    for (const t of timers) {
      if (t.kind === 'reminder') expect(t.lead).toMatch(/^PT/);
      else expect(t).not.toHaveProperty('lead');
    }
  });

  it('every job id has exactly 3 ":"-separated parts, starts with call:<id>: and is unique', () => {
    const timers = callTimers(call({ version: 12 }), policy(), utc('2026-03-17T10:00:00Z'));
    expect(timers).toHaveLength(5);
    for (const t of timers) {
      const parts = t.jobId.split(':');
      expect(parts).toHaveLength(3);
      expect(parts[0]).toBe('call');
      expect(parts[1]).toBe(CALL_ID);
      expect(parts[2]).toMatch(/-v12$/);
    }
    expect(new Set(timers.map((t) => t.jobId)).size).toBe(timers.length);
  });

  it('for a call 2 h ahead: only the 1 h reminder', () => {
    const timers = callTimers(call(), policy(), START.minus({ hours: 2 }));
    expect(timers.map((t) => t.kind)).toEqual(['reminder', 'grace', 'ending-soon', 'end']);
    expect(timers[0].jobId).toBe(`call:${CALL_ID}:reminder-PT1H-v1`);
    expect(timers[0].at.toMillis()).toBe(START.minus({ hours: 1 }).toMillis());
  });

  it('drops a reminder that falls exactly at "now" (only reminders still ahead)', () => {
    const timers = callTimers(call(), policy(), START.minus({ hours: 24 }));
    expect(timers.filter((t) => t.kind === 'reminder').map((t) => t.lead)).toEqual(['PT1H']);
    const oneMsEarlier = callTimers(call(), policy(), START.minus({ hours: 24 }).minus(MS));
    expect(oneMsEarlier.filter((t) => t.kind === 'reminder').map((t) => t.lead)).toEqual(['PT24H', 'PT1H']);
  });

  it('for a call already in progress: no reminders, but grace, ending-soon and end remain', () => {
    const timers = callTimers(
      call({ status: 'in_progress', freelancerJoinedAt: START }),
      policy(),
      START.plus({ minutes: 1 }),
    );
    expect(timers.map((t) => t.kind)).toEqual(['grace', 'ending-soon', 'end']);
  });

  it('keeps grace/ending-soon/end even when they are already past (the caller clamps the delay)', () => {
    const timers = callTimers(call({ status: 'in_progress' }), policy(), END.plus({ hours: 1 }));
    expect(timers.map((t) => t.kind)).toEqual(['grace', 'ending-soon', 'end']);
  });

  it("a call in status 'rescheduled' gets timers too", () => {
    expect(
      callTimers(call({ status: 'rescheduled', rescheduleCount: 1 }), policy(), utc('2026-03-17T10:00:00Z')),
    ).toHaveLength(5);
  });

  describe('ending-soon', () => {
    const withLength = (length: Duration) => call({ endsAt: START.plus(length) });

    it('is omitted when the call length equals endingSoon', () => {
      const timers = callTimers(withLength(Duration.fromISO('PT5M')), policy(), START.minus({ days: 3 }));
      expect(timers.map((t) => t.kind)).not.toContain('ending-soon');
      expect(timers.map((t) => t.kind)).toEqual(['reminder', 'reminder', 'grace', 'end']);
    });

    it('is omitted when the call is shorter than endingSoon', () => {
      const timers = callTimers(withLength(Duration.fromISO('PT3M')), policy(), START.minus({ days: 3 }));
      expect(timers.map((t) => t.kind)).not.toContain('ending-soon');
    });

    it('is kept when the call is 1 ms longer than endingSoon, 1 ms after the start', () => {
      const timers = callTimers(withLength(Duration.fromISO('PT5M').plus(MS)), policy(), START.minus({ days: 3 }));
      const soon = timers.find((t) => t.kind === 'ending-soon');
      expect(soon?.at.toMillis()).toBe(START.toMillis() + 1);
    });

    it('follows a custom endingSoon (PT10M)', () => {
      const timers = callTimers(call(), policy({ endingSoon: Duration.fromISO('PT10M') }), START.minus({ days: 3 }));
      expect(
        timers
          .find((t) => t.kind === 'ending-soon')
          ?.at.toUTC()
          .toISO(),
      ).toBe('2026-03-20T10:20:00.000Z');
    });
  });

  it('uses the configured reminders, in configured order, and their ISO form as the lead', () => {
    const p = policy({
      reminders: [Duration.fromISO('PT15M'), Duration.fromISO('PT2H'), Duration.fromObject({ days: 2 })],
    });
    const timers = callTimers(call({ version: 4 }), p, START.minus({ days: 3 }));
    expect(timers.filter((t) => t.kind === 'reminder').map((t) => [t.jobId, t.at.toUTC().toISO()])).toEqual([
      [`call:${CALL_ID}:reminder-PT15M-v4`, '2026-03-20T09:45:00.000Z'],
      [`call:${CALL_ID}:reminder-PT2H-v4`, '2026-03-20T08:00:00.000Z'],
      [`call:${CALL_ID}:reminder-P2D-v4`, '2026-03-18T10:00:00.000Z'],
    ]);
  });

  it('with no reminders configured: just grace, ending-soon and end', () => {
    expect(callTimers(call(), policy({ reminders: [] }), START.minus({ days: 3 })).map((t) => t.kind)).toEqual([
      'grace',
      'ending-soon',
      'end',
    ]);
  });

  it('grace follows the configured grace period', () => {
    const timers = callTimers(call(), policy({ gracePeriod: Duration.fromISO('PT2M') }), START.minus({ days: 3 }));
    expect(
      timers
        .find((t) => t.kind === 'grace')
        ?.at.toUTC()
        .toISO(),
    ).toBe('2026-03-20T10:02:00.000Z');
  });

  it.each(INACTIVE)('a %s call has no timers', (status) => {
    expect(callTimers(call({ status }), policy(), utc('2026-03-17T10:00:00Z'))).toEqual([]);
  });

  it('a version bump changes every id (stale jobs never collide with new ones)', () => {
    const now = utc('2026-03-17T10:00:00Z');
    const v1 = callTimers(call({ version: 1 }), policy(), now);
    const v2 = callTimers(call({ version: 2 }), policy(), now);
    expect(v1.map((t) => t.kind)).toEqual(v2.map((t) => t.kind));
    expect(v1.map((t) => t.at.toMillis())).toEqual(v2.map((t) => t.at.toMillis()));
    v1.forEach((t, i) => {
      expect(v2[i].jobId).not.toBe(t.jobId);
      expect(v2[i].jobId).toBe(t.jobId.replace(/-v1$/, '-v2'));
    });
    const v1Ids = new Set(v1.map((t) => t.jobId));
    expect(v2.some((t) => v1Ids.has(t.jobId))).toBe(false);
  });

  it('is deterministic: the same call and clock give identical timers', () => {
    const now = utc('2026-03-17T10:00:00Z');
    expect(summary(callTimers(call(), policy(), now))).toEqual(summary(callTimers(call(), policy(), now)));
  });

  it('ids do not depend on "now" (so unschedule can recompute them)', () => {
    const early = callTimers(call(), policy(), START.minus({ years: 10 }));
    const late = callTimers(call(), policy(), START.minus({ days: 3 }));
    expect(early.map((t) => t.jobId)).toEqual(late.map((t) => t.jobId));
  });

  it('ids are the ones timerJobId builds', () => {
    const timers = callTimers(call({ version: 9 }), policy(), START.minus({ days: 3 }));
    for (const t of timers) expect(t.jobId).toBe(timerJobId(CALL_ID, t.kind, 9, t.lead));
  });

  it('instants are the same regardless of the zone the call times carry', () => {
    const zoned = call({ startsAt: START.setZone('Europe/Berlin'), endsAt: END.setZone('Europe/Berlin') });
    const now = utc('2026-03-17T10:00:00Z');
    expect(callTimers(zoned, policy(), now).map((t) => [t.jobId, t.at.toMillis()])).toEqual(
      callTimers(call(), policy(), now).map((t) => [t.jobId, t.at.toMillis()]),
    );
  });
});

// ---------------------------------------------------------------------------------------------
describe('assertCanScore', () => {
  const during = START.plus({ minutes: 10 });
  const attended = { freelancerJoinedAt: START, talentManagerJoinedAt: START };

  it('already scored → SCORECARD_ALREADY_SUBMITTED (409), whatever the status', () => {
    for (const status of CALL_STATUSES) {
      const err = appError(() => assertCanScore(call({ status, ...attended }), during, true));
      expect(err.code).toBe('SCORECARD_ALREADY_SUBMITTED');
      expect(err.statusCode).toBe(409);
    }
  });

  it('already scored wins over "not started"', () => {
    expect(appError(() => assertCanScore(call(), START.minus({ days: 1 }), true)).code).toBe(
      'SCORECARD_ALREADY_SUBMITTED',
    );
  });

  it.each(['in_progress', 'completed'] as CallStatus[])('%s at the start → ok', (status) => {
    expect(() => assertCanScore(call({ status, ...attended }), START, false)).not.toThrow();
  });

  it.each(['in_progress', 'completed'] as CallStatus[])('%s after the start → ok', (status) => {
    expect(() => assertCanScore(call({ status, ...attended }), during, false)).not.toThrow();
  });

  it('completed long after the end → ok', () => {
    expect(() =>
      assertCanScore(call({ status: 'completed', ...attended }), END.plus({ days: 7 }), false),
    ).not.toThrow();
  });

  it.each(['in_progress', 'completed'] as CallStatus[])('%s but 1 ms before the start → CALL_NOT_STARTED', (status) => {
    const err = appError(() => assertCanScore(call({ status, ...attended }), START.minus(MS), false));
    expect(err.code).toBe('CALL_NOT_STARTED');
    expect(err.statusCode).toBe(409);
    expect(err.details).toEqual({ status });
  });

  it.each(['scheduled', 'rescheduled', 'missed', 'cancelled', 'interviewer_absent'] as CallStatus[])(
    '%s after the start → CALL_NOT_STARTED with details.status',
    (status) => {
      const err = appError(() => assertCanScore(call({ status }), during, false));
      expect(err.code).toBe('CALL_NOT_STARTED');
      expect(err.statusCode).toBe(409);
      expect(err.details).toEqual({ status });
    },
  );

  // A talent manager alone turns the call in_progress; without the freelancer there is nothing to score.
  it('rejects an in_progress call the freelancer has not joined', () => {
    const err = appError(() =>
      assertCanScore(call({ status: 'in_progress', freelancerJoinedAt: null }), during, false),
    );
    expect(err.code).toBe('CALL_NOT_STARTED');
  });
});

describe('bookingEntitlement', () => {
  const ME = 'freelancer-1';
  const NOW = utc('2026-03-10T09:00:00Z');
  const policy = { maxReschedules: 1 };
  const facts = (
    over: Partial<BookingFacts> = {},
    inv: Partial<NonNullable<BookingFacts['invitation']>> = {},
  ): BookingFacts => ({
    invitation: { freelancerId: ME, status: 'open', reschedulesUsed: 0, freeRebooking: false, ...inv },
    cooldownUntil: null,
    hasActiveCall: false,
    hasCancelledCall: false,
    ...over,
  });
  const codeOf = (fn: () => unknown) => {
    try {
      fn();
    } catch (err) {
      return (err as AppError).code;
    }
    return 'no error';
  };

  it('a first booking with an open invitation is neither free nor a reschedule', () => {
    expect(bookingEntitlement(facts(), ME, NOW, policy)).toEqual({ freeRebooking: false, reschedulesUsed: 0 });
  });

  it("someone else's invitation is NOT_INVITED (403), before any cooldown of the caller", () => {
    const err = (() => {
      try {
        bookingEntitlement(
          facts({ cooldownUntil: NOW.plus({ days: 1 }) }, { freelancerId: 'someone-else' }),
          ME,
          NOW,
          policy,
        );
      } catch (e) {
        return e as AppError;
      }
    })()!;
    expect(err.code).toBe('NOT_INVITED');
    expect(err.getStatus()).toBe(403);
    expect(err.message).toMatch(/not yours/);
  });

  it('a running cooldown is COOLDOWN_ACTIVE with eligibleAt, even when the invitation was closed by the miss', () => {
    const until = NOW.plus({ days: 30 });
    for (const status of ['open', 'closed', 'revoked']) {
      let err: AppError | undefined;
      try {
        bookingEntitlement(facts({ cooldownUntil: until }, { status }), ME, NOW, policy);
      } catch (e) {
        err = e as AppError;
      }
      expect(err?.code).toBe('COOLDOWN_ACTIVE');
      expect(err?.details).toEqual({ eligibleAt: until.toUTC().toISO({ suppressMilliseconds: false }) });
    }
  });

  it('a cooldown with no invitation at all is still reported as the cooldown', () => {
    expect(
      codeOf(() =>
        bookingEntitlement(facts({ invitation: null, cooldownUntil: NOW.plus({ hours: 1 }) }), ME, NOW, policy),
      ),
    ).toBe('COOLDOWN_ACTIVE');
  });

  it('a cooldown ending exactly now, or 1 ms ago, no longer blocks; 1 ms ahead still does', () => {
    expect(codeOf(() => bookingEntitlement(facts({ cooldownUntil: NOW }), ME, NOW, policy))).toBe('no error');
    expect(codeOf(() => bookingEntitlement(facts({ cooldownUntil: NOW.minus(MS) }), ME, NOW, policy))).toBe('no error');
    expect(codeOf(() => bookingEntitlement(facts({ cooldownUntil: NOW.plus(MS) }), ME, NOW, policy))).toBe(
      'COOLDOWN_ACTIVE',
    );
  });

  it('no invitation, or one that is closed or revoked, is NOT_INVITED', () => {
    expect(codeOf(() => bookingEntitlement(facts({ invitation: null }), ME, NOW, policy))).toBe('NOT_INVITED');
    expect(codeOf(() => bookingEntitlement(facts({}, { status: 'closed' }), ME, NOW, policy))).toBe('NOT_INVITED');
    expect(codeOf(() => bookingEntitlement(facts({}, { status: 'revoked' }), ME, NOW, policy))).toBe('NOT_INVITED');
  });

  it('an invitation with an active call is CALL_ALREADY_BOOKED, whatever is owed on it', () => {
    expect(codeOf(() => bookingEntitlement(facts({ hasActiveCall: true }), ME, NOW, policy))).toBe(
      'CALL_ALREADY_BOOKED',
    );
    expect(
      codeOf(() => bookingEntitlement(facts({ hasActiveCall: true }, { freeRebooking: true }), ME, NOW, policy)),
    ).toBe('CALL_ALREADY_BOOKED');
  });

  it('booking again after a cancellation uses up a reschedule', () => {
    expect(bookingEntitlement(facts({ hasCancelledCall: true }), ME, NOW, policy)).toEqual({
      freeRebooking: false,
      reschedulesUsed: 1,
    });
    expect(
      bookingEntitlement(facts({ hasCancelledCall: true }, { reschedulesUsed: 1 }), ME, NOW, { maxReschedules: 2 }),
    ).toEqual({ freeRebooking: false, reschedulesUsed: 2 });
  });

  it('booking again after a cancellation with no reschedule left is RESCHEDULE_LIMIT_REACHED with the counts', () => {
    let err: AppError | undefined;
    try {
      bookingEntitlement(facts({ hasCancelledCall: true }, { reschedulesUsed: 1 }), ME, NOW, policy);
    } catch (e) {
      err = e as AppError;
    }
    expect(err?.code).toBe('RESCHEDULE_LIMIT_REACHED');
    expect(err?.getStatus()).toBe(409);
    expect(err?.details).toEqual({ rescheduleCount: 1, maxReschedules: 1 });
    expect(codeOf(() => bookingEntitlement(facts({ hasCancelledCall: true }), ME, NOW, { maxReschedules: 0 }))).toBe(
      'RESCHEDULE_LIMIT_REACHED',
    );
  });

  it('the free rebooking after an absent talent manager costs nothing, even with no reschedule left', () => {
    expect(bookingEntitlement(facts({}, { freeRebooking: true }), ME, NOW, policy)).toEqual({
      freeRebooking: true,
      reschedulesUsed: 0,
    });
    expect(
      bookingEntitlement(
        facts({ hasCancelledCall: true }, { freeRebooking: true, reschedulesUsed: 1 }),
        ME,
        NOW,
        policy,
      ),
    ).toEqual({ freeRebooking: true, reschedulesUsed: 1 });
  });

  it('without a cancellation the reschedules already used are carried, not added to', () => {
    expect(bookingEntitlement(facts({}, { reschedulesUsed: 1 }), ME, NOW, policy)).toEqual({
      freeRebooking: false,
      reschedulesUsed: 1,
    });
  });
});
