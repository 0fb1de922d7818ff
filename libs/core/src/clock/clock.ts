import { DateTime } from 'luxon';

/** The only source of "now" for domain code. */
export abstract class Clock {
  abstract now(): DateTime;

  /** Now as epoch milliseconds: for hot paths that only stamp a time (no DateTime allocated). */
  nowMillis(): number {
    return this.now().toMillis();
  }
}

export class SystemClock extends Clock {
  now(): DateTime {
    return DateTime.utc();
  }

  override nowMillis(): number {
    return Date.now();
  }
}

/** A clock tests can set and advance. */
export class ManualClock extends Clock {
  constructor(private current: DateTime) {
    super();
  }
  now(): DateTime {
    return this.current;
  }
  set(to: DateTime): void {
    this.current = to.toUTC();
  }
  advance(by: Parameters<DateTime['plus']>[0]): void {
    this.current = this.current.plus(by);
  }
}
