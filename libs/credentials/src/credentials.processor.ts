import { Logger, OnApplicationBootstrap } from '@nestjs/common';
import { InjectQueue, OnWorkerEvent, Processor, WorkerHost } from '@nestjs/bullmq';
import { Job, Queue } from 'bullmq';
import { AppConfig, CREDENTIALS_QUEUE, EXPERT_VETTED_EFFECT, Outbox } from '@vetting/core';
import { GRADING_QUEUE } from '@vetting/assessments';
import { CredentialsService } from './credentials.service';
import { GradingService } from './grading.service';

/** Grades ended attempts (candidate code runs here, in the worker, never in the api). */
@Processor(GRADING_QUEUE, { concurrency: 2 })
export class GradingProcessor extends WorkerHost {
  private readonly logger = new Logger('GradingProcessor');
  constructor(private readonly grading: GradingService) {
    super();
  }
  async process(job: Job<{ attemptId: string }>): Promise<void> {
    await this.grading.grade(job.data.attemptId);
  }
  @OnWorkerEvent('failed')
  onFailed(job: Job, err: Error): void {
    this.logger.error({ err, jobId: job?.id }, 'grading failed');
  }
}

/** Expert-Vetted evaluation after a scorecard or a profile update, and the repeatable band and badge re-evaluations. */
@Processor(CREDENTIALS_QUEUE, { concurrency: 4 })
export class CredentialsProcessor extends WorkerHost implements OnApplicationBootstrap {
  private readonly logger = new Logger('CredentialsProcessor');
  constructor(
    private readonly credentials: CredentialsService,
    private readonly config: AppConfig,
    @InjectQueue(CREDENTIALS_QUEUE) private readonly queue: Queue,
    outbox: Outbox,
  ) {
    super();
    outbox.handle<{ freelancerId: string }>(EXPERT_VETTED_EFFECT, async ({ key, payload }) => {
      await this.queue.add('expert-vetted', { freelancerId: payload.freelancerId }, { jobId: key, attempts: 3, backoff: { type: 'exponential', delay: 1000 } });
    });
  }

  /** Schedulers are upserted by id, so every worker start keeps exactly one of each. */
  async onApplicationBootstrap(): Promise<void> {
    await this.queue.upsertJobScheduler('recompute-bands', { every: this.config.env.BAND_RECOMPUTE_EVERY.toMillis() }, { name: 'recompute-bands' });
    await this.queue.upsertJobScheduler('evaluate-badges', { every: this.config.env.BADGE_EVALUATE_EVERY.toMillis() }, { name: 'evaluate-badges' });
  }

  async process(job: Job): Promise<unknown> {
    switch (job.name) {
      case 'expert-vetted':
        return this.credentials.evaluateExpertVetted((job.data as { freelancerId: string }).freelancerId);
      case 'recompute-bands':
        return this.credentials.recomputeBands();
      case 'evaluate-badges':
        return { ...(await this.credentials.evaluateStatBadges()), expertVetted: await this.credentials.evaluateExpertVettedAll() };
      default:
        this.logger.warn(`unknown job ${job.name}`);
        return null;
    }
  }

  @OnWorkerEvent('failed')
  onFailed(job: Job, err: Error): void {
    this.logger.error({ err, jobId: job?.id }, `${job?.name} failed`);
  }
}
