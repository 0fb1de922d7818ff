import { DateTime, Duration, FixedOffsetZone, IANAZone } from 'luxon';
import {
  AvailabilityException,
  WeeklyWindow,
  isHhMm,
  isIsoCalendarDate,
  minutesOfDay,
} from './availability.rules';

/*
 * Pure slot rules: every function here is a function of its arguments only (no I/O, no clock).
 *
 * Local wall times are converted to instants with luxon zone data (`IANAZone#offset`), deterministically:
 *  - a wall time inside a spring-forward gap is shifted forward by the gap length (as luxon does,
 *    e.g. 02:30 on a Europe/Berlin spring-forward day becomes 03:30 CEST);
 *  - an ambiguous wall time in a fall-back overlap resolves to its EARLIER occurrence.
 * (`DateTime.fromObject` is not used for this because for ambiguous wall times its result depends
 * on the offset in effect at the real current time, `Settings.now()`, which would make the rules impure.)
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

const MS_PER_MINUTE = 60_000;
const MS_PER_DAY = 86_400_000;
const UTC = FixedOffsetZone.utcInstance;

// ---------------------------------------------------------------------------------------------
// Internal helpers (epoch-millisecond arithmetic)
// ---------------------------------------------------------------------------------------------

/** UTC offset (minutes) of a zone at an instant. */
type OffsetFn = (utcMs: number) => number;

/**
 * What a zone's offset does during one UTC day [k·24h, (k+1)·24h): offset at its start, offset at the
 * start of the next day, and (when they differ) the first millisecond of the new offset.
 */
interface DaySegment {
  start: number;
  end: number;
  changeAt: number;
}

/**
 * Memo of DaySegments per zone. `IANAZone#offset` is expensive (it formats a date with Intl), and the
 * answer depends only on the (immutable, in-process) tz database, so memoising it never changes any
 * result — the rules stay pure functions of their arguments. Bounded: cleared when it grows large.
 */
const daySegmentMemo = new Map<string, Map<number, DaySegment>>();
let daySegmentMemoSize = 0;
const DAY_SEGMENT_MEMO_LIMIT = 200_000;

function daySegment(zone: IANAZone, k: number): DaySegment {
  let perZone = daySegmentMemo.get(zone.name);
  const hit = perZone?.get(k);
  if (hit) return hit;
  const from = k * MS_PER_DAY;
  const to = from + MS_PER_DAY;
  const start = zone.offset(from);
  const end = zone.offset(to);
  let changeAt = to;
  if (start !== end) {
    // Transitions fall on whole seconds: bisect in seconds for the first second with a new offset.
    let before = from / 1000;
    let after = to / 1000;
    while (after - before > 1) {
      const mid = Math.floor((before + after) / 2);
      if (zone.offset(mid * 1000) === start) before = mid;
      else after = mid;
    }
    changeAt = after * 1000;
  }
  const segment: DaySegment = { start, end, changeAt };
  if (daySegmentMemoSize >= DAY_SEGMENT_MEMO_LIMIT) {
    daySegmentMemo.clear();
    daySegmentMemoSize = 0;
  }
  if (!perZone || !daySegmentMemo.has(zone.name)) {
    perZone = new Map();
    daySegmentMemo.set(zone.name, perZone);
  }
  perZone.set(k, segment);
  daySegmentMemoSize++;
  return segment;
}

/**
 * Offsets of `zone` over [fromMs, toMs] as a step function, built from per-UTC-day segments (so two
 * transitions within the same UTC day that cancel out would go unnoticed; no real zone does that).
 * Instants outside the range fall back to the zone itself.
 */
