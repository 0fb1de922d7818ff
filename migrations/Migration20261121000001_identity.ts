import { Migration } from '@mikro-orm/migrations';

export class Migration20261121000001_identity extends Migration {
  async up(): Promise<void> {
    this.addSql(`create table "users" (
      "id" uuid primary key,
      "email" varchar(320) not null,
      "password_hash" varchar(255) not null,
      "name" varchar(200) not null,
      "role" text not null check ("role" in ('freelancer', 'client', 'talent_manager', 'proctor', 'admin')),
      "time_zone" varchar(64) not null,
      "plan" text null check ("plan" in ('marketplace', 'business_plus', 'enterprise')),
      "created_at" timestamptz not null
    );`);
    this.addSql(`create unique index "users_email_lower_unique" on "users" (lower("email"));`);
    this.addSql(`create index "users_role_idx" on "users" ("role");`);
  }

  async down(): Promise<void> {
    this.addSql(`drop table if exists "users" cascade;`);
  }
}
