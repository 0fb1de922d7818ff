import { Migration } from '@mikro-orm/migrations';

export class Migration20261121000003_assessments extends Migration {
  async up(): Promise<void> {
    this.addSql(`create table "attempts" (
      "id" uuid primary key,
      "assessment_slug" varchar(100) not null,
      "freelancer_id" uuid not null references "users" ("id") on delete cascade,
      "status" text not null check ("status" in ('created', 'in_progress', 'submitted', 'expired', 'terminated', 'graded')),
      "item_ids" jsonb not null,
      "created_at" timestamptz not null,
      "started_at" timestamptz null,
      "deadline" timestamptz null,
      "ended_at" timestamptz null,
      "end_reason" varchar(500) null,
      "integrity_points" int not null default 0,
      "integrity_tier" varchar(10) not null default 'none',
      "score" double precision null,
      "passed" boolean null,
      "report" jsonb null,
      "graded_at" timestamptz null,
      constraint "attempts_deadline_after_start" check ("deadline" is null or "deadline" > "started_at")
    );`);
    // One attempt at a time per freelancer.
    this.addSql(
      `create unique index "attempts_one_open_per_freelancer" on "attempts" ("freelancer_id") where "status" in ('created', 'in_progress');`,
    );
    this.addSql(`create index "attempts_freelancer_slug_idx" on "attempts" ("freelancer_id", "assessment_slug");`);
    this.addSql(`create index "attempts_running_idx" on "attempts" ("status") where "status" = 'in_progress';`);

    this.addSql(`create table "attempt_answers" (
      "id" uuid primary key,
      "attempt_id" uuid not null references "attempts" ("id") on delete cascade,
      "item_id" varchar(64) not null,
      "answer" jsonb not null,
      "saved_at" timestamptz not null,
      "revision" int not null default 1,
      constraint "attempt_answers_one_per_item" unique ("attempt_id", "item_id")
    );`);

    this.addSql(`create table "integrity_signals" (
      "id" bigserial primary key,
      "attempt_id" uuid not null references "attempts" ("id") on delete cascade,
      "type" varchar(40) not null,
      "source" varchar(20) not null check ("source" in ('candidate', 'proctor', 'system')),
      "actor_id" uuid null,
      "data" jsonb not null default '{}',
      "at" timestamptz not null
    );`);
    this.addSql(`create index "integrity_signals_attempt_idx" on "integrity_signals" ("attempt_id", "id");`);

    this.addSql(`create table "track_invitations" (
      "id" uuid primary key,
      "freelancer_id" uuid not null references "users" ("id") on delete cascade,
      "track_slug" varchar(100) not null,
      "invited_by_id" uuid not null references "users" ("id"),
      "created_at" timestamptz not null,
      constraint "track_invitations_unique" unique ("freelancer_id", "track_slug")
    );`);
  }

  async down(): Promise<void> {
    for (const t of ['track_invitations', 'integrity_signals', 'attempt_answers', 'attempts'])
      this.addSql(`drop table if exists "${t}" cascade;`);
  }
}
