import { Migration } from '@mikro-orm/migrations';

export class Migration20261121000002_calendar extends Migration {
  async up(): Promise<void> {
    this.addSql(`create extension if not exists btree_gist;`);

    this.addSql(`create table "notifications" (
      "id" uuid primary key,
      "user_id" uuid not null references "users" ("id") on delete cascade,
      "type" varchar(100) not null,
      "title" varchar(300) not null,
      "body" text not null,
      "data" jsonb not null default '{}',
      "dedupe_key" varchar(300) null unique,
      "created_at" timestamptz not null,
      "read_at" timestamptz null
    );`);
    this.addSql(
      `create index "notifications_user_created_idx" on "notifications" ("user_id", "created_at" desc, "id" desc);`,
    );
    this.addSql(`create index "notifications_user_unread_idx" on "notifications" ("user_id") where "read_at" is null;`);

    this.addSql(`create table "vetting_invitations" (
      "id" uuid primary key,
      "freelancer_id" uuid not null references "users" ("id") on delete cascade,
      "program" varchar(50) not null,
      "category_slug" varchar(100) not null,
      "status" text not null check ("status" in ('open', 'closed', 'revoked')),
      "source" text not null check ("source" in ('invitation', 'application')),
      "invited_by_id" uuid null references "users" ("id"),
      "reschedules_used" int not null default 0 check ("reschedules_used" >= 0),
      "free_rebooking" boolean not null default false,
      "created_at" timestamptz not null,
      "closed_at" timestamptz null,
      "closed_reason" varchar(50) null
    );`);
    this.addSql(`create index "vetting_invitations_freelancer_idx" on "vetting_invitations" ("freelancer_id");`);
    // One open invitation per freelancer and program.
    this.addSql(
      `create unique index "vetting_invitations_one_open" on "vetting_invitations" ("freelancer_id", "program") where "status" = 'open';`,
    );

    this.addSql(`create table "vetting_application_windows" (
      "id" uuid primary key,
      "program" varchar(50) not null,
      "category_slug" varchar(100) not null,
      "opens_at" timestamptz not null,
      "closes_at" timestamptz not null check ("closes_at" > "opens_at"),
      "created_by_id" uuid not null references "users" ("id"),
      "created_at" timestamptz not null
    );`);

    this.addSql(`create table "vetting_cooldowns" (
      "id" uuid primary key,
      "freelancer_id" uuid not null references "users" ("id") on delete cascade,
      "program" varchar(50) not null,
      "reason" varchar(50) not null,
      "call_id" uuid null,
      "starts_at" timestamptz not null,
      "until" timestamptz not null,
      "expired_notified_at" timestamptz null
    );`);
    this.addSql(
      `create index "vetting_cooldowns_freelancer_idx" on "vetting_cooldowns" ("freelancer_id", "program", "until");`,
    );

    this.addSql(`create table "talent_manager_availability" (
      "talent_manager_id" uuid primary key references "users" ("id") on delete cascade,
      "time_zone" varchar(64) not null,
      "weekly" jsonb not null,
      "exceptions" jsonb not null,
      "category_slugs" jsonb not null,
      "daily_cap" int not null check ("daily_cap" > 0),
      "updated_at" timestamptz not null
    );`);
    this.addSql(
      `create index "talent_manager_availability_categories" on "talent_manager_availability" using gin ("category_slugs");`,
    );

    this.addSql(`create table "vetting_calls" (
      "id" uuid primary key,
      "invitation_id" uuid not null references "vetting_invitations" ("id"),
      "freelancer_id" uuid not null references "users" ("id"),
      "talent_manager_id" uuid not null references "users" ("id"),
      "program" varchar(50) not null,
      "category_slug" varchar(100) not null,
      "status" text not null check ("status" in ('scheduled', 'rescheduled', 'in_progress', 'completed', 'missed', 'interviewer_absent', 'cancelled')),
      "starts_at" timestamptz not null,
      "ends_at" timestamptz not null,
      "reschedule_count" int not null default 0,
      "version" int not null default 1,
      "ics_sequence" int not null default 0,
      "freelancer_joined_at" timestamptz null,
      "talent_manager_joined_at" timestamptz null,
      "ended_at" timestamptz null,
      "cancel_reason" varchar(100) null,
      "free_rebooking" boolean not null default false,
      "created_at" timestamptz not null,
      "updated_at" timestamptz not null,
      constraint "vetting_calls_ends_after_start" check ("ends_at" > "starts_at"),
      -- No two active calls of one talent manager overlap: the database decides booking races (23P01).
      constraint "vetting_calls_no_overlap" exclude using gist (
        "talent_manager_id" with =,
        tstzrange("starts_at", "ends_at") with &&
      ) where ("status" in ('scheduled', 'rescheduled', 'in_progress'))
    );`);
    // One active call per freelancer and program.
    this.addSql(
      `create unique index "vetting_calls_one_active_per_freelancer" on "vetting_calls" ("freelancer_id", "program") where "status" in ('scheduled', 'rescheduled', 'in_progress');`,
    );
    this.addSql(`create index "vetting_calls_invitation_idx" on "vetting_calls" ("invitation_id");`);
    this.addSql(`create index "vetting_calls_tm_starts_idx" on "vetting_calls" ("talent_manager_id", "starts_at");`);

    this.addSql(`create table "call_history" (
      "id" uuid primary key,
      "call_id" uuid not null references "vetting_calls" ("id") on delete cascade,
      "at" timestamptz not null,
      "actor_id" uuid null,
      "actor_role" varchar(30) not null,
      "action" varchar(50) not null,
      "from_status" varchar(30) null,
      "to_status" varchar(30) null,
      "details" jsonb not null default '{}'
    );`);
    this.addSql(`create index "call_history_call_idx" on "call_history" ("call_id", "at");`);

    this.addSql(`create table "scorecards" (
      "call_id" uuid primary key references "vetting_calls" ("id"),
      "talent_manager_id" uuid not null references "users" ("id"),
      "freelancer_id" uuid not null references "users" ("id"),
      "hard_skills" jsonb not null,
      "soft_skills" jsonb not null,
      "decision" text not null check ("decision" in ('pass', 'fail')),
      "notes" text null,
      "submitted_at" timestamptz not null
    );`);
  }

  async down(): Promise<void> {
    for (const t of [
      'scorecards',
      'call_history',
      'vetting_calls',
      'talent_manager_availability',
      'vetting_cooldowns',
      'vetting_application_windows',
      'vetting_invitations',
      'notifications',
    ]) {
      this.addSql(`drop table if exists "${t}" cascade;`);
    }
  }
}
