export * from './notification.entity';
export * from './notification-types';
export * from './delivery.entities';
export * from './notifications.service';
export * from './fanout.service';
export * from './webhook-signature';
export { isPublicAddress, checkWebhookUrl } from './webhook-target.rules';
export { postWebhook, publicOnlyLookup, WebhookTargetRefused } from './webhook-transport';
export * from './notifications.module';
