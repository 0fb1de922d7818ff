import { MikroORM } from '@mikro-orm/postgresql';
import { MigrationLockRepository } from './migration-lock.repository';

/**
 * Applies pending migrations while holding a session-level advisory lock on a connection of its own, so
 * api and worker processes may start in any order: the first migrates, the others wait for the lock and
 * then find nothing pending. `url` null: the embedded database (one process, one connection), no lock.
 */
export async function migrateUnderLock(orm: MikroORM, url: string | null): Promise<{ name: string }[]> {
  if (!url) return orm.getMigrator().up();
  const lock = await MigrationLockRepository.connect(url);
  try {
    await lock.acquire();
    try {
      return await orm.getMigrator().up();
    } finally {
      await lock.release().catch(() => undefined);
    }
  } finally {
    await lock.close().catch(() => undefined);
  }
}
