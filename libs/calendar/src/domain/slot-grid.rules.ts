import { DateTime, Duration, FixedOffsetZone, IANAZone } from 'luxon';
import { AvailabilityException, WeeklyWindow, isHhMm, isIsoCalendarDate, minutesOfDay } from './availability.rules';
import {
  MS_PER_DAY,
  MS_PER_MINUTE,
  OffsetFn,
  dayNumberOfIsoDate,
  ianaZone,
  isoWeekdayOfDayNumber,
  localDayBounds,
  localDayNumber,
  localToUtcMs,
  offsetTable,
} from './local-days';

/*
 * The slot grid: which start instants one talent manager offers, computed in epoch milliseconds. Pure
 * functions of their arguments (no I/O, no clock); `slot-offers.rules.ts` builds the public answers on it.
 */

export interface TalentManagerSchedule {
  talentManagerId: string;
  /** IANA time zone of the TM. */
  timeZone: string;
  weekly: WeeklyWindow[];
  exceptions: AvailabilityException[];
  /** Most active calls this TM takes in one LOCAL day (TM's zone). */
  dailyCap: number;
}

/** An active (booked) call. */
export interface BookedInterval {
  talentManagerId: string;
  startsAt: DateTime;
  endsAt: DateTime;
}

export interface SlotPolicy {
  callLength: Duration;
  minBookingLead: Duration;
  bookingHorizon: Duration;
}

/** A bookable slot; both ends are UTC DateTimes. */
export interface Slot {
  startsAt: DateTime;
  endsAt: DateTime;
}

export interface TalentManagerSlot extends Slot {
  talentManagerId: string;
}

export type MergedSlot = Slot & { talentManagerIds: string[] };

export const UTC = FixedOffsetZone.utcInstance;

