import { IANAZone } from 'luxon';

/*
 * Local days of an IANA zone in epoch milliseconds, for the slot rules: pure functions of their arguments.
 *
 * Local wall times are converted to instants with luxon zone data (`IANAZone#offset`), deterministically:
 *  - a wall time inside a spring-forward gap is shifted forward by the gap length (as luxon does,
 *    e.g. 02:30 on a Europe/Berlin spring-forward day becomes 03:30 CEST);
 *  - an ambiguous wall time in a fall-back overlap resolves to its EARLIER occurrence.
 * (`DateTime.fromObject` is not used for this because for ambiguous wall times its result depends
 * on the offset in effect at the real current time, `Settings.now()`, which would make the rules impure.)
 */

export const MS_PER_MINUTE = 60_000;
export const MS_PER_DAY = 86_400_000;

/** UTC offset (minutes) of a zone at an instant. */
export type OffsetFn = (utcMs: number) => number;

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
export function offsetTable(zone: IANAZone, fromMs: number, toMs: number): OffsetFn {
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
export function localToUtcMs(offset: OffsetFn, localMs: number): number {
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
export function localDayNumber(offset: OffsetFn, utcMs: number): number {
  return Math.floor((utcMs + offset(utcMs) * MS_PER_MINUTE) / MS_PER_DAY);
}

/** ISO weekday (1 = Monday … 7 = Sunday) of a local day number. 1970-01-01 was a Thursday. */
export function isoWeekdayOfDayNumber(day: number): number {
  return ((((day + 3) % 7) + 7) % 7) + 1;
}

export function dayNumberOfIsoDate(isoDate: string): number {
  const [y, m, d] = isoDate.split('-').map(Number);
  return Date.UTC(y, m - 1, d) / MS_PER_DAY;
}

/** [start, end) of a local day in UTC milliseconds. */
export function localDayBounds(offset: OffsetFn, day: number): [number, number] {
  return [localToUtcMs(offset, day * MS_PER_DAY), localToUtcMs(offset, (day + 1) * MS_PER_DAY)];
}

/** The luxon zone for an IANA name, or null when invalid (`IANAZone.create` is cached by luxon). */
export function ianaZone(name: unknown): IANAZone | null {
  if (typeof name !== 'string' || name.length === 0) return null;
  const zone = IANAZone.create(name);
  return zone.isValid ? zone : null;
}
