export * from './notification.entity';
export * from './notification-types';
export * from './delivery.entities';
export * from './notifications.service';
export * from './fanout.service';
export * from './webhook-signature';
export * from './notifications.module';
