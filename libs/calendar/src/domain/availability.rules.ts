import { DateTime } from 'luxon';
import { isIanaTimeZone } from '@vetting/core';

/**
 * A recurring weekly availability window of a talent manager, in the TM's own time zone.
 * `weekday` is the ISO weekday (1 = Monday … 7 = Sunday); `start`/`end` are 24h "HH:mm" wall times.
 * `end` may be "24:00", meaning the start of the next local day.
 */
export interface WeeklyWindow {
  weekday: number;
  start: string;
  end: string;
}

/** A local date ("yyyy-MM-dd" in the TM's zone) on which the TM takes no calls. */
export interface AvailabilityException {
  date: string;
  available: false;
}

export interface AvailabilityInput {
  timeZone: string;
  weekly: WeeklyWindow[];
  exceptions: AvailabilityException[];
}

/** One validation problem; `field` is a path such as "timeZone", "weekly[2].end", "exceptions[0].date". */
export interface AvailabilityProblem {
  field: string;
  problem: string;
}

export const MINUTES_PER_DAY = 24 * 60;

const HHMM = /^([01]\d|2[0-3]):([0-5]\d)$/;
const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

/** True for "00:00"–"23:59" (and "24:00" when `allowEndOfDay`). */
export function isHhMm(value: unknown, allowEndOfDay = false): value is string {
  if (typeof value !== 'string') return false;
  if (allowEndOfDay && value === '24:00') return true;
  return HHMM.test(value);
}

/**
 * Minutes since local midnight of an "HH:mm" wall time ("24:00" → 1440).
 * Throws a RangeError for anything else.
 */
export function minutesOfDay(hhmm: string): number {
  if (!isHhMm(hhmm, true)) {
    throw new RangeError(`Invalid "HH:mm" time: ${JSON.stringify(hhmm)}`);
  }
  return Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));
}

/** True when `value` is a real calendar date written exactly as "yyyy-MM-dd". */
export function isIsoCalendarDate(value: unknown): value is string {
  if (typeof value !== 'string' || !ISO_DATE.test(value)) return false;
  return DateTime.fromFormat(value, 'yyyy-MM-dd', { zone: 'utc' }).isValid;
}

export function isValidTimeZone(value: unknown): value is string {
  return isIanaTimeZone(value);
}

function isIsoWeekday(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 1 && value <= 7;
}

/** A talent manager's daily cap: a whole number of calls from 1 to the most that fit in a day (`maxDailyCap`). */
export function dailyCapProblem(dailyCap: number | undefined, maxDailyCap: number): AvailabilityProblem | null {
  if (dailyCap === undefined) return null;
  if (!Number.isInteger(dailyCap) || dailyCap < 1 || dailyCap > maxDailyCap) {
    return {
      field: 'dailyCap',
      problem: `must be a whole number from 1 to ${maxDailyCap} (the calls that fit in a day)`,
    };
  }
  return null;
}

/**
 * Validates a TM's availability. Returns every problem found (an empty array means valid).
 * Overlapping windows on the same weekday are reported on the later window (by array position),
 * as field "weekly[i]". Duplicate exception dates are reported on the later duplicate.
 */
export function validateAvailability(input: AvailabilityInput): AvailabilityProblem[] {
  const problems: AvailabilityProblem[] = [];

  if (!isValidTimeZone(input.timeZone)) {
    problems.push({ field: 'timeZone', problem: 'must be a valid IANA time zone (e.g. "Europe/Berlin")' });
  }

  const weekly: unknown = input.weekly;
  if (!Array.isArray(weekly)) {
    problems.push({ field: 'weekly', problem: 'must be an array of weekly windows' });
  } else {
    /** Windows that are individually valid, for the overlap check. */
    const accepted: { index: number; weekday: number; start: number; end: number }[] = [];
    weekly.forEach((raw: unknown, i: number) => {
      const w = (raw ?? {}) as Partial<WeeklyWindow>;
      let ok = true;
      if (!isIsoWeekday(w.weekday)) {
        problems.push({ field: `weekly[${i}].weekday`, problem: 'must be an integer from 1 (Monday) to 7 (Sunday)' });
        ok = false;
      }
      const startOk = isHhMm(w.start);
      if (!startOk) {
        problems.push({ field: `weekly[${i}].start`, problem: 'must be a 24h time "HH:mm" between 00:00 and 23:59' });
        ok = false;
      }
      const endOk = isHhMm(w.end, true);
      if (!endOk) {
        problems.push({ field: `weekly[${i}].end`, problem: 'must be a 24h time "HH:mm" between 00:00 and 24:00' });
        ok = false;
      }
      if (startOk && endOk) {
        const start = minutesOfDay(w.start as string);
        const end = minutesOfDay(w.end as string);
        if (end <= start) {
          problems.push({ field: `weekly[${i}].end`, problem: 'must be after start' });
        } else if (ok) {
          const weekday = w.weekday as number;
          const clash = accepted.find((a) => a.weekday === weekday && a.start < end && start < a.end);
          if (clash) {
            problems.push({
              field: `weekly[${i}]`,
              problem: `overlaps weekly[${clash.index}] on the same weekday`,
            });
          }
          accepted.push({ index: i, weekday, start, end });
        }
      }
    });
  }

  const exceptions: unknown = input.exceptions;
  if (!Array.isArray(exceptions)) {
    problems.push({ field: 'exceptions', problem: 'must be an array of exceptions' });
  } else {
    const seen = new Map<string, number>();
    exceptions.forEach((raw: unknown, i: number) => {
      const e = (raw ?? {}) as Partial<AvailabilityException>;
      if (e.available !== false) {
        problems.push({ field: `exceptions[${i}].available`, problem: 'must be false' });
      }
      if (!isIsoCalendarDate(e.date)) {
        problems.push({ field: `exceptions[${i}].date`, problem: 'must be a real calendar date in yyyy-MM-dd format' });
        return;
      }
      const first = seen.get(e.date);
      if (first !== undefined) {
        problems.push({ field: `exceptions[${i}].date`, problem: `duplicates exceptions[${first}].date` });
      } else {
        seen.set(e.date, i);
      }
    });
  }

  return problems;
}
