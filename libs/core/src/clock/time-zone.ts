import { IANAZone } from 'luxon';

/**
 * True for a name of the IANA time zone database ("Europe/Berlin", "UTC", "Etc/GMT+3"). Node.js 24's ICU
 * also accepts bare UTC offsets ("+03:00") as time zones; those are not IANA names and follow no DST rules,
 * so they are refused here.
 */
export function isIanaTimeZone(value: unknown): value is string {
  return typeof value === 'string' && value.length > 0 && !/^[+-]/.test(value) && IANAZone.isValidZone(value);
}
