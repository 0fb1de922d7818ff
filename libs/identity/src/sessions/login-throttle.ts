import { Inject, Injectable } from '@nestjs/common';
import Redis from 'ioredis';
import { AppConfig, REDIS } from '@vetting/core';
import { rateLimited } from '../domain/identity.errors';
import { accountKey, clientKey, retryAfterSeconds } from '../domain/login-throttle.rules';

/**
 * Login throttling in Redis, shared by every api process: per client address (AUTH_RATE_LIMIT per
 * AUTH_RATE_WINDOW) and per account (AUTH_ACCOUNT_RATE_LIMIT per AUTH_ACCOUNT_RATE_WINDOW), so neither many
 * accounts from one client nor one account from many addresses gets unlimited guesses.
 */
@Injectable()
export class LoginThrottle {
  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    private readonly config: AppConfig,
  ) {}

  /** Counts one attempt from this client; 429 RATE_LIMITED once past the limit. */
  async hitClient(ip: string | undefined): Promise<void> {
    const { AUTH_RATE_LIMIT, AUTH_RATE_WINDOW } = this.config.env;
    const { count, ttlMs } = await this.hit(`client:${clientKey(ip)}`, AUTH_RATE_WINDOW.toMillis());
    if (count > AUTH_RATE_LIMIT) throw rateLimited(retryAfterSeconds(ttlMs), 'client');
  }

  /**
   * Counts one attempt on this account before its password is checked (so parallel guesses are counted
   * too); 429 RATE_LIMITED once past the limit. Returns `succeeded`, which takes a successful attempt back.
   */
  async hitAccount(email: string): Promise<{ succeeded: () => Promise<void> }> {
    const { AUTH_ACCOUNT_RATE_LIMIT, AUTH_ACCOUNT_RATE_WINDOW } = this.config.env;
    const key = `account:${accountKey(email)}`;
    const { count, ttlMs } = await this.hit(key, AUTH_ACCOUNT_RATE_WINDOW.toMillis());
    if (count > AUTH_ACCOUNT_RATE_LIMIT) throw rateLimited(retryAfterSeconds(ttlMs), 'account');
    return { succeeded: async () => void (await this.redis.decr(this.key(key))) };
  }

  private key(name: string): string {
    return `${this.config.env.REDIS_PREFIX}auth-limit:${name}`;
  }

  /** A fixed window: the first hit creates the counter with its expiry, INCR keeps the expiry. */
  private async hit(name: string, windowMs: number): Promise<{ count: number; ttlMs: number }> {
    const key = this.key(name);
    const res = (await this.redis.multi().set(key, '0', 'PX', windowMs, 'NX').incr(key).pttl(key).exec()) ?? [];
    const failed = res.find(([err]) => err);
    if (failed) throw failed[0];
    return { count: Number(res[1][1]), ttlMs: Math.max(Number(res[2][1]), 0) };
  }
}
