import { DateTime, Duration } from 'luxon';
import { AppError } from '@vetting/core';
import {
  ATTEMPT_STATUSES,
  AttemptClock,
  AttemptEvent,
  AttemptStatus,
  COOLDOWN_ATTEMPT_STATUSES,
  ENDED_ATTEMPT_STATUSES,
  OPEN_ATTEMPT_STATUSES,
  StartCheck,
  assertCanAbandon,
  assertCanAnswer,
  assertCanStart,
  deadlineOf,
  drawItems,
  hasLapsed,
  nextStatus,
  remainingMs,
  showsItems,
  startByOf,
  transition,
} from './attempt.rules';
import { deadlinePassed, startWindowPassed } from './assessments.errors';
import { prng } from '../../../../test/support/prng';

const utc = (iso: string): DateTime => DateTime.fromISO(iso, { zone: 'utc' });
const START = utc('2026-03-20T08:00:00.000Z');
const DEADLINE = utc('2026-03-20T08:30:00.000Z');
const DEADLINE_ISO = '2026-03-20T08:30:00.000Z';

function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (err) {
    return err;
  }
  throw new Error('expected the call to throw');
}

function expectAppError(
  fn: () => unknown,
  statusCode: number,
  code: string,
  details?: Record<string, unknown>,
): AppError {
  const err = thrown(fn);
  expect(err).toBeInstanceOf(AppError);
  const e = err as AppError;
  expect(e.code).toBe(code);
  expect(e.statusCode).toBe(statusCode);
  expect(e.getStatus()).toBe(statusCode);
  if (details !== undefined) expect(e.details).toEqual(details);
  return e;
}

const EVENTS: AttemptEvent[] = ['start', 'submit', 'expire', 'terminate', 'grade', 'abandon'];

/** The full expected lifecycle: rows are statuses, columns are events; null = not allowed. */
const EXPECTED: Record<AttemptStatus, Record<AttemptEvent, AttemptStatus | null>> = {
  created: {
    start: 'in_progress',
    submit: null,
    expire: null,
    terminate: 'terminated',
    grade: null,
    abandon: 'abandoned',
  },
  in_progress: {
    start: null,
    submit: 'submitted',
    expire: 'expired',
    terminate: 'terminated',
    grade: null,
    abandon: null,
  },
  submitted: { start: null, submit: null, expire: null, terminate: null, grade: 'graded', abandon: null },
  expired: { start: null, submit: null, expire: null, terminate: null, grade: 'graded', abandon: null },
  terminated: { start: null, submit: null, expire: null, terminate: null, grade: 'graded', abandon: null },
  graded: { start: null, submit: null, expire: null, terminate: null, grade: null, abandon: null },
  abandoned: { start: null, submit: null, expire: null, terminate: null, grade: null, abandon: null },
};

const PAIRS: [AttemptStatus, AttemptEvent, AttemptStatus | null][] = ATTEMPT_STATUSES.flatMap((s) =>
  EVENTS.map((e): [AttemptStatus, AttemptEvent, AttemptStatus | null] => [s, e, EXPECTED[s][e]]),
);
const VALID = PAIRS.filter(([, , to]) => to !== null) as [AttemptStatus, AttemptEvent, AttemptStatus][];
const INVALID = PAIRS.filter(([, , to]) => to === null).map(([s, e]) => [s, e] as [AttemptStatus, AttemptEvent]);