/** Number of elements of the ascending array `a` that are < x. */
export function countBelow(a: ArrayLike<number>, x: number): number {
  let lo = 0;
  let hi = a.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (a[mid] < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

export interface BookingIndex {
  /** Start instants of all of the TM's bookings, ascending (used for the daily cap). */
  starts: Float64Array;
  /** Non-empty bookings sorted by start, and the running maximum of their ends (used for overlap). */
  overlapStarts: Float64Array;
  overlapMaxEnds: Float64Array;
}

export function indexBookings(booked: readonly BookedInterval[], talentManagerId: string): BookingIndex {
  const pairs: [number, number][] = [];
  for (const b of booked) {
    if (b.talentManagerId !== talentManagerId) continue;
    const start = b.startsAt.toMillis();
    const end = b.endsAt.toMillis();
    if (!Number.isFinite(start)) continue;
    pairs.push([start, end]);
  }
  pairs.sort((a, b) => a[0] - b[0]);
  const starts = Float64Array.from(pairs, (p) => p[0]);
  const nonEmpty = pairs.filter((p) => p[1] > p[0]);
  const overlapStarts = Float64Array.from(nonEmpty, (p) => p[0]);
  const overlapMaxEnds = new Float64Array(nonEmpty.length);
  let max = -Infinity;
  nonEmpty.forEach((p, i) => {
    max = Math.max(max, p[1]);
    overlapMaxEnds[i] = max;
  });
  return { starts, overlapStarts, overlapMaxEnds };
}

/** True when [start, end) overlaps any indexed booking. */
function overlapsBooking(ix: BookingIndex, start: number, end: number): boolean {
  const n = countBelow(ix.overlapStarts, end);
  return n > 0 && ix.overlapMaxEnds[n - 1] > start;
}

/** Number of bookings starting in [from, to). */
function bookingsStartingIn(starts: Float64Array, from: number, to: number): number {
  return countBelow(starts, to) - countBelow(starts, from);
}

export interface ParsedWindow {
  start: number; // minutes of day
  end: number; // minutes of day, may be 1440
}

/** Valid weekly windows grouped by ISO weekday (index 1..7), each group sorted by start. */
export function windowsByWeekday(weekly: readonly WeeklyWindow[]): ParsedWindow[][] {
  const byDay: ParsedWindow[][] = [[], [], [], [], [], [], [], []];
  for (const w of weekly ?? []) {
    if (!w || !Number.isInteger(w.weekday) || w.weekday < 1 || w.weekday > 7) continue;
    if (!isHhMm(w.start) || !isHhMm(w.end, true)) continue;
    const start = minutesOfDay(w.start);
    const end = minutesOfDay(w.end);
    if (end <= start) continue;
    byDay[w.weekday].push({ start, end });
  }
  for (const day of byDay) day.sort((a, b) => a.start - b.start || a.end - b.end);
  return byDay;
}

export interface Bounds {
  callMs: number;
  /** Earliest allowed slot start (inclusive). */
  lo: number;
  /** Latest allowed slot start (inclusive). */
  hi: number;
}

export function slotBounds(policy: SlotPolicy, now: DateTime, from: DateTime, to: DateTime): Bounds | null {
  const callMs = policy.callLength.as('milliseconds');
  if (!Number.isFinite(callMs) || callMs <= 0) return null;
  const earliest = now.plus(policy.minBookingLead).toMillis();
  const horizon = now.plus(policy.bookingHorizon).toMillis();
  const lo = Math.max(from.toMillis(), earliest);
  const hi = Math.min(to.toMillis() - 1, horizon); // `to` is exclusive; instants are whole milliseconds
  if (!(lo <= hi)) return null; // also false for NaN (invalid DateTimes)
  return { callMs, lo, hi };
}

/** Offset tables covering `bounds` (with margin), built once per zone per call and shared between its TMs. */
export function offsetTables(bounds: Bounds): (zone: IANAZone) => OffsetFn {
  const tables = new Map<string, OffsetFn>();
  return (zone) => {
    let table = tables.get(zone.name);
    if (!table) {
      table = offsetTable(zone, bounds.lo - 3 * MS_PER_DAY, bounds.hi + 3 * MS_PER_DAY);
      tables.set(zone.name, table);
    }
    return table;
  };
}

/** A schedule's zone, weekly windows by ISO weekday and closed days, parsed (see `parseSchedule`). */
export interface ParsedSchedule {
  zone: IANAZone | null;
  byWeekday: ParsedWindow[][];
  closedDays: Set<number>;
}

/** The parts of a schedule `slotStartsMs` works on: its valid zone, windows and exception days. */
export function parseSchedule(s: TalentManagerSchedule): ParsedSchedule {
  const closedDays = new Set<number>();
  for (const e of s.exceptions ?? []) {
    if (e && isIsoCalendarDate(e.date)) closedDays.add(dayNumberOfIsoDate(e.date));
  }
  return { zone: ianaZone(s.timeZone), byWeekday: windowsByWeekday(s.weekly), closedDays };
}

/**
 * Start instants (UTC ms, ascending, unique) of the slots one TM offers within `bounds`. `parsed`: the schedule
 * already parsed (`parseSchedule(s)`), when the caller reuses it.
 */
export function slotStartsMs(
  s: TalentManagerSchedule,
  bookings: BookingIndex,
  bounds: Bounds,
  offsetsFor: (zone: IANAZone) => OffsetFn,
  parsed: ParsedSchedule = parseSchedule(s),
): number[] {
  const { zone: ianaZoneOfTm, byWeekday, closedDays } = parsed;
  if (!ianaZoneOfTm) return [];
  const offset = offsetsFor(ianaZoneOfTm);
  const { callMs, lo, hi } = bounds;
  const out: number[] = [];
  let sorted = true;

  const firstDay = localDayNumber(offset, lo);
  const lastDay = localDayNumber(offset, hi);
  for (let day = firstDay; day <= lastDay; day++) {
    const windows = byWeekday[isoWeekdayOfDayNumber(day)];
    if (windows.length === 0 || closedDays.has(day)) continue;

    const [dayStart, dayEnd] = localDayBounds(offset, day);
    // The daily cap. SQL twin: `talent_manager_day_load_cap`, kept by the `vetting_calls_day_load` trigger.
    if (bookingsStartingIn(bookings.starts, dayStart, dayEnd) >= s.dailyCap) continue;

    const localMidnight = day * MS_PER_DAY;
    for (const w of windows) {
      const winStart = w.start === 0 ? dayStart : localToUtcMs(offset, localMidnight + w.start * MS_PER_MINUTE);
      const winEnd = w.end === 1440 ? dayEnd : localToUtcMs(offset, localMidnight + w.end * MS_PER_MINUTE);
      let t = winStart;
      if (t < lo) t += Math.ceil((lo - t) / callMs) * callMs; // stay on the window's grid
      for (; t + callMs <= winEnd && t <= hi; t += callMs) {
        // No overlap. SQL twin: the exclusion constraint `vetting_calls_no_overlap` (both pinned together in
        // test/medium/calendar-booking.medium.spec.ts).
        if (overlapsBooking(bookings, t, t + callMs)) continue;
        if (out.length > 0 && t <= out[out.length - 1]) sorted = false;
        out.push(t);
      }
    }
  }

  if (sorted) return out;
  out.sort((a, b) => a - b);
  return out.filter((t, i) => i === 0 || t !== out[i - 1]);
}

/**
 * UTC DateTime from epoch ms, reusing the instance for an instant already converted in this call
 * (back-to-back slots share an instant: one's end is the next one's start; DateTimes are immutable).
 */
export function utcFactory(): (ms: number) => DateTime {
  const made = new Map<number, DateTime>();
  return (ms) => {
    let dt = made.get(ms);
    if (!dt) {
      dt = DateTime.fromMillis(ms, { zone: UTC });
      made.set(ms, dt);
    }
    return dt;
  };
}

/** Code-unit (locale-independent) string order. */
export function compareIds(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
