import { ApiProperty } from '@nestjs/swagger';

export class NotificationView {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ example: 'call.booked' }) type!: string;
  @ApiProperty() title!: string;
  @ApiProperty() body!: string;
  @ApiProperty({ type: 'object', additionalProperties: true }) data!: Record<string, unknown>;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) readAt!: string | null;
}

export class Inbox {
  @ApiProperty({ type: [NotificationView], description: 'newest first' }) items!: NotificationView[];
  @ApiProperty() unreadCount!: number;
  @ApiProperty({ nullable: true, type: String, description: 'pass as `cursor` for the next page; null on the last' })
  nextCursor!: string | null;
}

export class MarkedRead {
  @ApiProperty({ description: 'notifications marked read' }) updated!: number;
}

export class NotificationPreferences {
  @ApiProperty() push!: boolean;
  @ApiProperty() email!: boolean;
  @ApiProperty() webhook!: boolean;
  @ApiProperty({ type: [String], description: 'notification types not sent to any channel (the inbox keeps them)' })
  mutedTypes!: string[];
}

export class WebhookView {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'uri' }) url!: string;
  @ApiProperty({ type: [String], description: 'event types; empty = all' }) events!: string[];
  @ApiProperty() active!: boolean;
  @ApiProperty() consecutiveFailures!: number;
  @ApiProperty({ nullable: true, type: String }) disabledReason!: string | null;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) disabledAt!: string | null;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
}

export class CreatedWebhook extends WebhookView {
  @ApiProperty({ description: 'the signing secret, shown only in this answer' }) secret!: string;
}

export class WebhookList {
  @ApiProperty({ type: [WebhookView] }) webhooks!: WebhookView[];
}

export class DeletedWebhook {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ enum: [true] }) deleted!: true;
}

export class DeliveryAttempt {
  @ApiProperty({ format: 'date-time' }) at!: string;
  @ApiProperty({ nullable: true, type: Number }) statusCode!: number | null;
  @ApiProperty({ nullable: true, type: String }) error!: string | null;
  @ApiProperty() durationMs!: number;
}

export class WebhookDeliveryView {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'uuid' }) notificationId!: string;
  @ApiProperty({ example: 'talent.vetted' }) eventType!: string;
  @ApiProperty({ enum: ['pending', 'delivered', 'failed', 'skipped'] }) status!: string;
  @ApiProperty() attempts!: number;
  @ApiProperty({ nullable: true, type: Number }) lastStatusCode!: number | null;
  @ApiProperty({ nullable: true, type: String }) lastError!: string | null;
  @ApiProperty({ type: [DeliveryAttempt] }) log!: DeliveryAttempt[];
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) deliveredAt!: string | null;
}

export class WebhookDeliveryList {
  @ApiProperty({ type: [WebhookDeliveryView], description: 'newest first, at most 100' })
  deliveries!: WebhookDeliveryView[];
}

export class TalentAlerts {
  @ApiProperty({ type: [String], example: ['web-mobile-software-dev'] }) categorySlugs!: string[];
}
