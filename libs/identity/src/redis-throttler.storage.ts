import { Inject, Injectable } from '@nestjs/common';
import { ThrottlerStorage } from '@nestjs/throttler';
import type { ThrottlerStorageRecord } from '@nestjs/throttler/dist/throttler-storage-record.interface';
import Redis from 'ioredis';
import { AppConfig, REDIS } from '@vetting/core';

/** Fixed-window counters in Redis, so every api process shares one limit. */
@Injectable()
export class RedisThrottlerStorage implements ThrottlerStorage {
  constructor(@Inject(REDIS) private readonly redis: Redis, private readonly config: AppConfig) {}

  async increment(key: string, ttl: number, limit: number, blockDuration: number, name: string): Promise<ThrottlerStorageRecord> {
    const hitsKey = `${this.config.env.REDIS_PREFIX}throttle:${name}:${key}`;
    const blockKey = `${hitsKey}:blocked`;
    const [[, hits], [, pttl], [, blockTtl]] = (await this.redis
      .multi()
      .incr(hitsKey)
      .pttl(hitsKey)
      .pttl(blockKey)
      .exec()) as [unknown, number][];
    let timeToExpire = pttl;
    if (pttl < 0) {
      await this.redis.pexpire(hitsKey, ttl);
      timeToExpire = ttl;
    }
    let timeToBlockExpire = Math.max(blockTtl, 0);
    if (timeToBlockExpire === 0 && hits > limit) {
      await this.redis.set(blockKey, '1', 'PX', blockDuration);
      timeToBlockExpire = blockDuration;
    }
    return {
      totalHits: hits,
      timeToExpire: Math.ceil(timeToExpire / 1000),
      isBlocked: timeToBlockExpire > 0,
      timeToBlockExpire: Math.ceil(timeToBlockExpire / 1000),
    };
  }
}
