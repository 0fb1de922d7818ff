/**
 * Process-local state of the live signal path. For each running attempt a candidate joined here it keeps
 * the integrity points last known to be stored (`base`) and the points of signals relayed but not yet
 * stored (`pending`), so a signal can go to proctors with its running tier before its row is written
 * (the rows are written in arrival order by `SignalWriteBatch`). Integrity points only ever grow, so the
 * highest stored total seen is the newest.
 */
export class SignalRelay {
  private readonly attempts = new Map<string, { base: number; pending: number }>();

  constructor(private readonly capacity = 50_000) {}

  /** Whether this process can estimate the attempt's running points. */
  knows(attemptId: string): boolean {
    return this.attempts.has(attemptId);
  }

  /** A stored total (from joining, or from any write): the base moves up to it, never down. */
  stored(attemptId: string, points: number): void {
    const cur = this.attempts.get(attemptId);
    this.attempts.delete(attemptId); // re-insert: the map's order is least recently used first
    this.attempts.set(attemptId, { base: Math.max(cur?.base ?? 0, points), pending: cur?.pending ?? 0 });
    if (this.attempts.size > this.capacity) this.attempts.delete(this.attempts.keys().next().value!);
  }

  /** A signal relayed ahead of its write: its points are pending; answers the running total with them. */
  reserve(attemptId: string, points: number): number {
    const cur = this.attempts.get(attemptId) ?? { base: 0, pending: 0 };
    cur.pending += points;
    this.attempts.delete(attemptId);
    this.attempts.set(attemptId, cur);
    return cur.base + cur.pending;
  }

  /** The relayed signal's write finished (stored total) or failed (undefined). */
  settle(attemptId: string, points: number, storedTotal?: number): void {
    const cur = this.attempts.get(attemptId);
    if (!cur) return;
    cur.pending = Math.max(0, cur.pending - points);
    if (storedTotal !== undefined) cur.base = Math.max(cur.base, storedTotal);
  }

  forget(attemptId: string): void {
    this.attempts.delete(attemptId);
  }
}
