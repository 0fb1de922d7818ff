import { DriverException } from '@mikro-orm/core';
import { AppError } from '../errors/app-error';

export type Dependency = 'database' | 'redis';

/** Seconds a client is told to wait (`Retry-After`) after a 503. */
export const RETRY_AFTER_SECONDS = 2;

/** A dependency (PostgreSQL, Redis) did not answer: 503 `SERVICE_UNAVAILABLE`, nothing to fix on the client's side. */
export function serviceUnavailable(
  dependency?: Dependency,
  details: Record<string, unknown> = {},
  cause?: unknown,
): AppError {
  const all = { ...(dependency ? { dependency } : {}), ...details };
  const message = dependency
    ? `The ${dependency} is unavailable; try again shortly`
    : 'A service this request needs is unavailable; try again shortly';
  const error = new AppError(503, 'SERVICE_UNAVAILABLE', message, Object.keys(all).length > 0 ? all : undefined);
  if (cause !== undefined) Object.defineProperty(error, 'cause', { value: cause, enumerable: false });
  return error;
}

const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ECONNABORTED',
]);

/** PostgreSQL: connection exceptions (08xxx), the server shutting down or refusing (57P01-57P03), too many connections, no database. */
const isUnavailableSqlState = (state: string, message: string) =>
  state.startsWith('08') ||
  state === '57P01' ||
  state === '57P02' ||
  state === '57P03' ||
  state === '53300' ||
  state === '3D000' ||
  (state === '55000' && /not currently accepting connections/i.test(message));

const DATABASE_MESSAGES = [
  /Timeout acquiring a connection/i, // knex pool (acquireTimeoutMillis)
  /Connection terminated/i, // node-postgres
  /Client has encountered a connection error/i,
  /terminating connection due to administrator command/i,
  /Client was closed and is not queryable/i,
  /^timeout expired$/i, // node-postgres connectionTimeoutMillis while connecting
  /timeout exceeded when trying to connect/i, // pg-pool
  /the database system is (shutting down|starting up|in recovery mode)/i,
];

const REDIS_MESSAGES = [
  /Stream isn't writeable and enableOfflineQueue/i, // ioredis, offline queue disabled
  /Command timed out/i, // ioredis commandTimeout
  /Connection is closed/i, // ioredis / BullMQ
  /Reached the max retries per request limit/i, // ioredis MaxRetriesPerRequestError
];

/**
 * Which dependency an error says is unreachable: `database`, `redis`, `unknown` (a network error of either),
 * or null when it is not an outage at all. Looks through `cause` chains (drivers wrap each other's errors).
 */
export function unavailableDependency(err: unknown): Dependency | 'unknown' | null {
  for (
    let e = err as Record<string, unknown> | undefined, depth = 0;
    e && typeof e === 'object' && depth < 5;
    e = e.cause as Record<string, unknown> | undefined, depth++
  ) {
    if (e instanceof AppError)
      return e.code === 'SERVICE_UNAVAILABLE' ? ((e.details?.dependency as Dependency | undefined) ?? 'unknown') : null;
    const message = typeof e.message === 'string' ? e.message : '';
    const code = typeof e.code === 'string' ? e.code : undefined;
    const state = typeof e.sqlState === 'string' ? e.sqlState : code && /^[0-9A-Z]{5}$/.test(code) ? code : undefined;
    if (state && isUnavailableSqlState(state, message)) return 'database';
    if (e.name === 'KnexTimeoutError' || DATABASE_MESSAGES.some((re) => re.test(message))) return 'database';
    if (e.name === 'MaxRetriesPerRequestError' || REDIS_MESSAGES.some((re) => re.test(message))) return 'redis';
    // A network error MikroORM converted came from the database's connection (ECONNRESET on a terminated backend).
    if (code && NETWORK_CODES.has(code)) return e instanceof DriverException ? 'database' : 'unknown';
  }
  return null;
}

/**
 * Settles with `work`, or rejects with 503 `SERVICE_UNAVAILABLE` naming `dependency` once `ms` have passed
 * (the work itself is not cancelled: a command a driver still holds completes or fails on its own).
 */
export function withDependencyTimeout<T>(work: Promise<T>, ms: number, dependency: Dependency): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  let immediate: NodeJS.Immediate | undefined;
  const timeout = new Promise<never>((_, reject) => {
    // The verdict waits for the I/O phase that follows the timer: on a busy event loop the answer may already
    // be waiting in the socket when the timer fires, and it is not the dependency that was late.
    const fail = () => reject(serviceUnavailable(dependency, { timeoutMs: ms }));
    timer = setTimeout(() => {
      immediate = setImmediate(fail);
      immediate.unref();
    }, ms);
    timer.unref();
  });
  return Promise.race([work, timeout]).finally(() => {
    clearTimeout(timer);
    if (immediate) clearImmediate(immediate);
  });
}

/**
 * The same error, named as the database's when it is a network-level failure of whose origin it says nothing
 * (ECONNRESET from a raw pooled connection): the caller knows it was talking to PostgreSQL.
 */
export function asDatabaseError(err: unknown): unknown {
  return unavailableDependency(err) === 'unknown' ? serviceUnavailable('database', {}, err) : err;
}
