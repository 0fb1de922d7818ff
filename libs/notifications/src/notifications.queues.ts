/** Routing, webhook and email jobs of stored notifications. */
export const DELIVERY_QUEUE = 'notification-delivery';
/** Vetted-talent alert batches: their own queue, so the next batch never waits behind deliveries. */
export const FANOUT_QUEUE = 'talent-alerts';

export const routeJobId = (notificationId: string) => `notification:${notificationId}:route`;
/** Routing of a stored batch (a fan-out's), named by its first notification. */
export const routeBatchJobId = (firstNotificationId: string) => `notification-batch:${firstNotificationId}:route`;
export const webhookJobId = (deliveryId: string) => `webhook:${deliveryId}:send`;
export const emailJobId = (notificationId: string) => `notification:${notificationId}:email`;