describe('attempt statuses', () => {
  it('has exactly the seven statuses of the lifecycle', () => {
    expect([...ATTEMPT_STATUSES]).toEqual([
      'created',
      'in_progress',
      'submitted',
      'expired',
      'terminated',
      'graded',
      'abandoned',
    ]);
  });

  it('splits the statuses into open and ended, with no overlap and nothing left out', () => {
    expect([...OPEN_ATTEMPT_STATUSES]).toEqual(['created', 'in_progress']);
    expect([...ENDED_ATTEMPT_STATUSES]).toEqual(['submitted', 'expired', 'terminated', 'graded', 'abandoned']);
    expect(OPEN_ATTEMPT_STATUSES.filter((s) => ENDED_ATTEMPT_STATUSES.includes(s))).toEqual([]);
    expect([...OPEN_ATTEMPT_STATUSES, ...ENDED_ATTEMPT_STATUSES].sort()).toEqual([...ATTEMPT_STATUSES].sort());
  });

  it('covers all 42 (status × event) pairs, 9 of them allowed', () => {
    expect(PAIRS).toHaveLength(42);
    expect(VALID).toHaveLength(9);
    expect(INVALID).toHaveLength(33);
  });

  it('an abandoned attempt is neither open nor counted for the retake cooldown; every other ended one is', () => {
    expect(OPEN_ATTEMPT_STATUSES).not.toContain('abandoned');
    expect(COOLDOWN_ATTEMPT_STATUSES).not.toContain('abandoned');
    expect([...COOLDOWN_ATTEMPT_STATUSES, 'abandoned'].sort()).toEqual([...ENDED_ATTEMPT_STATUSES].sort());
  });
});

describe('nextStatus', () => {
  it.each(PAIRS)('%s + %s → %s', (from, event, to) => {
    expect(nextStatus(from, event)).toBe(to);
  });

  it('never leaves graded or abandoned', () => {
    for (const e of EVENTS) expect(nextStatus('graded', e)).toBeNull();
    for (const e of EVENTS) expect(nextStatus('abandoned', e)).toBeNull();
  });

  it('only reaches ended statuses from open ones, except grading', () => {
    for (const [from, event, to] of VALID) {
      if (event === 'grade') {
        expect(ENDED_ATTEMPT_STATUSES).toContain(from);
        expect(to).toBe('graded');
      } else {
        expect(OPEN_ATTEMPT_STATUSES).toContain(from);
      }
    }
  });
});

describe('transition', () => {
  it.each(VALID)('%s + %s → %s', (from, event, to) => {
    expect(transition(from, event)).toBe(to);
  });

  it.each(INVALID)('%s + %s throws ATTEMPT_NOT_ACTIVE (409) with details.status', (from, event) => {
    const e = expectAppError(() => transition(from, event), 409, 'ATTEMPT_NOT_ACTIVE', { status: from });
    expect(e.message).toContain(from);
    expect(e.message).toContain(event);
    expect(e.toBody()).toEqual({
      statusCode: 409,
      code: 'ATTEMPT_NOT_ACTIVE',
      message: e.message,
      details: { status: from },
    });
  });
});

describe('deadlineOf', () => {
  it('adds the duration to the start', () => {
    expect(deadlineOf(START, Duration.fromISO('PT30M')).toMillis()).toBe(DEADLINE.toMillis());
    expect(deadlineOf(START, Duration.fromObject({ hours: 1, minutes: 15 })).toISO()).toBe('2026-03-20T09:15:00.000Z');
    expect(deadlineOf(START, Duration.fromMillis(1)).toMillis()).toBe(START.toMillis() + 1);
  });

  it('crosses midnight and month ends', () => {
    expect(deadlineOf(utc('2026-03-31T23:45:00Z'), Duration.fromISO('PT30M')).toISO()).toBe('2026-04-01T00:15:00.000Z');
  });

  it('is the same instant whatever the zone of the start', () => {
    const local = START.setZone('Asia/Manila');
    const d = deadlineOf(local, Duration.fromISO('PT45M'));
    expect(d.toMillis()).toBe(START.plus({ minutes: 45 }).toMillis());
  });

  it('does not mutate the start', () => {
    const before = START.toMillis();
    deadlineOf(START, Duration.fromISO('PT2H'));
    expect(START.toMillis()).toBe(before);
  });
});

describe('remainingMs', () => {
  it('is null without a deadline', () => {
    expect(remainingMs(null, START)).toBeNull();
  });

  it('is the exact milliseconds left before the deadline', () => {
    expect(remainingMs(DEADLINE, START)).toBe(30 * 60 * 1000);
    expect(remainingMs(DEADLINE, DEADLINE.minus({ milliseconds: 1 }))).toBe(1);
  });

  it('is 0 exactly at the deadline', () => {
    expect(remainingMs(DEADLINE, DEADLINE)).toBe(0);
  });

  it('is 0 (never negative) after the deadline', () => {
    expect(remainingMs(DEADLINE, DEADLINE.plus({ milliseconds: 1 }))).toBe(0);
    expect(remainingMs(DEADLINE, DEADLINE.plus({ days: 3 }))).toBe(0);
  });

  it('compares instants, not wall-clock times in different zones', () => {
    expect(remainingMs(DEADLINE.setZone('America/New_York'), START.setZone('Asia/Tokyo'))).toBe(30 * 60 * 1000);
  });
});

