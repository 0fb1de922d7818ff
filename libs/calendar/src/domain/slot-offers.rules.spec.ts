import { DateTime, Duration, Settings } from 'luxon';
import { WeeklyWindow } from './availability.rules';
import { BookedInterval, SlotPolicy, TalentManagerSchedule, TalentManagerSlot } from './slot-grid.rules';
import {
  availableSlots,
  bookedAndPending,
  mergeSlots,
  offersSlot,
  rankTalentManagers,
  slotsForTalentManager,
} from './slot-offers.rules';

// 2026-03-20 is a Friday; 2026-03-23 a Monday.
const NOW = DateTime.fromISO('2026-03-20T08:00:00Z');
const utc = (iso: string): DateTime => DateTime.fromISO(iso, { zone: 'utc' });
const HALF_HOUR_MS = 30 * 60 * 1000;

function policy(over: Partial<SlotPolicy> = {}): SlotPolicy {
  return {
    callLength: Duration.fromObject({ minutes: 30 }),
    minBookingLead: Duration.fromObject({ hours: 0 }),
    bookingHorizon: Duration.fromObject({ days: 400 }),
    ...over,
  };
}

function schedule(over: Partial<TalentManagerSchedule> = {}): TalentManagerSchedule {
  return { talentManagerId: 'tm-a', timeZone: 'UTC', weekly: [], exceptions: [], dailyCap: 10, ...over };
}

function weekly(...windows: [number, string, string][]): WeeklyWindow[] {
  return windows.map(([weekday, start, end]) => ({ weekday, start, end }));
}

function booking(talentManagerId: string, startIso: string, minutes = 30): BookedInterval {
  const startsAt = utc(startIso);
  return { talentManagerId, startsAt, endsAt: startsAt.plus({ minutes }) };
}

const starts = (slots: { startsAt: DateTime }[]): string[] => slots.map((s) => s.startsAt.toISO() as string);
const localTimes = (slots: { startsAt: DateTime }[], zone: string): string[] =>
  slots.map((s) => s.startsAt.setZone(zone).toFormat('HH:mm'));

/** Slots of one TM over a whole local day range, with the usual defaults. */
function slots(
  s: Partial<TalentManagerSchedule>,
  opts: { booked?: BookedInterval[]; policy?: Partial<SlotPolicy>; now?: DateTime; from?: string; to?: string } = {},
): TalentManagerSlot[] {
  const now = opts.now ?? NOW;
  return slotsForTalentManager(
    schedule(s),
    opts.booked ?? [],
    policy(opts.policy),
    now,
    opts.from ? utc(opts.from) : now,
    opts.to ? utc(opts.to) : now.plus({ days: 14 }),
  );
}

function expectWellFormed(
  list: TalentManagerSlot[] | { startsAt: DateTime; endsAt: DateTime }[],
  lengthMs = HALF_HOUR_MS,
): void {
  for (const s of list) {
    expect(s.startsAt.isValid).toBe(true);
    expect(s.startsAt.zoneName).toBe('UTC');
    expect(s.endsAt.zoneName).toBe('UTC');
    expect(s.endsAt.toMillis() - s.startsAt.toMillis()).toBe(lengthMs);
  }
  const ms = list.map((s) => s.startsAt.toMillis());
  expect(ms).toEqual([...ms].sort((a, b) => a - b));
  expect(new Set(ms).size).toBe(ms.length);
}

