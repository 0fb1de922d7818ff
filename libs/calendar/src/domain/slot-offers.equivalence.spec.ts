import { DateTime, Duration } from 'luxon';
import { AvailabilityException, WeeklyWindow } from './availability.rules';
import { BookedInterval, MergedSlot, SlotPolicy, TalentManagerSchedule } from './slot-grid.rules';
import { availableSlots, offersSlot, talentManagersOffering } from './slot-offers.rules';
import { availableSlotsPerOffer } from './slot-offers.reference';
import { prng } from '../../../../test/support/prng';

/*
 * `availableSlots` (per distinct start instant) must return exactly what the previous implementation,
 * `availableSlotsPerOffer` (every per-manager offer materialised), returns: the same slots, in the same order,
 * every field equal. Checked over many random schedules: zones with and without daylight saving (30-minute
 * and southern-hemisphere changes among them) around their transitions, windows at the transition hours,
 * overlapping, unsorted and invalid windows, exceptions (some malformed), daily caps, booked calls (empty,
 * reversed, invalid, of unknown talent managers), duplicate schedules, invalid zones, leads, horizons and ranges.
 */

const ZONES = [
  'Europe/Berlin',
  'America/New_York',
  'Australia/Lord_Howe', // daylight saving of 30 minutes
  'Australia/Sydney',
  'America/St_Johns',
  'Asia/Kathmandu',
  'Pacific/Chatham',
  'America/Santiago',
  'Africa/Casablanca',
  'Europe/London',
  'Asia/Tokyo',
  'UTC',
  'Not/AZone',
  '',
];

/** Instants near daylight-saving changes (EU, US, southern hemisphere) and one quiet week. */
const ANCHORS = [
  '2026-03-08T06:00:00Z',
  '2026-03-27T12:00:00Z',
  '2026-04-04T12:00:00Z',
  '2026-09-06T12:00:00Z',
  '2026-10-03T12:00:00Z',
  '2026-10-23T12:00:00Z',
  '2026-10-31T12:00:00Z',
  '2026-06-15T00:00:00Z',
].map((iso) => DateTime.fromISO(iso, { zone: 'utc' }));

