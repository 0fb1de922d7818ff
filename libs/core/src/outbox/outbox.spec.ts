import type { MikroORM } from '@mikro-orm/postgresql';
import type Redis from 'ioredis';
import type { AppConfig } from '../config/app-config';
import type { OutboxRepository } from './outbox.repository';
import { Outbox } from './outbox';

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('Outbox.nudge', () => {
  it('wakes this process at once on every nudge, and the other processes with one publish per turn', async () => {
    const published: string[] = [];
    const redis = { publish: (channel: string) => (published.push(channel), Promise.resolve(1)) } as unknown as Redis;
    const config = { env: { REDIS_PREFIX: 'p:' } } as unknown as AppConfig;
    const outbox = new Outbox({} as MikroORM, {} as OutboxRepository, config, redis);
    let woken = 0;
    outbox.onNudge(() => woken++);

    for (let i = 0; i < 10; i++) outbox.nudge();
    expect(woken).toBe(10);
    await tick();
    expect(published).toEqual(['p:outbox:nudge']);

    outbox.nudge(); // a later turn publishes again
    await tick();
    expect(published).toEqual(['p:outbox:nudge', 'p:outbox:nudge']);
  });
});
