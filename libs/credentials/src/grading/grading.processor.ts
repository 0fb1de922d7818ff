import { Processor } from '@nestjs/bullmq';
import { Job } from 'bullmq';
import { JobHandler, JobProcessor } from '@vetting/core';
import { GRADING_QUEUE } from '@vetting/assessments';
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
