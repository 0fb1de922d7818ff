import { Injectable, Logger } from '@nestjs/common';
import { InjectQueue } from '@nestjs/bullmq';
import { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import { Queue } from 'bullmq';
import { randomUUID } from 'node:crypto';
import { Clock, MAX_INSTANT_MS, MIN_INSTANT_MS, Outbox, SqlGate, SqlPart, withContext } from '@vetting/core';
import { LivePublisher, userRoom } from '@vetting/live';
import { Notification, NotificationAttachment, toNotificationView } from '../data/notification.entity';
import { NotificationsRepository, notificationsInsertPart } from '../data/notifications.repository';
import { invalidCursor, notificationNotFound } from '../domain/notifications.errors';
import { DELIVERY_QUEUE, routeBatchJobId, routeJobId } from '../notifications.queues';

/**
 * One outbox row per notification: rows written before batch delivery, and those of `notifyManyPart` (a booking's
 * two notifications, stored by the booking's own statement). Still delivered (`deliver`).
 */
export const NOTIFICATION_DELIVER = 'notification.deliver';
/** One outbox row per stored batch: its pushes and routing jobs go out together. */
export const NOTIFICATION_DELIVER_BATCH = 'notification.deliver-batch';

/** What the batch's notifications show, stored once per distinct content. */
export interface NotificationContent {
  type: string;
  title: string;
  body: string;
  data: Record<string, unknown>;
}

/** A stored notification owed its push (when `push`) and its routing. */
export interface StoredNotification extends NotificationContent {
  id: string;
  userId: string;
  push: boolean;
}

/** The outbox payload of a batch: each distinct content once, then per notification [id, user, push, content]. */
export interface NotificationBatchDelivery {
  createdAt: string;
  contents: NotificationContent[];
  items: [id: string, userId: string, push: boolean, content: number][];
  /** One routing job for the whole batch (fan-outs) instead of one per notification. */
  routeTogether?: boolean;
}

export interface NotificationDelivery {
  userId: string;
  push: boolean | undefined;
  view: {
    id: string;
    type: string;
    title: string;
    body: string;
    data: Record<string, unknown>;
    createdAt: string;
    readAt: null;
  };
}

export interface NotifyInput {
  userId: string;
  type: string;
  title: string;
  body: string;
  data?: Record<string, unknown>;
  /** Same key → stored and pushed once, however often this is called. */
  dedupeKey?: string;
  attachments?: NotificationAttachment[];
}

@Injectable()
export class NotificationsService {
  private readonly logger = new Logger('Notifications');

  constructor(
    private readonly orm: MikroORM,
    private readonly notifications: NotificationsRepository,
    private readonly clock: Clock,
    private readonly live: LivePublisher,
    @InjectQueue(DELIVERY_QUEUE) private readonly delivery: Queue,
    private readonly outbox: Outbox,
  ) {
    outbox.handle<NotificationDelivery>(NOTIFICATION_DELIVER, ({ payload }) => this.deliver(payload));
    outbox.handle<NotificationBatchDelivery>(NOTIFICATION_DELIVER_BATCH, ({ payload }) => this.deliverBatch(payload));
  }

  /**
   * Stores the notification in the user's inbox, pushes `notification:new` and queues its email and
   * webhook deliveries. Idempotent per dedupeKey: a retried job stores, pushes and delivers once.
   */
  async notify(input: NotifyInput, em?: EntityManager): Promise<boolean> {
    return (await this.notifyMany([input], em)) > 0;
  }

  /**
   * The batch form: one insert, and one outbox row for the batch that pushes its new notifications and
   * queues their routing. With `em` (inside the caller's transaction) the notifications commit with the state
   * change that owes them; without, they get a transaction of their own.
   */
  async notifyMany(inputs: NotifyInput[], em?: EntityManager): Promise<number> {
    if (inputs.length === 0) return 0;
    if (!em)
      return withContext(this.orm, (ctx) => ctx.transactional((tem) => this.notifyMany(inputs, tem as EntityManager)));
    const createdAt = this.clock.now().toJSDate();
    const rows = inputs.map((i) => ({ id: randomUUID(), ...i }));
    // One statement stores the batch and answers, per stored notification, whether its user wants a push.
    const inserted = await this.notifications.insertMany(em, rows, createdAt);
    const wantsPush = new Map(inserted.map((r) => [r.id, r.push]));
    const stored = rows
      .filter((r) => wantsPush.has(r.id))
      .map((r) => ({ ...r, data: r.data ?? {}, push: wantsPush.get(r.id) ?? true }));
    await this.deliverStored(em, stored, createdAt);
    return stored.length;
  }

  /**
   * Owes the pushes and routing of notifications just stored in `em`'s transaction: one outbox row for the
   * lot (keyed by the first one's id, so it is written once), delivered after the commit.
   */
  async deliverStored(
    em: EntityManager,
    stored: readonly StoredNotification[],
    createdAt: Date,
    opts: { routeTogether?: boolean } = {},
  ): Promise<void> {
    if (stored.length === 0) return;
    const contents: NotificationContent[] = [];
    const index = new Map<string, number>();
    const items = stored.map((n): NotificationBatchDelivery['items'][number] => {
      const content = { type: n.type, title: n.title, body: n.body, data: n.data };
      const key = JSON.stringify(content);
      let i = index.get(key);
      if (i === undefined) index.set(key, (i = contents.push(content) - 1));
      return [n.id, n.userId, n.push, i];
    });
    const payload: NotificationBatchDelivery = { createdAt: createdAt.toISOString(), contents, items };
    if (opts.routeTogether) payload.routeTogether = true;
    await this.outbox.write(em, [
      { topic: NOTIFICATION_DELIVER_BATCH, key: `notification:${stored[0].id}:deliver-batch`, payload },
    ]);
  }

  /**
   * The batch's outbox handler: every `notification:new` into the live stream together (clients
   * de-duplicate by id), then every routing job in one round trip (one job per notification id, or one for
   * the batch when `routeTogether`: job ids are the notifications', so a repeated delivery queues nothing
   * twice).
   */
  async deliverBatch(d: NotificationBatchDelivery): Promise<void> {
    const views = d.items.map(([id, userId, push, c]) => ({
      userId,
      push,
      view: { id, ...d.contents[c], createdAt: d.createdAt, readAt: null },
    }));
    await this.live.emitMany(
      views
        .filter((v) => v.push)
        .map((v) => ({ room: userRoom(v.userId), event: 'notification:new', payload: v.view })),
    );
    if (d.routeTogether && views.length > 0) {
      const notificationIds = views.map((v) => v.view.id);
      await this.delivery.add('route-batch', { notificationIds }, routeBatchJobOptions(notificationIds[0]));
      return;
    }
    await this.delivery.addBulk(
      views.map((v) => ({ name: 'route', data: { notificationId: v.view.id }, opts: routeJobOptions(v.view.id) })),
    );
  }

  /**
   * `notifyMany` as CTEs of the caller's own statement (the notifications and their delivery rows are stored by
   * the statement that makes the change owing them, as `gate` says: when its CTE has a row, or each with the change
   * its `gateId` names). Its delivery rows are
   * one `NOTIFICATION_DELIVER` row per stored notification (keyed by its id, delivered once by `deliver`), not a
   * batch row. The caller nudges the outbox relays once the statement is done.
   */
  notifyManyPart(name: string, gate: SqlGate, inputs: (NotifyInput & { gateId?: string })[]): SqlPart {
    const rows = inputs.map((i) => ({ id: randomUUID(), ...i }));
    return notificationsInsertPart(name, gate, rows, this.clock.now().toJSDate(), NOTIFICATION_DELIVER);
  }

  /**
   * The per-notification outbox handler (rows written before batches, and the rows `notifyManyPart` writes):
   * `notification:new` to the user's sockets (clients de-duplicate by id) and the routing job.
   */
  async deliver(d: NotificationDelivery): Promise<void> {
    if (d.push) await this.live.emit(userRoom(d.userId), 'notification:new', d.view);
    await this.delivery.add('route', { notificationId: d.view.id }, routeJobOptions(d.view.id));
  }

  async inbox(userId: string, opts: { cursor?: string; limit: number; unreadOnly: boolean }) {
    const before = opts.cursor ? decodeCursor(opts.cursor) : undefined;
    const items = await this.notifications.page(userId, { before, take: opts.limit + 1, unreadOnly: opts.unreadOnly });
    const page = items.slice(0, opts.limit);
    const unreadCount = await this.notifications.countUnread(userId);
    const last = page[page.length - 1];
    return {
      items: page.map(toNotificationView),
      unreadCount,
      nextCursor: items.length > opts.limit && last ? encodeCursor(last) : null,
    };
  }

  async markRead(userId: string, id: string) {
    const n = await this.notifications.findOwn(userId, id);
    if (!n) throw notificationNotFound(id);
    await this.notifications.markRead(n, this.clock.now().toJSDate());
    return toNotificationView(n);
  }

  async markAllRead(userId: string): Promise<{ updated: number }> {
    const updated = await this.notifications.markAllRead(userId, this.clock.now().toJSDate());
    return { updated };
  }
}

const routeJobOptions = (notificationId: string) => ({
  jobId: routeJobId(notificationId),
  attempts: 5,
  backoff: { type: 'exponential' as const, delay: 1000 },
  removeOnComplete: { age: 86400 },
});

const routeBatchJobOptions = (firstNotificationId: string) => ({
  jobId: routeBatchJobId(firstNotificationId),
  attempts: 5,
  backoff: { type: 'exponential' as const, delay: 1000 },
  removeOnComplete: { age: 86400 },
});

const encodeCursor = (n: Notification) => Buffer.from(`${n.createdAt.toISOString()}|${n.id}`).toString('base64url');
function decodeCursor(cursor: string): [Date, string] {
  const [iso, id] = Buffer.from(cursor, 'base64url').toString().split('|');
  const at = new Date(iso ?? '');
  // Only instants this API can have written (1970–2100): PostgreSQL refuses years before 4713 BC.
  if (!id || !(at.getTime() >= MIN_INSTANT_MS && at.getTime() < MAX_INSTANT_MS)) throw invalidCursor();
  return [at, id];
}