describe('slotsForTalentManager', () => {
  describe('grid', () => {
    it('steps by callLength from the window start and drops a partial tail (09:00–10:15 → 09:00, 09:30)', () => {
      const result = slots(
        { weekly: weekly([1, '09:00', '10:15']) },
        { from: '2026-03-23T00:00:00Z', to: '2026-03-24T00:00:00Z' },
      );
      expect(starts(result)).toEqual(['2026-03-23T09:00:00.000Z', '2026-03-23T09:30:00.000Z']);
      expect(result.map((s) => s.endsAt.toISO())).toEqual(['2026-03-23T09:30:00.000Z', '2026-03-23T10:00:00.000Z']);
      expect(result.every((s) => s.talentManagerId === 'tm-a')).toBe(true);
      expectWellFormed(result);
    });

    it('uses each window’s own start as grid origin (09:15–10:15 → 09:15, 09:45)', () => {
      const result = slots(
        { weekly: weekly([1, '09:15', '10:15']) },
        { from: '2026-03-23T00:00:00Z', to: '2026-03-24T00:00:00Z' },
      );
      expect(starts(result)).toEqual(['2026-03-23T09:15:00.000Z', '2026-03-23T09:45:00.000Z']);
    });

    it('offers nothing for a window shorter than one call', () => {
      expect(slots({ weekly: weekly([1, '09:00', '09:29']) })).toEqual([]);
    });

    it('honours a different call length', () => {
      const result = slots(
        { weekly: weekly([1, '09:00', '11:30']) },
        {
          policy: { callLength: Duration.fromObject({ hours: 1 }) },
          from: '2026-03-23T00:00:00Z',
          to: '2026-03-24T00:00:00Z',
        },
      );
      expect(starts(result)).toEqual(['2026-03-23T09:00:00.000Z', '2026-03-23T10:00:00.000Z']);
      expectWellFormed(result, 3_600_000);
    });

    it('sorts slots by start even when the weekly windows are not sorted', () => {
      const result = slots(
        { weekly: weekly([2, '14:00', '15:00'], [1, '16:00', '16:30'], [1, '09:00', '09:30'], [2, '08:00', '08:30']) },
        { from: '2026-03-23T00:00:00Z', to: '2026-03-25T00:00:00Z' },
      );
      expect(starts(result)).toEqual([
        '2026-03-23T09:00:00.000Z',
        '2026-03-23T16:00:00.000Z',
        '2026-03-24T08:00:00.000Z',
        '2026-03-24T14:00:00.000Z',
        '2026-03-24T14:30:00.000Z',
      ]);
    });

    it('de-duplicates slots from (invalid) overlapping windows', () => {
      const result = slots(
        { weekly: weekly([1, '09:00', '10:00'], [1, '09:00', '09:30'], [1, '09:30', '10:30']) },
        { from: '2026-03-23T00:00:00Z', to: '2026-03-24T00:00:00Z' },
      );
      expect(starts(result)).toEqual([
        '2026-03-23T09:00:00.000Z',
        '2026-03-23T09:30:00.000Z',
        '2026-03-23T10:00:00.000Z',
      ]);
    });

    it('repeats weekly, by ISO weekday of the local date (7 = Sunday)', () => {
      const result = slots(
        { weekly: weekly([7, '10:00', '10:30'], [3, '10:00', '10:30']) },
        { to: '2026-04-06T00:00:00Z' },
      );
      expect(starts(result)).toEqual([
        '2026-03-22T10:00:00.000Z', // Sun
        '2026-03-25T10:00:00.000Z', // Wed
        '2026-03-29T10:00:00.000Z', // Sun
        '2026-04-01T10:00:00.000Z', // Wed
        '2026-04-05T10:00:00.000Z', // Sun
      ]);
    });

    it('converts local wall times in the TM’s zone to UTC', () => {
      const berlin = slots(
        { timeZone: 'Europe/Berlin', weekly: weekly([1, '09:00', '10:00']) },
        { from: '2026-03-23T00:00:00Z', to: '2026-03-24T00:00:00Z' },
      );
      expect(starts(berlin)).toEqual(['2026-03-23T08:00:00.000Z', '2026-03-23T08:30:00.000Z']);

      const kolkata = slots(
        { timeZone: 'Asia/Kolkata', weekly: weekly([1, '09:00', '10:00']) },
        { from: '2026-03-23T00:00:00Z', to: '2026-03-24T00:00:00Z' },
      );
      expect(starts(kolkata)).toEqual(['2026-03-23T03:30:00.000Z', '2026-03-23T04:00:00.000Z']);
      expectWellFormed(kolkata);
    });

    it('uses the TM’s local weekday even when the UTC date differs (Tokyo Tuesday morning = Monday UTC)', () => {
      const result = slots(
        { timeZone: 'Asia/Tokyo', weekly: weekly([2, '08:00', '09:00']) },
        { from: '2026-03-23T00:00:00Z', to: '2026-03-25T00:00:00Z' },
      );
      expect(starts(result)).toEqual(['2026-03-23T23:00:00.000Z', '2026-03-23T23:30:00.000Z']);
    });

    it('returns UTC DateTimes regardless of the zones of now/from/to', () => {
      const now = NOW.setZone('America/Los_Angeles');
      const result = slotsForTalentManager(
        schedule({ timeZone: 'Europe/Berlin', weekly: weekly([1, '09:00', '10:00']) }),
        [],
        policy(),
        now,
        utc('2026-03-23T00:00:00Z').setZone('Asia/Tokyo'),
        utc('2026-03-24T00:00:00Z').setZone('Asia/Tokyo'),
      );
      expect(starts(result)).toEqual(['2026-03-23T08:00:00.000Z', '2026-03-23T08:30:00.000Z']);
      expectWellFormed(result);
    });
  });

  describe('"24:00" end', () => {
    it('means the start of the next local day', () => {
      const result = slots(
        { weekly: weekly([1, '23:00', '24:00']) },
        { from: '2026-03-23T00:00:00Z', to: '2026-03-25T00:00:00Z' },
      );
      expect(starts(result)).toEqual(['2026-03-23T23:00:00.000Z', '2026-03-23T23:30:00.000Z']);
      expect(result[1].endsAt.toISO()).toBe('2026-03-24T00:00:00.000Z');
    });

    it('works in a non-UTC zone', () => {
      const result = slots(
        { timeZone: 'Asia/Tokyo', weekly: weekly([1, '23:00', '24:00']) },
        { from: '2026-03-23T00:00:00Z', to: '2026-03-25T00:00:00Z' },
      );
      expect(starts(result)).toEqual(['2026-03-23T14:00:00.000Z', '2026-03-23T14:30:00.000Z']);
      expect(result[1].endsAt.toISO()).toBe('2026-03-23T15:00:00.000Z');
    });

    it('offers the whole day for 00:00–24:00', () => {
      const result = slots(
        { weekly: weekly([1, '00:00', '24:00']) },
        { from: '2026-03-23T00:00:00Z', to: '2026-03-30T00:00:00Z' },
      );
      expect(result).toHaveLength(48);
      expect(result[0].startsAt.toISO()).toBe('2026-03-23T00:00:00.000Z');
      expect(result[47].endsAt.toISO()).toBe('2026-03-24T00:00:00.000Z');
    });

    it('is the next local midnight on the day before a spring-forward (Berlin 2026-03-28 22:00–24:00)', () => {
      const result = slots(
        { timeZone: 'Europe/Berlin', weekly: weekly([6, '22:00', '24:00']) },
        { from: '2026-03-28T00:00:00Z', to: '2026-03-30T00:00:00Z' },
      );
      expect(starts(result)).toEqual([
        '2026-03-28T21:00:00.000Z',
        '2026-03-28T21:30:00.000Z',
        '2026-03-28T22:00:00.000Z',
        '2026-03-28T22:30:00.000Z',
      ]);
      expect(result[3].endsAt.toISO()).toBe('2026-03-28T23:00:00.000Z');
    });
  });

  describe('minimum booking lead', () => {
    const fridayWindow = { weekly: weekly([5, '08:00', '12:00']) };
    const friday = { from: '2026-03-20T00:00:00Z', to: '2026-03-21T00:00:00Z' };

    it('includes a slot starting exactly at now + lead', () => {
      const result = slots(fridayWindow, { ...friday, policy: { minBookingLead: Duration.fromObject({ hours: 1 }) } });
      expect(result[0].startsAt.toISO()).toBe('2026-03-20T09:00:00.000Z');
      expect(result).toHaveLength(6);
    });

    it('excludes it when now + lead is 1 ms later', () => {
      const result = slots(fridayWindow, {
        ...friday,
        policy: { minBookingLead: Duration.fromObject({ hours: 1, milliseconds: 1 }) },
      });
      expect(result[0].startsAt.toISO()).toBe('2026-03-20T09:30:00.000Z');
      expect(result).toHaveLength(5);
    });

    it('excludes it when now is 1 ms later', () => {
      const result = slots(fridayWindow, {
        ...friday,
        now: NOW.plus({ milliseconds: 1 }),
        policy: { minBookingLead: Duration.fromObject({ hours: 1 }) },
      });
      expect(result[0].startsAt.toISO()).toBe('2026-03-20T09:30:00.000Z');
    });

    it('keeps the window grid when now + lead is off-grid', () => {
      const result = slots(fridayWindow, {
        ...friday,
        policy: { minBookingLead: Duration.fromObject({ minutes: 50 }) },
      });
      expect(starts(result).slice(0, 2)).toEqual(['2026-03-20T09:00:00.000Z', '2026-03-20T09:30:00.000Z']);
    });

    it('never offers slots in the past with zero lead', () => {
      const result = slots(fridayWindow, friday);
      expect(result[0].startsAt.toISO()).toBe('2026-03-20T08:00:00.000Z');
      expect(result.every((s) => s.startsAt >= NOW)).toBe(true);
    });

    it('handles a lead of several days', () => {
      const result = slots(
        { weekly: weekly([1, '09:00', '09:30'], [2, '09:00', '09:30'], [3, '09:00', '09:30']) },
        {
          policy: { minBookingLead: Duration.fromObject({ days: 4, hours: 1 }) },
        },
      );
      expect(result[0].startsAt.toISO()).toBe('2026-03-24T09:00:00.000Z');
    });
  });

  describe('booking horizon', () => {
    const daily = {
      weekly: weekly(
        [1, '07:00', '09:00'],
        [2, '07:00', '09:00'],
        [3, '07:00', '09:00'],
        [4, '07:00', '09:00'],
        [5, '07:00', '09:00'],
        [6, '07:00', '09:00'],
        [7, '07:00', '09:00'],
      ),
    };

    it('includes a slot starting exactly at now + horizon and nothing after it', () => {
      const result = slots(daily, { policy: { bookingHorizon: Duration.fromObject({ days: 2 }) } });
      expect(result[result.length - 1].startsAt.toISO()).toBe('2026-03-22T08:00:00.000Z');
      expect(result.every((s) => s.startsAt <= NOW.plus({ days: 2 }))).toBe(true);
      expect(result).toHaveLength(2 + 4 + 3); // Fri 08:00, 08:30; Sat 07:00–08:30; Sun 07:00, 07:30, 08:00
    });

    it('excludes that slot when the horizon is 1 ms shorter', () => {
      const result = slots(daily, {
        policy: { bookingHorizon: Duration.fromObject({ days: 2 }).minus({ milliseconds: 1 }) },
      });
      expect(result[result.length - 1].startsAt.toISO()).toBe('2026-03-22T07:30:00.000Z');
    });

    it('returns nothing when the horizon is shorter than the lead', () => {
      const result = slots(daily, {
        policy: { minBookingLead: Duration.fromObject({ days: 3 }), bookingHorizon: Duration.fromObject({ days: 2 }) },
      });
      expect(result).toEqual([]);
    });
  });

  describe('from / to', () => {
    const monday = { weekly: weekly([1, '09:00', '12:00']) };

    it('includes a slot starting exactly at `from` and excludes one starting exactly at `to`', () => {
      const result = slots(monday, { from: '2026-03-23T10:00:00Z', to: '2026-03-23T11:00:00Z' });
      expect(starts(result)).toEqual(['2026-03-23T10:00:00.000Z', '2026-03-23T10:30:00.000Z']);
    });

    it('includes a slot whose start is in range even if it ends after `to`', () => {
      const result = slots(monday, { from: '2026-03-23T10:00:00Z', to: '2026-03-23T10:00:00.001Z' });
      expect(starts(result)).toEqual(['2026-03-23T10:00:00.000Z']);
    });

    it('keeps the window grid when `from` is off-grid', () => {
      const result = slots(monday, { from: '2026-03-23T10:10:00Z', to: '2026-03-23T11:30:00Z' });
      expect(starts(result)).toEqual(['2026-03-23T10:30:00.000Z', '2026-03-23T11:00:00.000Z']);
    });

    it('returns nothing for an empty or reversed range', () => {
      expect(slots(monday, { from: '2026-03-23T10:00:00Z', to: '2026-03-23T10:00:00Z' })).toEqual([]);
      expect(slots(monday, { from: '2026-03-24T00:00:00Z', to: '2026-03-23T00:00:00Z' })).toEqual([]);
    });

    it('covers several weeks', () => {
      const result = slots(monday, { from: '2026-03-23T00:00:00Z', to: '2026-04-13T00:00:00Z' });
      expect(result).toHaveLength(3 * 6);
      expect(new Set(result.map((s) => s.startsAt.toISODate()))).toEqual(
        new Set(['2026-03-23', '2026-03-30', '2026-04-06']),
      );
    });

    it('includes local dates that only partly intersect the range (Tokyo)', () => {
      // Tokyo Monday 2026-03-23 07:00–09:00 local = Sunday 22:00–24:00 UTC.
      const result = slots(
        { timeZone: 'Asia/Tokyo', weekly: weekly([1, '07:00', '09:00']) },
        { from: '2026-03-22T23:00:00Z', to: '2026-03-23T00:00:00Z' },
      );
      expect(starts(result)).toEqual(['2026-03-22T23:00:00.000Z', '2026-03-22T23:30:00.000Z']);
    });
  });

  describe('booked intervals', () => {
    const monday = { weekly: weekly([1, '09:00', '12:00']) };
    const range = { from: '2026-03-23T00:00:00Z', to: '2026-03-24T00:00:00Z' };
    const all = ['09:00', '09:30', '10:00', '10:30', '11:00', '11:30'];
    const hhmm = (list: TalentManagerSlot[]): string[] => localTimes(list, 'UTC');

    it('removes a slot exactly booked', () => {
      const result = slots(monday, { ...range, booked: [booking('tm-a', '2026-03-23T10:00:00Z')] });
      expect(hhmm(result)).toEqual(all.filter((t) => t !== '10:00'));
    });

    it('removes every slot a partly overlapping booking touches', () => {
      const result = slots(monday, { ...range, booked: [booking('tm-a', '2026-03-23T10:15:00Z')] });
      expect(hhmm(result)).toEqual(['09:00', '09:30', '11:00', '11:30']);
    });

    it('treats intervals as half-open: a booking ending at a slot start or starting at a slot end does not block it', () => {
      const result = slots(monday, {
        ...range,
        booked: [booking('tm-a', '2026-03-23T08:30:00Z'), booking('tm-a', '2026-03-23T12:00:00Z')],
      });
      expect(hhmm(result)).toEqual(all);
    });

    it('removes slots inside a long booking', () => {
      const result = slots(monday, { ...range, booked: [booking('tm-a', '2026-03-23T09:10:00Z', 100)] });
      expect(hhmm(result)).toEqual(['11:00', '11:30']);
    });

    it('handles overlapping and unsorted bookings (a short booking nested in a long one)', () => {
      const result = slots(monday, {
        ...range,
        booked: [
          booking('tm-a', '2026-03-23T11:40:00Z', 5),
          booking('tm-a', '2026-03-23T09:30:00Z', 60),
          booking('tm-a', '2026-03-23T09:40:00Z', 5),
        ],
      });
      expect(hhmm(result)).toEqual(['09:00', '10:30', '11:00']);
    });

    it('ignores other TMs’ bookings', () => {
      const result = slots(monday, { ...range, booked: [booking('tm-b', '2026-03-23T10:00:00Z', 120)] });
      expect(hhmm(result)).toEqual(all);
    });

    it('ignores zero-length bookings for overlap', () => {
      const result = slots(monday, { ...range, booked: [booking('tm-a', '2026-03-23T10:10:00Z', 0)] });
      expect(hhmm(result)).toEqual(all);
    });
  });

  describe('daily cap', () => {
    const weekdays = { weekly: weekly([1, '09:00', '10:00'], [2, '09:00', '10:00']) };
    const range = { from: '2026-03-23T00:00:00Z', to: '2026-03-25T00:00:00Z' };

    it('closes a local date once the TM has dailyCap calls starting on it', () => {
      const booked = [booking('tm-a', '2026-03-23T06:00:00Z'), booking('tm-a', '2026-03-23T15:00:00Z')];
      const result = slots({ ...weekdays, dailyCap: 2 }, { ...range, booked });
      expect(starts(result)).toEqual(['2026-03-24T09:00:00.000Z', '2026-03-24T09:30:00.000Z']);
    });

    it('keeps it open below the cap', () => {
      const booked = [booking('tm-a', '2026-03-23T06:00:00Z'), booking('tm-a', '2026-03-23T09:30:00Z')];
      const result = slots({ ...weekdays, dailyCap: 3 }, { ...range, booked });
      expect(starts(result)).toEqual([
        '2026-03-23T09:00:00.000Z',
        '2026-03-24T09:00:00.000Z',
        '2026-03-24T09:30:00.000Z',
      ]);
    });

    it('does not count calls on another local day or of another TM', () => {
      const booked = [
        booking('tm-a', '2026-03-22T23:30:00Z'),
        booking('tm-a', '2026-03-24T00:00:00Z'),
        booking('tm-b', '2026-03-23T12:00:00Z'),
        booking('tm-b', '2026-03-23T13:00:00Z'),
      ];
      const result = slots({ ...weekdays, dailyCap: 1 }, { ...range, booked });
      expect(starts(result)).toEqual(['2026-03-23T09:00:00.000Z', '2026-03-23T09:30:00.000Z']);
    });

    it('counts calls before `now` and outside [from, to) on the same local day', () => {
      const result = slots(
        { weekly: weekly([1, '09:00', '12:00']), dailyCap: 1 },
        {
          now: utc('2026-03-23T10:00:00Z'),
          booked: [booking('tm-a', '2026-03-23T07:00:00Z')],
          from: '2026-03-23T10:00:00Z',
          to: '2026-03-23T12:00:00Z',
        },
      );
      expect(result).toEqual([]);
    });

    it('uses the TM’s local day (Asia/Tokyo, UTC+9)', () => {
      const tokyo = {
        timeZone: 'Asia/Tokyo',
        weekly: weekly([1, '09:00', '10:00'], [2, '09:00', '10:00']),
        dailyCap: 1,
      };
      const tokyoRange = { from: '2026-03-22T15:00:00Z', to: '2026-03-24T15:00:00Z' };
      // 2026-03-23T15:00Z is Tuesday 00:00 in Tokyo → closes Tuesday, not Monday.
      const tuesday = slots(tokyo, { ...tokyoRange, booked: [booking('tm-a', '2026-03-23T15:00:00Z')] });
      expect(localTimes(tuesday, 'Asia/Tokyo')).toEqual(['09:00', '09:30']);
      expect(tuesday.every((s) => s.startsAt.setZone('Asia/Tokyo').weekday === 1)).toBe(true);
      // 2026-03-23T14:59Z is Monday 23:59 in Tokyo → closes Monday, not Tuesday.
      const monday = slots(tokyo, { ...tokyoRange, booked: [booking('tm-a', '2026-03-23T14:59:00Z')] });
      expect(monday.every((s) => s.startsAt.setZone('Asia/Tokyo').weekday === 2)).toBe(true);
      expect(monday).toHaveLength(2);
    });

    it('uses the TM’s local day (America/New_York, UTC-4 in late March)', () => {
      const ny = {
        timeZone: 'America/New_York',
        weekly: weekly([1, '09:00', '10:00'], [2, '09:00', '10:00']),
        dailyCap: 1,
      };
      // 2026-03-24T03:00Z is Monday 23:00 in New York.
      const result = slots(ny, {
        from: '2026-03-23T00:00:00Z',
        to: '2026-03-25T00:00:00Z',
        booked: [booking('tm-a', '2026-03-24T03:00:00Z')],
      });
      expect(starts(result)).toEqual(['2026-03-24T13:00:00.000Z', '2026-03-24T13:30:00.000Z']);
    });

    it('offers nothing with a cap of 0', () => {
      expect(slots({ ...weekdays, dailyCap: 0 }, range)).toEqual([]);
    });
  });

  describe('exceptions', () => {
    it('skips an excepted local date only', () => {
      const result = slots(
        {
          weekly: weekly([1, '09:00', '10:00'], [2, '09:00', '10:00']),
          exceptions: [{ date: '2026-03-23', available: false }],
        },
        { from: '2026-03-23T00:00:00Z', to: '2026-03-31T00:00:00Z' },
      );
      expect(new Set(result.map((s) => s.startsAt.toISODate()))).toEqual(new Set(['2026-03-24', '2026-03-30']));
      expect(result).toHaveLength(4);
    });

    it('applies to the TM’s local date, not the UTC date (Tokyo Tuesday morning is Monday UTC)', () => {
      const tokyo = { timeZone: 'Asia/Tokyo', weekly: weekly([2, '08:00', '09:00']) };
      const range = { from: '2026-03-23T00:00:00Z', to: '2026-03-25T00:00:00Z' };
      expect(slots({ ...tokyo, exceptions: [{ date: '2026-03-24', available: false }] }, range)).toEqual([]);
      expect(slots({ ...tokyo, exceptions: [{ date: '2026-03-23', available: false }] }, range)).toHaveLength(2);
    });

    it('ignores malformed exception dates', () => {
      const result = slots(
        { weekly: weekly([1, '09:00', '10:00']), exceptions: [{ date: '2026-3-23', available: false }] },
        { from: '2026-03-23T00:00:00Z', to: '2026-03-24T00:00:00Z' },
      );
      expect(result).toHaveLength(2);
    });
  });

  describe('daylight saving time', () => {
    const octNow = utc('2026-10-20T08:00:00Z');

    it('Europe/Berlin spring forward (2026-03-29): 01:00–04:00 is 2 real hours → 4 slots', () => {
      const result = slots(
        { timeZone: 'Europe/Berlin', weekly: weekly([7, '01:00', '04:00']) },
        { from: '2026-03-28T12:00:00Z', to: '2026-03-29T12:00:00Z' },
      );
      expect(result).toHaveLength(4);
      expect(starts(result)).toEqual([
        '2026-03-29T00:00:00.000Z',
        '2026-03-29T00:30:00.000Z',
        '2026-03-29T01:00:00.000Z',
        '2026-03-29T01:30:00.000Z',
      ]);
      expect(localTimes(result, 'Europe/Berlin')).toEqual(['01:00', '01:30', '03:00', '03:30']);
      expect(result[3].endsAt.toISO()).toBe('2026-03-29T02:00:00.000Z');
      expectWellFormed(result);
    });

    it('Europe/Berlin fall back (2026-10-25): 01:00–04:00 is 4 real hours → 8 slots', () => {
      const result = slots(
        { timeZone: 'Europe/Berlin', weekly: weekly([7, '01:00', '04:00']) },
        { now: octNow, from: '2026-10-24T12:00:00Z', to: '2026-10-25T12:00:00Z' },
      );
      expect(result).toHaveLength(8);
      expect(result[0].startsAt.toISO()).toBe('2026-10-24T23:00:00.000Z');
      expect(result[7].startsAt.toISO()).toBe('2026-10-25T02:30:00.000Z');
      expect(result[7].endsAt.toISO()).toBe('2026-10-25T03:00:00.000Z');
      expect(localTimes(result, 'Europe/Berlin')).toEqual([
        '01:00',
        '01:30',
        '02:00',
        '02:30',
        '02:00',
        '02:30',
        '03:00',
        '03:30',
      ]);
      expectWellFormed(result);
    });

    it('America/New_York spring forward (2026-03-08): 01:00–04:00 → 4 slots', () => {
      const result = slots(
        { timeZone: 'America/New_York', weekly: weekly([7, '01:00', '04:00']) },
        { now: utc('2026-03-01T00:00:00Z'), from: '2026-03-08T00:00:00Z', to: '2026-03-09T00:00:00Z' },
      );
      expect(starts(result)).toEqual([
        '2026-03-08T06:00:00.000Z',
        '2026-03-08T06:30:00.000Z',
        '2026-03-08T07:00:00.000Z',
        '2026-03-08T07:30:00.000Z',
      ]);
      expect(localTimes(result, 'America/New_York')).toEqual(['01:00', '01:30', '03:00', '03:30']);
      expectWellFormed(result);
    });

    it('America/New_York fall back (2026-11-01): 00:00–03:00 is 4 real hours → 8 slots', () => {
      const result = slots(
        { timeZone: 'America/New_York', weekly: weekly([7, '00:00', '03:00']) },
        { now: octNow, from: '2026-11-01T00:00:00Z', to: '2026-11-02T00:00:00Z' },
      );
      expect(result).toHaveLength(8);
      expect(result[0].startsAt.toISO()).toBe('2026-11-01T04:00:00.000Z');
      expect(result[7].endsAt.toISO()).toBe('2026-11-01T08:00:00.000Z');
      expect(localTimes(result, 'America/New_York')).toEqual([
        '00:00',
        '00:30',
        '01:00',
        '01:30',
        '01:00',
        '01:30',
        '02:00',
        '02:30',
      ]);
      expectWellFormed(result);
    });

    it('shifts a window start inside the spring-forward gap forward (Berlin 02:30 → 03:30 CEST)', () => {
      const result = slots(
        { timeZone: 'Europe/Berlin', weekly: weekly([7, '02:30', '04:00']) },
        { from: '2026-03-28T12:00:00Z', to: '2026-03-29T12:00:00Z' },
      );
      expect(starts(result)).toEqual(['2026-03-29T01:30:00.000Z']);
      expect(localTimes(result, 'Europe/Berlin')).toEqual(['03:30']);
    });

    it('shifts a window end inside the gap forward too (New York 01:00–02:30 → ends 03:30 EDT)', () => {
      const result = slots(
        { timeZone: 'America/New_York', weekly: weekly([7, '01:00', '02:30']) },
        { now: utc('2026-03-01T00:00:00Z'), from: '2026-03-08T00:00:00Z', to: '2026-03-09T00:00:00Z' },
      );
      expect(localTimes(result, 'America/New_York')).toEqual(['01:00', '01:30', '03:00']);
      expect(result[2].endsAt.toISO()).toBe('2026-03-08T07:30:00.000Z');
    });

    it('resolves an ambiguous fall-back wall time to its earlier occurrence, independent of the real clock', () => {
      const original = Settings.now;
      const run = (): string[] =>
        starts(
          slots(
            { timeZone: 'America/New_York', weekly: weekly([7, '01:00', '04:00']) },
            { now: octNow, from: '2026-11-01T00:00:00Z', to: '2026-11-02T00:00:00Z' },
          ),
        );
      try {
        Settings.now = () => Date.UTC(2026, 6, 1); // summer: EDT in effect
        const summer = run();
        Settings.now = () => Date.UTC(2026, 0, 1); // winter: EST in effect
        const winter = run();
        expect(summer).toEqual(winter);
        expect(summer).toHaveLength(8); // 01:00 EDT (05:00Z) … 04:00 EST (09:00Z)
        expect(summer[0]).toBe('2026-11-01T05:00:00.000Z');
      } finally {
        Settings.now = original;
      }
    });

    it('Berlin fall back with an ambiguous start (02:00–04:00) starts at the first 02:00 → 6 slots', () => {
      const result = slots(
        { timeZone: 'Europe/Berlin', weekly: weekly([7, '02:00', '04:00']) },
        { now: octNow, from: '2026-10-24T12:00:00Z', to: '2026-10-25T12:00:00Z' },
      );
      expect(result).toHaveLength(6);
      expect(result[0].startsAt.toISO()).toBe('2026-10-25T00:00:00.000Z');
    });

    it('uses the new offset on days after the transition', () => {
      const berlin = slots(
        { timeZone: 'Europe/Berlin', weekly: weekly([5, '09:00', '09:30'], [1, '09:00', '09:30']) },
        { from: '2026-03-27T00:00:00Z', to: '2026-03-31T00:00:00Z' },
      );
      expect(starts(berlin)).toEqual(['2026-03-27T08:00:00.000Z', '2026-03-30T07:00:00.000Z']);
    });

    it('keeps the local day boundary right on a DST day for the daily cap', () => {
      // Berlin 2026-03-29 starts at 2026-03-28T23:00Z (CET) and ends at 2026-03-29T22:00Z (CEST).
      const sunday = { timeZone: 'Europe/Berlin', weekly: weekly([7, '10:00', '11:00']), dailyCap: 1 };
      const range = { from: '2026-03-29T00:00:00Z', to: '2026-03-30T00:00:00Z' };
      expect(slots(sunday, { ...range, booked: [booking('tm-a', '2026-03-29T22:00:00Z')] })).toHaveLength(2);
      expect(slots(sunday, { ...range, booked: [booking('tm-a', '2026-03-29T21:59:00Z')] })).toEqual([]);
      expect(slots(sunday, { ...range, booked: [booking('tm-a', '2026-03-28T22:59:00Z')] })).toHaveLength(2);
      expect(slots(sunday, { ...range, booked: [booking('tm-a', '2026-03-28T23:00:00Z')] })).toEqual([]);
    });
  });

  describe('robustness', () => {
    it('returns nothing for an invalid time zone', () => {
      expect(slots({ timeZone: 'UTC+3', weekly: weekly([1, '09:00', '10:00']) })).toEqual([]);
    });

    it('returns nothing for a non-positive call length', () => {
      expect(
        slots(
          { weekly: weekly([1, '09:00', '10:00']) },
          { policy: { callLength: Duration.fromObject({ minutes: 0 }) } },
        ),
      ).toEqual([]);
    });

    it('skips invalid windows but keeps valid ones', () => {
      const result = slots(
        {
          weekly: [
            ...weekly([1, '10:00', '09:00'], [8, '09:00', '10:00'], [1, '9:00', '10:00']),
            ...weekly([1, '11:00', '11:30']),
          ],
        },
        { from: '2026-03-23T00:00:00Z', to: '2026-03-24T00:00:00Z' },
      );
      expect(starts(result)).toEqual(['2026-03-23T11:00:00.000Z']);
    });

    it('does not depend on the system clock', () => {
      const original = Settings.now;
      try {
        const s = { timeZone: 'Europe/Berlin', weekly: weekly([1, '09:00', '12:00'], [7, '01:00', '04:00']) };
        Settings.now = () => Date.UTC(2030, 0, 1);
        const a = starts(slots(s, { to: '2026-04-20T00:00:00Z' }));
        Settings.now = () => Date.UTC(2020, 6, 1);
        const b = starts(slots(s, { to: '2026-04-20T00:00:00Z' }));
        expect(a).toEqual(b);
        expect(a.length).toBeGreaterThan(0);
      } finally {
        Settings.now = original;
      }
    });
  });
});

