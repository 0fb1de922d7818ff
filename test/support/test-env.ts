/** Where tests find PostgreSQL and Redis; every run gets its own databases and Redis key prefix. */
export const TEST_ADMIN_DATABASE_URL = process.env.TEST_DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';
export const TEST_REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

export function runId(): string {
  const id = process.env.VT_RUN_ID;
  if (!id) throw new Error('VT_RUN_ID is not set: run the tests through jest (global setup)');
  return id;
}

export const databasePrefix = () => `vt_${runId()}_`;
export const redisPrefix = () => `vt:${runId()}:`;
