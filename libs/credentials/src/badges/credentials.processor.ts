import { InjectQueue, Processor } from '@nestjs/bullmq';
import { Job, Queue } from 'bullmq';
import { AppConfig, CREDENTIALS_QUEUE, EXPERT_VETTED_EFFECT, JobHandler, JobProcessor, Outbox } from '@vetting/core';
import { VerifiedSkillsService } from '../verified-skills/verified-skills.service';
import { ExpertVettedService } from './expert-vetted.service';
import { StatBadgesService } from './stat-badges.service';

/** Expert-Vetted evaluation after a scorecard or a profile update, and the repeatable band and badge re-evaluations. */
@Processor(CREDENTIALS_QUEUE, { concurrency: 4 })
export class CredentialsProcessor extends JobProcessor {
  constructor(
    private readonly expertVetted: ExpertVettedService,
    private readonly statBadges: StatBadgesService,
    private readonly verifiedSkills: VerifiedSkillsService,
    private readonly config: AppConfig,
    @InjectQueue(CREDENTIALS_QUEUE) private readonly queue: Queue,
    outbox: Outbox,
  ) {
    super('CredentialsProcessor');
    outbox.handle<{ freelancerId: string }>(EXPERT_VETTED_EFFECT, async ({ key, payload }) => {
      const opts = { jobId: key, attempts: 3, backoff: { type: 'exponential', delay: 1000 } };
      await this.queue.add('expert-vetted', { freelancerId: payload.freelancerId }, opts);
    });
  }

  /** Schedulers are upserted by id, so every worker start keeps exactly one of each. */
  async onApplicationBootstrap(): Promise<void> {
    const env = this.config.env;
    const bands = { every: env.BAND_RECOMPUTE_EVERY.toMillis() };
    const badges = { every: env.BADGE_EVALUATE_EVERY.toMillis() };
    await this.queue.upsertJobScheduler('recompute-bands', bands, { name: 'recompute-bands' });
    await this.queue.upsertJobScheduler('evaluate-badges', badges, { name: 'evaluate-badges' });
  }

  protected readonly handlers: Record<string, JobHandler> = {
    'expert-vetted': (job: Job<{ freelancerId: string }>) => this.expertVetted.evaluate(job.data.freelancerId),
    'recompute-bands': () => this.verifiedSkills.recomputeBands(),
    'evaluate-badges': async () => ({
      ...(await this.statBadges.evaluate()),
      expertVetted: await this.expertVetted.evaluateAll(),
    }),
  };
}
