import { Duration } from 'luxon';
import type { Queue } from 'bullmq';
import type { AppConfig, Clock, Outbox } from '@vetting/core';
import type { CallsRepository } from '../data/calls.repository';
import { CallTimersService } from './call-timers.service';

/** A stand-in for the queue's Redis connection: counts PINGs and answers them when told to. */
function fakeRedis() {
  const pending: { resolve: (v: string) => void; reject: (e: Error) => void }[] = [];
  const client = {
    status: 'ready',
    pings: 0,
    ping: () => {
      client.pings++;
      return new Promise<string>((resolve, reject) => pending.push({ resolve, reject }));
    },
  };
  const answer = () => pending.splice(0).forEach((p) => p.resolve('PONG'));
  const fail = () => pending.splice(0).forEach((p) => p.reject(new Error('Connection is closed.')));
  return { client, answer, fail };
}

function service(client: object) {
  const queue = { client: Promise.resolve(client) } as unknown as Queue;
  const config = { env: { DEPENDENCY_TIMEOUT: Duration.fromObject({ seconds: 2 }) } } as unknown as AppConfig;
  const outbox = { handle: () => undefined } as unknown as Outbox;
  return new CallTimersService(queue, config, {} as Clock, {} as CallsRepository, outbox);
}

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('CallTimersService.assertAvailable', () => {
  it('checks that overlap a PING in flight share it; the next check after its answer sends a new one', async () => {
    const redis = fakeRedis();
    const timers = service(redis.client);
    const checks = Array.from({ length: 32 }, () => timers.assertAvailable());
    await tick();
    expect(redis.client.pings).toBe(1);
    redis.answer();
    await expect(Promise.all(checks)).resolves.toHaveLength(32);

    const next = timers.assertAvailable();
    await tick();
    expect(redis.client.pings).toBe(2);
    redis.answer();
    await expect(next).resolves.toBeUndefined();
  });

  it('a failed PING refuses every check that shared it, and is not remembered', async () => {
    const redis = fakeRedis();
    const timers = service(redis.client);
    const checks = [timers.assertAvailable(), timers.assertAvailable()].map((p) => p.catch((e: unknown) => e));
    await tick();
    redis.fail();
    expect(await Promise.all(checks)).toEqual([expect.any(Error), expect.any(Error)]);
    const again = timers.assertAvailable();
    await tick();
    expect(redis.client.pings).toBe(2);
    redis.answer();
    await expect(again).resolves.toBeUndefined();
  });

  it('refuses with 503 naming redis when the connection is not ready', async () => {
    const timers = service({ status: 'reconnecting', ping: () => Promise.resolve('PONG') });
    await expect(timers.assertAvailable()).rejects.toMatchObject({
      statusCode: 503,
      code: 'SERVICE_UNAVAILABLE',
      details: { dependency: 'redis' },
    });
  });
});