function offsetTable(zone: IANAZone, fromMs: number, toMs: number): OffsetFn {
  const firstDay = Math.floor(fromMs / MS_PER_DAY);
  const lastDay = Math.floor(toMs / MS_PER_DAY);
  const at: number[] = [firstDay * MS_PER_DAY];
  const offsets: number[] = [daySegment(zone, firstDay).start];
  for (let k = firstDay; k <= lastDay; k++) {
    const seg = daySegment(zone, k);
    if (seg.start !== offsets[offsets.length - 1]) {
      at.push(k * MS_PER_DAY);
      offsets.push(seg.start);
    }
    if (seg.end !== seg.start) {
      at.push(seg.changeAt);
      offsets.push(seg.end);
    }
  }
  const rangeStart = firstDay * MS_PER_DAY;
  const rangeEnd = (lastDay + 1) * MS_PER_DAY;
  return (ms: number): number => {
    if (!(ms >= rangeStart && ms < rangeEnd)) return zone.offset(ms);
    let i = at.length - 1;
    while (at[i] > ms) i--;
    return offsets[i];
  };
}

/** `localMs` is a wall time encoded as if it were UTC (Date.UTC(y, m-1, d, h, min)). */
function localToUtcMs(offset: OffsetFn, localMs: number): number {
  const before = offset(localMs - MS_PER_DAY);
  const after = offset(localMs + MS_PER_DAY);
  let best = Number.NaN;
  for (const o of before === after ? [before] : [before, after]) {
    const candidate = localMs - o * MS_PER_MINUTE;
    if (offset(candidate) === o && !(candidate >= best)) best = candidate; // earliest valid
  }
  if (!Number.isNaN(best)) return best;
  // Spring-forward gap: shift forward by the gap length.
  return localMs - Math.min(before, after) * MS_PER_MINUTE;
}

/** Local day number (days since 1970-01-01 in local wall time) of an instant. */
function localDayNumber(offset: OffsetFn, utcMs: number): number {
  return Math.floor((utcMs + offset(utcMs) * MS_PER_MINUTE) / MS_PER_DAY);
}

/** ISO weekday (1 = Monday … 7 = Sunday) of a local day number. 1970-01-01 was a Thursday. */
function isoWeekdayOfDayNumber(day: number): number {
  return ((((day + 3) % 7) + 7) % 7) + 1;
}

function dayNumberOfIsoDate(isoDate: string): number {
  const [y, m, d] = isoDate.split('-').map(Number);
  return Date.UTC(y, m - 1, d) / MS_PER_DAY;
}

/** [start, end) of a local day in UTC milliseconds. */
function localDayBounds(offset: OffsetFn, day: number): [number, number] {
  return [localToUtcMs(offset, day * MS_PER_DAY), localToUtcMs(offset, (day + 1) * MS_PER_DAY)];
}

/** The luxon zone for an IANA name, or null when invalid (`IANAZone.create` is cached by luxon). */
function ianaZone(name: unknown): IANAZone | null {
  if (typeof name !== 'string' || name.length === 0) return null;
  const zone = IANAZone.create(name);
  return zone.isValid ? zone : null;
}

