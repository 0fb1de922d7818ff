/**
 * Group commit for relayed candidate signals. A signal that has already gone to the proctors is queued
 * here; the queue is written as one batch `windowMs` after its first entry, or at once when it holds
 * `max`, and while a batch is being written the next signals gather for the one after it. So a signal's
 * database work happens after its relay has had the CPU, and under load many signals share one statement
 * and one commit. One batch at a time keeps the timeline in arrival order.
 *
 * `write` answers, for each entry in order, its result or the error that refused it; a rejected `write`
 * refuses the whole batch.
 */
export class SignalWriteBatch<E, R> {
  private queue: { entry: E; resolve: (r: R) => void; reject: (e: unknown) => void }[] = [];
  private timer?: NodeJS.Timeout;
  private writing?: Promise<void>;
  /** Entries ever added, and entries whose batch has finished: batches run in order, so these say what is done. */
  private added = 0;
  private finished = 0;
  private closed?: Error;

  constructor(
    private readonly write: (entries: E[]) => Promise<(R | Error)[]>,
    private readonly windowMs: number,
    private readonly max: number,
  ) {}

  /** Queues one entry; settles when its batch is written. */
  add(entry: E): Promise<R> {
    if (this.closed) return Promise.reject(this.closed);
    return new Promise<R>((resolve, reject) => {
      this.queue.push({ entry, resolve, reject });
      this.added++;
      if (this.writing) return; // the batch after the running one takes it
      if (this.queue.length >= this.max || this.windowMs === 0) this.flush();
      else if (!this.timer) {
        this.timer = setTimeout(() => this.flush(), this.windowMs);
        this.timer.unref();
      }
    });
  }

  /** Entries queued or being written. */
  get size(): number {
    return this.queue.length;
  }

  /**
   * Writes what is queued now without waiting for the window, and resolves once every entry added before
   * this call is written (entries added meanwhile are not waited for, so a steady stream cannot hold it).
   */
  async idle(): Promise<void> {
    const upTo = this.added;
    while (this.finished < upTo) {
      if (!this.writing) this.flush();
      await this.writing;
    }
  }

  /** Refuses new entries with `reason` from now on, and writes the queued ones at once. */
  close(reason: Error): Promise<void> {
    this.closed = reason;
    return this.idle();
  }

  private flush(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (this.writing || this.queue.length === 0) return;
    const batch = this.queue.splice(0, this.max);
    this.writing = this.run(batch).finally(() => {
      this.finished += batch.length;
      this.writing = undefined;
      // What arrived meanwhile has already waited for a whole write: it goes at once.
      if (this.queue.length > 0) this.flush();
    });
  }

  private async run(batch: { entry: E; resolve: (r: R) => void; reject: (e: unknown) => void }[]): Promise<void> {
    let results: (R | Error)[];
    try {
      results = await this.write(batch.map((b) => b.entry));
    } catch (err) {
      for (const b of batch) b.reject(err);
      return;
    }
    batch.forEach((b, i) => {
      const r = results[i];
      if (r instanceof Error) b.reject(r);
      else if (r === undefined) b.reject(new Error('The batch write answered no result for this entry'));
      else b.resolve(r);
    });
  }
}

/**
 * The stored integrity total after each signal of a batch, in order: a batch adds all its points to an
 * attempt at once, so signal i's total is the attempt's new total minus the points of its later signals.
 * Attempts without a new total (refused) answer undefined.
 */
export function runningTotals(
  signals: readonly { attemptId: string; points: number }[],
  totals: ReadonlyMap<string, number>,
): (number | undefined)[] {
  const later = new Map<string, number>();
  const out: (number | undefined)[] = new Array(signals.length);
  for (let i = signals.length - 1; i >= 0; i--) {
    const { attemptId, points } = signals[i];
    const total = totals.get(attemptId);
    if (total === undefined) continue;
    const after = later.get(attemptId) ?? 0;
    out[i] = total - after;
    later.set(attemptId, after + points);
  }
  return out;
}
