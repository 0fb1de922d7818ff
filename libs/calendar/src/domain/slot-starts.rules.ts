import { isIsoCalendarDate } from './availability.rules';
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
} from './local-days';
import {
  BookedInterval,
  Bounds,
  ParsedWindow,
  TalentManagerSchedule,
  compareIds,
  offsetTables,
  windowsByWeekday,
} from './slot-grid.rules';
import { BookingTable, bookingTable, countAtMostIn, countBelowIn } from './slot-bookings';

/*
 * The offers of many talent managers grouped by distinct start instant, for `availableSlots`. Pure.
 *
 * Same rules as `slotStartsMs` (slot-grid.rules.ts), organised so the expensive part is done once per
 * (zone, weekly windows) instead of once per TM: the local days in range, their bounds and every window's
 * candidate starts (DST-aware wall-time conversion, lead/horizon/range clipping, the window grid) form a
 * grid shared by all TMs with that zone and those windows. Each TM then only filters the grid: its
 * exception days, its daily cap (calls starting that local day) and its booked calls (half-open overlap).
 * TMs are visited in id order, so each start's id list comes out ascending and unique without a Set or a sort.
 * `slot-offers.equivalence.spec.ts` pins the result to the previous, per-offer implementation.
 */

/** The distinct start instants met so far (in no particular order) and the ids of the TMs offering each. */
export interface StartTable {
  times: number[];
  ids: string[][];
}

/** One local day of a shared grid. */
interface GridDay {
  day: number;
  dayStart: number;
  dayEnd: number;
  /** Candidate start instants, window by window, as `slotStartsMs` steps them. */
  starts: number[];
  /** Position of each candidate in the StartTable. */
  slots: number[];
}

function slotOf(table: StartTable, index: Map<number, number>, t: number): number {
  let i = index.get(t);
  if (i === undefined) {
    i = table.times.length;
    index.set(t, i);
    table.times.push(t);
    table.ids.push([]);
  }
  return i;
}

/** The grid of one (zone, weekly windows): `slotStartsMs` for a TM with no exception, no cap and no booking. */
function gridDays(offset: OffsetFn, byWeekday: ParsedWindow[][], bounds: Bounds, slot: (t: number) => number) {
  const { callMs, lo, hi } = bounds;
  const days: GridDay[] = [];
  const lastDay = localDayNumber(offset, hi);
  for (let day = localDayNumber(offset, lo); day <= lastDay; day++) {
    const windows = byWeekday[isoWeekdayOfDayNumber(day)];
    if (windows.length === 0) continue;
    const [dayStart, dayEnd] = localDayBounds(offset, day);
    const localMidnight = day * MS_PER_DAY;
    const starts: number[] = [];
    for (const w of windows) {
      const winStart = w.start === 0 ? dayStart : localToUtcMs(offset, localMidnight + w.start * MS_PER_MINUTE);
      const winEnd = w.end === 1440 ? dayEnd : localToUtcMs(offset, localMidnight + w.end * MS_PER_MINUTE);
      let t = winStart;
      if (t < lo) t += Math.ceil((lo - t) / callMs) * callMs; // stay on the window's grid
      for (; t + callMs <= winEnd && t <= hi; t += callMs) starts.push(t);
    }
    if (starts.length > 0) days.push({ day, dayStart, dayEnd, starts, slots: starts.map(slot) });
  }
  return days;
}

function windowsKey(byWeekday: ParsedWindow[][]): string {
  return byWeekday.map((ws) => ws.map((w) => `${w.start}-${w.end}`).join(',')).join('|');
}

/**
 * The exception days of a schedule as local day numbers. `dates` memoises, for one call, the day number of
 * each date string already checked (null when it is not a calendar date): `isIsoCalendarDate` is costly.
 */
function closedDaysOf(s: TalentManagerSchedule, dates: Map<string, number | null>): Set<number> {
  const closed = new Set<number>();
  for (const e of s.exceptions ?? []) {
    if (!e) continue;
    const date: unknown = e.date;
    if (typeof date !== 'string') continue;
    let day = dates.get(date);
    if (day === undefined) {
      day = isIsoCalendarDate(date) ? dayNumberOfIsoDate(date) : null;
      dates.set(date, day);
    }
    if (day !== null) closed.add(day);
  }
  return closed;
}

