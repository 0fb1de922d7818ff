import { Injectable } from '@nestjs/common';
import { EntityManager, RequiredEntityData } from '@mikro-orm/postgresql';
import { Webhook } from './delivery.entities';

/** `webhooks`: the endpoints users register, and their failure counters. */
@Injectable()
export class WebhooksRepository {
  constructor(private readonly em: EntityManager) {}

  countFor(userId: string): Promise<number> {
    return this.em.count(Webhook, { userId });
  }

  async create(data: RequiredEntityData<Webhook>): Promise<Webhook> {
    const hook = this.em.create(Webhook, data);
    await this.em.persistAndFlush(hook);
    return hook;
  }

  listFor(userId: string): Promise<Webhook[]> {
    return this.em.find(Webhook, { userId }, { orderBy: { createdAt: 'asc' } });
  }

  activeFor(userId: string): Promise<Webhook[]> {
    return this.em.find(Webhook, { userId, active: true });
  }

  /** The active webhooks of many users (routing a batch). */
  activeForUsers(userIds: readonly string[]): Promise<Webhook[]> {
    if (userIds.length === 0) return Promise.resolve([]);
    return this.em.find(Webhook, { userId: { $in: [...userIds] }, active: true });
  }

  findById(id: string): Promise<Webhook | null> {
    return this.em.findOne(Webhook, { id });
  }

  findOwn(userId: string, id: string): Promise<Webhook | null> {
    return this.em.findOne(Webhook, { id, userId });
  }

  remove(hook: Webhook): Promise<void> {
    return this.em.removeAndFlush(hook);
  }

  /** Active again with a clean failure count (after it was disabled). */
  async enable(hook: Webhook): Promise<void> {
    hook.active = true;
    hook.consecutiveFailures = 0;
    hook.disabledReason = null;
    hook.disabledAt = null;
    await this.em.flush();
  }

  /** An event delivered: the failure streak ends. */
  async resetFailures(id: string): Promise<void> {
    await this.em.execute(`update webhooks set consecutive_failures = 0 where id = ?`, [id]);
  }

  /**
   * An event that failed every attempt: one more in the streak; at `disableAfter` in a row the webhook is
   * disabled with `reason` (decided in the statement, so concurrent failures count exactly).
   */
  async countFailure(id: string, disableAfter: number, at: Date, reason: string): Promise<void> {
    await this.em.execute(
      `update webhooks set consecutive_failures = consecutive_failures + 1,
              active = case when consecutive_failures + 1 >= ? then false else active end,
              disabled_at = case when consecutive_failures + 1 >= ? then ? else disabled_at end,
              disabled_reason = case when consecutive_failures + 1 >= ? then ? else disabled_reason end
        where id = ?`,
      [disableAfter, disableAfter, at, disableAfter, reason, id],
    );
  }
}
