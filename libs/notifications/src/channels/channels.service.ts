import { Injectable } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { AppConfig, Clock } from '@vetting/core';
import { User } from '@vetting/identity';
import { Webhook } from '../data/delivery.entities';
import { DeliveriesRepository } from '../data/deliveries.repository';
import { PreferencesRepository } from '../data/preferences.repository';
import { TalentAlertsRepository } from '../data/talent-alerts.repository';
import { WebhooksRepository } from '../data/webhooks.repository';
import {
  MAX_WEBHOOKS,
  unknownCategories,
  webhookLimitReached,
  webhookNotFound,
  webhookUrlRefused,
} from '../domain/notifications.errors';
import { checkWebhookUrl } from '../domain/webhook-target.rules';

export function webhookView(h: Webhook) {
  return {
    id: h.id,
    url: h.url,
    events: h.events,
    active: h.active,
    consecutiveFailures: h.consecutiveFailures,
    disabledReason: h.disabledReason ?? null,
    disabledAt: h.disabledAt?.toISOString() ?? null,
    createdAt: h.createdAt.toISOString(),
  };
}

/** Webhooks, channel preferences and talent-alert subscriptions (api side). */
@Injectable()
export class ChannelsService {
  constructor(
    private readonly prefs: PreferencesRepository,
    private readonly webhooksRepo: WebhooksRepository,
    private readonly deliveriesRepo: DeliveriesRepository,
    private readonly alerts: TalentAlertsRepository,
    private readonly clock: Clock,
    private readonly config: AppConfig,
  ) {}

  async preferences(userId: string) {
    const p = await this.prefs.find(userId);
    return {
      push: p?.push ?? true,
      email: p?.email ?? true,
      webhook: p?.webhook ?? true,
      mutedTypes: p?.mutedTypes ?? [],
    };
  }

  async setPreferences(
    userId: string,
    input: { push?: boolean; email?: boolean; webhook?: boolean; mutedTypes?: string[] },
  ) {
    const p = await this.prefs.findOrNew(userId, this.clock.now().toJSDate());
    if (input.push !== undefined) p.push = input.push;
    if (input.email !== undefined) p.email = input.email;
    if (input.webhook !== undefined) p.webhook = input.webhook;
    if (input.mutedTypes !== undefined) p.mutedTypes = [...new Set(input.mutedTypes)];
    p.updatedAt = this.clock.now().toJSDate();
    await this.prefs.save(p);
    return this.preferences(userId);
  }

  async createWebhook(user: User, input: { url: string; secret?: string; events?: string[] }) {
    const check = checkWebhookUrl(input.url, this.config.env.WEBHOOK_ALLOW_PRIVATE);
    if (!check.ok) throw webhookUrlRefused(check);
    const url = check.url;
    const count = await this.webhooksRepo.countFor(user.id);
    if (count >= MAX_WEBHOOKS) throw webhookLimitReached();
    const secret = input.secret ?? randomBytes(24).toString('base64url');
    const hook = await this.webhooksRepo.create({
      userId: user.id,
      url: url.toString(),
      secret,
      events: input.events ?? [],
      active: true,
      consecutiveFailures: 0,
      createdAt: this.clock.now().toJSDate(),
    });
    // The secret is shown once, at creation.
    return { ...webhookView(hook), secret };
  }

  async webhooks(userId: string) {
    return { webhooks: (await this.webhooksRepo.listFor(userId)).map(webhookView) };
  }

  private async own(userId: string, id: string) {
    const h = await this.webhooksRepo.findOwn(userId, id);
    if (!h) throw webhookNotFound(id);
    return h;
  }

  async deleteWebhook(userId: string, id: string) {
    const h = await this.own(userId, id);
    await this.webhooksRepo.remove(h);
    return { id, deleted: true };
  }

  async enableWebhook(userId: string, id: string) {
    const h = await this.own(userId, id);
    await this.webhooksRepo.enable(h);
    return webhookView(h);
  }

  async deliveries(userId: string, id: string) {
    await this.own(userId, id);
    const list = await this.deliveriesRepo.listWebhookDeliveries(id);
    return {
      deliveries: list.map((d) => ({
        id: d.id,
        notificationId: d.notificationId,
        eventType: d.eventType,
        status: d.status,
        attempts: d.attempts,
        lastStatusCode: d.lastStatusCode ?? null,
        lastError: d.lastError ?? null,
        log: d.log,
        createdAt: d.createdAt.toISOString(),
        deliveredAt: d.deliveredAt?.toISOString() ?? null,
      })),
    };
  }

  async talentAlerts(clientId: string) {
    const subs = await this.alerts.categoriesOf(clientId);
    return { categorySlugs: subs.map((s) => s.categorySlug) };
  }

  async setTalentAlerts(clientId: string, categorySlugs: string[], known: readonly string[]) {
    const unknown = categorySlugs.filter((c) => !known.includes(c));
    if (unknown.length) throw unknownCategories(unknown);
    await this.alerts.replace(clientId, categorySlugs, this.clock.now().toJSDate());
    return this.talentAlerts(clientId);
  }
}
