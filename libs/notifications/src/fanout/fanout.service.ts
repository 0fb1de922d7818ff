import { Injectable } from '@nestjs/common';
import { InjectQueue } from '@nestjs/bullmq';
import { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import { Queue } from 'bullmq';
import { AppConfig, Clock, Outbox, OutboxMessage, withContext } from '@vetting/core';
import { TalentAlertsRepository } from '../data/talent-alerts.repository';
import { NotificationsService } from '../inbox/notifications.service';
import { FANOUT_QUEUE } from '../notifications.queues';

export interface FanoutJob {
  alertId: string;
  freelancerId: string;
  freelancerName: string;
  categorySlug: string;
  /** Clients with a greater id are next. */
  after: string | null;
}

export const fanoutJobId = (alertId: string, after: string | null) => `fanout:${alertId}:${after ?? 'first'}`;
const FANOUT_BATCH = 'notifications.fanout-batch';

/** Outbox row: queue a vetted-talent alert's first batch (written with the badge that causes it). */
export const fanoutStartEffect = (job: Omit<FanoutJob, 'after'>): OutboxMessage => ({
  topic: FANOUT_BATCH,
  key: fanoutJobId(job.alertId, null),
  payload: { ...job, after: null },
});

/**
 * Vetted-talent alerts: every Business Plus / Enterprise client following the category, in batches of
 * FANOUT_BATCH_SIZE, each batch its own job (so 10,000 followers never block a worker), each alert
 * idempotent per (alert, client). Marketplace clients never see Expert-Vetted, so they never get one.
 */
@Injectable()
export class FanoutService {
  constructor(
    private readonly orm: MikroORM,
    private readonly config: AppConfig,
    private readonly notifications: NotificationsService,
    private readonly alerts: TalentAlertsRepository,
    @InjectQueue(FANOUT_QUEUE) private readonly queue: Queue,
    private readonly outbox: Outbox,
    private readonly clock: Clock,
  ) {
    outbox.handle<FanoutJob>(FANOUT_BATCH, ({ payload }) => this.enqueue(payload));
  }

  async start(job: Omit<FanoutJob, 'after'>): Promise<void> {
    await this.enqueue({ ...job, after: null });
  }

  private async enqueue(job: FanoutJob): Promise<void> {
    await this.queue.add('fanout', job, {
      jobId: fanoutJobId(job.alertId, job.after),
      attempts: 5,
      backoff: { type: 'exponential', delay: 1000 },
      removeOnComplete: { age: 86400 },
    });
  }

  /**
   * One batch, one transaction: the next page of followers is stored as notifications by one set-based
   * statement (INSERT ... SELECT keyed by the cursor; a retried batch stores nothing twice and still knows
   * where the next one starts), then the next batch's job and this batch's pushes and routing go into the
   * outbox, the next batch first (the relay queues it before pushing this one, so batches overlap with
   * pushes).
   */
  async runBatch(job: FanoutJob): Promise<{ notified: number; next: string | null }> {
    const size = this.config.env.FANOUT_BATCH_SIZE;
    const createdAt = this.clock.now().toJSDate();
    const content = {
      type: 'talent.vetted',
      title: `New Expert-Vetted talent in ${job.categorySlug}`,
      body: `${job.freelancerName} just became Expert-Vetted in a category you follow.`,
      data: { freelancerId: job.freelancerId, categorySlug: job.categorySlug, badge: 'expert_vetted' },
    };
    return withContext(this.orm, (ctx) =>
      ctx.transactional(async (tem) => {
        const em = tem as EntityManager;
        const page = await this.alerts.insertAlertBatch(em, {
          categorySlug: job.categorySlug,
          after: job.after,
          size,
          content,
          dedupePrefix: `talent.vetted:${job.alertId}:`,
          createdAt,
        });
        const next = page.pageSize === size ? page.last : null;
        if (next) {
          const payload = { ...job, after: next };
          await this.outbox.write(em, [{ topic: FANOUT_BATCH, key: fanoutJobId(job.alertId, next), payload }]);
        }
        await this.notifications.deliverStored(
          em,
          page.stored.map((n) => ({ ...n, ...content })),
          createdAt,
          { routeTogether: true },
        );
        return { notified: page.stored.length, next };
      }),
    );
  }
}
