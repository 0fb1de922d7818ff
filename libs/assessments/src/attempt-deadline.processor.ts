import { AppConfig } from '@vetting/core';
import { OnWorkerEvent, Processor, WorkerHost } from '@nestjs/bullmq';
import { Logger, OnApplicationBootstrap } from '@nestjs/common';
import { Job } from 'bullmq';
import { ATTEMPT_DEADLINES_QUEUE, AssessmentsService } from './assessments.service';

/**
 * Expires attempts still running at their deadline, and lapses created attempts not started within
 * ATTEMPT_START_WINDOW (both re-read the attempt; a duplicate or early job does nothing).
 */
@Processor(ATTEMPT_DEADLINES_QUEUE, { concurrency: 10 })
export class AttemptDeadlineProcessor extends WorkerHost implements OnApplicationBootstrap {
  private readonly logger = new Logger('AttemptDeadlines');
  constructor(
    private readonly config: AppConfig,
    private readonly attempts: AssessmentsService,
  ) {
    super();
  }

  onApplicationBootstrap(): void {
    this.worker.concurrency = this.config.env.WORKER_CONCURRENCY;
  }
  async process(job: Job<{ attemptId: string }>): Promise<void> {
    if (job.name === 'start-window') await this.attempts.lapse(job.data.attemptId);
    else await this.attempts.expire(job.data.attemptId);
  }
  @OnWorkerEvent('failed')
  onFailed(job: Job, err: Error): void {
    this.logger.error({ err, jobId: job?.id }, 'deadline job failed');
  }
}