describe('mergeSlots', () => {
  const s = (id: string, iso: string): TalentManagerSlot => {
    const startsAt = utc(iso);
    return { talentManagerId: id, startsAt, endsAt: startsAt.plus({ minutes: 30 }) };
  };

  it('unions TMs’ slots, de-duplicated by start and sorted, with the ids offering each', () => {
    const merged = mergeSlots([
      [s('tm-b', '2026-03-23T09:30:00Z'), s('tm-b', '2026-03-23T10:00:00Z')],
      [s('tm-a', '2026-03-23T09:00:00Z'), s('tm-a', '2026-03-23T09:30:00Z')],
      [s('tm-c', '2026-03-23T09:30:00Z')],
    ]);
    expect(merged.map((m) => [m.startsAt.toISO(), m.endsAt.toISO(), m.talentManagerIds])).toEqual([
      ['2026-03-23T09:00:00.000Z', '2026-03-23T09:30:00.000Z', ['tm-a']],
      ['2026-03-23T09:30:00.000Z', '2026-03-23T10:00:00.000Z', ['tm-a', 'tm-b', 'tm-c']],
      ['2026-03-23T10:00:00.000Z', '2026-03-23T10:30:00.000Z', ['tm-b']],
    ]);
  });

  it('treats equal instants in different zones as the same slot and returns UTC', () => {
    const berlin = s('tm-b', '2026-03-23T09:00:00Z');
    const merged = mergeSlots([
      [
        {
          ...berlin,
          startsAt: berlin.startsAt.setZone('Europe/Berlin'),
          endsAt: berlin.endsAt.setZone('Europe/Berlin'),
        },
      ],
      [s('tm-a', '2026-03-23T09:00:00Z')],
    ]);
    expect(merged).toHaveLength(1);
    expect(merged[0].talentManagerIds).toEqual(['tm-a', 'tm-b']);
    expect(merged[0].startsAt.zoneName).toBe('UTC');
    expect(merged[0].endsAt.zoneName).toBe('UTC');
  });

  it('does not repeat a TM listed twice', () => {
    const merged = mergeSlots([[s('tm-a', '2026-03-23T09:00:00Z')], [s('tm-a', '2026-03-23T09:00:00Z')]]);
    expect(merged.map((m) => m.talentManagerIds)).toEqual([['tm-a']]);
  });

  it('returns [] for no input', () => {
    expect(mergeSlots([])).toEqual([]);
    expect(mergeSlots([[], []])).toEqual([]);
  });
});

