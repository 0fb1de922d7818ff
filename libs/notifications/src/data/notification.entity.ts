import { Entity, Index, PrimaryKey, Property } from '@mikro-orm/core';
import { randomUUID } from 'node:crypto';

@Entity({ tableName: 'notifications' })
@Index({ properties: ['userId', 'createdAt'] })
export class Notification {
  @PrimaryKey({ type: 'uuid' }) id: string = randomUUID();
  @Property({ type: 'uuid' }) userId!: string;
  /** e.g. call.booked, call.reminder, call.missed, vetting.eligible-again */
  @Property({ type: 'string' }) type!: string;
  @Property({ type: 'string' }) title!: string;
  @Property({ type: 'text' }) body!: string;
  @Property({ type: 'json' }) data: Record<string, unknown> = {};
  /** Makes a retried job's delivery idempotent: one notification per key. */
  @Property({ type: 'string', nullable: true, unique: true }) dedupeKey?: string | null;
  @Property({ type: 'datetime' }) createdAt!: Date;
  @Property({ type: 'datetime', nullable: true }) readAt?: Date | null;
  /** Files sent with the email (e.g. the call's .ics). */
  @Property({ type: 'json', lazy: true }) attachments: NotificationAttachment[] = [];
}

export interface NotificationAttachment {
  filename: string;
  contentType: string;
  content: string;
}

export function toNotificationView(n: Notification) {
  return {
    id: n.id,
    type: n.type,
    title: n.title,
    body: n.body,
    data: n.data,
    createdAt: n.createdAt.toISOString(),
    readAt: n.readAt ? n.readAt.toISOString() : null,
  };
}
