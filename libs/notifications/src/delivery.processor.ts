import { AppConfig } from '@vetting/core';
import { Logger, OnApplicationShutdown, OnApplicationBootstrap } from '@nestjs/common';
import { OnWorkerEvent, Processor, WorkerHost } from '@nestjs/bullmq';
import { Job } from 'bullmq';
import { DELIVERY_QUEUE } from './notifications.service';
import { DeliveryService } from './delivery.service';
import { FANOUT_QUEUE, FanoutJob, FanoutService } from './fanout.service';

@Processor(DELIVERY_QUEUE, { concurrency: 20 })
export class DeliveryProcessor extends WorkerHost implements OnApplicationShutdown, OnApplicationBootstrap {
  private readonly logger = new Logger('DeliveryProcessor');
  constructor(
    private readonly config: AppConfig,
    private readonly delivery: DeliveryService,
  ) {
    super();
  }

  onApplicationBootstrap(): void {
    this.worker.concurrency = this.config.env.WORKER_CONCURRENCY;
  }

  async process(job: Job): Promise<unknown> {
    switch (job.name) {
      case 'route':
        return this.delivery.route(job.data.notificationId);
      case 'webhook':
        return this.delivery.sendWebhook(job.data.deliveryId, job.attemptsMade + 1 >= (job.opts.attempts ?? 1));
      case 'email':
        return this.delivery.sendEmail(job.data.notificationId);
      default:
        this.logger.warn(`unknown job ${job.name}`);
    }
  }

  @OnWorkerEvent('failed')
  onFailed(job: Job, err: Error): void {
    this.logger.warn({ jobId: job?.id, attemptsMade: job?.attemptsMade }, `${job?.name} failed: ${err.message}`);
  }

  async onApplicationShutdown(): Promise<void> {
    await this.delivery.close();
  }
}

/** Vetted-talent alert batches. */
@Processor(FANOUT_QUEUE, { concurrency: 2 })
export class FanoutProcessor extends WorkerHost {
  constructor(private readonly fanout: FanoutService) {
    super();
  }
  process(job: Job<FanoutJob>): Promise<unknown> {
    return this.fanout.runBatch(job.data);
  }
}
