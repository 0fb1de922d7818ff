import { Injectable } from '@nestjs/common';
import { EntityManager } from '@mikro-orm/postgresql';
import { randomBytes } from 'node:crypto';
import { AppConfig, AppError, Clock, badRequest, notFound } from '@vetting/core';
import { User } from '@vetting/identity';
import { NotificationPreference, TalentAlertSubscription, Webhook, WebhookDelivery } from './delivery.entities';
import { checkWebhookUrl } from './webhook-target.rules';

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
    private readonly em: EntityManager,
    private readonly clock: Clock,
    private readonly config: AppConfig,
  ) {}

  async preferences(userId: string) {
    const p = await this.em.findOne(NotificationPreference, { userId });
    return { push: p?.push ?? true, email: p?.email ?? true, webhook: p?.webhook ?? true, mutedTypes: p?.mutedTypes ?? [] };
  }

  async setPreferences(userId: string, input: { push?: boolean; email?: boolean; webhook?: boolean; mutedTypes?: string[] }) {
    const p = (await this.em.findOne(NotificationPreference, { userId })) ?? this.em.create(NotificationPreference, { userId, push: true, email: true, webhook: true, mutedTypes: [], updatedAt: this.clock.now().toJSDate() });
    if (input.push !== undefined) p.push = input.push;
    if (input.email !== undefined) p.email = input.email;
    if (input.webhook !== undefined) p.webhook = input.webhook;
    if (input.mutedTypes !== undefined) p.mutedTypes = [...new Set(input.mutedTypes)];
    p.updatedAt = this.clock.now().toJSDate();
    await this.em.persistAndFlush(p);
    return this.preferences(userId);
  }

  async createWebhook(user: User, input: { url: string; secret?: string; events?: string[] }) {
    const check = checkWebhookUrl(input.url, this.config.env.WEBHOOK_ALLOW_PRIVATE);
    if (!check.ok) {
      const details = { fields: [{ field: 'url', problems: [`url ${check.problem}`] }] };
      throw check.code === 'VALIDATION_FAILED'
        ? badRequest('VALIDATION_FAILED', 'url must be an http(s) URL', details)
        : badRequest('WEBHOOK_URL_NOT_ALLOWED', `Webhook url ${check.problem}`, details);
    }
    const url = check.url;
    const count = await this.em.count(Webhook, { userId: user.id });
    if (count >= 10) throw new AppError(409, 'WEBHOOK_LIMIT_REACHED', 'At most 10 webhooks per account');
    const secret = input.secret ?? randomBytes(24).toString('base64url');
    const hook = this.em.create(Webhook, { userId: user.id, url: url.toString(), secret, events: input.events ?? [], active: true, consecutiveFailures: 0, createdAt: this.clock.now().toJSDate() });
    await this.em.persistAndFlush(hook);
    // The secret is shown once, at creation.
    return { ...webhookView(hook), secret };
  }

  async webhooks(userId: string) {
    return { webhooks: (await this.em.find(Webhook, { userId }, { orderBy: { createdAt: 'asc' } })).map(webhookView) };
  }

  private async own(userId: string, id: string) {
    const h = await this.em.findOne(Webhook, { id, userId });
    if (!h) throw notFound('Webhook', { id });
    return h;
  }

  async deleteWebhook(userId: string, id: string) {
    const h = await this.own(userId, id);
    await this.em.removeAndFlush(h);
    return { id, deleted: true };
  }

  async enableWebhook(userId: string, id: string) {
    const h = await this.own(userId, id);
    h.active = true;
    h.consecutiveFailures = 0;
    h.disabledReason = null;
    h.disabledAt = null;
    await this.em.flush();
    return webhookView(h);
  }

  async deliveries(userId: string, id: string) {
    await this.own(userId, id);
    const list = await this.em.find(WebhookDelivery, { webhookId: id }, { orderBy: { createdAt: 'desc' }, limit: 100 });
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
    const subs = await this.em.find(TalentAlertSubscription, { clientId }, { orderBy: { categorySlug: 'asc' } });
    return { categorySlugs: subs.map((s) => s.categorySlug) };
  }

  async setTalentAlerts(clientId: string, categorySlugs: string[], known: readonly string[]) {
    const unknown = categorySlugs.filter((c) => !known.includes(c));
    if (unknown.length) throw badRequest('VALIDATION_FAILED', `Unknown categories: ${unknown.join(', ')}`, { fields: [{ field: 'categorySlugs', problems: unknown.map((u) => `unknown category ${u}`) }] });
    await this.em.transactional(async (tem) => {
      await tem.nativeDelete(TalentAlertSubscription, { clientId });
      for (const slug of new Set(categorySlugs)) tem.persist(tem.create(TalentAlertSubscription, { clientId, categorySlug: slug, createdAt: this.clock.now().toJSDate() }));
      await tem.flush();
    });
    return this.talentAlerts(clientId);
  }
}
