import { InjectQueue, Processor } from '@nestjs/bullmq';
import { Job, Queue } from 'bullmq';
import { AppConfig, CREDENTIALS_QUEUE, EXPERT_VETTED_EFFECT, JobHandler, JobProcessor, Outbox } from '@vetting/core';
import { GRADING_QUEUE } from '@vetting/assessments';
import { CredentialsService } from './credentials.service';
import { GradingService } from './grading.service';

/** Grades ended attempts (candidate code runs here, in the worker, never in the api). */
@Processor(GRADING_QUEUE, { concurrency: 2 })
export class GradingProcessor extends JobProcessor {
  constructor(private readonly grading: GradingService) {
    super('GradingProcessor');
  }
  protected readonly handlers: Record<string, JobHandler> = {
    '*': (job: Job<{ attemptId: string }>) => this.grading.grade(job.data.attemptId),
  };
}

/** Expert-Vetted evaluation after a scorecard or a profile update, and the repeatable band and badge re-evaluations. */
@Processor(CREDENTIALS_QUEUE, { concurrency: 4 })
export class CredentialsProcessor extends JobProcessor {
  constructor(
    private readonly credentials: CredentialsService,
    private readonly config: AppConfig,
    @InjectQueue(CREDENTIALS_QUEUE) private readonly queue: Queue,
    outbox: Outbox,
  ) {
    super('CredentialsProcessor');
    outbox.handle<{ freelancerId: string }>(EXPERT_VETTED_EFFECT, async ({ key, payload }) => {
      await this.queue.add('expert-vetted', { freelancerId: payload.freelancerId }, { jobId: key, attempts: 3, backoff: { type: 'exponential', delay: 1000 } });
    });
  }

  /** Schedulers are upserted by id, so every worker start keeps exactly one of each. */
  async onApplicationBootstrap(): Promise<void> {
    await this.queue.upsertJobScheduler('recompute-bands', { every: this.config.env.BAND_RECOMPUTE_EVERY.toMillis() }, { name: 'recompute-bands' });
    await this.queue.upsertJobScheduler('evaluate-badges', { every: this.config.env.BADGE_EVALUATE_EVERY.toMillis() }, { name: 'evaluate-badges' });
  }

  protected readonly handlers: Record<string, JobHandler> = {
    'expert-vetted': (job: Job<{ freelancerId: string }>) => this.credentials.evaluateExpertVetted(job.data.freelancerId),
    'recompute-bands': () => this.credentials.recomputeBands(),
    'evaluate-badges': async () => ({
      ...(await this.credentials.evaluateStatBadges()),
      expertVetted: await this.credentials.evaluateExpertVettedAll(),
    }),
  };
}
