import { Migration } from '@mikro-orm/migrations';

/**
 * A created attempt the candidate abandons, or does not start within ATTEMPT_START_WINDOW, becomes
 * `abandoned` (not open: the partial unique index "one open attempt per freelancer" lists only created and
 * in_progress, so a new attempt may follow). Tracks get a stored open/legacy state set by admins, which
 * overrides the catalog's default.
 */
export class Migration20261127000012_attempt_abandon_track_states extends Migration {
  async up(): Promise<void> {
    this.addSql(`alter table "attempts" drop constraint if exists "attempts_status_check";`);
    this.addSql(`alter table "attempts" add constraint "attempts_status_check"
      check ("status" in ('created', 'in_progress', 'submitted', 'expired', 'terminated', 'graded', 'abandoned'));`);
    this.addSql(`create table "track_states" (
      "slug" varchar(100) primary key,
      "status" text not null check ("status" in ('active', 'legacy')),
      "changed_at" timestamptz not null,
      "changed_by" uuid null references "users" ("id") on delete set null
    );`);
  }

  async down(): Promise<void> {
    this.addSql(`drop table if exists "track_states";`);
    this.addSql(`update "attempts" set "status" = 'terminated' where "status" = 'abandoned';`);
    this.addSql(`alter table "attempts" drop constraint if exists "attempts_status_check";`);
    this.addSql(`alter table "attempts" add constraint "attempts_status_check"
      check ("status" in ('created', 'in_progress', 'submitted', 'expired', 'terminated', 'graded'));`);
  }
}