describe('assertCanAnswer', () => {
  const clock = (status: AttemptStatus, deadline: DateTime | null = DEADLINE): AttemptClock => ({ status, deadline });

  it('refuses a created attempt with ATTEMPT_NOT_STARTED (409)', () => {
    expectAppError(() => assertCanAnswer(clock('created', null), START), 409, 'ATTEMPT_NOT_STARTED');
    expectAppError(() => assertCanAnswer(clock('created'), START), 409, 'ATTEMPT_NOT_STARTED');
  });

  it('accepts an in-progress attempt at its start and 1 ms before the deadline', () => {
    expect(() => assertCanAnswer(clock('in_progress'), START)).not.toThrow();
    expect(() => assertCanAnswer(clock('in_progress'), DEADLINE.minus({ milliseconds: 1 }))).not.toThrow();
  });

  it('refuses exactly at the deadline with ATTEMPT_DEADLINE_PASSED and details.deadline', () => {
    expectAppError(() => assertCanAnswer(clock('in_progress'), DEADLINE), 409, 'ATTEMPT_DEADLINE_PASSED', {
      deadline: DEADLINE_ISO,
    });
  });

  it('refuses after the deadline with ATTEMPT_DEADLINE_PASSED and details.deadline', () => {
    expectAppError(
      () => assertCanAnswer(clock('in_progress'), DEADLINE.plus({ milliseconds: 1 })),
      409,
      'ATTEMPT_DEADLINE_PASSED',
      {
        deadline: DEADLINE_ISO,
      },
    );
    expectAppError(
      () => assertCanAnswer(clock('in_progress'), DEADLINE.plus({ hours: 5 })),
      409,
      'ATTEMPT_DEADLINE_PASSED',
      {
        deadline: DEADLINE_ISO,
      },
    );
  });

  it('reports the deadline in UTC even when held in another zone', () => {
    const manila = DEADLINE.setZone('Asia/Manila');
    expectAppError(() => assertCanAnswer(clock('in_progress', manila), DEADLINE), 409, 'ATTEMPT_DEADLINE_PASSED', {
      deadline: DEADLINE_ISO,
    });
  });

  it('refuses an expired attempt with ATTEMPT_DEADLINE_PASSED, even before its deadline', () => {
    expectAppError(() => assertCanAnswer(clock('expired'), START), 409, 'ATTEMPT_DEADLINE_PASSED', {
      deadline: DEADLINE_ISO,
    });
    expectAppError(() => assertCanAnswer(clock('expired', null), START), 409, 'ATTEMPT_DEADLINE_PASSED', {
      deadline: null,
    });
  });

  it.each(['submitted', 'terminated', 'graded'] as AttemptStatus[])(
    'refuses a %s attempt with ATTEMPT_NOT_ACTIVE and details.status',
    (status) => {
      expectAppError(() => assertCanAnswer(clock(status), START), 409, 'ATTEMPT_NOT_ACTIVE', { status });
      expectAppError(() => assertCanAnswer(clock(status, null), START), 409, 'ATTEMPT_NOT_ACTIVE', { status });
      // After the deadline the answer is late, whatever the attempt's status became.
      expectAppError(
        () => assertCanAnswer(clock(status), DEADLINE.plus({ minutes: 1 })),
        409,
        'ATTEMPT_DEADLINE_PASSED',
        { deadline: DEADLINE.toUTC().toISO() },
      );
    },
  );

  it('refuses an in-progress attempt without a deadline as not active', () => {
    expectAppError(() => assertCanAnswer(clock('in_progress', null), START), 409, 'ATTEMPT_NOT_ACTIVE', {
      status: 'in_progress',
    });
  });
});

