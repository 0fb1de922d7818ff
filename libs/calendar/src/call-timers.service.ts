import { Injectable, Logger } from '@nestjs/common';
import { InjectQueue } from '@nestjs/bullmq';
import { Queue } from 'bullmq';
import { AppConfig, Clock, serviceUnavailable, withDependencyTimeout } from '@vetting/core';
import type { VettingCall } from './call.entities';
import { callState } from './call-state';
import { CallPolicy, callTimers } from './call.rules';

export const CALL_TIMERS_QUEUE = 'call-timers';

export interface CallTimerJob {
  callId: string;
  version: number;
  lead?: string;
}
export interface CooldownExpiryJob {
  cooldownId: string;
}

export const cooldownJobId = (cooldownId: string) => `cooldown:${cooldownId}:expiry`;

const KEEP = { removeOnComplete: { age: 7 * 24 * 3600 }, removeOnFail: { age: 30 * 24 * 3600 } };

export function callPolicy(config: AppConfig): CallPolicy {
  const p = config.policy;
  return {
    callLength: p.callLength,
    gracePeriod: p.gracePeriod,
    rescheduleNotice: p.rescheduleNotice,
    maxReschedules: p.maxReschedules,
    missedCooldown: p.missedCooldown,
    joinEarly: p.joinEarly,
    endingSoon: p.endingSoon,
    reminders: p.reminders,
  };
}

/**
 * A call's timers as BullMQ delayed jobs. Ids carry the call's version, so adding the same timers
 * twice is a no-op and a reschedule's new timers never collide with the old ones.
 */
@Injectable()
export class CallTimersService {
  private readonly logger = new Logger('CallTimers');

  constructor(
    @InjectQueue(CALL_TIMERS_QUEUE) private readonly queue: Queue,
    private readonly config: AppConfig,
    private readonly clock: Clock,
  ) {}

  /**
   * Refuses (503) before anything is written when the timers could not be added now (Redis down, or not
   * answering within DEPENDENCY_TIMEOUT): a booking answered 503 has stored nothing, so the client may simply
   * try again. One round trip on the queue's own connection.
   */
  async assertAvailable(): Promise<void> {
    const timeoutMs = this.config.env.DEPENDENCY_TIMEOUT.toMillis();
    const client = await withDependencyTimeout(this.queue.client, timeoutMs, 'redis');
    if (client.status !== 'ready') throw serviceUnavailable('redis');
    // BullMQ's client type omits PING; its proxy forwards it to ioredis.
    await withDependencyTimeout((client as unknown as { ping(): Promise<unknown> }).ping(), timeoutMs, 'redis');
  }

  async schedule(call: VettingCall): Promise<void> {
    const now = this.clock.now();
    const timers = callTimers(callState(call), callPolicy(this.config), now);
    await this.queue.addBulk(
      timers.map((t) => ({
        name: t.kind,
        data: { callId: call.id, version: call.version, lead: t.lead } satisfies CallTimerJob,
        opts: { jobId: t.jobId, delay: Math.max(0, t.at.toMillis() - now.toMillis()), attempts: 5, backoff: { type: 'exponential', delay: 1000 }, ...KEEP },
      })),
    );
  }

  /** Removes the delayed timers of a superseded version (a stale one that still fires does nothing). */
  async unschedule(call: VettingCall, version: number): Promise<void> {
    const timers = callTimers({ ...callState(call), version, status: 'scheduled' }, callPolicy(this.config), this.clock.now().minus({ years: 10 }));
    await Promise.all(
      timers.map((t) =>
        this.queue.remove(t.jobId).catch((err) => this.logger.warn(`could not remove ${t.jobId}: ${err}`)),
      ),
    );
  }

  async scheduleCooldownExpiry(cooldownId: string, until: Date): Promise<void> {
    await this.queue.add('cooldown-expiry', { cooldownId } satisfies CooldownExpiryJob, {
      jobId: cooldownJobId(cooldownId),
      delay: Math.max(0, until.getTime() - this.clock.now().toMillis()),
      attempts: 5,
      backoff: { type: 'exponential', delay: 1000 },
      ...KEEP,
    });
  }
}
