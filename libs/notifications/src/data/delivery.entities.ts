import { Entity, PrimaryKey, Property } from '@mikro-orm/core';
import { randomUUID } from 'node:crypto';

/** Per-user channel choices; the inbox always keeps the record. */
@Entity({ tableName: 'notification_preferences' })
export class NotificationPreference {
  @PrimaryKey({ type: 'uuid' }) userId!: string;
  @Property({ type: 'boolean' }) push: boolean = true;
  @Property({ type: 'boolean' }) email: boolean = true;
  @Property({ type: 'boolean' }) webhook: boolean = true;
  /** Types that go to the inbox only. */
  @Property({ type: 'json' }) mutedTypes: string[] = [];
  @Property({ type: 'datetime' }) updatedAt!: Date;
}

@Entity({ tableName: 'webhooks' })
export class Webhook {
  @PrimaryKey({ type: 'uuid' }) id: string = randomUUID();
  @Property({ type: 'uuid' }) userId!: string;
  @Property({ type: 'text' }) url!: string;
  @Property({ type: 'string', hidden: true }) secret!: string;
  /** Event types to send; empty = all. */
  @Property({ type: 'json' }) events: string[] = [];
  @Property({ type: 'boolean' }) active: boolean = true;
  @Property({ type: 'integer' }) consecutiveFailures: number = 0;
  @Property({ type: 'text', nullable: true }) disabledReason?: string | null;
  @Property({ type: 'datetime', nullable: true }) disabledAt?: Date | null;
  @Property({ type: 'datetime' }) createdAt!: Date;
}

@Entity({ tableName: 'webhook_deliveries' })
export class WebhookDelivery {
  @PrimaryKey({ type: 'uuid' }) id: string = randomUUID();
  @Property({ type: 'uuid' }) webhookId!: string;
  @Property({ type: 'uuid' }) notificationId!: string;
  @Property({ type: 'string' }) eventType!: string;
  /** pending → delivered | failed | skipped */
  @Property({ type: 'string' }) status: string = 'pending';
  @Property({ type: 'integer' }) attempts: number = 0;
  @Property({ type: 'integer', nullable: true }) lastStatusCode?: number | null;
  @Property({ type: 'text', nullable: true }) lastError?: string | null;
  @Property({ type: 'json' }) log: {
    at: string;
    statusCode: number | null;
    error: string | null;
    durationMs: number;
  }[] = [];
  @Property({ type: 'datetime' }) createdAt!: Date;
  @Property({ type: 'datetime', nullable: true }) deliveredAt?: Date | null;
}

@Entity({ tableName: 'email_deliveries' })
export class EmailDelivery {
  @PrimaryKey({ type: 'uuid' }) notificationId!: string;
  @Property({ type: 'string' }) to!: string;
  @Property({ type: 'string' }) status: string = 'pending';
  @Property({ type: 'string', nullable: true }) messageId?: string | null;
  @Property({ type: 'text', nullable: true }) lastError?: string | null;
  @Property({ type: 'datetime', nullable: true }) sentAt?: Date | null;
}

/** A client following a category for vetted-talent alerts. */
@Entity({ tableName: 'talent_alert_subscriptions' })
export class TalentAlertSubscription {
  @PrimaryKey({ type: 'uuid' }) clientId!: string;
  @PrimaryKey({ type: 'string' }) categorySlug!: string;
  @Property({ type: 'datetime' }) createdAt!: Date;
}