describe('deadlinePassed', () => {
  it('builds the 409 error with the UTC deadline or null', () => {
    const e = deadlinePassed(DEADLINE.setZone('Europe/Berlin'));
    expect(e).toBeInstanceOf(AppError);
    expect(e.statusCode).toBe(409);
    expect(e.code).toBe('ATTEMPT_DEADLINE_PASSED');
    expect(e.details).toEqual({ deadline: DEADLINE_ISO });
    expect(deadlinePassed(null).details).toEqual({ deadline: null });
  });
});

describe('assertCanStart', () => {
  const NOW = utc('2026-04-10T12:00:00.000Z');
  const COOLDOWN = Duration.fromISO('P30D');
  const check = (over: Partial<StartCheck> = {}): StartCheck => ({
    access: 'open',
    invitedToTrack: false,
    hasOpenAttempt: false,
    lastEndedAt: null,
    retakeCooldown: COOLDOWN,
    ...over,
  });

  it('lets anyone start an open test', () => {
    expect(() => assertCanStart(check(), NOW)).not.toThrow();
    expect(() => assertCanStart(check({ invitedToTrack: true }), NOW)).not.toThrow();
  });

  it('lets an invited freelancer start an invited test', () => {
    expect(() => assertCanStart(check({ access: 'invited', invitedToTrack: true }), NOW)).not.toThrow();
  });

  it('refuses an invited test without an invitation with NOT_INVITED (403)', () => {
    const e = expectAppError(
      () => assertCanStart(check({ access: 'invited', invitedToTrack: false }), NOW),
      403,
      'NOT_INVITED',
    );
    expect(e.details).toBeUndefined();
  });

  it('refuses while another attempt is open with ATTEMPT_IN_PROGRESS (409)', () => {
    expectAppError(() => assertCanStart(check({ hasOpenAttempt: true }), NOW), 409, 'ATTEMPT_IN_PROGRESS');
    expectAppError(
      () => assertCanStart(check({ access: 'invited', invitedToTrack: true, hasOpenAttempt: true }), NOW),
      409,
      'ATTEMPT_IN_PROGRESS',
    );
  });

  it('allows a first attempt (no previous end) regardless of cooldown', () => {
    expect(() =>
      assertCanStart(check({ lastEndedAt: null, retakeCooldown: Duration.fromISO('P365D') }), NOW),
    ).not.toThrow();
  });

  it('allows a retake exactly at lastEndedAt + cooldown', () => {
    const lastEndedAt = NOW.minus(COOLDOWN);
    expect(lastEndedAt.plus(COOLDOWN).toMillis()).toBe(NOW.toMillis());
    expect(() => assertCanStart(check({ lastEndedAt }), NOW)).not.toThrow();
    expect(() => assertCanStart(check({ lastEndedAt }), NOW.plus({ milliseconds: 1 }))).not.toThrow();
  });

  it('refuses a retake 1 ms before the cooldown ends with RETAKE_COOLDOWN and details.eligibleAt', () => {
    const lastEndedAt = utc('2026-03-11T12:00:00.000Z');
    expect(lastEndedAt.plus(COOLDOWN).toISO()).toBe('2026-04-10T12:00:00.000Z');
    expectAppError(
      () => assertCanStart(check({ lastEndedAt }), NOW.minus({ milliseconds: 1 })),
      409,
      'RETAKE_COOLDOWN',
      {
        eligibleAt: '2026-04-10T12:00:00.000Z',
      },
    );
  });

  it('refuses a retake right after the attempt ended', () => {
    expectAppError(() => assertCanStart(check({ lastEndedAt: NOW }), NOW), 409, 'RETAKE_COOLDOWN', {
      eligibleAt: '2026-05-10T12:00:00.000Z',
    });
  });

  it('reports eligibleAt in UTC whatever the zone of lastEndedAt', () => {
    const lastEndedAt = utc('2026-04-10T11:00:00.000Z').setZone('Asia/Manila');
    expectAppError(
      () => assertCanStart(check({ lastEndedAt, retakeCooldown: Duration.fromISO('PT2H') }), NOW),
      409,
      'RETAKE_COOLDOWN',
      {
        eligibleAt: '2026-04-10T13:00:00.000Z',
      },
    );
  });

  it('a zero cooldown allows an immediate retake', () => {
    expect(() =>
      assertCanStart(check({ lastEndedAt: NOW, retakeCooldown: Duration.fromMillis(0) }), NOW),
    ).not.toThrow();
  });

  describe('order of checks', () => {
    const everythingWrong = check({ access: 'invited', invitedToTrack: false, hasOpenAttempt: true, lastEndedAt: NOW });

    it('checks the invitation first', () => {
      expectAppError(() => assertCanStart(everythingWrong, NOW), 403, 'NOT_INVITED');
    });

    it('then the open attempt', () => {
      expectAppError(
        () => assertCanStart({ ...everythingWrong, invitedToTrack: true }, NOW),
        409,
        'ATTEMPT_IN_PROGRESS',
      );
      expectAppError(() => assertCanStart({ ...everythingWrong, access: 'open' }, NOW), 409, 'ATTEMPT_IN_PROGRESS');
    });

    it('then the cooldown', () => {
      expectAppError(
        () => assertCanStart({ ...everythingWrong, invitedToTrack: true, hasOpenAttempt: false }, NOW),
        409,
        'RETAKE_COOLDOWN',
      );
    });
  });
});

