import { Migration } from '@mikro-orm/migrations';

/**
 * Who revoked a badge: an admin's id, or null when the statistics re-evaluation revoked it because its criteria
 * lapsed. The re-evaluation never grants back a kind an admin revoked; one that lapsed is earned again when its
 * criteria hold again.
 */
export class Migration20261128000015_badge_revoked_by extends Migration {
  async up(): Promise<void> {
    this.addSql(`alter table "badges" add column "revoked_by" uuid null references "users" ("id") on delete set null;`);
    this.addSql(`alter table "badges" add column "revoked_by_admin" boolean not null default false;`);
    // Revocations made before this column: every one the re-evaluation did not make was an admin's.
    this.addSql(`update "badges" set "revoked_by_admin" = true
      where "revoked_at" is not null and "revoked_reason" is distinct from 'criteria no longer met';`);
  }

  async down(): Promise<void> {
    this.addSql(`alter table "badges" drop column if exists "revoked_by_admin";`);
    this.addSql(`alter table "badges" drop column if exists "revoked_by";`);
  }
}
