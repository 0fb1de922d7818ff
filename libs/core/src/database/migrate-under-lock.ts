import { MikroORM } from '@mikro-orm/postgresql';
import { Client } from 'pg';

/** The advisory lock every process takes to migrate (an arbitrary constant: "vetting" in ASCII). */
export const MIGRATION_LOCK_KEY = 0x76657474696e67;

/**
 * Applies pending migrations while holding a session-level advisory lock on a connection of its own, so
 * api and worker processes may start in any order: the first migrates, the others wait for the lock and
 * then find nothing pending. `url` null: the embedded database (one process, one connection), no lock.
 */
export async function migrateUnderLock(orm: MikroORM, url: string | null): Promise<{ name: string }[]> {
  if (!url) return orm.getMigrator().up();
  const lock = new Client({ connectionString: url });
  lock.on('error', () => undefined); // a lost lock session surfaces as the failed unlock below
  await lock.connect();
  try {
    await lock.query('select pg_advisory_lock($1::bigint)', [MIGRATION_LOCK_KEY]);
    try {
      return await orm.getMigrator().up();
    } finally {
      await lock.query('select pg_advisory_unlock($1::bigint)', [MIGRATION_LOCK_KEY]).catch(() => undefined);
    }
  } finally {
    await lock.end().catch(() => undefined);
  }
}