describe('drawItems', () => {
  const POOL = ['q1', 'q2', 'q3', 'q4', 'q5', 'q6', 'q7', 'q8', 'q9', 'q10'] as const;

  it.each([0, 1, 3, 7, 9, 10])('draws exactly %i distinct items of the pool', (n) => {
    const got = drawItems(POOL, n, prng(42));
    expect(got).toHaveLength(n);
    expect(new Set(got).size).toBe(n);
    for (const x of got) expect(POOL).toContain(x);
  });

  it('draws the whole pool (a permutation) when n = pool length', () => {
    for (let seed = 1; seed <= 20; seed++) {
      const got = drawItems(POOL, POOL.length, prng(seed));
      expect([...got].sort()).toEqual([...POOL].sort());
    }
  });

  it('throws a RangeError when n exceeds the pool', () => {
    expect(() => drawItems(POOL, 11, prng(1))).toThrow(RangeError);
    expect(() => drawItems(POOL, 11, prng(1))).toThrow('cannot draw 11 of 10');
    expect(() => drawItems([], 1, prng(1))).toThrow(RangeError);
  });

  it('draws nothing from an empty pool when asked for nothing', () => {
    expect(drawItems([], 0, prng(1))).toEqual([]);
  });

  it('does not modify the pool', () => {
    const pool = [...POOL];
    drawItems(pool, 5, prng(9));
    expect(pool).toEqual([...POOL]);
  });

  it('calls random once per item drawn', () => {
    const random = jest.fn(prng(3));
    drawItems(POOL, 4, random);
    expect(random).toHaveBeenCalledTimes(4);
  });

  it('follows the Fisher–Yates swaps for known random values', () => {
    // random() = 0 never swaps: the first n in order.
    expect(drawItems(['a', 'b', 'c', 'd'], 2, () => 0)).toEqual(['a', 'b']);
    // random() just below 1 always swaps with the last: [d,b,c,a] → [d,a,c,b].
    expect(drawItems(['a', 'b', 'c', 'd'], 2, () => 0.999999)).toEqual(['d', 'a']);
    expect(drawItems(['a', 'b', 'c', 'd'], 4, () => 0.999999)).toEqual(['d', 'a', 'b', 'c']);
    // random() = 0.5 on 4 items: j = 2, then 1 + floor(1.5) = 2, ...
    expect(drawItems(['a', 'b', 'c', 'd'], 1, () => 0.5)).toEqual(['c']);
  });

  it('is deterministic for a seeded RNG', () => {
    for (const seed of [1, 7, 123456, 0xdeadbeef]) {
      expect(drawItems(POOL, 5, prng(seed))).toEqual(drawItems(POOL, 5, prng(seed)));
    }
  });

  it('gives different sets for different seeds', () => {
    const sets = new Set<string>();
    for (let seed = 1; seed <= 200; seed++) sets.add([...drawItems(POOL, 3, prng(seed))].sort().join(','));
    // C(10,3) = 120 possible sets; 200 seeds should reach a large share of them.
    expect(sets.size).toBeGreaterThan(60);
  });

  it('can draw every item of the pool, in every position', () => {
    const seen = new Set<string>();
    const firsts = new Set<string>();
    const lasts = new Set<string>();
    for (let seed = 1; seed <= 300; seed++) {
      const got = drawItems(POOL, 3, prng(seed));
      got.forEach((x) => seen.add(x));
      firsts.add(got[0]);
      lasts.add(got[2]);
    }
    expect([...seen].sort()).toEqual([...POOL].sort());
    expect(firsts.size).toBe(POOL.length);
    expect(lasts.size).toBe(POOL.length);
  });

  it('draws each item about equally often', () => {
    const random = prng(2026);
    const counts = new Map<string, number>(POOL.map((q) => [q, 0]));
    const rounds = 10_000;
    for (let r = 0; r < rounds; r++) for (const x of drawItems(POOL, 3, random)) counts.set(x, counts.get(x)! + 1);
    // Each item is expected 3000 times (3/10 of 10 000 draws).
    for (const c of counts.values()) {
      expect(c).toBeGreaterThan(2700);
      expect(c).toBeLessThan(3300);
    }
  });
});

