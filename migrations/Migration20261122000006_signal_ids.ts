import { Migration } from '@mikro-orm/migrations';

/**
 * Integrity signals get an id the server assigns when the signal arrives, so a proctor who saw it live
 * and the stored timeline name the same signal (the relay goes out before the row is written).
 */
export class Migration20261122000006_signal_ids extends Migration {
  async up(): Promise<void> {
    this.addSql(`alter table "integrity_signals" add column "signal_id" uuid not null default gen_random_uuid();`);
    this.addSql(`create unique index "integrity_signals_signal_id" on "integrity_signals" ("signal_id");`);
    this.addSql(`create index "integrity_signals_attempt_at_idx" on "integrity_signals" ("attempt_id", "at", "id");`);
  }

  async down(): Promise<void> {
    this.addSql(`drop index if exists "integrity_signals_attempt_at_idx";`);
    this.addSql(`alter table "integrity_signals" drop column if exists "signal_id";`);
  }
}
