import { Injectable } from '@nestjs/common';
import { EntityManager } from '@mikro-orm/postgresql';
import { gateCondition } from '@vetting/core';
import type { SqlGate, SqlPart } from '@vetting/core';
import { Notification, NotificationAttachment } from './notification.entity';

export interface NewNotification {
  id: string;
  userId: string;
  type: string;
  title: string;
  body: string;
  data?: Record<string, unknown>;
  dedupeKey?: string;
  attachments?: NotificationAttachment[];
}

/** Whether the user of notification `n` wants a push (preferences row `p`, if any): the SQL twin of `wantsPush`. */
const pushOf = (n: string, p: string) =>
  `coalesce(${p}.push and not (${p}.muted_types @> jsonb_build_array(${n}.type)), true)`;

const recordset = (rows: readonly (NewNotification & { gateId?: string })[]) =>
  JSON.stringify(
    rows.map((r) => ({
      id: r.id,
      user_id: r.userId,
      type: r.type,
      title: r.title,
      body: r.body,
      data: r.data ?? {},
      dedupe_key: r.dedupeKey ?? null,
      attachments: r.attachments ?? [],
      gate_id: r.gateId ?? null,
    })),
  );

/**
 * `insertMany` and the outbox rows `notifyMany` writes after it (topic `deliverTopic`, key
 * `notification:<id>:deliver`, payload a `NotificationDelivery`), as CTEs `<name>` and `<name>_deliver` of a
 * caller's statement, stored as `gate` says (core's `SqlGate`; each row's delivery row with it). Writes core's `outbox` so that a
 * state change and its notifications are one statement (no transaction round trips).
 */
export function notificationsInsertPart(
  name: string,
  gate: SqlGate,
  rows: readonly (NewNotification & { gateId?: string })[],
  createdAt: Date,
  deliverTopic: string,
): SqlPart {
  return {
    sql: `${name} as (
         insert into notifications (id, user_id, type, title, body, data, dedupe_key, created_at, attachments)
         select id, user_id, type, title, body, data, dedupe_key, ?::timestamptz, attachments
           from jsonb_to_recordset(?::jsonb)
             as x(id uuid, user_id uuid, type text, title text, body text, data jsonb, dedupe_key text,
                  attachments jsonb, gate_id uuid)
          where ${gateCondition(gate)}
         on conflict (dedupe_key) do nothing returning id, user_id, type, title, body, data
       ), ${name}_deliver as (
         insert into outbox (topic, idempotency_key, payload)
         select ?::text, 'notification:' || n.id || ':deliver',
                jsonb_build_object('userId', n.user_id, 'push', ${pushOf('n', 'p')},
                  'view', jsonb_build_object('id', n.id, 'type', n.type, 'title', n.title, 'body', n.body,
                                             'data', n.data, 'createdAt', ?::text, 'readAt', null))
           from ${name} n left join notification_preferences p on p.user_id = n.user_id
         on conflict (idempotency_key) do nothing
       )`,
    params: [createdAt, recordset(rows), deliverTopic, createdAt.toISOString()],
  };
}

/** `notifications`: the inbox. Uses the context's EntityManager unless a method takes the caller's. */
@Injectable()
export class NotificationsRepository {
  constructor(private readonly em: EntityManager) {}

  /**
   * Stores a batch in one statement inside `em`'s transaction (a dedupe key already stored is skipped) and
   * answers, per stored notification, whether its user wants a push.
   * The `push` column is the SQL twin of `wantsPush` (domain/channel-preferences.rules.ts); the two are
   * pinned together by test/medium/notifications-muted-types.medium.spec.ts.
   * Reads `notification_preferences` (this domain's) in the same statement.
   */
  insertMany(em: EntityManager, rows: readonly NewNotification[], createdAt: Date) {
    return em.execute<{ id: string; push: boolean }[]>(
      `with ins as (
         insert into notifications (id, user_id, type, title, body, data, dedupe_key, created_at, attachments)
         select id, user_id, type, title, body, data, dedupe_key, ?::timestamptz, attachments
           from jsonb_to_recordset(?::jsonb)
             as x(id uuid, user_id uuid, type text, title text, body text, data jsonb, dedupe_key text,
                  attachments jsonb)
         on conflict (dedupe_key) do nothing returning id, user_id, type
       )
       select ins.id, ${pushOf('ins', 'p')} as push
         from ins left join notification_preferences p on p.user_id = ins.user_id`,
      [createdAt, recordset(rows)],
    );
  }

  /** Newest first; `before` the (createdAt, id) of the last row of the previous page. */
  page(userId: string, opts: { before?: [Date, string]; take: number; unreadOnly: boolean }): Promise<Notification[]> {
    const where: Record<string, unknown> = { userId };
    if (opts.unreadOnly) where.readAt = null;
    if (opts.before) {
      const [at, id] = opts.before;
      where.$or = [{ createdAt: { $lt: at } }, { createdAt: at, id: { $lt: id } }];
    }
    return this.em.find(Notification, where, { orderBy: { createdAt: 'desc', id: 'desc' }, limit: opts.take });
  }

  countUnread(userId: string): Promise<number> {
    return this.em.count(Notification, { userId, readAt: null });
  }

  findOwn(userId: string, id: string): Promise<Notification | null> {
    return this.em.findOne(Notification, { id, userId });
  }

  findById(id: string, opts: { withAttachments?: boolean } = {}): Promise<Notification | null> {
    return opts.withAttachments
      ? this.em.findOne(Notification, { id }, { populate: ['attachments'] })
      : this.em.findOne(Notification, { id });
  }

  /** Marks it read (once: a later call keeps the first time). */
  async markRead(n: Notification, at: Date): Promise<void> {
    n.readAt ??= at;
    await this.em.flush();
  }

  markAllRead(userId: string, at: Date): Promise<number> {
    return this.em.nativeUpdate(Notification, { userId, readAt: null }, { readAt: at });
  }
}
