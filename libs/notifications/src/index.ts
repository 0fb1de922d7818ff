export { NotificationsModule, NotificationsWorkerModule } from './notifications.module';
export { NotificationsService } from './inbox/notifications.service';
export type { NotifyInput } from './inbox/notifications.service';
export { ChannelsService } from './channels/channels.service';
export { FanoutService, fanoutStartEffect } from './fanout/fanout.service';
export { DELIVERY_QUEUE, FANOUT_QUEUE, routeBatchJobId, routeJobId } from './notifications.queues';
export { Notification } from './data/notification.entity';
export {
  EmailDelivery,
  NotificationPreference,
  TalentAlertSubscription,
  Webhook,
  WebhookDelivery,
} from './data/delivery.entities';
export { verifyWebhook } from './delivery/webhook-signature';
// Repositories and the rule their SQL twins: the medium tests (test/medium/notifications-*) use them.
export { NotificationsRepository, notificationsInsertPart } from './data/notifications.repository';
export type { NewNotification } from './data/notifications.repository';
export { DeliveriesRepository } from './data/deliveries.repository';
export { WebhooksRepository } from './data/webhooks.repository';
export { TalentAlertsRepository } from './data/talent-alerts.repository';
export { wantsPush } from './domain/channel-preferences.rules';
export type { ChannelPreferences } from './domain/channel-preferences.rules';
