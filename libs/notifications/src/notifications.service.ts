import { Injectable } from '@nestjs/common';
import { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import { randomUUID } from 'node:crypto';
import { Clock, badRequest, notFound, withContext } from '@vetting/core';
import { LivePublisher, userRoom } from '@vetting/live';
import { Notification, toNotificationView } from './notification.entity';

export interface NotifyInput {
  userId: string;
  type: string;
  title: string;
  body: string;
  data?: Record<string, unknown>;
  /** Same key → stored and pushed once, however often this is called. */
  dedupeKey?: string;
}

@Injectable()
export class NotificationsService {
  constructor(
    private readonly orm: MikroORM,
    private readonly em: EntityManager,
    private readonly clock: Clock,
    private readonly live: LivePublisher,
  ) {}

  /** Stores the notification in the user's inbox and pushes `notification:new`; idempotent per dedupeKey. */
  async notify(input: NotifyInput): Promise<boolean> {
    const id = randomUUID();
    const createdAt = this.clock.now().toJSDate();
    const rows = await withContext(this.orm, (em) =>
      em.getConnection().execute<{ id: string }[]>(
        `insert into notifications (id, user_id, type, title, body, data, dedupe_key, created_at)
         values (?, ?, ?, ?, ?, ?, ?, ?) on conflict (dedupe_key) do nothing returning id`,
        [id, input.userId, input.type, input.title, input.body, JSON.stringify(input.data ?? {}), input.dedupeKey ?? null, createdAt],
      ),
    );
    if (rows.length === 0) return false;
    await this.live.emit(userRoom(input.userId), 'notification:new', {
      id,
      type: input.type,
      title: input.title,
      body: input.body,
      data: input.data ?? {},
      createdAt: createdAt.toISOString(),
      readAt: null,
    });
    return true;
  }

  async inbox(userId: string, opts: { cursor?: string; limit: number; unreadOnly: boolean }) {
    const where: Record<string, unknown> = { userId };
    if (opts.unreadOnly) where.readAt = null;
    if (opts.cursor) {
      const [at, id] = decodeCursor(opts.cursor);
      where.$or = [{ createdAt: { $lt: at } }, { createdAt: at, id: { $lt: id } }];
    }
    const items = await this.em.find(Notification, where, { orderBy: { createdAt: 'desc', id: 'desc' }, limit: opts.limit + 1 });
    const page = items.slice(0, opts.limit);
    const unreadCount = await this.em.count(Notification, { userId, readAt: null });
    const last = page[page.length - 1];
    return {
      items: page.map(toNotificationView),
      unreadCount,
      nextCursor: items.length > opts.limit && last ? encodeCursor(last) : null,
    };
  }

  async markRead(userId: string, id: string) {
    const n = await this.em.findOne(Notification, { id, userId });
    if (!n) throw notFound('Notification', { id });
    n.readAt ??= this.clock.now().toJSDate();
    await this.em.flush();
    return toNotificationView(n);
  }

  async markAllRead(userId: string): Promise<{ updated: number }> {
    const updated = await this.em.nativeUpdate(Notification, { userId, readAt: null }, { readAt: this.clock.now().toJSDate() });
    return { updated };
  }
}

const encodeCursor = (n: Notification) => Buffer.from(`${n.createdAt.toISOString()}|${n.id}`).toString('base64url');
function decodeCursor(cursor: string): [Date, string] {
  const [iso, id] = Buffer.from(cursor, 'base64url').toString().split('|');
  const at = new Date(iso ?? '');
  if (!id || Number.isNaN(at.getTime())) throw badRequest('VALIDATION_FAILED', 'The cursor is not valid', { fields: [{ field: 'cursor', problems: ['cursor is not valid'] }] });
  return [at, id];
}
