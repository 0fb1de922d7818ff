/** `npm run db:migrate`: applies pending migrations to DATABASE_URL, or to the embedded database. */
import { AppConfig, ConfigError, migrateUnderLock, openDatabase } from '@vetting/core';
import { ENTITIES, MIGRATIONS } from '../mikro-orm.config';

async function main(): Promise<void> {
  const config = AppConfig.fromEnv();
  const { orm, embedded } = await openDatabase(config, { entities: ENTITIES, migrations: MIGRATIONS, migrate: false });
  try {
    // Under the same advisory lock as the api and worker, so it may run while they start.
    const applied = await migrateUnderLock(orm, embedded ? null : config.env.DATABASE_URL!);
    console.log(applied.length ? `Applied: ${applied.map((m) => m.name).join(', ')}` : 'Database is up to date');
  } finally {
    await orm.close(true);
    await embedded?.stop();
  }
}

main().catch((err) => {
  console.error(err instanceof ConfigError ? err.message : (err?.message ?? err));
  process.exit(1);
});
