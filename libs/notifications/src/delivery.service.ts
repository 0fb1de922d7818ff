import { Injectable, Logger } from '@nestjs/common';
import { InjectQueue } from '@nestjs/bullmq';
import { MikroORM } from '@mikro-orm/postgresql';
import { Queue } from 'bullmq';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import nodemailer, { Transporter } from 'nodemailer';
import { AppConfig, Clock, withContext } from '@vetting/core';
import { User } from '@vetting/identity';
import { EmailDelivery, NotificationPreference, Webhook, WebhookDelivery } from './delivery.entities';
import { Notification } from './notification.entity';
import { DELIVERY_QUEUE } from './notifications.service';
import { signWebhook } from './webhook-signature';
import { deliveryFailureReason, postWebhook } from './webhook-transport';

export const webhookJobId = (deliveryId: string) => `webhook:${deliveryId}:send`;
export const emailJobId = (notificationId: string) => `notification:${notificationId}:email`;

export class DeliveryFailed extends Error {}

/** Routes a stored notification to its channels and performs each delivery once (worker). */
@Injectable()
export class DeliveryService {
  private readonly logger = new Logger('Delivery');
  private transport?: Transporter;

  constructor(
    private readonly orm: MikroORM,
    private readonly clock: Clock,
    private readonly config: AppConfig,
    @InjectQueue(DELIVERY_QUEUE) private readonly queue: Queue,
  ) {}

  /** Creates the delivery rows (unique per webhook and notification) and queues them. */
  async route(notificationId: string): Promise<void> {
    const plan = await withContext(this.orm, async (em) => {
      const n = await em.findOne(Notification, { id: notificationId });
      if (!n) return null;
      const prefs = await em.findOne(NotificationPreference, { userId: n.userId });
      const muted = prefs?.mutedTypes.includes(n.type) ?? false;
      const deliveries: string[] = [];
      if (!muted && (prefs?.webhook ?? true)) {
        const hooks = await em.find(Webhook, { userId: n.userId, active: true });
        for (const h of hooks) {
          if (h.events.length && !h.events.includes(n.type)) continue;
          const rows = await em.execute<{ id: string }[]>(
            `insert into webhook_deliveries (id, webhook_id, notification_id, event_type, status, created_at)
             values (gen_random_uuid(), ?, ?, ?, 'pending', ?)
             on conflict (webhook_id, notification_id) do update set event_type = excluded.event_type returning id`,
            [h.id, n.id, n.type, this.clock.now().toJSDate()],
          );
          deliveries.push(rows[0].id);
        }
      }
      let email = false;
      if (!muted && (prefs?.email ?? true)) {
        const user = await em.findOne(User, { id: n.userId });
        if (user) {
          await em.execute(
            `insert into email_deliveries (notification_id, "to", status) values (?, ?, 'pending') on conflict (notification_id) do nothing`,
            [n.id, user.email],
          );
          email = true;
        }
      }
      return { deliveries, email };
    });
    if (!plan) return;
    const backoff = { type: 'exponential' as const, delay: this.config.env.WEBHOOK_BACKOFF.toMillis() };
    await this.queue.addBulk([
      ...plan.deliveries.map((id) => ({
        name: 'webhook',
        data: { deliveryId: id },
        opts: { jobId: webhookJobId(id), attempts: this.config.env.WEBHOOK_ATTEMPTS, backoff, removeOnComplete: { age: 86400 }, removeOnFail: { age: 7 * 86400 } },
      })),
      ...(plan.email
        ? [{ name: 'email', data: { notificationId }, opts: { jobId: emailJobId(notificationId), attempts: 5, backoff: { type: 'exponential' as const, delay: 2000 }, removeOnComplete: { age: 86400 } } }]
        : []),
    ]);
  }

