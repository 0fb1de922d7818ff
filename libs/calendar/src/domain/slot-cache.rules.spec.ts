import { DateTime, Duration } from 'luxon';
import { BookedInterval, SlotPolicy, TalentManagerSchedule, slotBounds } from './slot-grid.rules';
import { availableSlots } from './slot-offers.rules';
import { cachedWindow, covers, offeredStarts, slotListCategory, startsWithin } from './slot-cache.rules';
import { prng } from '../../../../test/support/prng';

const ZONES = [
  'Europe/Berlin',
  'America/New_York',
  'Australia/Lord_Howe',
  'Asia/Kathmandu',
  'America/St_Johns',
  'Pacific/Chatham',
  'UTC',
];
const ANCHORS = ['2026-03-27T12:00:00Z', '2026-10-23T12:00:00Z', '2026-10-31T23:30:00Z', '2026-06-15T00:00:00Z'];

function caseOf(seed: number) {
  const rand = prng(seed);
  const int = (lo: number, hi: number) => lo + Math.floor(rand() * (hi - lo + 1));
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)];
  const hhmm = (m: number) => `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;
  const dayStart = DateTime.fromISO(pick(ANCHORS), { zone: 'utc' }).startOf('day');
  const policy: SlotPolicy = {
    callLength: Duration.fromObject({ minutes: pick([15, 30, 45, 60, 90]) }),
    minBookingLead: Duration.fromObject({ minutes: pick([0, 60, int(0, 3000)]) }),
    bookingHorizon: rand() < 0.2 ? Duration.fromObject({ months: 1 }) : Duration.fromObject({ days: int(1, 35) }),
  };
  const ids = Array.from({ length: int(1, 10) }, (_, i) => `tm-${i}`);
  const schedules: TalentManagerSchedule[] = ids.map((id) => ({
    talentManagerId: id,
    timeZone: pick(ZONES),
    weekly: Array.from({ length: int(1, 10) }, () => {
      const a = int(0, 88) * 15;
      return { weekday: int(1, 7), start: hhmm(a), end: hhmm(Math.min(1440, a + int(1, 40) * 15)) };
    }),
    exceptions: Array.from({ length: int(0, 3) }, () => ({
      date: dayStart.plus({ days: int(0, 20) }).toISODate()!,
      available: false as const,
    })),
    dailyCap: pick([1, 2, 3, 8]),
  }));
  const booked: BookedInterval[] = Array.from({ length: int(0, 60) }, () => {
    const startsAt = dayStart.plus({ minutes: int(-1440, 30 * 1440) }).startOf('hour');
    return { talentManagerId: pick(ids), startsAt, endsAt: startsAt.plus({ minutes: pick([30, 60, 90]) }) };
  });
  return { rand, int, dayStart, policy, schedules, booked };
}

describe('the slot cache: starts computed once per UTC day, clipped by each request', () => {
  it('gives the same starts as availableSlots for any now of the day and any from/to (300 random cases)', () => {
    let compared = 0;
    let nonEmpty = 0;
    for (let seed = 1; seed <= 300; seed++) {
      const c = caseOf(seed);
      // The cache is filled by the first request of the day; later requests of the day reuse it.
      const firstNow = c.dayStart.plus({ minutes: c.int(0, 1439) });
      const window = cachedWindow(c.policy, firstNow)!;
      const starts = offeredStarts(c.schedules, c.booked, window);
      for (let k = 0; k < 4; k++) {
        const now = c.dayStart.plus({ milliseconds: c.int(0, 86_400_000 - 1) });
        const from = c.rand() < 0.5 ? now : now.plus({ minutes: c.int(-3000, 20 * 1440) });
        const to = c.rand() < 0.3 ? now.plus(c.policy.bookingHorizon) : from.plus({ minutes: c.int(1, 40 * 1440) });
        const expected = availableSlots(c.schedules, c.booked, c.policy, now, from, to).map((s) =>
          s.startsAt.toMillis(),
        );
        const bounds = slotBounds(c.policy, now, from, to);
        if (!bounds) {
          expect(expected).toEqual([]);
          continue;
        }
        expect(covers(window, bounds)).toBe(true);
        const [first, end] = startsWithin(starts, bounds);
        const actual = Array.from(starts.subarray(first, end));
        if (JSON.stringify(actual) !== JSON.stringify(expected))
          expect({ seed, k, actual }).toEqual({ seed, k, expected });
        compared++;
        if (expected.length) nonEmpty++;
      }
    }
    expect(compared).toBeGreaterThan(800);
    expect(nonEmpty).toBeGreaterThan(400);
  });

  it('covers the lead and the horizon of every instant of the UTC day, and not of days later', () => {
    const policy: SlotPolicy = {
      callLength: Duration.fromObject({ minutes: 30 }),
      minBookingLead: Duration.fromObject({ hours: 1 }),
      bookingHorizon: Duration.fromObject({ months: 1 }),
    };
    const day = DateTime.fromISO('2027-01-31T00:00:00Z', { zone: 'utc' });
    const window = cachedWindow(policy, day.plus({ hours: 5 }))!;
    for (const now of [day, day.plus({ hours: 12 }), day.plus({ days: 1, milliseconds: -1 })]) {
      expect(covers(window, slotBounds(policy, now, now, now.plus({ years: 1 }))!)).toBe(true);
    }
    const later = day.plus({ days: 3 });
    expect(covers(window, slotBounds(policy, later, later, later.plus({ years: 1 }))!)).toBe(false);
    // Another call length is another grid.
    expect(covers({ ...window, callMs: 45 * 60_000 }, { ...window })).toBe(false);
  });

  it('refuses a policy without a call length', () => {
    const now = DateTime.utc();
    const policy = { callLength: Duration.fromObject({ minutes: 0 }), minBookingLead: Duration.fromMillis(0) };
    expect(cachedWindow({ ...policy, bookingHorizon: Duration.fromObject({ days: 1 }) }, now)).toBeNull();
  });

  it('finds the index range of the starts within bounds (inclusive both ends)', () => {
    const starts = Float64Array.from([10, 20, 30, 40]);
    expect(startsWithin(starts, { lo: 0, hi: 5 })).toEqual([0, 0]);
    expect(startsWithin(starts, { lo: 10, hi: 30 })).toEqual([0, 3]);
    expect(startsWithin(starts, { lo: 11, hi: 39 })).toEqual([1, 3]);
    expect(startsWithin(starts, { lo: 40, hi: 40 })).toEqual([3, 4]);
    expect(startsWithin(starts, { lo: 41, hi: 100 })).toEqual([4, 4]);
    expect(startsWithin(new Float64Array(0), { lo: 0, hi: 100 })).toEqual([0, 0]);
  });
});

describe('slotListCategory: who may list slots with an invitation', () => {
  const now = DateTime.fromISO('2026-11-27T10:00:00Z', { zone: 'utc' });
  const open = { freelancerId: 'f1', status: 'open', categorySlug: 'writing' };
  const code = (fn: () => unknown) => {
    try {
      fn();
    } catch (err) {
      return (err as { getResponse?: () => { code?: string } }).getResponse?.().code;
    }
    return 'none';
  };

  it('answers the category of the freelancer’s open invitation', () => {
    expect(slotListCategory({ invitation: open, cooldownUntil: null }, 'f1', now)).toBe('writing');
    // A cooldown that has ended does not count.
    expect(slotListCategory({ invitation: open, cooldownUntil: now }, 'f1', now)).toBe('writing');
  });

  it('refuses someone else’s invitation first, then a running cooldown, then a missing or closed invitation', () => {
    const cooldownUntil = now.plus({ days: 3 });
    expect(code(() => slotListCategory({ invitation: open, cooldownUntil }, 'f2', now))).toBe('NOT_INVITED');
    expect(code(() => slotListCategory({ invitation: null, cooldownUntil }, 'f1', now))).toBe('COOLDOWN_ACTIVE');
    expect(code(() => slotListCategory({ invitation: { ...open, status: 'closed' }, cooldownUntil }, 'f1', now))).toBe(
      'COOLDOWN_ACTIVE',
    );
    expect(code(() => slotListCategory({ invitation: null, cooldownUntil: null }, 'f1', now))).toBe('NOT_INVITED');
    expect(
      code(() => slotListCategory({ invitation: { ...open, status: 'revoked' }, cooldownUntil: null }, 'f1', now)),
    ).toBe('NOT_INVITED');
  });
});
