import { ValidateBy, ValidationOptions, isISO8601 } from 'class-validator';
import { DateTime } from 'luxon';
import { isIanaTimeZone } from '../clock/time-zone';
import { MAX_INSTANT_MS, MIN_INSTANT_MS, PG_INT_MAX, PG_INT_MIN } from './input-rules';

/** True for a strict ISO-8601 instant within [MIN_INSTANT_MS, MAX_INSTANT_MS) (1970 until 2100). */
export function isInstantInRange(value: unknown): boolean {
  if (typeof value !== 'string' || !isISO8601(value, { strict: true })) return false;
  const at = DateTime.fromISO(value, { setZone: true });
  return at.isValid && at.toMillis() >= MIN_INSTANT_MS && at.toMillis() < MAX_INSTANT_MS;
}

/** A strict ISO-8601 instant (e.g. 2026-12-01T09:00:00Z) between 1970 and 2100, so PostgreSQL and our arithmetic hold it. */
export function IsInstant(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isInstant',
      validator: {
        validate: isInstantInRange,
        defaultMessage: () => '$property must be an ISO-8601 instant between 1970-01-01 and 2100-01-01',
      },
    },
    options,
  );
}

/** An integer a PostgreSQL `int` column holds (−2147483648..2147483647). */
export function IsInt32(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isInt32',
      validator: {
        validate: (v) => typeof v === 'number' && Number.isInteger(v) && v >= PG_INT_MIN && v <= PG_INT_MAX,
        defaultMessage: () => `$property must be an integer between ${PG_INT_MIN} and ${PG_INT_MAX}`,
      },
    },
    options,
  );
}

/** An IANA time zone name luxon knows (e.g. Europe/Berlin). */
export function IsTimeZone(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isTimeZone',
      validator: {
        validate: isIanaTimeZone,
        defaultMessage: () => '$property must be an IANA time zone such as Europe/Berlin',
      },
    },
    options,
  );
}
