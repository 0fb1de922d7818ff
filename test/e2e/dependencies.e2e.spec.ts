import { ChildProcess, spawn } from 'node:child_process';
import { Client } from 'pg';
import Redis from 'ioredis';
import { ADMIN, TestApp, loginAdmin, startTestApp } from '../support/test-app';
import { TEST_ADMIN_DATABASE_URL } from '../support/test-env';
import { freePort } from '../support/spawn-api';
import { bearer, invitedFreelancer, nextGridStart, talentManager } from '../support/calendar-fixtures';

/** DEPENDENCY_TIMEOUT is PT2S: a correctness bound with room for a loaded machine, not a benchmark. */
const BOUND_MS = 4000;
const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

class OwnRedis {
  private child?: ChildProcess;
  constructor(readonly port: number) {}
  get url() {
    return `redis://127.0.0.1:${this.port}`;
  }

  async start(): Promise<void> {
    this.child = spawn(
      'redis-server',
      ['--port', String(this.port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
      { stdio: 'ignore' },
    );
    const deadline = Date.now() + 10_000;
    for (;;) {
      const probe = new Redis(this.url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
      probe.on('error', () => undefined);
      try {
        await probe.connect();
        await probe.ping();
        return;
      } catch {
        if (Date.now() > deadline) throw new Error(`redis-server on ${this.port} did not start`);
        await pause(50);
      } finally {
        probe.disconnect();
      }
    }
  }

  kill(): Promise<void> {
    const child = this.child!;
    return new Promise((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      child.once('exit', () => resolve());
      child.kill('SIGKILL');
    });
  }

  signal(sig: 'SIGSTOP' | 'SIGCONT'): void {
    this.child!.kill(sig);
  }
}

/** The response and how long it took. */
async function timed<T>(fn: () => Promise<T>): Promise<{ res: T; ms: number }> {
  const started = Date.now();
  const res = await fn();
  return { res, ms: Date.now() - started };
}

async function waitForHealth(t: TestApp, ms = 15_000): Promise<void> {
  const deadline = Date.now() + ms;
  for (;;) {
    const res = await t.http().get('/api/health');
    if (res.status === 200) return;
    if (Date.now() > deadline) throw new Error(`health still ${res.status} ${JSON.stringify(res.body)}`);
    await pause(200);
  }
}

function expectUnavailable(
  r: { res: { status: number; body: any; headers: Record<string, string> }; ms: number },
  dependency?: string,
) {
  expect({ status: r.res.status, code: r.res.body.code }).toEqual({ status: 503, code: 'SERVICE_UNAVAILABLE' });
  expect(r.res.headers['retry-after']).toMatch(/^\d+$/);
  expect(r.ms).toBeLessThan(BOUND_MS);
  if (dependency) expect(r.res.body.details?.dependency).toBe(dependency);
}

describe('Redis down: fast 503s, recovery without a restart', () => {
  let redis: OwnRedis;
  let t: TestApp;
  let admin: string;

  beforeAll(async () => {
    redis = new OwnRedis(await freePort());
    await redis.start();
    t = await startTestApp({ env: { REDIS_URL: redis.url } });
    admin = await loginAdmin(t);
  }, 60_000);

  afterAll(async () => {
    redis.signal('SIGCONT');
    await t?.close();
    await redis?.kill();
  });

  it('killed: health, login and booking answer 503 within the bound, nothing is booked, and all work once Redis is back', async () => {
    const category = 'writing';
    await talentManager(t, admin, category);
    const f = await invitedFreelancer(t, admin, category);
    const startsAt = nextGridStart(30 * 60_000, 2 * 3600_000).toISO();

    await redis.kill();
    await pause(100);

    const health = await timed(() => t.http().get('/api/health'));
    expectUnavailable(health, 'redis');
    expect(health.res.body.details.dependencies).toEqual({ database: 'up', redis: 'down' });

    expectUnavailable(await timed(() => t.http().post('/api/auth/login').send(ADMIN)));
    const booking = await timed(() =>
      t.http().post('/api/vetting/calls').set(bearer(f.token)).send({ invitationId: f.invitationId, startsAt }),
    );
    expectUnavailable(booking, 'redis');
    // A 503 stored nothing: the same booking succeeds once Redis is back.

    await redis.start();
    await waitForHealth(t);
    const ok = await t.http().get('/api/health');
    expect(ok.body).toMatchObject({ status: 'ok', dependencies: { database: 'up', redis: 'up' } });
    expect((await t.http().post('/api/auth/login').send(ADMIN)).status).toBe(200);
    const booked = await t
      .http()
      .post('/api/vetting/calls')
      .set(bearer(f.token))
      .send({ invitationId: f.invitationId, startsAt });
    expect(booked.status).toBe(201);
  }, 60_000);

  it('not answering (SIGSTOP): health, login and booking answer 503 within the bound, and recover on SIGCONT', async () => {
    await talentManager(t, admin, 'hr');
    const f = await invitedFreelancer(t, admin, 'hr');
    const startsAt = nextGridStart(30 * 60_000, 3 * 3600_000).toISO();
    redis.signal('SIGSTOP');
    try {
      const health = await timed(() => t.http().get('/api/health'));
      expectUnavailable(health, 'redis');
      expect(health.res.body.details.dependencies.redis).toBe('down');
      expectUnavailable(await timed(() => t.http().post('/api/auth/login').send(ADMIN)), 'redis');
      expectUnavailable(
        await timed(() =>
          t.http().post('/api/vetting/calls').set(bearer(f.token)).send({ invitationId: f.invitationId, startsAt }),
        ),
        'redis',
      );
    } finally {
      redis.signal('SIGCONT');
    }
    await waitForHealth(t);
    expect((await t.http().post('/api/auth/login').send(ADMIN)).status).toBe(200);
    // The 503 booked nothing: the same booking goes through now.
    expect(
      (await t.http().post('/api/vetting/calls').set(bearer(f.token)).send({ invitationId: f.invitationId, startsAt }))
        .status,
    ).toBe(201);
  }, 60_000);
});

describe('PostgreSQL down: 503 (never 500), recovery without a restart', () => {
  let t: TestApp;
  let pg: Client;
  let dbName: string;

  beforeAll(async () => {
    t = await startTestApp();
    dbName = new URL(t.databaseUrl!).pathname.slice(1);
    pg = new Client({ connectionString: TEST_ADMIN_DATABASE_URL });
    await pg.connect();
  }, 60_000);

  afterAll(async () => {
    await pg.query(`alter database "${dbName}" allow_connections true`).catch(() => undefined);
    await pg.end();
    await t?.close();
  });

  const terminate = () =>
    pg.query('select pg_terminate_backend(pid) from pg_stat_activity where datname = $1 and pid <> pg_backend_pid()', [
      dbName,
    ]);

  it('backends terminated: the next requests succeed or answer 503, never 500', async () => {
    const admin = await loginAdmin(t);
    for (let round = 0; round < 3; round++) {
      await terminate();
      const answers = await Promise.all([
        t.http().get('/api/health'),
        t.http().post('/api/auth/login').send(ADMIN),
        t.http().get('/api/me').set(bearer(admin)),
        t.http().get('/api/assessments').set(bearer(admin)),
      ]);
      for (const a of answers) {
        expect([200, 201, 503]).toContain(a.status);
        if (a.status === 503) expect(a.body.code).toBe('SERVICE_UNAVAILABLE');
      }
    }
    await waitForHealth(t);
    expect((await t.http().get('/api/me').set(bearer(admin))).status).toBe(200);
  }, 60_000);

  it('unreachable: health names the database within the bound, requests answer 503, and all recover once it is back', async () => {
    const admin = await loginAdmin(t);
    await pg.query(`alter database "${dbName}" allow_connections false`);
    try {
      await terminate();
      const health = await timed(() => t.http().get('/api/health'));
      expectUnavailable(health, 'database');
      expect(health.res.body.details.dependencies).toEqual({ database: 'down', redis: 'up' });
      expectUnavailable(await timed(() => t.http().post('/api/auth/login').send(ADMIN)), 'database');
      expectUnavailable(await timed(() => t.http().get('/api/me').set(bearer(admin))), 'database');
    } finally {
      await pg.query(`alter database "${dbName}" allow_connections true`);
    }
    await waitForHealth(t);
    expect((await t.http().post('/api/auth/login').send(ADMIN)).status).toBe(200);
  }, 60_000);
});
