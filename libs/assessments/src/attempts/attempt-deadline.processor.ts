import { AppConfig, JobHandler, JobProcessor } from '@vetting/core';
import { Processor } from '@nestjs/bullmq';
import { Job } from 'bullmq';
import { AbandonAttempt } from './abandon-attempt';
import { ATTEMPT_DEADLINES_QUEUE } from './attempt-jobs';
import { EndAttempt } from './end-attempt';

/**
 * Expires attempts still running at their deadline, and lapses created attempts not started within
 * ATTEMPT_START_WINDOW (both re-read the attempt; a duplicate or early job does nothing).
 */
@Processor(ATTEMPT_DEADLINES_QUEUE, { concurrency: 10 })
export class AttemptDeadlineProcessor extends JobProcessor {
  constructor(
    config: AppConfig,
    private readonly abandoning: AbandonAttempt,
    private readonly ending: EndAttempt,
  ) {
    super('AttemptDeadlines', config.env.WORKER_CONCURRENCY);
  }

  protected readonly handlers: Record<string, JobHandler> = {
    'start-window': (job: Job<{ attemptId: string }>) => this.abandoning.lapse(job.data.attemptId),
    '*': (job: Job<{ attemptId: string }>) => this.ending.expire(job.data.attemptId),
  };
}