/** Number of elements of the ascending array `a` that are < x. */
function countBelow(a: ArrayLike<number>, x: number): number {
  let lo = 0;
  let hi = a.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (a[mid] < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

interface BookingIndex {
  /** Start instants of all of the TM's bookings, ascending (used for the daily cap). */
  starts: Float64Array;
  /** Non-empty bookings sorted by start, and the running maximum of their ends (used for overlap). */
  overlapStarts: Float64Array;
  overlapMaxEnds: Float64Array;
}

function indexBookings(booked: readonly BookedInterval[], talentManagerId: string): BookingIndex {
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

interface ParsedWindow {
  start: number; // minutes of day
  end: number; // minutes of day, may be 1440
}

/** Valid weekly windows grouped by ISO weekday (index 1..7), each group sorted by start. */
function windowsByWeekday(weekly: readonly WeeklyWindow[]): ParsedWindow[][] {
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

interface Bounds {
  callMs: number;
  /** Earliest allowed slot start (inclusive). */
  lo: number;
  /** Latest allowed slot start (inclusive). */
  hi: number;
}

function slotBounds(policy: SlotPolicy, now: DateTime, from: DateTime, to: DateTime): Bounds | null {
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
function offsetTables(bounds: Bounds): (zone: IANAZone) => OffsetFn {
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

/** Start instants (UTC ms, ascending, unique) of the slots one TM offers within `bounds`. */
function slotStartsMs(
  s: TalentManagerSchedule,
  bookings: BookingIndex,
  bounds: Bounds,
  offsetsFor: (zone: IANAZone) => OffsetFn,
): number[] {
  const ianaZoneOfTm = ianaZone(s.timeZone);
  if (!ianaZoneOfTm) return [];
  const offset = offsetsFor(ianaZoneOfTm);
  const byWeekday = windowsByWeekday(s.weekly);
  const closedDays = new Set<number>();
  for (const e of s.exceptions ?? []) {
    if (e && isIsoCalendarDate(e.date)) closedDays.add(dayNumberOfIsoDate(e.date));
  }
  const { callMs, lo, hi } = bounds;
  const out: number[] = [];
  let sorted = true;

  const firstDay = localDayNumber(offset, lo);
  const lastDay = localDayNumber(offset, hi);
  for (let day = firstDay; day <= lastDay; day++) {
    const windows = byWeekday[isoWeekdayOfDayNumber(day)];
    if (windows.length === 0 || closedDays.has(day)) continue;

    const [dayStart, dayEnd] = localDayBounds(offset, day);
    if (bookingsStartingIn(bookings.starts, dayStart, dayEnd) >= s.dailyCap) continue;

    const localMidnight = day * MS_PER_DAY;
    for (const w of windows) {
      const winStart = w.start === 0 ? dayStart : localToUtcMs(offset, localMidnight + w.start * MS_PER_MINUTE);
      const winEnd = w.end === 1440 ? dayEnd : localToUtcMs(offset, localMidnight + w.end * MS_PER_MINUTE);
      let t = winStart;
      if (t < lo) t += Math.ceil((lo - t) / callMs) * callMs; // stay on the window's grid
      for (; t + callMs <= winEnd && t <= hi; t += callMs) {
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
function utcFactory(): (ms: number) => DateTime {
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

// ---------------------------------------------------------------------------------------------
// Public API
// ---------------------------------------------------------------------------------------------

/**
 * Slots one TM offers whose start lies in [from, to), sorted by start, as UTC DateTimes.
 *
 * For each local date (TM's zone) in range that is not an exception and whose count of this TM's
 * booked calls starting that local day is below `dailyCap`, each weekly window of that ISO weekday is
 * stepped in absolute time by `callLength` from the window's start; a slot must end at or before the
 * window's end, start in [now + minBookingLead, now + bookingHorizon], and not overlap (half-open)
 * any of this TM's booked intervals.
 */
export function slotsForTalentManager(
  s: TalentManagerSchedule,
  booked: BookedInterval[],
  policy: SlotPolicy,
  now: DateTime,
  from: DateTime,
  to: DateTime,
): TalentManagerSlot[] {
  const bounds = slotBounds(policy, now, from, to);
  if (!bounds) return [];
  const starts = slotStartsMs(s, indexBookings(booked, s.talentManagerId), bounds, offsetTables(bounds));
  const toDateTime = utcFactory();
  return starts.map((t) => ({
    talentManagerId: s.talentManagerId,
    startsAt: toDateTime(t),
    endsAt: toDateTime(t + bounds.callMs),
  }));
}

/**
 * Union of several TMs' slots, de-duplicated by start instant and sorted by start.
 * Each merged slot carries the (ascending, unique) ids of the TMs offering it; the end is taken
 * from the first TM offering that start.
 */
export function mergeSlots(perTm: TalentManagerSlot[][]): MergedSlot[] {
  const byStart = new Map<number, { startsAt: DateTime; endsAt: DateTime; ids: Set<string> }>();
  for (const slots of perTm) {
    for (const slot of slots) {
      const key = slot.startsAt.toMillis();
      let entry = byStart.get(key);
      if (!entry) {
        entry = { startsAt: slot.startsAt.toUTC(), endsAt: slot.endsAt.toUTC(), ids: new Set() };
        byStart.set(key, entry);
      }
      entry.ids.add(slot.talentManagerId);
    }
  }
  return [...byStart.entries()]
    .sort((a, b) => a[0] - b[0])
    .map(([, e]) => ({ startsAt: e.startsAt, endsAt: e.endsAt, talentManagerIds: [...e.ids].sort(compareIds) }));
}

/**
 * `slotsForTalentManager` for every schedule, then `mergeSlots` — computed in epoch milliseconds and
 * only converting the merged, unique slots to DateTimes.
 */
export function availableSlots(
  schedules: TalentManagerSchedule[],
  booked: BookedInterval[],
  policy: SlotPolicy,
  now: DateTime,
  from: DateTime,
  to: DateTime,
): MergedSlot[] {
  const bounds = slotBounds(policy, now, from, to);
  if (!bounds) return [];
  const bookedByTm = new Map<string, BookedInterval[]>();
  for (const b of booked) {
    const list = bookedByTm.get(b.talentManagerId);
    if (list) list.push(b);
    else bookedByTm.set(b.talentManagerId, [b]);
  }
  const idsByStart = new Map<number, Set<string>>();
  const offsetsFor = offsetTables(bounds);
  for (const s of schedules) {
    const ix = indexBookings(bookedByTm.get(s.talentManagerId) ?? [], s.talentManagerId);
    for (const t of slotStartsMs(s, ix, bounds, offsetsFor)) {
      const ids = idsByStart.get(t);
      if (ids) ids.add(s.talentManagerId);
      else idsByStart.set(t, new Set([s.talentManagerId]));
    }
  }
  const toDateTime = utcFactory();
  return [...idsByStart.entries()]
    .sort((a, b) => a[0] - b[0])
    .map(([t, ids]) => ({
      startsAt: toDateTime(t),
      endsAt: toDateTime(t + bounds.callMs),
      talentManagerIds: [...ids].sort(compareIds),
    }));
}

/** True when `startsAt` is exactly the start of one of the slots this TM offers (same rules). */
export function offersSlot(
  s: TalentManagerSchedule,
  booked: BookedInterval[],
  policy: SlotPolicy,
  now: DateTime,
  startsAt: DateTime,
): boolean {
  const at = startsAt.toMillis();
  if (!Number.isFinite(at)) return false;
  const bounds = slotBounds(policy, now, startsAt, DateTime.fromMillis(at + 1, { zone: UTC }));
  if (!bounds) return false;
  return slotStartsMs(s, indexBookings(booked, s.talentManagerId), bounds, offsetTables(bounds)).includes(at);
}

/**
 * Orders the TMs offering a slot, best first: fewest active calls starting on the slot's local day
 * (in each TM's own zone), then fewest active calls starting at or after `now`, then
 * talentManagerId ascending. Duplicate candidate ids are collapsed. A candidate without a schedule
 * (or with an invalid zone) has its local day evaluated in UTC.
 */
export function rankTalentManagers(
  candidateIds: string[],
  schedules: TalentManagerSchedule[],
  booked: BookedInterval[],
  now: DateTime,
  slotStart: DateTime,
): string[] {
  const zoneById = new Map<string, string>();
  for (const s of schedules) if (!zoneById.has(s.talentManagerId)) zoneById.set(s.talentManagerId, s.timeZone);
  const nowMs = now.toMillis();
  const slotMs = slotStart.toMillis();

  const ranked = [...new Set(candidateIds)].map((id) => {
    const zoneName = zoneById.get(id);
    const zone = ianaZone(zoneName) ?? IANAZone.create('UTC');
    // The memoised per-day offsets around the slot (luxon's zone.offset is costly on the booking path).
    const offset = offsetTable(zone, slotMs - 2 * MS_PER_DAY, slotMs + 2 * MS_PER_DAY);
    const [dayStart, dayEnd] = localDayBounds(offset, localDayNumber(offset, slotMs));
    let sameDay = 0;
    let upcoming = 0;
    for (const b of booked) {
      if (b.talentManagerId !== id) continue;
      const start = b.startsAt.toMillis();
      if (start >= dayStart && start < dayEnd) sameDay++;
      if (start >= nowMs) upcoming++;
    }
    return { id, sameDay, upcoming };
  });

  ranked.sort((a, b) => a.sameDay - b.sameDay || a.upcoming - b.upcoming || compareIds(a.id, b.id));
  return ranked.map((r) => r.id);
}

/** Code-unit (locale-independent) string order. */
function compareIds(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
