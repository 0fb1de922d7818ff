import { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import { RequestContext } from '@mikro-orm/core';
import { AppConfig, openDatabase } from '@vetting/core';
import { ENTITIES, MIGRATIONS } from '../../mikro-orm.config';
import { createTestDatabase } from './test-app';

/**
 * "Medium" tests (immich's tier between unit and e2e): a repository against a real, migrated PostgreSQL
 * database of its own, no Nest application, no HTTP. Each call gives a fresh database of this run.
 */
export interface MediumDatabase {
  orm: MikroORM;
  url: string;
  /** A fresh EntityManager (its own identity map), as a request or job would get. */
  em: () => EntityManager;
  /** Runs `fn` inside a request context, as repositories expect when they use the global manager. */
  inContext: <T>(fn: (em: EntityManager) => Promise<T>) => Promise<T>;
  close: () => Promise<void>;
}

export async function openMediumDatabase(): Promise<MediumDatabase> {
  const { url } = await createTestDatabase();
  const config = AppConfig.fromEnv({
    NODE_ENV: 'test',
    DATABASE_URL: url,
    JWT_SECRET: 'medium-tests-secret-0123456789',
  });
  const { orm } = await openDatabase(config, { entities: ENTITIES, migrations: MIGRATIONS, migrate: true });
  return {
    orm,
    url,
    em: () => orm.em.fork() as EntityManager,
    inContext: (fn) => {
      const em = orm.em.fork() as EntityManager;
      return RequestContext.create(em, () => fn(em));
    },
    close: () => orm.close(true),
  };
}
