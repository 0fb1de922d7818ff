import { Injectable } from '@nestjs/common';
import { InjectQueue } from '@nestjs/bullmq';
import { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import { Queue } from 'bullmq';
import { AppConfig, Outbox, OutboxMessage, withContext } from '@vetting/core';
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

  async runBatch(job: FanoutJob): Promise<{ notified: number; next: string | null }> {
    const size = this.config.env.FANOUT_BATCH_SIZE;
    const ids = await withContext(this.orm, () => this.alerts.alertRecipients(job.categorySlug, job.after, size));
    const clients = ids.map((id) => ({ id }));
    const next = clients.length === size ? clients[clients.length - 1].id : null;
    // This batch's notifications and the next batch's job commit together; a retried batch stores nothing twice.
    const notified = await withContext(this.orm, (ctx) =>
      ctx.transactional(async (tem) => {
        const n = await this.notifyBatch(job, clients, tem as EntityManager);
        if (next) {
          const payload = { ...job, after: next };
          await this.outbox.write(tem as EntityManager, [
            { topic: FANOUT_BATCH, key: fanoutJobId(job.alertId, next), payload },
          ]);
        }
        return n;
      }),
    );
    return { notified, next };
  }

  private notifyBatch(job: FanoutJob, clients: { id: string }[], em: EntityManager) {
    return this.notifications.notifyMany(
      clients.map((c) => ({
        userId: c.id,
        type: 'talent.vetted',
        title: `New Expert-Vetted talent in ${job.categorySlug}`,
        body: `${job.freelancerName} just became Expert-Vetted in a category you follow.`,
        data: { freelancerId: job.freelancerId, categorySlug: job.categorySlug, badge: 'expert_vetted' },
        dedupeKey: `talent.vetted:${job.alertId}:${c.id}`,
      })),
      em,
    );
  }
}
