import { BookedInterval } from './slot-grid.rules';

/*
 * The booked calls of many talent managers, indexed once per `availableSlots` call for its per-start
 * computation (slot-starts.rules.ts): one flat array per kind, each TM owning a contiguous, ascending segment.
 * Same contents as `indexBookings` (slot-grid.rules.ts) per TM; pure.
 */

export interface BookingTable {
  /** TM k's bookings are at [from[k], from[k + 1]) of `starts`: their start instants, ascending (daily cap). */
  from: Int32Array;
  starts: Float64Array;
  /** TM k's NON-EMPTY bookings are at [blockFrom[k], blockFrom[k + 1]) of `blockStarts` and of `blockEnds`,
   * their starts ascending and their ends ascending (each sorted on its own; enough to count overlaps). */
  blockFrom: Int32Array;
  blockStarts: Float64Array;
  blockEnds: Float64Array;
}

/**
 * The table of the bookings whose `talentManagerId` is a key of `tmIndex` (value: the TM's index in
 * 0..tmCount-1). A booking with an invalid start is left out; one with an end not after its start counts
 * for the daily cap but blocks nothing (as in `indexBookings`).
 */
export function bookingTable(booked: readonly BookedInterval[], tmIndex: Map<string, number>): BookingTable {
  const tmCount = tmIndex.size;
  const m = booked.length;
  const tmOf = new Int32Array(m).fill(-1);
  const startOf = new Float64Array(m);
  const endOf = new Float64Array(m);
  const from = new Int32Array(tmCount + 1);
  const blockFrom = new Int32Array(tmCount + 1);
  for (let i = 0; i < m; i++) {
    const b = booked[i];
    const k = tmIndex.get(b.talentManagerId);
    if (k === undefined) continue;
    const start = b.startsAt.toMillis();
    if (!Number.isFinite(start)) continue;
    const end = b.endsAt.toMillis();
    tmOf[i] = k;
    startOf[i] = start;
    endOf[i] = end;
    from[k + 1]++;
    if (end > start) blockFrom[k + 1]++;
  }
  for (let k = 0; k < tmCount; k++) {
    from[k + 1] += from[k];
    blockFrom[k + 1] += blockFrom[k];
  }
  const starts = new Float64Array(from[tmCount]);
  const blockStarts = new Float64Array(blockFrom[tmCount]);
  const blockEnds = new Float64Array(blockFrom[tmCount]);
  const next = from.slice(0, tmCount);
  const blockNext = blockFrom.slice(0, tmCount);
  for (let i = 0; i < m; i++) {
    const k = tmOf[i];
    if (k < 0) continue;
    starts[next[k]++] = startOf[i];
    if (endOf[i] > startOf[i]) {
      blockStarts[blockNext[k]] = startOf[i];
      blockEnds[blockNext[k]++] = endOf[i];
    }
  }
  for (let k = 0; k < tmCount; k++) {
    sortSegment(starts, from[k], from[k + 1]);
    sortSegment(blockStarts, blockFrom[k], blockFrom[k + 1]);
    sortSegment(blockEnds, blockFrom[k], blockFrom[k + 1]);
  }
  return { from, starts, blockFrom, blockStarts, blockEnds };
}

/** Sorts a[lo, hi) ascending in place: insertion sort (a TM's bookings are few and mostly in order already). */
function sortSegment(a: Float64Array, lo: number, hi: number): void {
  if (hi - lo > 256) {
    a.subarray(lo, hi).sort(); // typed arrays sort numerically
    return;
  }
  for (let i = lo + 1; i < hi; i++) {
    const x = a[i];
    let j = i - 1;
    while (j >= lo && a[j] > x) {
      a[j + 1] = a[j];
      j--;
    }
    a[j + 1] = x;
  }
}

/** Number of elements of the ascending segment a[lo, hi) that are < x. */
export function countBelowIn(a: Float64Array, lo: number, hi: number, x: number): number {
  const first = lo;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (a[mid] < x) lo = mid + 1;
    else hi = mid;
  }
  return lo - first;
}

/** Number of elements of the ascending segment a[lo, hi) that are ≤ x. */
export function countAtMostIn(a: Float64Array, lo: number, hi: number, x: number): number {
  const first = lo;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (a[mid] <= x) lo = mid + 1;
    else hi = mid;
  }
  return lo - first;
}
