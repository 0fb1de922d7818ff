import { Client } from 'pg';
import { join } from 'node:path';
import { MIGRATIONS } from '../../mikro-orm.config';
import { SpawnedProcess, spawnApp } from '../support/spawn-api';
import { createTestDatabase } from '../support/test-app';
import { TEST_REDIS_URL, redisPrefix } from '../support/test-env';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * `npm start` with DATABASE_URL runs an api and a worker process; either may start first. Both migrate under
 * one advisory lock: the second waits for it, then finds the schema in place.
 */
describe('start-up on a fresh database: api and worker in any order', () => {
  it('worker first, api right after: both come up and every migration is applied once', async () => {
    const db = await createTestDatabase();
    const env = {
      NODE_ENV: 'test',
      LOG_LEVEL: 'warn',
      DATABASE_URL: db.url,
      REDIS_URL: TEST_REDIS_URL,
      REDIS_PREFIX: `${redisPrefix()}startup:`,
      JWT_SECRET: 'test-secret-test-secret-test-secret',
      WORKER_IN_PROCESS: 'false',
      ASSESSMENT_CATALOG_DIR: join(__dirname, '..', 'fixtures', 'assessments'),
    };
    const started: SpawnedProcess[] = [];
    try {
      const worker = await spawnApp('apps/worker/src/main.ts', env, null);
      started.push(worker);
      const api = await spawnApp('apps/api/src/main.ts', env);
      started.push(api);
      // The worker has waited for the lock and started on the migrated schema (its start-up reads vetting_calls).
      const deadline = Date.now() + 60_000;
      while (!worker.output().includes('worker started')) {
        if (worker.child.exitCode !== null) throw new Error(`worker exited:\n${worker.output()}`);
        if (Date.now() > deadline) throw new Error(`worker did not start:\n${worker.output()}`);
        await sleep(200);
      }
      await sleep(1000);
      expect(worker.child.exitCode).toBeNull();
      expect(worker.output()).not.toMatch(/does not exist/);
      expect((await fetch(`${api.baseUrl}/api/health`)).status).toBe(200);

      const pg = new Client({ connectionString: db.url });
      await pg.connect();
      try {
        const applied = (await pg.query('select name from mikro_orm_migrations order by id')).rows.map(
          (r) => r.name as string,
        );
        expect(applied).toEqual(MIGRATIONS.map((m) => m.name));
        expect((await pg.query(`select to_regclass('vetting_calls') is not null as present`)).rows[0].present).toBe(
          true,
        );
        // The lock is released once both are up.
        expect(
          (
            await pg.query(
              `select count(*)::int as n from pg_locks where locktype = 'advisory' and database = (select oid from pg_database where datname = $1)`,
              [db.name],
            )
          ).rows[0].n,
        ).toBe(0);
      } finally {
        await pg.end();
      }
    } finally {
      for (const p of started.reverse()) await p.stop('SIGTERM');
    }
  }, 120_000);
});