describe('availableSlots', () => {
  const schedules = [
    schedule({ talentManagerId: 'tm-a', timeZone: 'UTC', weekly: weekly([1, '09:00', '10:00']) }),
    schedule({ talentManagerId: 'tm-b', timeZone: 'Europe/Berlin', weekly: weekly([1, '10:00', '11:30']) }),
    schedule({ talentManagerId: 'tm-c', timeZone: 'America/New_York', weekly: weekly([1, '05:00', '06:00']) }),
  ];
  const from = utc('2026-03-23T00:00:00Z');
  const to = utc('2026-03-24T00:00:00Z');

  it('merges every TM’s slots', () => {
    const result = availableSlots(schedules, [booking('tm-b', '2026-03-23T09:30:00Z')], policy(), NOW, from, to);
    expect(result.map((m) => [m.startsAt.toISO(), m.talentManagerIds])).toEqual([
      ['2026-03-23T09:00:00.000Z', ['tm-a', 'tm-b', 'tm-c']],
      ['2026-03-23T09:30:00.000Z', ['tm-a', 'tm-c']],
      ['2026-03-23T10:00:00.000Z', ['tm-b']],
    ]);
    expectWellFormed(result);
  });

  it('equals mergeSlots of slotsForTalentManager per TM', () => {
    const many = [
      ...schedules,
      schedule({
        talentManagerId: 'tm-d',
        timeZone: 'Asia/Kolkata',
        weekly: weekly([1, '08:00', '18:00'], [2, '08:00', '18:00'], [7, '00:00', '24:00']),
        dailyCap: 3,
      }),
      schedule({
        talentManagerId: 'tm-e',
        timeZone: 'Europe/Berlin',
        weekly: weekly([7, '01:00', '04:00'], [3, '12:00', '20:00']),
        exceptions: [{ date: '2026-04-01', available: false }],
      }),
    ];
    const booked = [
      booking('tm-d', '2026-03-23T05:00:00Z', 45),
      booking('tm-d', '2026-03-24T05:00:00Z'),
      booking('tm-d', '2026-03-24T06:00:00Z'),
      booking('tm-d', '2026-03-24T07:00:00Z'),
      booking('tm-e', '2026-03-25T12:00:00Z', 90),
    ];
    const p = policy({
      minBookingLead: Duration.fromObject({ hours: 20 }),
      bookingHorizon: Duration.fromObject({ days: 20 }),
    });
    const end = NOW.plus({ days: 30 });
    const merged = availableSlots(many, booked, p, NOW, NOW, end);
    const expected = mergeSlots(many.map((s) => slotsForTalentManager(s, booked, p, NOW, NOW, end)));
    expect(merged.length).toBeGreaterThan(100);
    expect(merged.map((m) => [m.startsAt.toISO(), m.endsAt.toISO(), m.talentManagerIds])).toEqual(
      expected.map((m) => [m.startsAt.toISO(), m.endsAt.toISO(), m.talentManagerIds]),
    );
  });

  it('returns [] without schedules', () => {
    expect(availableSlots([], [], policy(), NOW, from, to)).toEqual([]);
  });

  it('computes 50 TMs × 30 days (timing is measured by bench/slots)', () => {
    const zones = ['Europe/Berlin', 'America/New_York', 'Asia/Kolkata', 'UTC', 'Australia/Sydney'];
    const week = [1, 2, 3, 4, 5].flatMap((d) => weekly([d, '09:00', '12:00'], [d, '13:00', '18:00']));
    const tms = Array.from({ length: 50 }, (_, i) =>
      schedule({
        talentManagerId: `tm-${String(i).padStart(2, '0')}`,
        timeZone: zones[i % zones.length],
        weekly: week,
        dailyCap: 6,
      }),
    );
    const booked = tms.flatMap((tm, i) =>
      Array.from({ length: 40 }, (_, k) => {
        const startsAt = NOW.plus({ hours: 24 + k * 17 + i }).startOf('hour');
        return { talentManagerId: tm.talentManagerId, startsAt, endsAt: startsAt.plus({ minutes: 30 }) };
      }),
    );
    const p = policy({
      minBookingLead: Duration.fromObject({ hours: 12 }),
      bookingHorizon: Duration.fromObject({ days: 30 }),
    });
    const result = availableSlots(tms, booked, p, NOW, NOW, NOW.plus({ days: 30 }));
    expect(result.length).toBeGreaterThan(500);
    for (let i = 1; i < result.length; i++) expect(result[i].startsAt > result[i - 1].startsAt).toBe(true);
  });
});

