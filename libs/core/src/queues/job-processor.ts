import { Logger, OnApplicationBootstrap } from '@nestjs/common';
import { OnWorkerEvent, WorkerHost } from '@nestjs/bullmq';
import { Job } from 'bullmq';

/** One job name's handler. Handlers re-read state, so a duplicate, late or early job does nothing twice. */
export type JobHandler = (job: Job) => Promise<unknown> | unknown;

/**
 * The skeleton every BullMQ processor here shares: dispatch by job name, an unknown name is logged and
 * dropped (an old job after a deploy), a failure is logged with its job id, and optionally the worker's
 * concurrency comes from config (WORKER_CONCURRENCY) once the worker exists.
 */
export abstract class JobProcessor extends WorkerHost implements OnApplicationBootstrap {
  protected readonly logger: Logger;

  protected constructor(
    name: string,
    private readonly concurrency?: number,
  ) {
    super();
    this.logger = new Logger(name);
  }

  /** The handlers by job name; `*` handles every name (a single-purpose queue). */
  protected abstract readonly handlers: Record<string, JobHandler>;

  onApplicationBootstrap(): Promise<void> | void {
    if (this.concurrency !== undefined) this.worker.concurrency = this.concurrency;
  }

  async process(job: Job): Promise<unknown> {
    const handler = this.handlers[job.name] ?? this.handlers['*'];
    if (!handler) {
      this.logger.warn(`unknown job ${job.name}`);
      return null;
    }
    return handler(job);
  }

  @OnWorkerEvent('failed')
  onFailed(job: Job | undefined, err: Error): void {
    this.logger.warn({ err, jobId: job?.id, attemptsMade: job?.attemptsMade }, `${job?.name} failed: ${err.message}`);
  }
}
