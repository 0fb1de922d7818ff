import { Injectable, Logger } from '@nestjs/common';
import { InjectQueue } from '@nestjs/bullmq';
import { MikroORM } from '@mikro-orm/postgresql';
import { Queue } from 'bullmq';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import nodemailer, { Transporter } from 'nodemailer';
import { AppConfig, Clock, withContext } from '@vetting/core';
import { DeliveriesRepository } from '../data/deliveries.repository';
import { NotificationsRepository } from '../data/notifications.repository';
import { PreferencesRepository } from '../data/preferences.repository';
import { WebhooksRepository } from '../data/webhooks.repository';
import { routedChannels, webhookWants } from '../domain/channel-preferences.rules';
import { DELIVERY_QUEUE, emailJobId, webhookJobId } from '../notifications.queues';
import { signWebhook } from './webhook-signature';
import { deliveryFailureReason, postWebhook } from './webhook-transport';

export class DeliveryFailed extends Error {}

/** Routes a stored notification to its channels and performs each delivery once (worker). */
@Injectable()
export class DeliveryService {
  private readonly logger = new Logger('Delivery');
  private transport?: Transporter;

  constructor(
    private readonly orm: MikroORM,
    private readonly notifications: NotificationsRepository,
    private readonly preferences: PreferencesRepository,
    private readonly webhooks: WebhooksRepository,
    private readonly deliveries: DeliveriesRepository,
    private readonly clock: Clock,
    private readonly config: AppConfig,
    @InjectQueue(DELIVERY_QUEUE) private readonly queue: Queue,
  ) {}

  /** Creates the delivery rows (unique per webhook and notification) and queues them. */
  async route(notificationId: string): Promise<void> {
    const plan = await withContext(this.orm, async () => {
      const n = await this.notifications.findById(notificationId);
      if (!n) return null;
      const channels = routedChannels(await this.preferences.find(n.userId), n.type);
      const deliveries: string[] = [];
      if (channels.webhook) {
        for (const h of await this.webhooks.activeFor(n.userId)) {
          if (!webhookWants(h.events, n.type)) continue;
          deliveries.push(await this.deliveries.claimWebhook(h.id, n.id, n.type, this.clock.now().toJSDate()));
        }
      }
      let email = false;
      if (channels.email) {
        const to = await this.deliveries.recipientEmail(n.userId);
        if (to) {
          await this.deliveries.claimEmail(n.id, to);
          email = true;
        }
      }
      return { deliveries, email };
    });
    if (!plan) return;
    await this.queueDeliveries(plan.deliveries, plan.email ? [notificationId] : []);
  }

  /**
   * `route` for many stored notifications at once (a fan-out batch): one statement reads every notification's
   * user, email and preferences, one the users' webhooks, one claims every email; then one round trip queues
   * the deliveries. Each delivery is claimed once, whoever routes and however often.
   */
  async routeMany(notificationIds: readonly string[]): Promise<void> {
    const plan = await withContext(this.orm, async () => {
      const facts = (await this.deliveries.routingFacts(notificationIds)).map((n) => ({
        ...n,
        channels: routedChannels(n.prefs, n.type),
      }));
      const hooks = await this.webhooks.activeForUsers([
        ...new Set(facts.filter((n) => n.channels.webhook).map((n) => n.userId)),
      ]);
      const deliveries: string[] = [];
      for (const n of facts) {
        if (!n.channels.webhook) continue;
        for (const h of hooks) {
          if (h.userId !== n.userId || !webhookWants(h.events, n.type)) continue;
          deliveries.push(await this.deliveries.claimWebhook(h.id, n.id, n.type, this.clock.now().toJSDate()));
        }
      }
      const emails = facts
        .filter((n) => n.channels.email && n.email)
        .map((n) => ({ notificationId: n.id, to: n.email as string }));
      await this.deliveries.claimEmails(emails);
      return { deliveries, emails: emails.map((e) => e.notificationId) };
    });
    await this.queueDeliveries(plan.deliveries, plan.emails);
  }

