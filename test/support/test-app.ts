import { INestApplication } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { Client } from 'pg';
import request from 'supertest';
import { io, Socket } from 'socket.io-client';
import { AppConfig, Clock } from '@vetting/core';
import { createApi } from '../../apps/api/src/bootstrap';
import { freePort } from './spawn-api';
import { TEST_ADMIN_DATABASE_URL, TEST_REDIS_URL, databasePrefix, redisPrefix } from './test-env';

export const ADMIN = { email: 'admin@vetting.test', password: 'admin-password-1' };

/** A fresh database of this run (dropped by the global teardown). */
export async function createTestDatabase(): Promise<{ name: string; url: string }> {
  const name = `${databasePrefix()}${randomBytes(4).toString('hex')}`;
  const pg = new Client({ connectionString: TEST_ADMIN_DATABASE_URL });
  await pg.connect();
  try {
    await pg.query(`create database "${name}"`);
  } finally {
    await pg.end();
  }
  const url = new URL(TEST_ADMIN_DATABASE_URL);
  url.pathname = `/${name}`;
  return { name, url: url.toString() };
}

export interface TestApp {
  app: INestApplication;
  config: AppConfig;
  baseUrl: string;
  databaseUrl?: string;
  http: () => ReturnType<typeof request>;
  socket: (token?: string, opts?: { autoConnect?: boolean }) => Socket;
  close: () => Promise<void>;
}

export interface TestAppOptions {
  env?: Record<string, string>;
  clock?: Clock;
  withWorker?: boolean;
  /** Use this database (e.g. shared by a second api process); default: a new one. */
  databaseUrl?: string | null;
  redisPrefix?: string;
  /** Listen on this port (default: any free one). */
  port?: number;
}

/** Boots the real api (and, by default, the worker) on PostgreSQL and Redis, listening on a free port. */
export async function startTestApp(opts: TestAppOptions = {}): Promise<TestApp> {
  const databaseUrl = opts.databaseUrl === null ? undefined : (opts.databaseUrl ?? (await createTestDatabase()).url);
  const env: Record<string, string> = {
    NODE_ENV: 'test',
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    REDIS_URL: TEST_REDIS_URL,
    REDIS_PREFIX: opts.redisPrefix ?? `${redisPrefix()}${randomBytes(3).toString('hex')}:`,
    JWT_SECRET: 'test-secret-test-secret-test-secret',
    ADMIN_EMAIL: ADMIN.email,
    ADMIN_PASSWORD: ADMIN.password,
    AUTH_RATE_LIMIT: '10000',
    AUTH_ACCOUNT_RATE_LIMIT: '10000',
    SWAGGER_ENABLED: 'true',
    // Webhook receivers in tests listen on loopback.
    WEBHOOK_ALLOW_PRIVATE: 'true',
    // A small deterministic catalog; the shipped one is validated by its own test.
    ASSESSMENT_CATALOG_DIR: join(__dirname, '..', 'fixtures', 'assessments'),
    ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}),
    ...opts.env,
  };
  // Pages served by this app open /live from its own origin: allow it beside PUBLIC_URL's (the default).
  const port = opts.port ?? (await freePort());
  if (env.CORS_ORIGINS === undefined)
    env.CORS_ORIGINS = `${new URL(env.PUBLIC_URL ?? 'http://localhost:3000').origin},http://127.0.0.1:${port}`;
  const config = AppConfig.fromEnv(env);
  const app = await createApi({ config, clock: opts.clock, withWorker: opts.withWorker ?? true, bufferLogs: false });
  await app.listen(port, '127.0.0.1');
  const baseUrl = `http://127.0.0.1:${port}`;
  const sockets: Socket[] = [];
  return {
    app,
    config,
    baseUrl,
    databaseUrl,
    http: () => request(app.getHttpServer()),
    socket: (token, o = {}) => {
      const s = io(`${baseUrl}/live`, {
        auth: token ? { token } : {},
        transports: ['websocket'],
        reconnection: false,
        forceNew: true,
        autoConnect: o.autoConnect ?? true,
      });
      sockets.push(s);
      return s;
    },
    close: async () => {
      for (const s of sockets) s.disconnect();
      await app.close();
    },
  };
}

export async function registerUser(
  t: TestApp,
  body: Partial<{ email: string; password: string; name: string; role: string; timeZone: string; plan: string }> = {},
): Promise<{ token: string; user: { id: string; email: string; role: string } }> {
  const res = await t
    .http()
    .post('/api/auth/register')
    .send({
      email: `u${randomBytes(5).toString('hex')}@example.com`,
      password: 'password-123',
      name: 'Test User',
      role: 'freelancer',
      timeZone: 'Europe/Berlin',
      ...body,
    });
  if (res.status !== 201) throw new Error(`register failed: ${res.status} ${JSON.stringify(res.body)}`);
  return { token: res.body.accessToken, user: res.body.user };
}

export async function loginAdmin(t: TestApp): Promise<string> {
  const res = await t.http().post('/api/auth/login').send(ADMIN);
  if (res.status !== 200) throw new Error(`admin login failed: ${res.status}`);
  return res.body.accessToken;
}

export async function createStaff(t: TestApp, adminToken: string, role: string, body: Record<string, unknown> = {}) {
  const email = `${role}-${randomBytes(4).toString('hex')}@example.com`;
  const res = await t
    .http()
    .post('/api/admin/users')
    .set('authorization', `Bearer ${adminToken}`)
    .send({ email, password: 'password-123', name: `Staff ${role}`, role, timeZone: 'UTC', ...body });
  if (res.status !== 201) throw new Error(`staff create failed: ${res.status} ${JSON.stringify(res.body)}`);
  const login = await t.http().post('/api/auth/login').send({ email, password: 'password-123' });
  return { token: login.body.accessToken as string, user: res.body as { id: string; email: string; role: string } };
}

/** Resolves with the first `event` the socket receives (or rejects after `ms`). */
export function nextEvent<T = any>(socket: Socket, event: string, ms = 10000): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no ${event} within ${ms} ms`)), ms);
    socket.once(event, (payload: T) => {
      clearTimeout(timer);
      resolve(payload);
    });
  });
}

/**
 * The next `event` whose payload satisfies `accept`: live events travel through the adapter's stream, so an
 * earlier state (e.g. the broadcast of one's own join) may still arrive after an ack; clients keep the latest.
 */
export function nextEventWhere<T = any>(
  socket: Socket,
  event: string,
  accept: (payload: T) => boolean,
  ms = 10000,
): Promise<T> {
  return new Promise((resolve, reject) => {
    const onEvent = (payload: T) => {
      if (!accept(payload)) return;
      clearTimeout(timer);
      socket.off(event, onEvent);
      resolve(payload);
    };
    const timer = setTimeout(() => {
      socket.off(event, onEvent);
      reject(new Error(`no matching ${event} within ${ms} ms`));
    }, ms);
    socket.on(event, onEvent);
  });
}

export function connected(socket: Socket, ms = 5000): Promise<void> {
  return new Promise((resolve, reject) => {
    if (socket.connected) return resolve();
    const timer = setTimeout(() => reject(new Error('socket did not connect')), ms);
    socket.once('connect', () => {
      clearTimeout(timer);
      resolve();
    });
    socket.once('connect_error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
  });
}

export function emitAck<T = any>(socket: Socket, event: string, payload?: unknown, ms = 10000): Promise<T> {
  return socket.timeout(ms).emitWithAck(event, payload) as Promise<T>;
}
