import { Migration } from '@mikro-orm/migrations';

/**
 * The transactional outbox: the effects a state change owes (notifications, socket events, follow-up jobs)
 * are written as rows in the same transaction as the change; a relay delivers them at least once.
 */
export class Migration20261127000011_outbox extends Migration {
  async up(): Promise<void> {
    this.addSql(`create table "outbox" (
      "id" bigserial primary key,
      "topic" text not null,
      "idempotency_key" text not null,
      "payload" jsonb not null,
      "created_at" timestamptz not null default now(),
      "available_at" timestamptz not null default now(),
      "attempts" int not null default 0,
      "delivered_at" timestamptz null,
      "last_error" text null,
      constraint "outbox_idempotency_key_unique" unique ("idempotency_key")
    );`);
    this.addSql(`create index "outbox_pending_idx" on "outbox" ("available_at", "id") where "delivered_at" is null;`);
    this.addSql(`create index "outbox_delivered_idx" on "outbox" ("delivered_at") where "delivered_at" is not null;`);
  }

  async down(): Promise<void> {
    this.addSql(`drop table if exists "outbox";`);
  }
}
