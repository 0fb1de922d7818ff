import { isIPv4, isIPv6 } from 'node:net';
import { Duration } from 'luxon';
import { z } from 'zod';

// The value parsers envSchema is built from: each turns one variable's text into its typed value, or adds a
// config issue naming what is wrong.

/** An ISO-8601 duration (PT30M, P6M, ...) parsed with luxon; rejected when invalid, or when not positive unless `zero` is allowed. */
export const duration = (fallback: string, zero: 'positive' | 'zero-allowed') =>
  z
    .string()
    .default(fallback)
    .transform((raw, ctx) => {
      const d = Duration.fromISO(raw.trim());
      // luxon reads a bare "P" as zero: a duration names at least one amount.
      if (!d.isValid || !/\d/.test(raw)) {
        ctx.addIssue({ code: z.ZodIssueCode.custom, message: `"${raw}" is not an ISO-8601 duration (e.g. PT30M)` });
        return z.NEVER;
      }
      // Months/years have no fixed length: keep them as calendar units, but they must be positive.
      if (zero === 'positive' ? d.toMillis() <= 0 : d.toMillis() < 0) {
        ctx.addIssue({
          code: z.ZodIssueCode.custom,
          message: `"${raw}" must be a ${zero === 'positive' ? 'positive' : 'non-negative'} duration`,
        });
        return z.NEVER;
      }
      return d;
    });

/** A duration where zero is meaningless (a call length, a grace period, a cooldown). */
export const isoDuration = (fallback: string) => duration(fallback, 'positive');
/** A duration where zero means "none" (no booking lead, no early join, no notice needed). */
export const isoDurationOrZero = (fallback: string) => duration(fallback, 'zero-allowed');

/** The most calls of `callLength` that fit in one day: the bound of any daily cap. */
export function maxDailyCalls(callLength: Duration): number {
  const ms = callLength.toMillis();
  return ms > 0 ? Math.floor(86_400_000 / ms) : 0;
}

/** An integer; an empty value counts as unset. */
export const int = (fallback: number, min = 0, max = Number.MAX_SAFE_INTEGER) =>
  z.preprocess(
    (v) => (typeof v === 'string' && v.trim() === '' ? undefined : v),
    z.coerce.number().int().min(min).max(max).default(fallback),
  );

export const bool = (fallback: boolean) =>
  z
    .enum(['true', 'false', '1', '0', 'yes', 'no'])
    .default(fallback ? 'true' : 'false')
    .transform((v) => v === 'true' || v === '1' || v === 'yes');

export const optionalString = z
  .string()
  .optional()
  .transform((v) => (v === undefined || v.trim() === '' ? undefined : v.trim()));

export const JWT_SECRET_REQUIRED =
  'is required (only the embedded development start, NODE_ENV=development without DATABASE_URL, generates one in DATA_DIR)';

/** The local development start: embedded database and NODE_ENV=development; the only start without JWT_SECRET. */
export const isEmbeddedDevelopment = (env: { NODE_ENV?: string; DATABASE_URL?: string }) =>
  (env.NODE_ENV ?? 'development') === 'development' && !env.DATABASE_URL?.trim();

export type TrustProxy = false | number | string[];

export function parseTrustProxy(raw: string, ctx: z.RefinementCtx): TrustProxy {
  const v = raw.trim();
  if (v === '' || v === 'false' || v === '0') return false;
  if (/^\d+$/.test(v)) return Number(v);
  const list = v
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  // Addresses, CIDR subnets or Express' names (loopback, linklocal, uniquelocal); `true` would trust any client's header.
  const ok = list.every((s) => /^(loopback|linklocal|uniquelocal|[0-9a-fA-F.:]+(\/\d{1,3})?)$/.test(s));
  if (!ok || list.length === 0) {
    ctx.addIssue({
      code: z.ZodIssueCode.custom,
      message: `"${raw}" must be false, a hop count, or a comma-separated list of proxy addresses/subnets`,
    });
    return z.NEVER;
  }
  return list;
}

