import { Injectable } from '@nestjs/common';
import { EntityManager } from '@mikro-orm/postgresql';
import { User } from '@vetting/identity';
import { EmailDelivery, WebhookDelivery } from './delivery.entities';

export type DeliveryLogEntry = WebhookDelivery['log'][number];

/** `webhook_deliveries` and `email_deliveries`: one row per channel and notification, each performed once. */
@Injectable()
export class DeliveriesRepository {
  constructor(private readonly em: EntityManager) {}

  /**
   * Claims the delivery of a notification to a webhook: one row per (webhook, notification) whoever asks
   * and however often (a retried routing job, two workers at once); answers that row's id.
   */
  async claimWebhook(webhookId: string, notificationId: string, eventType: string, at: Date): Promise<string> {
    const rows = await this.em.execute<{ id: string }[]>(
      `insert into webhook_deliveries (id, webhook_id, notification_id, event_type, status, created_at)
       values (gen_random_uuid(), ?, ?, ?, 'pending', ?)
       on conflict (webhook_id, notification_id) do update set event_type = excluded.event_type returning id`,
      [webhookId, notificationId, eventType, at],
    );
    return rows[0].id;
  }

  /** Claims the email of a notification: one row per notification (a second claim changes nothing). */
  async claimEmail(notificationId: string, to: string): Promise<void> {
    await this.em.execute(
      `insert into email_deliveries (notification_id, "to", status) values (?, ?, 'pending')
       on conflict (notification_id) do nothing`,
      [notificationId, to],
    );
  }

  /**
   * Claims the emails of many notifications in one statement: one row per notification (a second claim
   * changes nothing).
   */
  async claimEmails(claims: readonly { notificationId: string; to: string }[]): Promise<void> {
    if (claims.length === 0) return;
    await this.em.execute(
      `insert into email_deliveries (notification_id, "to", status)
       select x.notification_id, x."to", 'pending' from jsonb_to_recordset(?::jsonb) as x(notification_id uuid, "to" text)
       on conflict (notification_id) do nothing`,
      [JSON.stringify(claims.map((c) => ({ notification_id: c.notificationId, to: c.to })))],
    );
  }

  /**
   * What routing needs of many stored notifications, in one statement: user, type, the account's email
   * (identity's `users`, read only) and the user's channel preferences (null: no row, the defaults).
   */
  async routingFacts(notificationIds: readonly string[]): Promise<
    {
      id: string;
      userId: string;
      type: string;
      email: string | null;
      prefs: { push: boolean; email: boolean; webhook: boolean; mutedTypes: string[] } | null;
    }[]
  > {
    if (notificationIds.length === 0) return [];
    const rows = await this.em.execute<
      {
        id: string;
        user_id: string;
        type: string;
        address: string | null;
        has_prefs: boolean;
        push: boolean;
        email: boolean;
        webhook: boolean;
        muted_types: string[] | string | null;
      }[]
    >(
      `select n.id, n.user_id, n.type, u.email as address, p.user_id is not null as has_prefs,
              p.push, p.email, p.webhook, p.muted_types
         from notifications n
         left join users u on u.id = n.user_id
         left join notification_preferences p on p.user_id = n.user_id
        where n.id = any(string_to_array(?, ',')::uuid[])`,
      [notificationIds.join(',')],
    );
    return rows.map((r) => ({
      id: r.id,
      userId: r.user_id,
      type: r.type,
      email: r.address,
      prefs: r.has_prefs
        ? {
            push: r.push,
            email: r.email,
            webhook: r.webhook,
            mutedTypes: typeof r.muted_types === 'string' ? JSON.parse(r.muted_types) : (r.muted_types ?? []),
          }
        : null,
    }));
  }

  /** The address a notification is emailed to. Touches identity's `users` (read only): the account's email. */
  async recipientEmail(userId: string): Promise<string | null> {
    const user = await this.em.findOne(User, { id: userId });
    return user?.email ?? null;
  }

  findWebhookDelivery(id: string): Promise<WebhookDelivery | null> {
    return this.em.findOne(WebhookDelivery, { id });
  }

  /** Newest first, at most 100 (the webhook's delivery log). */
  listWebhookDeliveries(webhookId: string): Promise<WebhookDelivery[]> {
    return this.em.find(WebhookDelivery, { webhookId }, { orderBy: { createdAt: 'desc' }, limit: 100 });
  }

  /** A pending delivery whose webhook is gone or disabled. */
  skipWebhookDelivery(id: string, reason: string): Promise<number> {
    return this.em.nativeUpdate(WebhookDelivery, { id, status: 'pending' }, { status: 'skipped', lastError: reason });
  }

  /** One attempt: appended to the log; `status` delivered, failed (the last attempt) or still pending. */
  async recordWebhookAttempt(
    id: string,
    attempt: { statusCode: number | null; error: string | null; entry: DeliveryLogEntry },
    status: 'delivered' | 'failed' | 'pending',
    deliveredAt: Date | null,
  ): Promise<void> {
    await this.em.execute(
      `update webhook_deliveries
          set attempts = attempts + 1, last_status_code = ?, last_error = ?, log = log || ?::jsonb,
              status = ?, delivered_at = ?
        where id = ?`,
      [attempt.statusCode, attempt.error, JSON.stringify([attempt.entry]), status, deliveredAt, id],
    );
  }

  findEmailDelivery(notificationId: string): Promise<EmailDelivery | null> {
    return this.em.findOne(EmailDelivery, { notificationId });
  }

  async markEmailSent(notificationId: string, messageId: string, at: Date): Promise<void> {
    await this.em.nativeUpdate(
      EmailDelivery,
      { notificationId },
      { status: 'sent', messageId, sentAt: at, lastError: null },
    );
  }

  async markEmailFailed(notificationId: string, error: string): Promise<void> {
    await this.em.nativeUpdate(EmailDelivery, { notificationId }, { lastError: error });
  }
}
