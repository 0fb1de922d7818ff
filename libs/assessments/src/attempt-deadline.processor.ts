import { OnWorkerEvent, Processor, WorkerHost } from '@nestjs/bullmq';
import { Logger } from '@nestjs/common';
import { Job } from 'bullmq';
import { ATTEMPT_DEADLINES_QUEUE, AssessmentsService } from './assessments.service';

/** Expires attempts still running at their deadline (re-reads the attempt; a duplicate job does nothing). */
@Processor(ATTEMPT_DEADLINES_QUEUE, { concurrency: 10 })
export class AttemptDeadlineProcessor extends WorkerHost {
  private readonly logger = new Logger('AttemptDeadlines');
  constructor(private readonly attempts: AssessmentsService) {
    super();
  }
  async process(job: Job<{ attemptId: string }>): Promise<void> {
    await this.attempts.expire(job.data.attemptId);
  }
  @OnWorkerEvent('failed')
  onFailed(job: Job, err: Error): void {
    this.logger.error({ err, jobId: job?.id }, 'deadline job failed');
  }
}
