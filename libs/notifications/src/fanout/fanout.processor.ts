import { JobHandler, JobProcessor } from '@vetting/core';
import { Processor } from '@nestjs/bullmq';
import { Job } from 'bullmq';
import { FANOUT_QUEUE } from '../notifications.queues';
import { FanoutJob, FanoutService } from './fanout.service';

/** Vetted-talent alert batches. */
@Processor(FANOUT_QUEUE, { concurrency: 2 })
export class FanoutProcessor extends JobProcessor {
  constructor(private readonly fanout: FanoutService) {
    super('FanoutProcessor');
  }
  protected readonly handlers: Record<string, JobHandler> = {
    '*': (job: Job<FanoutJob>) => this.fanout.runBatch(job.data),
  };
}
