import { Injectable, Logger } from '@nestjs/common';
import { InjectQueue } from '@nestjs/bullmq';
import { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import { Queue } from 'bullmq';
import { randomUUID } from 'node:crypto';
import { Clock, Outbox, SqlPart, withContext } from '@vetting/core';
import { LivePublisher, userRoom } from '@vetting/live';
import { Notification, NotificationAttachment, toNotificationView } from '../data/notification.entity';
import { NotificationsRepository, notificationsInsertPart } from '../data/notifications.repository';
import { invalidCursor, notificationNotFound } from '../domain/notifications.errors';
import { DELIVERY_QUEUE, routeJobId } from '../notifications.queues';

export const NOTIFICATION_DELIVER = 'notification.deliver';

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
  }

  /**
   * Stores the notification in the user's inbox, pushes `notification:new` and queues its email and
   * webhook deliveries. Idempotent per dedupeKey: a retried job stores, pushes and delivers once.
   */
  async notify(input: NotifyInput, em?: EntityManager): Promise<boolean> {
    return (await this.notifyMany([input], em)) > 0;
  }

  /**
   * The batch form (fan-outs): one insert, and per new notification an outbox row that pushes it and queues
   * its routing. With `em` (inside the caller's transaction) the notifications commit with the state change
   * that owes them; without, they get a transaction of their own.
   */
  async notifyMany(inputs: NotifyInput[], em?: EntityManager): Promise<number> {
    if (inputs.length === 0) return 0;
    if (!em)
      return withContext(this.orm, (ctx) => ctx.transactional((tem) => this.notifyMany(inputs, tem as EntityManager)));
    const createdAt = this.clock.now().toJSDate();
    const rows = inputs.map((i) => ({ id: randomUUID(), ...i }));
    // One statement stores the batch and answers, per stored notification, whether its user wants a push.
    const inserted = await this.notifications.insertMany(em, rows, createdAt);
    if (inserted.length === 0) return 0;
    const wantsPush = new Map(inserted.map((r) => [r.id, r.push]));
    const created = rows.filter((r) => wantsPush.has(r.id));
    await this.outbox.write(
      em,
      created.map((r) => ({
        topic: NOTIFICATION_DELIVER,
        key: `notification:${r.id}:deliver`,
        payload: {
          userId: r.userId,
          push: wantsPush.get(r.id),
          view: {
            id: r.id,
            type: r.type,
            title: r.title,
            body: r.body,
            data: r.data ?? {},
            createdAt: createdAt.toISOString(),
            readAt: null,
          },
        } satisfies NotificationDelivery,
      })),
    );
    return created.length;
  }

  /**
   * `notifyMany` as CTEs of the caller's own statement (the notifications and their delivery rows are stored by
   * the statement that makes the change owing them, only when its CTE `gate` has a row). The caller nudges the
   * outbox relays once the statement is done.
   */
  notifyManyPart(name: string, gate: string, inputs: NotifyInput[]): SqlPart {
    const rows = inputs.map((i) => ({ id: randomUUID(), ...i }));
    return notificationsInsertPart(name, gate, rows, this.clock.now().toJSDate(), NOTIFICATION_DELIVER);
  }

  /** The outbox handler: `notification:new` to the user's sockets (clients de-duplicate by id) and the routing job. */
  async deliver(d: NotificationDelivery): Promise<void> {
    if (d.push) await this.live.emit(userRoom(d.userId), 'notification:new', d.view);
    await this.delivery.add(
      'route',
      { notificationId: d.view.id },
      {
        jobId: routeJobId(d.view.id),
        attempts: 5,
        backoff: { type: 'exponential', delay: 1000 },
        removeOnComplete: { age: 86400 },
      },
    );
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

const encodeCursor = (n: Notification) => Buffer.from(`${n.createdAt.toISOString()}|${n.id}`).toString('base64url');
function decodeCursor(cursor: string): [Date, string] {
  const [iso, id] = Buffer.from(cursor, 'base64url').toString().split('|');
  const at = new Date(iso ?? '');
  if (!id || Number.isNaN(at.getTime())) throw invalidCursor();
  return [at, id];
}
