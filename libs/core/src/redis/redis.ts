import Redis, { RedisOptions } from 'ioredis';

/** The request path's connection: fails fast during an outage (see `requestRedisOptions`). */
export const REDIS = Symbol('REDIS');

/** Reconnect quickly once Redis is back (ioredis' and BullMQ's defaults back off to 2-20 s). */
const reconnectSoon = (times: number) => Math.min(times * 100, 1000);

/**
 * For connections that may wait out an outage: BullMQ workers (blocking commands need
 * `maxRetriesPerRequest: null`), subscribers, the Socket.IO adapter. Nothing a request waits for.
 */
export function redisOptions(extra: RedisOptions = {}): RedisOptions {
  return { maxRetriesPerRequest: null, enableReadyCheck: true, retryStrategy: reconnectSoon, ...extra };
}

/**
 * For connections a request waits on (rate limits, queue producers, live publish, health): during an
 * outage a command fails at once (no offline queue) or after `timeoutMs` (a Redis that does not answer),
 * so the request answers 503 instead of hanging for the outage.
 */
export function requestRedisOptions(timeoutMs: number, extra: RedisOptions = {}): RedisOptions {
  return {
    maxRetriesPerRequest: 1,
    enableOfflineQueue: false,
    enableReadyCheck: true,
    commandTimeout: timeoutMs,
    connectTimeout: Math.max(timeoutMs, 1000),
    retryStrategy: reconnectSoon,
    ...extra,
  };
}

/** What turns request options back into patient ones (for a worker or subscriber made from them). */
export const PATIENT_OVERRIDES: RedisOptions = {
  maxRetriesPerRequest: null,
  enableOfflineQueue: true,
  commandTimeout: undefined,
};

export function createRedis(url: string, extra: RedisOptions = {}): Redis {
  return new Redis(url, redisOptions(extra));
}

/** A fail-fast connection, connected before it is handed out (without an offline queue, a command before `ready` fails). */
export async function createRequestRedis(url: string, timeoutMs: number): Promise<Redis> {
  const redis = new Redis(url, requestRedisOptions(timeoutMs, { lazyConnect: true }));
  redis.on('error', () => undefined); // reconnects on its own; requests meanwhile answer 503
  await redis.connect().catch(() => undefined);
  return redis;
}

/** Redis is required: answers a clear instruction when nothing answers at `url`. */
export async function assertRedisReachable(url: string, timeoutMs = 3000): Promise<void> {
  const probe = new Redis(url, {
    lazyConnect: true,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
    connectTimeout: timeoutMs,
  });
  probe.on('error', () => undefined);
  try {
    await probe.connect();
    await probe.ping();
  } catch (err) {
    // eslint-disable-next-line preserve-caught-error -- the message carries the cause and how to fix it
    throw new Error(
      `Redis is not reachable at ${url} (${(err as Error).message}).\n` +
        `Start one with: redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no\n` +
        `or with Docker: docker compose up -d redis — or set REDIS_URL to a running Redis.`,
    );
  } finally {
    probe.disconnect();
  }
}
