import { DateTime } from 'luxon';
import { invalidInstant } from './calendar.errors';

/** An ISO-8601 instant from the request, in UTC (400 VALIDATION_FAILED naming `field` otherwise). */
export function parseInstant(field: string, value: string): DateTime {
  const d = DateTime.fromISO(value, { setZone: true });
  if (!d.isValid) throw invalidInstant(field);
  return d.toUTC();
}
