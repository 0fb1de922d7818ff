import { Client } from 'pg';

/**
 * The advisory lock every process takes to migrate: "vetting" in ASCII (0x76657474696e67) as JavaScript has
 * always sent it (a double rounds it to ...720), written as the exact bigint so every version takes one lock.
 */
export const MIGRATION_LOCK_KEY = '33325598095535720';

/**
 * The session-level advisory lock around migrations, on a connection of its own (not the ORM's pool: the
 * lock belongs to one session, and migrations run on other connections while it is held).
 */
export class MigrationLockRepository {
  private constructor(private readonly client: Client) {}

  static async connect(url: string): Promise<MigrationLockRepository> {
    const client = new Client({ connectionString: url });
    client.on('error', () => undefined); // a lost lock session surfaces as the failed unlock
    await client.connect();
    return new MigrationLockRepository(client);
  }

  /** Waits until no other session holds the lock, then holds it. */
  async acquire(): Promise<void> {
    await this.client.query('select pg_advisory_lock($1::bigint)', [MIGRATION_LOCK_KEY]);
  }

  async release(): Promise<void> {
    await this.client.query('select pg_advisory_unlock($1::bigint)', [MIGRATION_LOCK_KEY]);
  }

  async close(): Promise<void> {
    await this.client.end();
  }
}