describe('offersSlot', () => {
  // VETTING_MIN_BOOKING_LEAD=PT0S means no lead: a slot starting a minute from now can be booked.
  it('with a zero booking lead, offers a slot starting one minute from now, and never one already started', () => {
    const friday = schedule({ weekly: weekly([5, '08:00', '12:00']) });
    const zero = policy({ minBookingLead: Duration.fromISO('PT0S') });
    const now = utc('2026-03-20T08:29:00Z');
    expect(offersSlot(friday, [], zero, now, utc('2026-03-20T08:30:00Z'))).toBe(true);
    expect(offersSlot(friday, [], zero, now, utc('2026-03-20T08:00:00Z'))).toBe(false);
    expect(
      offersSlot(friday, [], policy({ minBookingLead: Duration.fromISO('PT1H') }), now, utc('2026-03-20T08:30:00Z')),
    ).toBe(false);
  });

  const tm = schedule({
    timeZone: 'Europe/Berlin',
    weekly: weekly([1, '09:00', '10:00'], [7, '01:00', '04:00']),
    dailyCap: 2,
  });
  const p = policy({
    minBookingLead: Duration.fromObject({ hours: 2 }),
    bookingHorizon: Duration.fromObject({ days: 14 }),
  });
  const offers = (iso: string, booked: BookedInterval[] = [], now: DateTime = NOW, s = tm): boolean =>
    offersSlot(s, booked, p, now, utc(iso));

  it('is true for an offered slot start', () => {
    expect(offers('2026-03-23T08:00:00Z')).toBe(true);
    expect(offers('2026-03-23T08:30:00Z')).toBe(true);
  });

  it('accepts the same instant expressed in another zone', () => {
    expect(offersSlot(tm, [], p, NOW, utc('2026-03-23T08:30:00Z').setZone('Asia/Tokyo'))).toBe(true);
  });

  it('is false off the grid', () => {
    expect(offers('2026-03-23T08:15:00Z')).toBe(false);
    expect(offers('2026-03-23T08:00:00.001Z')).toBe(false);
  });

  it('is false at the window end and outside windows', () => {
    expect(offers('2026-03-23T09:00:00Z')).toBe(false);
    expect(offers('2026-03-24T08:00:00Z')).toBe(false);
  });

  it('is false when booked (even partly)', () => {
    expect(offers('2026-03-23T08:00:00Z', [booking('tm-a', '2026-03-23T08:20:00Z')])).toBe(false);
    expect(offers('2026-03-23T08:00:00Z', [booking('tm-other', '2026-03-23T08:00:00Z')])).toBe(true);
  });

  it('is false when the daily cap is reached', () => {
    const booked = [booking('tm-a', '2026-03-23T12:00:00Z'), booking('tm-a', '2026-03-23T13:00:00Z')];
    expect(offers('2026-03-23T08:00:00Z', booked)).toBe(false);
    expect(offers('2026-03-23T08:00:00Z', booked.slice(1))).toBe(true);
  });

  it('is false inside the minimum lead and true exactly at it', () => {
    const now = utc('2026-03-23T06:00:00Z');
    expect(offers('2026-03-23T08:00:00Z', [], now)).toBe(true);
    expect(offers('2026-03-23T08:00:00Z', [], now.plus({ milliseconds: 1 }))).toBe(false);
    expect(offers('2026-03-23T08:00:00Z', [], utc('2026-03-23T07:00:00Z'))).toBe(false);
  });

  it('is false beyond the horizon and in the past', () => {
    expect(offers('2026-04-06T07:00:00Z')).toBe(false); // Monday 09:00 CEST, 17 days ahead
    expect(offers('2026-03-16T08:00:00Z')).toBe(false);
  });

  it('is false on an exception date', () => {
    const off = { ...tm, exceptions: [{ date: '2026-03-23', available: false as const }] };
    expect(offers('2026-03-23T08:00:00Z', [], NOW, off)).toBe(false);
  });

  it('follows DST: 03:00 CEST on 2026-03-29 is offered, the non-existent 02:00 is not', () => {
    expect(offers('2026-03-29T01:00:00Z')).toBe(true); // 03:00 CEST
    expect(offers('2026-03-29T00:30:00Z')).toBe(true); // 01:30 CET
    expect(offers('2026-03-29T02:00:00Z')).toBe(false); // 04:00 CEST = window end
  });

  it('is false for an invalid DateTime', () => {
    expect(offersSlot(tm, [], p, NOW, DateTime.invalid('test'))).toBe(false);
  });

  it('agrees with slotsForTalentManager', () => {
    const booked = [booking('tm-a', '2026-03-29T00:30:00Z'), booking('tm-a', '2026-03-30T07:30:00Z')];
    const from = utc('2026-03-28T00:00:00Z');
    const to = utc('2026-04-01T00:00:00Z');
    const offered = new Set(starts(slotsForTalentManager(tm, booked, p, NOW, from, to)));
    expect(offered.size).toBe(4);
    for (let t = from; t < to; t = t.plus({ minutes: 15 })) {
      expect(offersSlot(tm, booked, p, NOW, t)).toBe(offered.has(t.toISO() as string));
    }
  });
});