function caseOf(seed: number) {
  const rand = prng(seed);
  const int = (lo: number, hi: number) => lo + Math.floor(rand() * (hi - lo + 1));
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)];
  const hhmm = (m: number) => `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;
  const wallTime = () => (rand() < 0.4 ? int(0, 16) * 15 : int(0, 96) * 15); // often at the DST hours (00:00–04:00)

  const now = pick(ANCHORS).plus({ minutes: int(-5 * 1440, 5 * 1440), milliseconds: rand() < 0.2 ? int(1, 999) : 0 });
  const policy: SlotPolicy = {
    callLength: Duration.fromObject({ minutes: rand() < 0.03 ? pick([0, -30]) : pick([15, 20, 30, 45, 60, 90]) }),
    minBookingLead: Duration.fromObject({ minutes: pick([0, 60, 90, int(0, 3000)]) }),
    bookingHorizon: Duration.fromObject({ days: int(0, 40), minutes: int(0, 1440) }),
  };
  const from = rand() < 0.5 ? now : now.plus({ minutes: int(-3000, 3000) });
  const to = from.plus({ minutes: rand() < 0.05 ? -int(0, 600) : int(0, 21 * 1440) });

  const weeklyOf = (): WeeklyWindow[] => {
    if (rand() < 0.2) return [1, 2, 3, 4, 5].map((weekday) => ({ weekday, start: '09:00', end: '17:00' }));
    return Array.from({ length: int(0, 9) }, () => {
      const a = wallTime();
      const b = rand() < 0.15 ? 1440 : Math.min(1440, a + int(0, 48) * 15);
      const window = { weekday: int(1, 7), start: hhmm(a), end: hhmm(b) };
      if (rand() < 0.05) return { ...window, start: pick(['25:00', '9:00', '24:00', 'x']) };
      if (rand() < 0.05) return { ...window, weekday: pick([0, 8, 1.5]) };
      return window;
    });
  };
  const shared = weeklyOf(); // one array object shared by several schedules
  const ids = Array.from({ length: int(1, 8) }, (_, i) => `tm-${String.fromCharCode(97 + ((i * 7) % 26))}${i}`);
  const schedules: TalentManagerSchedule[] = Array.from({ length: int(0, 12) }, () => {
    const exceptions: AvailabilityException[] = Array.from({ length: int(0, 4) }, () => ({
      date: rand() < 0.1 ? pick(['2026-02-30', 'x', '2026-3-1']) : now.plus({ days: int(-2, 20) }).toISODate()!,
      available: false as const,
    }));
    return {
      talentManagerId: pick(ids),
      timeZone: pick(ZONES),
      weekly: rand() < 0.3 ? shared : weeklyOf(),
      exceptions,
      dailyCap: pick([0, 1, 2, 3, 8, 100]),
    };
  });

  const booked: BookedInterval[] = Array.from({ length: int(0, 60) }, () => {
    const startsAt =
      rand() < 0.02
        ? DateTime.invalid('broken')
        : from.plus({ minutes: int(-1440, 15 * 1440) }).startOf(rand() < 0.7 ? 'hour' : 'minute');
    const minutes = pick([30, 30, 45, 60, 90, 240, 0, -30]);
    return { talentManagerId: rand() < 0.05 ? 'tm-unknown' : pick(ids), startsAt, endsAt: startsAt.plus({ minutes }) };
  });
  return { schedules, booked, policy, now, from, to };
}

/** Every field of every slot, as plain values. */
const fingerprint = (slots: MergedSlot[]) =>
  slots.map((m) => ({
    startsAt: [m.startsAt.toMillis(), m.startsAt.zoneName, m.startsAt.isValid, m.startsAt.toISO()],
    endsAt: [m.endsAt.toMillis(), m.endsAt.zoneName, m.endsAt.isValid, m.endsAt.toISO()],
    talentManagerIds: m.talentManagerIds,
    keys: Object.keys(m).sort(),
  }));

describe('availableSlots equals the previous per-offer implementation', () => {
  it('on 400 random schedules around daylight-saving changes (exceptions, caps, booked calls, odd input)', () => {
    let slots = 0;
    let offers = 0;
    let nonEmpty = 0;
    for (let seed = 1; seed <= 400; seed++) {
      const c = caseOf(seed);
      const expected = availableSlotsPerOffer(c.schedules, c.booked, c.policy, c.now, c.from, c.to);
      const actual = availableSlots(c.schedules, c.booked, c.policy, c.now, c.from, c.to);
      const same = JSON.stringify(fingerprint(actual)) === JSON.stringify(fingerprint(expected));
      if (!same) expect({ seed, slots: fingerprint(actual) }).toEqual({ seed, slots: fingerprint(expected) });
      slots += expected.length;
      offers += expected.reduce((n, m) => n + m.talentManagerIds.length, 0);
      if (expected.length > 0) nonEmpty++;
    }
    // The cases are not vacuous.
    expect(nonEmpty).toBeGreaterThan(150);
    expect(offers).toBeGreaterThan(slots);
  });

  it('on a large schedule: 60 talent managers × 35 days over the EU and US autumn changes', () => {
    const c = caseOf(7);
    const zones = ['Europe/Berlin', 'America/New_York', 'Australia/Lord_Howe', 'Asia/Kathmandu', 'UTC'];
    const week = [1, 2, 3, 4, 5, 6].flatMap((weekday) => [
      { weekday, start: '00:00', end: '03:00' },
      { weekday, start: '09:00', end: '12:00' },
      { weekday, start: '13:00', end: '18:00' },
    ]);
    const now = DateTime.fromISO('2026-10-20T06:00:00Z', { zone: 'utc' });
    const schedules = Array.from({ length: 60 }, (_, i) => ({
      talentManagerId: `tm-${String(59 - i).padStart(2, '0')}`,
      timeZone: zones[i % zones.length],
      weekly: week,
      exceptions: [{ date: now.plus({ days: i % 9 }).toISODate()!, available: false as const }],
      dailyCap: 3 + (i % 4),
    }));
    const booked = schedules.flatMap((s, i) =>
      Array.from({ length: 30 }, (_, k) => {
        const startsAt = now.plus({ hours: 3 + k * 23 + i, minutes: (k % 2) * 30 });
        return { talentManagerId: s.talentManagerId, startsAt, endsAt: startsAt.plus({ minutes: 30 + (k % 3) * 30 }) };
      }),
    );
    const policy = { ...c.policy, callLength: Duration.fromObject({ minutes: 30 }) };
    policy.minBookingLead = Duration.fromObject({ hours: 1 });
    policy.bookingHorizon = Duration.fromObject({ days: 35 });
    const to = now.plus({ days: 35 });
    const expected = availableSlotsPerOffer(schedules, booked, policy, now, now, to);
    expect(expected.length).toBeGreaterThan(500);
    expect(fingerprint(availableSlots(schedules, booked, policy, now, now, to))).toEqual(fingerprint(expected));
  });
});

describe('talentManagersOffering equals filtering the schedules with offersSlot', () => {
  it('on 400 random schedules, at offered starts, off-grid instants and instants out of bounds', () => {
    let offered = 0;
    for (let seed = 1; seed <= 400; seed++) {
      const c = caseOf(seed);
      const rand = prng(seed * 7919);
      const slots = availableSlots(c.schedules, c.booked, c.policy, c.now, c.from, c.to);
      const instants = [
        ...slots
          .filter(() => rand() < 0.3)
          .slice(0, 8)
          .map((m) => m.startsAt),
        ...Array.from({ length: 5 }, () => c.from.plus({ minutes: Math.floor(rand() * 21 * 96) * 15 })),
        c.from.plus({ minutes: 7 }),
        c.now.minus({ days: 1 }),
        DateTime.invalid('broken'),
      ];
      for (const startsAt of instants) {
        const expected = c.schedules
          .filter((s) => offersSlot(s, c.booked, c.policy, c.now, startsAt))
          .map((s) => s.talentManagerId);
        const actual = talentManagersOffering(c.schedules, c.booked, c.policy, c.now, startsAt);
        if (JSON.stringify(actual) !== JSON.stringify(expected))
          expect({ seed, startsAt: startsAt.toISO(), actual }).toEqual({
            seed,
            startsAt: startsAt.toISO(),
            actual: expected,
          });
        offered += expected.length;
      }
    }
    expect(offered).toBeGreaterThan(500); // not vacuous
  });
});
