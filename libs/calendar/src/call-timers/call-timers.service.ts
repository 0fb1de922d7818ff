import { Injectable, Logger } from '@nestjs/common';
import { InjectQueue } from '@nestjs/bullmq';
import { Queue } from 'bullmq';
import { AppConfig, Clock, Outbox, OutboxMessage, serviceUnavailable, withDependencyTimeout } from '@vetting/core';
import { VettingCall } from '../data/call.entities';
import { CallsRepository } from '../data/calls.repository';
import { callState } from '../domain/call-state';
import { CallPolicy, callTimers } from '../domain/call.rules';

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

/** Outbox rows: the timers of a call's current version, removing a superseded version's, a cooldown's expiry. */
export const scheduleTimersEffect = (callId: string, version: number): OutboxMessage => ({
  topic: 'calendar.timers',
  key: `call:${callId}:v${version}:timers`,
  payload: { callId },
});
export const unscheduleTimersEffect = (callId: string, version: number): OutboxMessage => ({
  topic: 'calendar.unschedule-timers',
  key: `call:${callId}:v${version}:unschedule`,
  payload: { callId, version },
});
export const cooldownExpiryEffect = (cooldownId: string, until: Date): OutboxMessage => ({
  topic: 'calendar.cooldown-expiry',
  key: cooldownJobId(cooldownId),
  payload: { cooldownId, until: until.toISOString() },
});

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
  /** The Redis PING in flight, if any (see assertAvailable). */
  private probe: Promise<void> | null = null;

  constructor(
    @InjectQueue(CALL_TIMERS_QUEUE) private readonly queue: Queue,
    private readonly config: AppConfig,
    private readonly clock: Clock,
    private readonly calls: CallsRepository,
    outbox: Outbox,
  ) {
    outbox.handle<{ callId: string }>('calendar.timers', async ({ payload }) => {
      const call = await this.calls.findFresh(payload.callId);
      if (call) await this.schedule(call); // the current version's (none once it has ended)
    });
    outbox.handle<{ callId: string; version: number }>('calendar.unschedule-timers', async ({ payload }) => {
      const call = await this.calls.findFresh(payload.callId);
      if (call) await this.unschedule(call, payload.version);
    });
    outbox.handle<{ cooldownId: string; until: string }>('calendar.cooldown-expiry', ({ payload }) =>
      this.scheduleCooldownExpiry(payload.cooldownId, new Date(payload.until)),
    );
  }

  /**
   * Refuses (503) before anything is written when the timers could not be added now (Redis down, or not
   * answering within DEPENDENCY_TIMEOUT): a booking answered 503 has stored nothing, so the client may simply
   * try again. One round trip on the queue's own connection, shared by the checks that overlap it.
   */
  assertAvailable(): Promise<void> {
    // Checks that start while a PING is in flight share its answer: it arrives after each of them asked, so it
    // says as much about Redis now as a PING of their own would (under load: one round trip, not one per booking).
    this.probe ??= this.ping().finally(() => {
      this.probe = null;
    });
    return this.probe;
  }

  private async ping(): Promise<void> {
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
        opts: {
          jobId: t.jobId,
          delay: Math.max(0, t.at.toMillis() - now.toMillis()),
          attempts: 5,
          backoff: { type: 'exponential', delay: 1000 },
          ...KEEP,
        },
      })),
    );
  }

  /** Removes the delayed timers of a superseded version (a stale one that still fires does nothing). */
  async unschedule(call: VettingCall, version: number): Promise<void> {
    const timers = callTimers(
      { ...callState(call), version, status: 'scheduled' },
      callPolicy(this.config),
      this.clock.now().minus({ years: 10 }),
    );
    await Promise.all(
      timers.map((t) =>
        this.queue.remove(t.jobId).catch((err) => this.logger.warn(`could not remove ${t.jobId}: ${err}`)),
      ),
    );
  }

  /**
   * Removes timers that can no longer do anything (their call is settled), all sent at once (one pipeline). A
   * timer already running or gone is left alone: a stale one that still fires re-reads its call and does nothing.
   */
  async drop(jobIds: string[]): Promise<void> {
    await Promise.all(jobIds.map((id) => this.queue.remove(id).catch(() => 0)));
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