describe('bookedAndPending', () => {
  const slotStart = utc('2026-03-23T10:00:00Z');
  const tms = ['tm-a', 'tm-b', 'tm-c'].map((id) => schedule({ talentManagerId: id }));

  it('is the booked calls themselves when nothing is pending', () => {
    const booked = [booking('tm-a', '2026-03-23T08:00:00Z')];
    expect(bookedAndPending(booked, [])).toBe(booked);
  });

  it('adds the pending bookings, so the ranking moves on from a talent manager with one being written', () => {
    const pending = [booking('tm-a', '2026-03-23T11:00:00Z')];
    expect(rankTalentManagers(['tm-a', 'tm-b', 'tm-c'], tms, bookedAndPending([], pending), NOW, slotStart)).toEqual([
      'tm-b',
      'tm-c',
      'tm-a',
    ]);
    const two = [...pending, booking('tm-b', '2026-03-23T12:00:00Z')];
    expect(rankTalentManagers(['tm-a', 'tm-b', 'tm-c'], tms, bookedAndPending([], two), NOW, slotStart)[0]).toBe(
      'tm-c',
    );
  });

  it('counts a pending booking already read as booked once (same talent manager and start)', () => {
    const booked = [booking('tm-a', '2026-03-23T11:00:00Z'), booking('tm-b', '2026-03-24T11:00:00Z')];
    const pending = [
      booking('tm-a', '2026-03-23T11:00:00Z'), // committed and read: not counted twice
      booking('tm-b', '2026-03-23T11:00:00Z'), // same start, other talent manager: counted
      booking('tm-a', '2026-03-23T12:00:00Z'), // same talent manager, other start: counted
    ];
    const counted = bookedAndPending(booked, pending);
    expect(counted.map((b) => `${b.talentManagerId} ${b.startsAt.toISO()}`)).toEqual([
      'tm-a 2026-03-23T11:00:00.000Z',
      'tm-b 2026-03-24T11:00:00.000Z',
      'tm-b 2026-03-23T11:00:00.000Z',
      'tm-a 2026-03-23T12:00:00.000Z',
    ]);
    expect(bookedAndPending(booked, [pending[0]])).toBe(booked);
  });
});

