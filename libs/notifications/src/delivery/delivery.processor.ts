import { AppConfig, JobHandler, JobProcessor } from '@vetting/core';
import { OnApplicationShutdown } from '@nestjs/common';
import { Processor } from '@nestjs/bullmq';
import { Job } from 'bullmq';
import { DELIVERY_QUEUE } from '../notifications.queues';
import { DeliveryService } from './delivery.service';

@Processor(DELIVERY_QUEUE, { concurrency: 20 })
export class DeliveryProcessor extends JobProcessor implements OnApplicationShutdown {
  constructor(
    config: AppConfig,
    private readonly delivery: DeliveryService,
  ) {
    super('DeliveryProcessor', config.env.WORKER_CONCURRENCY);
  }

  protected readonly handlers: Record<string, JobHandler> = {
    route: (job: Job) => this.delivery.route(job.data.notificationId),
    'route-batch': (job: Job) => this.delivery.routeMany(job.data.notificationIds),
    webhook: (job: Job) =>
      this.delivery.sendWebhook(job.data.deliveryId, job.attemptsMade + 1 >= (job.opts.attempts ?? 1)),
    email: (job: Job) => this.delivery.sendEmail(job.data.notificationId),
  };

  async onApplicationShutdown(): Promise<void> {
    await this.delivery.close();
  }
}
