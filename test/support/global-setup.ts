import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import Redis from 'ioredis';
import { TEST_ADMIN_DATABASE_URL, TEST_REDIS_URL } from './test-env';
import { ensureWebBuild } from './web-build';

export default async function globalSetup(): Promise<void> {
  process.env.VT_RUN_ID ??= `${Date.now().toString(36)}${randomBytes(3).toString('hex')}`;
  const pg = new Client({ connectionString: TEST_ADMIN_DATABASE_URL });
  try {
    await pg.connect();
    await pg.query('select 1');
  } catch (err) {
    throw new Error(
      `Tests need PostgreSQL at ${TEST_ADMIN_DATABASE_URL} (set TEST_DATABASE_URL): ${(err as Error).message}`,
      { cause: err },
    );
  } finally {
    await pg.end().catch(() => undefined);
  }
  const redis = new Redis(TEST_REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
  redis.on('error', () => undefined);
  try {
    await redis.connect();
    await redis.ping();
  } catch (err) {
    throw new Error(`Tests need Redis at ${TEST_REDIS_URL} (set TEST_REDIS_URL): ${(err as Error).message}`, {
      cause: err,
    });
  } finally {
    redis.disconnect();
  }
  // Browser tests drive the built pages served by the api.
  ensureWebBuild();
}