  private async queueDeliveries(webhookDeliveryIds: readonly string[], emailNotificationIds: readonly string[]) {
    const backoff = { type: 'exponential' as const, delay: this.config.env.WEBHOOK_BACKOFF.toMillis() };
    await this.queue.addBulk([
      ...webhookDeliveryIds.map((id) => ({
        name: 'webhook',
        data: { deliveryId: id },
        opts: {
          jobId: webhookJobId(id),
          attempts: this.config.env.WEBHOOK_ATTEMPTS,
          backoff,
          removeOnComplete: { age: 86400 },
          removeOnFail: { age: 7 * 86400 },
        },
      })),
      ...emailNotificationIds.map((notificationId) => ({
        name: 'email',
        data: { notificationId },
        opts: {
          jobId: emailJobId(notificationId),
          attempts: 5,
          backoff: { type: 'exponential' as const, delay: 2000 },
          removeOnComplete: { age: 86400 },
        },
      })),
    ]);
  }

  /**
   * One signed POST. Success (2xx) marks the delivery delivered; anything else is logged and thrown so
   * BullMQ retries with exponential backoff. `finalAttempt` turns the last failure into `failed`.
   */
  async sendWebhook(deliveryId: string, finalAttempt: boolean): Promise<void> {
    const ctx = await withContext(this.orm, async () => {
      const d = await this.deliveries.findWebhookDelivery(deliveryId);
      if (!d || d.status !== 'pending') return null;
      const hook = await this.webhooks.findById(d.webhookId);
      const n = await this.notifications.findById(d.notificationId);
      return { d, hook, n };
    });
    if (!ctx) return; // delivered already (a retried job never sends twice) or gone
    const { d, hook, n } = ctx;
    if (!hook || !hook.active || !n) {
      await withContext(this.orm, () => this.deliveries.skipWebhookDelivery(deliveryId, 'webhook disabled or removed'));
      return;
    }
    const timestamp = String(Math.floor(this.clock.now().toSeconds()));
    const body = JSON.stringify({
      id: n.id,
      type: n.type,
      title: n.title,
      body: n.body,
      data: n.data,
      createdAt: n.createdAt.toISOString(),
    });
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
    const entry = {
      at: this.clock.now().toISO()!,
      statusCode,
      error,
      durationMs: Math.round(performance.now() - started),
    };
    const ok = error === null;
    const { WEBHOOK_DISABLE_AFTER } = this.config.env;
    await withContext(this.orm, async () => {
      const status = ok ? 'delivered' : finalAttempt ? 'failed' : 'pending';
      const deliveredAt = ok ? this.clock.now().toJSDate() : null;
      await this.deliveries.recordWebhookAttempt(deliveryId, { statusCode, error, entry }, status, deliveredAt);
      if (ok) await this.webhooks.resetFailures(hook.id);
      else if (finalAttempt) {
        const reason = `Disabled after ${WEBHOOK_DISABLE_AFTER} events in a row failed every attempt (last: ${error})`;
        await this.webhooks.countFailure(hook.id, WEBHOOK_DISABLE_AFTER, this.clock.now().toJSDate(), reason);
      }
    });
    if (!ok) throw new DeliveryFailed(`webhook ${hook.id}: ${error}`);
  }

  /** Email through SMTP_URL, or into DATA_DIR/outbox/ without it; the Message-ID is the notification's. */
  async sendEmail(notificationId: string): Promise<void> {
    const ctx = await withContext(this.orm, async () => {
      const d = await this.deliveries.findEmailDelivery(notificationId);
      if (!d || d.status === 'sent') return null;
      const n = await this.notifications.findById(notificationId, { withAttachments: true });
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
      attachments: (n.attachments ?? [])
        .filter((a) => a !== ics)
        .map((a) => ({ filename: a.filename, content: a.content, contentType: a.contentType })),
      ...(ics
        ? {
            icalEvent: {
              filename: ics.filename,
              method: /METHOD:CANCEL/.test(ics.content) ? 'CANCEL' : 'REQUEST',
              content: ics.content,
            },
          }
        : {}),
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
      const sentAt = this.clock.now().toJSDate();
      await withContext(this.orm, () => this.deliveries.markEmailSent(notificationId, messageId, sentAt));
    } catch (err) {
      await withContext(this.orm, () => this.deliveries.markEmailFailed(notificationId, (err as Error).message));
      throw err;
    }
  }

  async close(): Promise<void> {
    this.transport?.close();
  }
}