describe('rankTalentManagers', () => {
  const slotStart = utc('2026-03-23T10:00:00Z');
  const tms = ['tm-a', 'tm-b', 'tm-c'].map((id) => schedule({ talentManagerId: id }));

  it('prefers fewest active calls on the slot’s local day', () => {
    const booked = [
      booking('tm-a', '2026-03-23T08:00:00Z'),
      booking('tm-a', '2026-03-23T12:00:00Z'),
      booking('tm-b', '2026-03-23T13:00:00Z'),
      // tm-c: many calls, but on other days
      booking('tm-c', '2026-03-24T08:00:00Z'),
      booking('tm-c', '2026-03-25T08:00:00Z'),
      booking('tm-c', '2026-03-26T08:00:00Z'),
    ];
    expect(rankTalentManagers(['tm-a', 'tm-b', 'tm-c'], tms, booked, NOW, slotStart)).toEqual(['tm-c', 'tm-b', 'tm-a']);
  });

  it('breaks a tie by fewest active calls at or after now', () => {
    const booked = [
      booking('tm-a', '2026-03-23T08:00:00Z'),
      booking('tm-a', '2026-03-24T08:00:00Z'),
      booking('tm-a', '2026-03-25T08:00:00Z'),
      booking('tm-b', '2026-03-23T08:00:00Z'),
      booking('tm-b', '2026-03-24T08:00:00Z'),
      booking('tm-c', '2026-03-23T08:00:00Z'),
      // calls before now do not count
      booking('tm-c', '2026-03-19T08:00:00Z'),
      booking('tm-c', '2026-03-18T08:00:00Z'),
      booking('tm-c', '2026-03-17T08:00:00Z'),
    ];
    expect(rankTalentManagers(['tm-a', 'tm-b', 'tm-c'], tms, booked, NOW, slotStart)).toEqual(['tm-c', 'tm-b', 'tm-a']);
  });

  it('counts a call starting exactly at now as upcoming', () => {
    const booked = [booking('tm-a', '2026-03-20T08:00:00Z'), booking('tm-b', '2026-03-20T07:59:59Z')];
    expect(rankTalentManagers(['tm-a', 'tm-b'], tms, booked, NOW, slotStart)).toEqual(['tm-b', 'tm-a']);
  });

  it('breaks a full tie by talentManagerId ascending', () => {
    expect(rankTalentManagers(['tm-c', 'tm-a', 'tm-b'], tms, [], NOW, slotStart)).toEqual(['tm-a', 'tm-b', 'tm-c']);
    const booked = [booking('tm-c', '2026-03-23T08:00:00Z'), booking('tm-b', '2026-03-23T08:00:00Z')];
    expect(rankTalentManagers(['tm-c', 'tm-b'], tms, booked, NOW, slotStart)).toEqual(['tm-b', 'tm-c']);
  });

  it('evaluates the local day in each TM’s own zone', () => {
    const zoned = [
      schedule({ talentManagerId: 'tm-tokyo', timeZone: 'Asia/Tokyo' }),
      schedule({ talentManagerId: 'tm-utc', timeZone: 'UTC' }),
    ];
    const lateSlot = utc('2026-03-23T23:30:00Z'); // Monday in UTC, Tuesday 08:30 in Tokyo
    // tm-tokyo: two calls on Monday Tokyo time (not the slot's local day for it) and one on Tuesday.
    // tm-utc: two calls on Monday UTC (the slot's local day for it).
    const booked = [
      booking('tm-tokyo', '2026-03-23T01:00:00Z'),
      booking('tm-tokyo', '2026-03-23T02:00:00Z'),
      booking('tm-tokyo', '2026-03-23T16:00:00Z'),
      booking('tm-utc', '2026-03-23T01:00:00Z'),
      booking('tm-utc', '2026-03-23T02:00:00Z'),
    ];
    expect(rankTalentManagers(['tm-utc', 'tm-tokyo'], zoned, booked, NOW, lateSlot)).toEqual(['tm-tokyo', 'tm-utc']);
    // Slot on Tuesday 12:00 UTC: now tm-utc has none that day, tm-tokyo has one.
    expect(rankTalentManagers(['tm-utc', 'tm-tokyo'], zoned, booked, NOW, utc('2026-03-24T12:00:00Z'))).toEqual([
      'tm-utc',
      'tm-tokyo',
    ]);
  });

  it('returns only the candidates, each once', () => {
    expect(rankTalentManagers(['tm-b', 'tm-b', 'tm-a'], tms, [], NOW, slotStart)).toEqual(['tm-a', 'tm-b']);
    expect(rankTalentManagers([], tms, [booking('tm-a', '2026-03-23T08:00:00Z')], NOW, slotStart)).toEqual([]);
  });

  it('ignores other TMs’ calls', () => {
    const booked = [booking('tm-x', '2026-03-23T08:00:00Z'), booking('tm-a', '2026-03-23T09:00:00Z')];
    expect(rankTalentManagers(['tm-a', 'tm-b'], tms, booked, NOW, slotStart)).toEqual(['tm-b', 'tm-a']);
  });
});
