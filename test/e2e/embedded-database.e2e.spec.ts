import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnApp } from '../support/spawn-api';
import { TEST_REDIS_URL, redisPrefix } from '../support/test-env';

const post = (url: string, body: unknown) =>
  fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

describe('embedded database (PGlite, no DATABASE_URL)', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'vetting-pglite-'));
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));
  const env = { DATA_DIR: dataDir, REDIS_URL: TEST_REDIS_URL, REDIS_PREFIX: `${redisPrefix()}pglite:`, LOG_LEVEL: 'warn', NODE_ENV: 'test' };

  it('boots the real app, migrates, registers and logs in; data survives a SIGINT restart', async () => {
    let api = await spawnApp('apps/api/src/main.ts', env);
    try {
      const health = (await (await fetch(`${api.baseUrl}/api/health`)).json()) as { info: unknown };
      expect(health.info).toEqual({ database: { status: 'up' }, redis: { status: 'up' } });
      const reg = await post(`${api.baseUrl}/api/auth/register`, { email: 'lin@example.com', password: 'password-123', name: 'Lin', role: 'freelancer', timeZone: 'Asia/Tokyo' });
      expect(reg.status).toBe(201);
      const login = await post(`${api.baseUrl}/api/auth/login`, { email: 'lin@example.com', password: 'password-123' });
      expect(login.status).toBe(200);
      expect(((await login.json()) as { user: { email: string } }).user.email).toBe('lin@example.com');
    } finally {
      expect([0, 'SIGINT']).toContain(await api.stop('SIGINT'));
    }

    api = await spawnApp('apps/api/src/main.ts', env);
    try {
      const again = await post(`${api.baseUrl}/api/auth/login`, { email: 'lin@example.com', password: 'password-123' });
      expect(again.status).toBe(200);
      const dup = await post(`${api.baseUrl}/api/auth/register`, { email: 'LIN@example.com', password: 'password-123', name: 'Lin', role: 'freelancer', timeZone: 'Asia/Tokyo' });
      expect(dup.status).toBe(409);
    } finally {
      expect([0, 'SIGTERM']).toContain(await api.stop('SIGTERM'));
    }
  });

  it('refuses to start with bad configuration, naming every bad variable', async () => {
    const bad = await spawnApp('apps/api/src/main.ts', { ...env, VETTING_CALL_LENGTH: 'thirty minutes', REDIS_URL: 'http://nope', VETTING_DAILY_CAP: '-1' }, null);
    const code = await new Promise<number | null>((resolve) => bad.child.once('exit', resolve));
    expect(code).toBe(1);
    for (const name of ['VETTING_CALL_LENGTH', 'REDIS_URL', 'VETTING_DAILY_CAP']) expect(bad.output()).toContain(name);
  });

  it('exits with instructions when Redis does not answer', async () => {
    const bad = await spawnApp('apps/api/src/main.ts', { ...env, REDIS_URL: 'redis://127.0.0.1:1' }, null);
    const code = await new Promise<number | null>((resolve) => bad.child.once('exit', resolve));
    expect(code).toBe(1);
    expect(bad.output()).toContain('redis-server');
  });
});
