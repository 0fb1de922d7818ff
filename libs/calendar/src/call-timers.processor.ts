import { AppConfig } from '@vetting/core';
import { Logger, OnApplicationBootstrap } from '@nestjs/common';
import { OnWorkerEvent, Processor, WorkerHost } from '@nestjs/bullmq';
import { Job } from 'bullmq';
import { CallLifecycleService } from './call-lifecycle.service';
import { CALL_TIMERS_QUEUE, CallTimerJob, CooldownExpiryJob } from './call-timers.service';

/** Call timers and cooldown expiry. At-least-once: each handler re-reads the call and no-ops when stale. */
@Processor(CALL_TIMERS_QUEUE, { concurrency: 10 })
export class CallTimersProcessor extends WorkerHost implements OnApplicationBootstrap {
  private readonly logger = new Logger('CallTimersProcessor');

  constructor(
    private readonly config: AppConfig,
    private readonly lifecycle: CallLifecycleService,
  ) {
    super();
  }

  onApplicationBootstrap(): void {
    this.worker.concurrency = this.config.env.WORKER_CONCURRENCY;
  }

  async process(job: Job): Promise<void> {
    switch (job.name) {
      case 'reminder': {
        const d = job.data as CallTimerJob;
        return this.lifecycle.onReminder(d.callId, d.version, d.lead ?? '');
      }
      case 'grace': {
        const d = job.data as CallTimerJob;
        return this.lifecycle.onGrace(d.callId, d.version);
      }
      case 'ending-soon': {
        const d = job.data as CallTimerJob;
        return this.lifecycle.onEndingSoon(d.callId, d.version);
      }
      case 'end': {
        const d = job.data as CallTimerJob;
        return this.lifecycle.onEnd(d.callId, d.version);
      }
      case 'cooldown-expiry':
        return this.lifecycle.onCooldownExpired((job.data as CooldownExpiryJob).cooldownId);
      default:
        this.logger.warn(`unknown job ${job.name}`);
    }
  }

  @OnWorkerEvent('failed')
  onFailed(job: Job, err: Error): void {
    this.logger.error({ err, jobId: job?.id }, `timer job ${job?.name} failed`);
  }
}
