import { Migration } from '@mikro-orm/migrations';

export class Migration20261121000005_notifications extends Migration {
  async up(): Promise<void> {
    this.addSql(`alter table "notifications" add column "attachments" jsonb not null default '[]';`);
    this.addSql(`create table "notification_preferences" (
      "user_id" uuid primary key references "users" ("id") on delete cascade,
      "push" boolean not null default true,
      "email" boolean not null default true,
      "webhook" boolean not null default true,
      "muted_types" jsonb not null default '[]',
      "updated_at" timestamptz not null
    );`);
    this.addSql(`create table "webhooks" (
      "id" uuid primary key,
      "user_id" uuid not null references "users" ("id") on delete cascade,
      "url" text not null,
      "secret" varchar(200) not null,
      "events" jsonb not null default '[]',
      "active" boolean not null default true,
      "consecutive_failures" int not null default 0,
      "disabled_reason" text null,
      "disabled_at" timestamptz null,
      "created_at" timestamptz not null
    );`);
    this.addSql(`create index "webhooks_user_idx" on "webhooks" ("user_id") where "active";`);
    this.addSql(`create table "webhook_deliveries" (
      "id" uuid primary key,
      "webhook_id" uuid not null references "webhooks" ("id") on delete cascade,
      "notification_id" uuid not null references "notifications" ("id") on delete cascade,
      "event_type" varchar(100) not null,
      "status" varchar(20) not null,
      "attempts" int not null default 0,
      "last_status_code" int null,
      "last_error" text null,
      "log" jsonb not null default '[]',
      "created_at" timestamptz not null,
      "delivered_at" timestamptz null,
      constraint "webhook_deliveries_once" unique ("webhook_id", "notification_id")
    );`);
    this.addSql(
      `create index "webhook_deliveries_webhook_idx" on "webhook_deliveries" ("webhook_id", "created_at" desc);`,
    );
    this.addSql(`create table "email_deliveries" (
      "notification_id" uuid primary key references "notifications" ("id") on delete cascade,
      "to" varchar(320) not null,
      "status" varchar(20) not null,
      "message_id" varchar(300) null,
      "last_error" text null,
      "sent_at" timestamptz null
    );`);
    this.addSql(`create table "talent_alert_subscriptions" (
      "client_id" uuid not null references "users" ("id") on delete cascade,
      "category_slug" varchar(100) not null,
      "created_at" timestamptz not null,
      primary key ("category_slug", "client_id")
    );`);
  }

  async down(): Promise<void> {
    for (const t of [
      'talent_alert_subscriptions',
      'email_deliveries',
      'webhook_deliveries',
      'webhooks',
      'notification_preferences',
    ])
      this.addSql(`drop table if exists "${t}" cascade;`);
    this.addSql(`alter table "notifications" drop column if exists "attachments";`);
  }
}