/** "10.0.0.0/8, ::1/128" → [{ address, prefix, family }]; a bad entry is a config error naming it. */
export function parseNetworks(
  raw: string,
  ctx: z.RefinementCtx,
): { address: string; prefix: number; family: 'ipv4' | 'ipv6' }[] {
  const out: { address: string; prefix: number; family: 'ipv4' | 'ipv6' }[] = [];
  for (const entry of raw
    .split(',')
    .map((e) => e.trim())
    .filter(Boolean)) {
    const [address, bits] = entry.split('/');
    const family = isIPv4(address) ? 'ipv4' : isIPv6(address) ? 'ipv6' : null;
    const prefix = Number(bits);
    if (!family || !/^\d+$/.test(bits ?? '') || prefix > (family === 'ipv4' ? 32 : 128)) {
      ctx.addIssue({
        code: z.ZodIssueCode.custom,
        message: `"${entry}" is not a network in CIDR notation (e.g. 10.0.0.0/8)`,
      });
      continue;
    }
    out.push({ address, prefix, family });
  }
  return out;
}

export function parseOrigins(raw: string, ctx: z.RefinementCtx): string[] {
  const out: string[] = [];
  for (const part of raw
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)) {
    let origin: string | undefined;
    try {
      const u = new URL(part);
      if (
        (u.protocol === 'http:' || u.protocol === 'https:') &&
        (u.pathname === '/' || u.pathname === '') &&
        !u.search &&
        !u.username
      )
        origin = u.origin;
    } catch {
      /* reported below */
    }
    if (!origin) {
      ctx.addIssue({
        code: z.ZodIssueCode.custom,
        message: `"${part}" is not an origin such as https://app.example.com`,
      });
      return z.NEVER;
    }
    out.push(origin);
  }
  return out;
}

/** One entry of RTCConfiguration.iceServers. */
export interface IceServerConfig {
  urls: string[];
  username?: string;
  credential?: string;
}

export const ICE_URL = /^(stun|stuns|turn|turns):[^\s,]+$/;

/** RTC_ICE_SERVERS: a JSON array of `{urls, username?, credential?}`, or a comma-separated list of stun:/turn: URLs. */
export function parseIceServers(raw: string, ctx: z.RefinementCtx): IceServerConfig[] {
  const v = raw.trim();
  if (v === '') return [];
  const fail = (message: string) => {
    ctx.addIssue({ code: z.ZodIssueCode.custom, message });
    return z.NEVER;
  };
  if (!v.startsWith('[')) {
    const urls = v
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
    if (!urls.every((u) => ICE_URL.test(u)))
      return fail(
        `"${raw}" must be stun:/turn: URLs separated by commas, or a JSON array of {urls, username?, credential?}`,
      );
    return urls.map((u) => ({ urls: [u] }));
  }
  let list: unknown;
  try {
    list = JSON.parse(v);
  } catch {
    return fail('is not valid JSON');
  }
  if (!Array.isArray(list)) return fail('must be a JSON array');
  const out: IceServerConfig[] = [];
  for (const entry of list) {
    const e = entry as Record<string, unknown>;
    const urls = typeof e?.urls === 'string' ? [e.urls] : e?.urls;
    if (!Array.isArray(urls) || urls.length === 0 || !urls.every((u) => typeof u === 'string' && ICE_URL.test(u)))
      return fail('every entry needs urls: stun:/turn: URLs');
    if (
      (e.username !== undefined && typeof e.username !== 'string') ||
      (e.credential !== undefined && typeof e.credential !== 'string')
    )
      return fail('username and credential must be strings');
    out.push({
      urls: urls as string[],
      ...(e.username !== undefined ? { username: e.username as string } : {}),
      ...(e.credential !== undefined ? { credential: e.credential as string } : {}),
    });
  }
  return out;
}

export function parseTurnUrls(raw: string | undefined, ctx: z.RefinementCtx): string[] {
  if (raw === undefined) return [];
  const urls = raw
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  if (!urls.every((u) => /^turns?:[^\s,]+$/.test(u))) {
    ctx.addIssue({ code: z.ZodIssueCode.custom, message: `"${raw}" must be turn:/turns: URLs separated by commas` });
    return z.NEVER;
  }
  return urls;
}