describe('drawItems refuses impossible sizes', () => {
  it.each([-1, 1.5, 4])('n = %p of 3 → RangeError', (n) => {
    expect(() => drawItems(['a', 'b', 'c'], n, () => 0)).toThrow(RangeError);
  });
});

describe('start window (ATTEMPT_START_WINDOW)', () => {
  const CREATED = utc('2026-03-20T08:00:00.000Z');
  const WINDOW = Duration.fromISO('PT15M');

  it('startBy is the creation plus the window', () => {
    expect(startByOf(CREATED, WINDOW).toISO()).toBe('2026-03-20T08:15:00.000Z');
  });

  it('a created attempt lapses exactly at startBy, not a millisecond before', () => {
    expect(hasLapsed({ status: 'created', createdAt: CREATED }, utc('2026-03-20T08:14:59.999Z'), WINDOW)).toBe(false);
    expect(hasLapsed({ status: 'created', createdAt: CREATED }, utc('2026-03-20T08:15:00.000Z'), WINDOW)).toBe(true);
    expect(hasLapsed({ status: 'created', createdAt: CREATED }, utc('2026-03-21T08:00:00.000Z'), WINDOW)).toBe(true);
  });

  it.each(ATTEMPT_STATUSES.filter((s) => s !== 'created'))('a %s attempt never lapses', (status) => {
    expect(hasLapsed({ status, createdAt: CREATED }, utc('2026-03-21T08:00:00.000Z'), WINDOW)).toBe(false);
  });

  it('follows the configured window', () => {
    const short = Duration.fromISO('PT2S');
    expect(hasLapsed({ status: 'created', createdAt: CREATED }, utc('2026-03-20T08:00:01.999Z'), short)).toBe(false);
    expect(hasLapsed({ status: 'created', createdAt: CREATED }, utc('2026-03-20T08:00:02.000Z'), short)).toBe(true);
  });

  it('a late start answers ATTEMPT_START_WINDOW_PASSED (409) with startBy', () => {
    expectAppError(
      () => {
        throw startWindowPassed(startByOf(CREATED, WINDOW));
      },
      409,
      'ATTEMPT_START_WINDOW_PASSED',
      { startBy: '2026-03-20T08:15:00.000Z' },
    );
  });
});

describe('abandon and item visibility', () => {
  it('only a created attempt can be abandoned', () => {
    expect(() => assertCanAbandon('created')).not.toThrow();
    for (const s of ATTEMPT_STATUSES.filter((x) => x !== 'created'))
      expectAppError(() => assertCanAbandon(s), 409, 'ATTEMPT_NOT_ABANDONABLE', { status: s });
  });

  it('items are shown only once the clock has run', () => {
    expect(showsItems('created')).toBe(false);
    expect(showsItems('abandoned')).toBe(false);
    for (const s of ['in_progress', 'submitted', 'expired', 'terminated', 'graded'] as const)
      expect(showsItems(s)).toBe(true);
  });
});