/**
 * Pushes `id` onto the id list of each of the day's candidate starts that none of TM k's bookings overlaps
 * (half-open). A non-empty booking [s, e) overlaps [t, t + callMs) iff s < t + callMs and e > t; every booking
 * with e <= t also has s < t + callMs, so the overlapping ones number #(s < t + callMs) − #(e <= t). Both
 * counts (`at.begun`, `at.ended`) only grow while the candidates ascend (they do, day after day, unless
 * windows overlap); otherwise they are found again by bisection.
 */
function offerFreeStarts(
  d: GridDay,
  bt: BookingTable,
  k: number,
  callMs: number,
  id: string,
  ids: string[][],
  at: Cursor,
) {
  const { blockStarts, blockEnds } = bt;
  const lo = bt.blockFrom[k];
  const hi = bt.blockFrom[k + 1];
  const { starts, slots } = d;
  let begun = lo + at.begun; // index of the first booking starting at or after the candidate's end
  let ended = lo + at.ended; // index of the first booking ending after the candidate's start
  let last = at.last;
  for (let j = 0; j < starts.length; j++) {
    const t = starts[j];
    const end = t + callMs;
    if (t >= last) {
      while (begun < hi && blockStarts[begun] < end) begun++;
      while (ended < hi && blockEnds[ended] <= t) ended++;
    } else {
      begun = lo + countBelowIn(blockStarts, lo, hi, end);
      ended = lo + countAtMostIn(blockEnds, lo, hi, t);
    }
    last = t;
    // No overlap. SQL twin: the exclusion constraint `vetting_calls_no_overlap`.
    if (begun > ended) continue;
    const list = ids[slots[j]];
    if (list.length === 0 || list[list.length - 1] !== id) list.push(id);
  }
  at.begun = begun - lo;
  at.ended = ended - lo;
  at.last = last;
}

interface Cursor {
  /** Number of TM k's non-empty bookings starting before the last candidate's end / ending at or before its start. */
  begun: number;
  ended: number;
  /** The last candidate start. */
  last: number;
}

/** Every schedule's offers within `bounds`, grouped by start instant (ids ascending and unique per start). */
export function offersByStart(
  schedules: readonly TalentManagerSchedule[],
  booked: readonly BookedInterval[],
  bounds: Bounds,
): StartTable {
  // Stable sort: schedules sharing an id are adjacent, so "not already the last id" means "not yet listed".
  const ordered = [...schedules].sort((a, b) => compareIds(a.talentManagerId, b.talentManagerId));
  const tmIndex = new Map<string, number>();
  for (const s of ordered) if (!tmIndex.has(s.talentManagerId)) tmIndex.set(s.talentManagerId, tmIndex.size);
  const bt = bookingTable(booked, tmIndex);

  const table: StartTable = { times: [], ids: [] };
  const index = new Map<number, number>();
  const slot = (t: number) => slotOf(table, index, t);
  const offsetsFor = offsetTables(bounds);
  const grids = new Map<string, GridDay[]>();
  const parsedWeeks = new Map<unknown, { byWeekday: ParsedWindow[][]; key: string }>();
  const dates = new Map<string, number | null>();
  const { callMs } = bounds;

  for (const s of ordered) {
    const zone = ianaZone(s.timeZone);
    if (!zone) continue;
    let week = parsedWeeks.get(s.weekly);
    if (!week) {
      const byWeekday = windowsByWeekday(s.weekly);
      week = { byWeekday, key: windowsKey(byWeekday) };
      parsedWeeks.set(s.weekly, week); // the same array object parses the same way
    }
    const key = `${zone.name}\n${week.key}`;
    let days = grids.get(key);
    if (!days) {
      days = gridDays(offsetsFor(zone), week.byWeekday, bounds, slot);
      grids.set(key, days);
    }
    if (days.length === 0) continue;

    const id = s.talentManagerId;
    const k = tmIndex.get(id)!;
    const capFrom = bt.from[k];
    const capTo = bt.from[k + 1];
    const closed = closedDaysOf(s, dates);
    const at: Cursor = { begun: 0, ended: 0, last: -Infinity };
    for (const d of days) {
      if (closed.has(d.day)) continue;
      // The daily cap. SQL twin: `talent_manager_day_load_cap`, kept by the `vetting_calls_day_load` trigger.
      const load =
        countBelowIn(bt.starts, capFrom, capTo, d.dayEnd) - countBelowIn(bt.starts, capFrom, capTo, d.dayStart);
      if (load >= s.dailyCap) continue;
      offerFreeStarts(d, bt, k, callMs, id, table.ids, at);
    }
  }
  return table;
}
