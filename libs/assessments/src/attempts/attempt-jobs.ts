import { Injectable } from '@nestjs/common';
import { InjectQueue } from '@nestjs/bullmq';
import { Queue } from 'bullmq';
import { DateTime } from 'luxon';
import { Clock, Outbox } from '@vetting/core';

export const ATTEMPT_DEADLINES_QUEUE = 'attempt-deadlines';
export const GRADING_QUEUE = 'grading';
export const deadlineJobId = (attemptId: string) => `attempt:${attemptId}:deadline`;
export const gradingJobId = (attemptId: string) => `attempt:${attemptId}:grading`;
export const startWindowJobId = (attemptId: string) => `attempt:${attemptId}:start-window`;
/** Outbox topic: queue an ended attempt's grading job. */
export const GRADE_EFFECT = 'assessments.grade';

const WEEK_S = 86400 * 7;

/**
 * The attempts' jobs: the start-window and deadline timers (attempt-deadlines queue) and grading. Job ids
 * are deterministic, so adding a job again does nothing; a removal that fails is harmless (the job re-reads
 * the attempt). Delivers the outbox's grading effect.
 */
@Injectable()
export class AttemptJobs {
  constructor(
    private readonly clock: Clock,
    @InjectQueue(ATTEMPT_DEADLINES_QUEUE) private readonly deadlines: Queue,
    @InjectQueue(GRADING_QUEUE) private readonly grading: Queue,
    outbox: Outbox,
  ) {
    outbox.handle<{ attemptId: string }>(
      GRADE_EFFECT,
      async ({ payload }) => void (await this.queueGrading(payload.attemptId)),
    );
  }

  queueGrading(attemptId: string) {
    return this.grading.add(
      'grade',
      { attemptId },
      {
        jobId: gradingJobId(attemptId),
        attempts: 3,
        backoff: { type: 'exponential', delay: 1000 },
        removeOnComplete: { age: WEEK_S },
      },
    );
  }

  queueDeadline(attemptId: string, deadline: DateTime) {
    return this.deadlines.add(
      'deadline',
      { attemptId },
      {
        jobId: deadlineJobId(attemptId),
        delay: Math.max(0, deadline.toMillis() - this.clock.now().toMillis()),
        attempts: 5,
        backoff: { type: 'exponential', delay: 500 },
        removeOnComplete: { age: WEEK_S },
      },
    );
  }

  /** The job that lapses a created attempt not started by `startBy` (counted from `now`). */
  queueStartWindow(attemptId: string, startBy: DateTime, now: DateTime) {
    return this.deadlines.add(
      'start-window',
      { attemptId },
      {
        jobId: startWindowJobId(attemptId),
        delay: Math.max(0, startBy.toMillis() - now.toMillis()),
        attempts: 5,
        backoff: { type: 'exponential', delay: 500 },
        removeOnComplete: { age: WEEK_S },
      },
    );
  }

  async removeStartWindow(attemptId: string): Promise<void> {
    await this.deadlines.remove(startWindowJobId(attemptId)).catch(() => undefined);
  }

  async removeDeadline(attemptId: string): Promise<void> {
    await this.deadlines.remove(deadlineJobId(attemptId)).catch(() => undefined);
  }

  /** An ended attempt not graded: its grading job is queued, or tried again if it failed every try. */
  async regrade(attemptId: string): Promise<void> {
    const job = await this.grading.getJob(gradingJobId(attemptId));
    if (job && (await job.isFailed())) await job.retry();
    else if (!job) await this.queueGrading(attemptId);
  }
}
