import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnApp } from '../support/spawn-api';
import { TEST_REDIS_URL, redisPrefix } from '../support/test-env';

const post = (url: string, body: unknown) =>
  fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

// Each test spawns and compiles the api (ts-node) one to three times: on 2 shared cores, beside the
// browser tests' Chromium, that alone can pass the default 60 s.
jest.setTimeout(180_000);

describe('embedded database (PGlite, no DATABASE_URL)', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'vetting-pglite-'));
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));
  // The demo world has its own test (demo-world.e2e.spec.ts); here it would only slow the starts down.
  const env = {
    DATA_DIR: dataDir,
    REDIS_URL: TEST_REDIS_URL,
    REDIS_PREFIX: `${redisPrefix()}pglite:`,
    LOG_LEVEL: 'warn',
    NODE_ENV: 'development',
    SEED_DEMO: 'false',
  };

  it('boots the real app, migrates, registers and logs in; data and the generated JWT secret survive a SIGINT restart', async () => {
    let token: string;
    let api = await spawnApp('apps/api/src/main.ts', env);
    try {
      const health = (await (await fetch(`${api.baseUrl}/api/health`)).json()) as { info: unknown };
      expect(health.info).toEqual({ database: { status: 'up' }, redis: { status: 'up' } });
      const reg = await post(`${api.baseUrl}/api/auth/register`, {
        email: 'lin@example.com',
        password: 'password-123',
        name: 'Lin',
        role: 'freelancer',
        timeZone: 'Asia/Tokyo',
      });
      expect(reg.status).toBe(201);
      const login = await post(`${api.baseUrl}/api/auth/login`, { email: 'lin@example.com', password: 'password-123' });
      expect(login.status).toBe(200);
      const body = (await login.json()) as { accessToken: string; user: { email: string } };
      expect(body.user.email).toBe('lin@example.com');
      token = body.accessToken;
      // No JWT_SECRET on the development start: a random one was generated for this data directory.
      expect(readFileSync(join(dataDir, 'jwt-secret'), 'utf8').trim().length).toBeGreaterThanOrEqual(32);
      expect(statSync(join(dataDir, 'jwt-secret')).mode & 0o777).toBe(0o600);
    } finally {
      expect([0, 'SIGINT']).toContain(await api.stop('SIGINT'));
    }

    api = await spawnApp('apps/api/src/main.ts', env);
    try {
      const again = await post(`${api.baseUrl}/api/auth/login`, { email: 'lin@example.com', password: 'password-123' });
      expect(again.status).toBe(200);
      // The secret was kept: a token from before the restart still works.
      const me = await fetch(`${api.baseUrl}/api/me`, { headers: { authorization: `Bearer ${token}` } });
      expect(me.status).toBe(200);
      const dup = await post(`${api.baseUrl}/api/auth/register`, {
        email: 'LIN@example.com',
        password: 'password-123',
        name: 'Lin',
        role: 'freelancer',
        timeZone: 'Asia/Tokyo',
      });
      expect(dup.status).toBe(409);
    } finally {
      expect([0, 'SIGTERM']).toContain(await api.stop('SIGTERM'));
    }
  }, 400_000); // two boots of the embedded database

  it('runs transactions with raw statements on the single embedded connection: book, reschedule, cancel, integrity signals', async () => {
    const api = await spawnApp('apps/api/src/main.ts', {
      ...env,
      ADMIN_EMAIL: 'admin@example.com',
      ADMIN_PASSWORD: 'admin-password-1',
    });
    const call = async (method: string, path: string, token?: string, body?: unknown) => {
      const res = await fetch(`${api.baseUrl}${path}`, {
        method,
        headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(15_000),
      });
      return { status: res.status, body: (await res.json()) as any };
    };
    try {
      const admin = (
        await call('POST', '/api/auth/login', undefined, { email: 'admin@example.com', password: 'admin-password-1' })
      ).body.accessToken;
      await call('POST', '/api/admin/users', admin, {
        email: 'tm@example.com',
        password: 'password-123',
        name: 'TM',
        role: 'talent_manager',
        timeZone: 'UTC',
      });
      const tm = (
        await call('POST', '/api/auth/login', undefined, { email: 'tm@example.com', password: 'password-123' })
      ).body.accessToken;
      const weekly = [1, 2, 3, 4, 5, 6, 7].map((weekday) => ({ weekday, start: '00:00', end: '24:00' }));
      expect(
        (
          await call('PUT', '/api/talent-managers/me/availability', tm, {
            timeZone: 'UTC',
            weekly,
            exceptions: [],
            categorySlugs: ['writing'],
            dailyCap: 48,
          })
        ).status,
      ).toBe(200);
      const f = (
        await call('POST', '/api/auth/register', undefined, {
          email: 'f@example.com',
          password: 'password-123',
          name: 'F',
          role: 'freelancer',
          timeZone: 'UTC',
        })
      ).body;
      const inv = await call('POST', '/api/vetting/invitations', admin, {
        freelancerId: f.user.id,
        program: 'expert-vetted',
        categorySlug: 'writing',
      });
      const slot = (hours: number) => {
        const d = new Date(Date.now() + hours * 3600_000);
        d.setUTCMinutes(0, 0, 0);
        return d.toISOString();
      };
      const booked = await call('POST', '/api/vetting/calls', f.accessToken, {
        invitationId: inv.body.id,
        startsAt: slot(50),
      });
      expect(booked.status).toBe(201);
      const moved = await call('POST', `/api/vetting/calls/${booked.body.id}/reschedule`, f.accessToken, {
        startsAt: slot(74),
      });
      expect(moved).toMatchObject({ status: 200, body: { rescheduleCount: 1, status: 'rescheduled' } });
      const cancelled = await call('POST', `/api/vetting/calls/${booked.body.id}/cancel`, f.accessToken, {});
      expect(cancelled).toMatchObject({ status: 200, body: { status: 'cancelled', countsAsMiss: false } });

      const attempt = await call('POST', '/api/assessments/javascript-fundamentals/attempts', f.accessToken);
      expect(attempt.status).toBe(201);
      expect((await call('POST', `/api/attempts/${attempt.body.id}/start`, f.accessToken)).status).toBe(200);
      const { io } = await import('socket.io-client');
      const socket = io(`${api.baseUrl}/live`, {
        auth: { token: f.accessToken },
        transports: ['websocket'],
        reconnection: false,
      });
      try {
        await new Promise<void>((resolve, reject) => {
          socket.once('connect', () => resolve());
          socket.once('connect_error', reject);
        });
        await socket.timeout(10_000).emitWithAck('attempt:join', { attemptId: attempt.body.id });
        const acks = await Promise.all(
          ['tab_hidden', 'copy', 'paste', 'focus_lost'].map((type) =>
            socket
              .timeout(10_000)
              .emitWithAck('attempt:signal', { attemptId: attempt.body.id, type, data: { length: 10 } }),
          ),
        );
        expect(acks.every((a: { ok: boolean }) => a.ok)).toBe(true);
      } finally {
        socket.disconnect();
      }
    } finally {
      await api.stop('SIGTERM');
    }
  }, 200_000);

  it('refuses to start with bad configuration, naming every bad variable', async () => {
    const bad = await spawnApp(
      'apps/api/src/main.ts',
      { ...env, VETTING_CALL_LENGTH: 'thirty minutes', REDIS_URL: 'http://nope', VETTING_DAILY_CAP: '-1' },
      null,
    );
    const code = await new Promise<number | null>((resolve) => bad.child.once('exit', resolve));
    expect(code).toBe(1);
    for (const name of ['VETTING_CALL_LENGTH', 'REDIS_URL', 'VETTING_DAILY_CAP']) expect(bad.output()).toContain(name);
  }, 200_000);

  it('exits with instructions when Redis does not answer', async () => {
    const bad = await spawnApp('apps/api/src/main.ts', { ...env, REDIS_URL: 'redis://127.0.0.1:1' }, null);
    const code = await new Promise<number | null>((resolve) => bad.child.once('exit', resolve));
    expect(code).toBe(1);
    expect(bad.output()).toContain('redis-server');
  }, 200_000);
});
