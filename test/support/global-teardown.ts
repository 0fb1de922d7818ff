import { Client } from 'pg';
import Redis from 'ioredis';
import { TEST_ADMIN_DATABASE_URL, TEST_REDIS_URL, databasePrefix, redisPrefix } from './test-env';

/** Drops this run's databases and Redis keys, whatever the tests left behind. */
export default async function globalTeardown(): Promise<void> {
  const pg = new Client({ connectionString: TEST_ADMIN_DATABASE_URL });
  await pg.connect();
  try {
    const { rows } = await pg.query<{ datname: string }>('select datname from pg_database where datname like $1', [
      `${databasePrefix()}%`,
    ]);
    for (const { datname } of rows) {
      await pg.query(`drop database if exists "${datname}" with (force)`);
    }
  } finally {
    await pg.end();
  }
  const redis = new Redis(TEST_REDIS_URL);
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${redisPrefix()}*`, 'COUNT', 1000);
      cursor = next;
      if (keys.length) await redis.del(...keys);
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}
