import { AppConfig, JobHandler, JobProcessor } from '@vetting/core';
import { Processor } from '@nestjs/bullmq';
import { Job } from 'bullmq';
import { CallLifecycleService } from './call-lifecycle.service';
import { CALL_TIMERS_QUEUE, CallTimerJob, CooldownExpiryJob } from './call-timers.service';

/** Call timers and cooldown expiry. At-least-once: each handler re-reads the call and no-ops when stale. */
@Processor(CALL_TIMERS_QUEUE, { concurrency: 10 })
export class CallTimersProcessor extends JobProcessor {
  constructor(
    config: AppConfig,
    private readonly lifecycle: CallLifecycleService,
  ) {
    super('CallTimersProcessor', config.env.WORKER_CONCURRENCY);
  }

  protected readonly handlers: Record<string, JobHandler> = {
    reminder: ({ data }: Job<CallTimerJob>) => this.lifecycle.onReminder(data.callId, data.version, data.lead ?? ''),
    grace: ({ data }: Job<CallTimerJob>) => this.lifecycle.onGrace(data.callId, data.version),
    'ending-soon': ({ data }: Job<CallTimerJob>) => this.lifecycle.onEndingSoon(data.callId, data.version),
    end: ({ data }: Job<CallTimerJob>) => this.lifecycle.onEnd(data.callId, data.version),
    'cooldown-expiry': ({ data }: Job<CooldownExpiryJob>) => this.lifecycle.onCooldownExpired(data.cooldownId),
  };
}