  /**
   * One signed POST. Success (2xx) marks the delivery delivered; anything else is logged and thrown so
   * BullMQ retries with exponential backoff. `finalAttempt` turns the last failure into `failed`.
   */
  async sendWebhook(deliveryId: string, finalAttempt: boolean): Promise<void> {
    const ctx = await withContext(this.orm, async (em) => {
      const d = await em.findOne(WebhookDelivery, { id: deliveryId });
      if (!d || d.status !== 'pending') return null;
      const hook = await em.findOne(Webhook, { id: d.webhookId });
      const n = await em.findOne(Notification, { id: d.notificationId });
      return { d, hook, n };
    });
    if (!ctx) return; // delivered already (a retried job never sends twice) or gone
    const { d, hook, n } = ctx;
    if (!hook || !hook.active || !n) {
      await withContext(this.orm, (em) => em.nativeUpdate(WebhookDelivery, { id: deliveryId, status: 'pending' }, { status: 'skipped', lastError: 'webhook disabled or removed' }));
      return;
    }
    const timestamp = String(Math.floor(this.clock.now().toSeconds()));
    const body = JSON.stringify({ id: n.id, type: n.type, title: n.title, body: n.body, data: n.data, createdAt: n.createdAt.toISOString() });
    const started = performance.now();
    let statusCode: number | null = null;
    let error: string | null = null;
    try {
      statusCode = await postWebhook({
        url: hook.url,
        headers: {
          'content-type': 'application/json',
          'user-agent': 'vetting-platform-webhooks/1',
          'x-vetting-event': n.type,
          'x-vetting-delivery': d.id,
          'x-vetting-timestamp': timestamp,
          'x-vetting-signature': signWebhook(hook.secret, timestamp, body),
        },
        body,
        timeoutMs: this.config.env.WEBHOOK_TIMEOUT.toMillis(),
        allowPrivate: this.config.env.WEBHOOK_ALLOW_PRIVATE,
      });
      if (statusCode < 200 || statusCode >= 300) error = `HTTP ${statusCode}`;
    } catch (err) {
      // never the address or port: the log must not map internal services
      error = deliveryFailureReason(err);
    }
    const entry = { at: this.clock.now().toISO()!, statusCode, error, durationMs: Math.round(performance.now() - started) };
    const ok = error === null;
    await withContext(this.orm, async (em) => {
      await em.execute(
        `update webhook_deliveries set attempts = attempts + 1, last_status_code = ?, last_error = ?, log = log || ?::jsonb,
                status = ?, delivered_at = ? where id = ?`,
        [statusCode, error, JSON.stringify([entry]), ok ? 'delivered' : finalAttempt ? 'failed' : 'pending', ok ? this.clock.now().toJSDate() : null, deliveryId],
      );
      if (ok) await em.execute(`update webhooks set consecutive_failures = 0 where id = ?`, [hook.id]);
      else if (finalAttempt) {
        await em.execute(
          `update webhooks set consecutive_failures = consecutive_failures + 1,
                  active = case when consecutive_failures + 1 >= ? then false else active end,
                  disabled_at = case when consecutive_failures + 1 >= ? then ? else disabled_at end,
                  disabled_reason = case when consecutive_failures + 1 >= ? then ? else disabled_reason end
            where id = ?`,
          [
            this.config.env.WEBHOOK_DISABLE_AFTER,
            this.config.env.WEBHOOK_DISABLE_AFTER,
            this.clock.now().toJSDate(),
            this.config.env.WEBHOOK_DISABLE_AFTER,
            `Disabled after ${this.config.env.WEBHOOK_DISABLE_AFTER} events in a row failed every attempt (last: ${error})`,
            hook.id,
          ],
        );
      }
    });
    if (!ok) throw new DeliveryFailed(`webhook ${hook.id}: ${error}`);
  }

  /** Email through SMTP_URL, or into DATA_DIR/outbox/ without it; the Message-ID is the notification's. */
  async sendEmail(notificationId: string): Promise<void> {
    const ctx = await withContext(this.orm, async (em) => {
      const d = await em.findOne(EmailDelivery, { notificationId });
      if (!d || d.status === 'sent') return null;
      const n = await em.findOne(Notification, { id: notificationId }, { populate: ['attachments'] });
      return n ? { d, n } : null;
    });
    if (!ctx) return;
    const { d, n } = ctx;
    const messageId = `<${n.id}@vetting-platform>`;
    // A calendar invite travels as the iTIP part (Outlook/Apple/Google show it as an invitation).
    const ics = (n.attachments ?? []).find((a) => a.contentType.startsWith('text/calendar'));
    const message = {
      from: this.config.env.MAIL_FROM,
      to: d.to,
      subject: n.title,
      text: n.body,
      messageId,
      headers: { 'X-Vetting-Event': n.type },
      attachments: (n.attachments ?? []).filter((a) => a !== ics).map((a) => ({ filename: a.filename, content: a.content, contentType: a.contentType })),
      ...(ics ? { icalEvent: { filename: ics.filename, method: /METHOD:CANCEL/.test(ics.content) ? 'CANCEL' : 'REQUEST', content: ics.content } } : {}),
    };
    try {
      if (this.config.env.SMTP_URL) {
        this.transport ??= nodemailer.createTransport(this.config.env.SMTP_URL);
        await this.transport.sendMail(message);
      } else {
        const dev = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'unix' });
        const info = await dev.sendMail(message);
        const dir = join(this.config.env.DATA_DIR, 'outbox');
        mkdirSync(dir, { recursive: true });
        writeFileSync(join(dir, `${n.id}.eml`), info.message as Buffer);
      }
      await withContext(this.orm, (em) => em.nativeUpdate(EmailDelivery, { notificationId }, { status: 'sent', messageId, sentAt: this.clock.now().toJSDate(), lastError: null }));
    } catch (err) {
      await withContext(this.orm, (em) => em.nativeUpdate(EmailDelivery, { notificationId }, { lastError: (err as Error).message }));
      throw err;
    }
  }

  async close(): Promise<void> {
    this.transport?.close();
  }
}
