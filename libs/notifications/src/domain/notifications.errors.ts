import { badRequest, conflict, notFound } from '@vetting/core';
import type { WebhookUrlCheck } from './webhook-target.rules';

/** Webhooks one account may register. */
export const MAX_WEBHOOKS = 10;

export const webhookLimitReached = () =>
  conflict('WEBHOOK_LIMIT_REACHED', `At most ${MAX_WEBHOOKS} webhooks per account`);

export const webhookNotFound = (id: string) => notFound('Webhook', { id });

export const notificationNotFound = (id: string) => notFound('Notification', { id });

/** A webhook URL `checkWebhookUrl` refused: 400 VALIDATION_FAILED (not http(s)) or WEBHOOK_URL_NOT_ALLOWED. */
export function webhookUrlRefused(check: Extract<WebhookUrlCheck, { ok: false }>) {
  const details = { fields: [{ field: 'url', problems: [`url ${check.problem}`] }] };
  return check.code === 'VALIDATION_FAILED'
    ? badRequest('VALIDATION_FAILED', 'url must be an http(s) URL', details)
    : badRequest('WEBHOOK_URL_NOT_ALLOWED', `Webhook url ${check.problem}`, details);
}

export const invalidCursor = () =>
  badRequest('VALIDATION_FAILED', 'The cursor is not valid', {
    fields: [{ field: 'cursor', problems: ['cursor is not valid'] }],
  });

export const unknownCategories = (unknown: string[]) =>
  badRequest('VALIDATION_FAILED', `Unknown categories: ${unknown.join(', ')}`, {
    fields: [{ field: 'categorySlugs', problems: unknown.map((u) => `unknown category ${u}`) }],
  });
