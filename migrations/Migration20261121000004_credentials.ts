import { Migration } from '@mikro-orm/migrations';

export class Migration20261121000004_credentials extends Migration {
  async up(): Promise<void> {
    this.addSql(`create table "freelancer_profiles" (
      "user_id" uuid primary key references "users" ("id") on delete cascade,
      "title" varchar(200) not null default '',
      "overview" text not null default '',
      "category_slugs" jsonb not null default '[]',
      "skills" jsonb not null default '[]',
      "portfolio_links" jsonb not null default '[]',
      "job_success_score" int null check ("job_success_score" between 0 and 100),
      "earnings12m" double precision not null default 0 check ("earnings12m" >= 0),
      "identity_verified_at" timestamptz null,
      "identity_verified_by_id" uuid null,
      "approval_status" text not null default 'draft' check ("approval_status" in ('draft', 'pending_review', 'approved', 'rejected')),
      "approval_reason" text null,
      "updated_at" timestamptz not null,
      "submitted_at" timestamptz null
    );`);
    this.addSql(`create table "profile_reviews" (
      "id" uuid primary key,
      "user_id" uuid not null references "users" ("id") on delete cascade,
      "at" timestamptz not null,
      "outcome" text not null,
      "code" varchar(60) null,
      "reason" text not null,
      "advice" text null,
      "verified_skills" int not null,
      "reviewer_id" uuid null,
      "snapshot" jsonb not null default '{}'
    );`);
    this.addSql(`create index "profile_reviews_user_idx" on "profile_reviews" ("user_id", "at");`);
    this.addSql(`create table "category_supply" (
      "category_slug" varchar(100) primary key,
      "open_jobs" int not null check ("open_jobs" >= 0),
      "max_freelancers_per_job" double precision not null check ("max_freelancers_per_job" > 0),
      "updated_at" timestamptz not null
    );`);
    this.addSql(`create table "verified_skills" (
      "id" uuid primary key,
      "freelancer_id" uuid not null references "users" ("id") on delete cascade,
      "skill" varchar(100) not null,
      "assessment_slug" varchar(100) not null,
      "attempt_id" uuid not null references "attempts" ("id"),
      "score" double precision not null,
      "band" varchar(20) null,
      "norm_group_size" int not null default 0,
      "band_computed_at" timestamptz not null,
      "verified_at" timestamptz not null,
      constraint "verified_skills_unique" unique ("freelancer_id", "skill")
    );`);
    this.addSql(`create table "certifications" (
      "id" uuid primary key,
      "freelancer_id" uuid not null references "users" ("id") on delete cascade,
      "track_slug" varchar(100) not null,
      "parts" jsonb not null,
      "awarded_at" timestamptz not null,
      constraint "certifications_once" unique ("freelancer_id", "track_slug")
    );`);
    this.addSql(`create table "badges" (
      "id" uuid primary key,
      "freelancer_id" uuid not null references "users" ("id") on delete cascade,
      "kind" varchar(30) not null check ("kind" in ('expert_vetted', 'top_rated_plus', 'top_rated', 'rising_talent')),
      "granted_at" timestamptz not null,
      "revoked_at" timestamptz null,
      "revoked_reason" text null,
      "evidence" jsonb not null default '{}'
    );`);
    // A badge is held at most once at a time; revoked grants stay as history.
    this.addSql(
      `create unique index "badges_one_active" on "badges" ("freelancer_id", "kind") where "revoked_at" is null;`,
    );
    this.addSql(
      `create index "attempts_graded_norm_idx" on "attempts" ("assessment_slug", "graded_at") where "status" = 'graded';`,
    );
  }

  async down(): Promise<void> {
    for (const t of [
      'badges',
      'certifications',
      'verified_skills',
      'category_supply',
      'profile_reviews',
      'freelancer_profiles',
    ])
      this.addSql(`drop table if exists "${t}" cascade;`);
    this.addSql(`drop index if exists "attempts_graded_norm_idx";`);
  }
}
