import { AppConfig, JobHandler, JobProcessor } from '@vetting/core';
import { Processor } from '@nestjs/bullmq';
import { Job } from 'bullmq';
import { ATTEMPT_DEADLINES_QUEUE, AssessmentsService } from './assessments.service';

/**
 * Expires attempts still running at their deadline, and lapses created attempts not started within
 * ATTEMPT_START_WINDOW (both re-read the attempt; a duplicate or early job does nothing).
 */
@Processor(ATTEMPT_DEADLINES_QUEUE, { concurrency: 10 })
export class AttemptDeadlineProcessor extends JobProcessor {
  constructor(
    config: AppConfig,
    private readonly attempts: AssessmentsService,
  ) {
    super('AttemptDeadlines', config.env.WORKER_CONCURRENCY);
  }

  protected readonly handlers: Record<string, JobHandler> = {
    'start-window': (job: Job<{ attemptId: string }>) => this.attempts.lapse(job.data.attemptId),
    '*': (job: Job<{ attemptId: string }>) => this.attempts.expire(job.data.attemptId),
  };
}
