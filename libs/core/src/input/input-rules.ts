/**
 * Pure rules for input that must be refused at the edge, before any DTO, parser recursion or SQL sees it
 * (DESIGN: "Bad input never reaches a 5xx").
 */

/** Request bodies above this are refused with 413 (after decompression). */
export const MAX_BODY_BYTES = 1024 * 1024;
/** JSON nested deeper than this is refused before parsing (our DTOs nest 3 levels at most). */
export const MAX_JSON_DEPTH = 32;

/** Members one object may have (DTOs have a handful; unknown members cost ~80 µs each to refuse). */
export const MAX_OBJECT_KEYS = 200;

/** PostgreSQL `int` (int4) bounds: every integer column of ours is an int4. */
export const PG_INT_MIN = -2147483648;
export const PG_INT_MAX = 2147483647;

/**
 * Instants accepted from clients: from 1970 until (excluding) 2100. PostgreSQL stores years up to
 * 294276, but our arithmetic adds durations (cooldowns, horizons, reminders) to instants and JS Dates
 * end at +275760; a century of headroom keeps every sum representable.
 */
export const MIN_INSTANT_MS = Date.UTC(1970, 0, 1);
export const MAX_INSTANT_MS = Date.UTC(2100, 0, 1);

/**
 * Values (array elements, object members) a JSON body may hold in all: our largest body (availability with
 * 1000 exceptions) holds ~3300; class-transformer and class-validator spend 20-30 µs per value, so an
 * unbounded count is an event-loop stall even when refused (a 1 MB array of 350k numbers took 16 s).
 */
export const MAX_JSON_VALUES = 5_000;

/**
 * Why a JSON text is refused before parsing: nested deeper than `maxDepth`, or holding more than
 * `maxValues` values; null when neither. One pass over the bytes, strings and escapes skipped (`"` and `\`
 * never occur inside UTF-8 multibyte sequences, so scanning bytes is exact for UTF-8).
 */
export function jsonShapeProblem(
  bytes: Uint8Array,
  maxDepth = MAX_JSON_DEPTH,
  maxValues = MAX_JSON_VALUES,
): 'too-deep' | 'too-many-values' | null {
  let depth = 0;
  let values = 0;
  let inString = false;
  for (let i = 0; i < bytes.length; i++) {
    const c = bytes[i];
    if (inString) {
      if (c === 0x5c)
        i++; // backslash: skip the escaped byte
      else if (c === 0x22) inString = false;
      continue;
    }
    if (c === 0x22) inString = true;
    else if (c === 0x5b || c === 0x7b) {
      if (++depth > maxDepth) return 'too-deep';
      if (++values > maxValues) return 'too-many-values';
    } else if (c === 0x5d || c === 0x7d) depth--;
    else if (c === 0x2c && ++values > maxValues) return 'too-many-values';
  }
  return null;
}

/** True when the JSON text nests deeper than `limit`. */
export const jsonDepthExceeds = (bytes: Uint8Array, limit: number): boolean =>
  jsonShapeProblem(bytes, limit, Infinity) === 'too-deep';

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Why a string may not be stored (PostgreSQL refuses NUL in text; lone surrogates are not Unicode), or null. */
export function stringProblem(s: string): string | null {
  if (s.includes('\u0000')) return 'must not contain NUL characters';
  if (LONE_SURROGATE.test(s)) return 'must be valid Unicode (no lone surrogates)';
  return null;
}

/** A key as it may be echoed back in an error (NUL and surrogates replaced). */
// eslint-disable-next-line no-control-regex -- NUL and control characters are what this refuses
const printable = (key: string) => key.replace(/[\u0000\uD800-\uDFFF]/g, '\uFFFD');

export interface InputProblem {
  field: string;
  problems: string[];
}

/**
 * The first problem string (or key) in a parsed value, with its dotted path; depth is bounded by
 * MAX_JSON_DEPTH upstream, and `maxDepth` guards values that did not come from the JSON parser.
 */
export function findStringProblem(value: unknown, path = '', maxDepth = MAX_JSON_DEPTH + 2): InputProblem | null {
  if (typeof value === 'string') {
    const p = stringProblem(value);
    return p ? { field: path || 'value', problems: [`${path || 'value'} ${p}`] } : null;
  }
  if (value === null || typeof value !== 'object') return null;
  if (maxDepth <= 0) return { field: path || 'value', problems: [`${path || 'value'} is nested too deeply`] };
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const p = findStringProblem(value[i], path ? `${path}.${i}` : String(i), maxDepth - 1);
      if (p) return p;
    }
    return null;
  }
  const keys = Object.keys(value);
  if (keys.length > MAX_OBJECT_KEYS)
    return { field: path || 'body', problems: [`${path || 'body'} has more than ${MAX_OBJECT_KEYS} properties`] };
  for (const key of keys) {
    const kp = stringProblem(key);
    const at = path ? `${path}.${printable(key)}` : printable(key);
    if (kp) return { field: at, problems: [`property name ${kp}`] };
    const p = findStringProblem((value as Record<string, unknown>)[key], at, maxDepth - 1);
    if (p) return p;
  }
  return null;
}
