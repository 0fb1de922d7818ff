import { Migration } from '@mikro-orm/migrations';

/**
 * Session revocation: every token carries the user's token version; logout and a password change raise
 * it, so every token issued before stops working at the next request.
 */
export class Migration20261127000010_token_version extends Migration {
  async up(): Promise<void> {
    this.addSql(`alter table "users" add column "token_version" int not null default 0;`);
  }

  async down(): Promise<void> {
    this.addSql(`alter table "users" drop column "token_version";`);
  }
}
