export * from './notification.entity';
export * from './delivery.entities';
export * from './notifications.service';
export * from './channels.service';
export * from './fanout.service';
export * from './webhook-signature';
export * from './notifications.module';
