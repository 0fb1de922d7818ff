import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MikroORM } from '@mikro-orm/postgresql';
import { AppConfig } from '@vetting/core';
import {
  DEMO_ACCOUNTS,
  DEMO_PASSWORD,
  demoSeedEnabled,
  maybeSeedDemoWorld,
  seedDemoWorld,
} from '../../apps/api/src/demo/demo-world';
import { spawnApp } from '../support/spawn-api';
import { TestApp, startTestApp } from '../support/test-app';
import { TEST_REDIS_URL, redisPrefix } from '../support/test-env';

const count = async (t: TestApp, sql: string, params: unknown[] = []) =>
  Number((await t.app.get<MikroORM>(MikroORM).em.fork().getConnection().execute<{ n: string }[]>(sql, params))[0].n);

describe('demo world', () => {
  describe('on a test database', () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await startTestApp({ withWorker: false });
    });
    afterAll(() => t.close());

    const login = async (email: string) => t.http().post('/api/auth/login').send({ email, password: DEMO_PASSWORD });

    it('creates every account through the services, and a second run changes nothing', async () => {
      expect(await seedDemoWorld(t.app)).toBe('seeded');
      expect(await seedDemoWorld(t.app)).toBe('present');
      expect(await count(t, `select count(*) as n from users where email like '%@demo.test'`)).toBe(
        DEMO_ACCOUNTS.length,
      );

      for (const a of DEMO_ACCOUNTS) {
        const res = await login(a.email);
        expect(res.status).toBe(200);
        expect(res.body.user).toMatchObject({
          email: a.email,
          role: a.role,
          timeZone: a.timeZone,
          ...(a.plan ? { plan: a.plan } : {}),
        });
      }
      const roles = DEMO_ACCOUNTS.map((a) => a.role);
      expect(roles.filter((r) => r === 'talent_manager')).toHaveLength(2);
      expect(roles.filter((r) => r === 'freelancer').length).toBeGreaterThanOrEqual(2);
      expect(
        DEMO_ACCOUNTS.filter((a) => a.role === 'client')
          .map((a) => a.plan)
          .sort(),
      ).toEqual(['business_plus', 'enterprise', 'marketplace']);
    });

    it('gives the talent managers availability in two zones, the freelancers invitations, a profile and a booked call', async () => {
      const zones: string[] = [];
      for (const email of ['tm.berlin@demo.test', 'tm.newyork@demo.test']) {
        const token = (await login(email)).body.accessToken;
        const res = await t.http().get('/api/talent-managers/me/availability').set('authorization', `Bearer ${token}`);
        expect(res.status).toBe(200);
        expect(res.body.weekly).toHaveLength(7);
        zones.push(res.body.timeZone);
      }
      expect(zones).toEqual(['Europe/Berlin', 'America/New_York']);

      for (const email of ['ada@demo.test', 'grace@demo.test', 'linus@demo.test']) {
        const token = (await login(email)).body.accessToken;
        const elig = await t.http().get('/api/vetting/eligibility').set('authorization', `Bearer ${token}`);
        expect(elig.body).toMatchObject({ eligible: true });
        expect(elig.body.invitations).toHaveLength(1);
      }
      const ada = (await login('ada@demo.test')).body.accessToken;
      const profile = await t.http().get('/api/freelancers/me/profile').set('authorization', `Bearer ${ada}`);
      expect(profile.body).toMatchObject({ title: 'Full-stack TypeScript engineer', identityVerified: true });

      const linus = (await login('linus@demo.test')).body.accessToken;
      const calls = await t.http().get('/api/vetting/calls').set('authorization', `Bearer ${linus}`);
      expect(calls.body.calls).toHaveLength(1);
      expect(calls.body.calls[0].status).toBe('scheduled');

      const business = (await login('client.business@demo.test')).body.accessToken;
      const follows = await t.http().get('/api/clients/me/talent-alerts').set('authorization', `Bearer ${business}`);
      expect(follows.body.categorySlugs).toEqual(['design-creative', 'web-mobile-software-dev']);
    });

    it('completes an interrupted seed without doubling anything', async () => {
      // The marker account is created last: without it the seed runs again, and every step skips what exists.
      await t.app
        .get<MikroORM>(MikroORM)
        .em.fork()
        .getConnection()
        .execute(
          `delete from talent_alert_subscriptions where client_id in (select id from users where email = 'client.enterprise@demo.test')`,
        );
      await t.app
        .get<MikroORM>(MikroORM)
        .em.fork()
        .getConnection()
        .execute(`delete from users where email = 'client.enterprise@demo.test'`);
      expect(await seedDemoWorld(t.app)).toBe('seeded');
      expect(await count(t, `select count(*) as n from users where email like '%@demo.test'`)).toBe(
        DEMO_ACCOUNTS.length,
      );
      expect(
        await count(
          t,
          `select count(*) as n from vetting_invitations i join users u on u.id = i.freelancer_id where u.email like '%@demo.test'`,
        ),
      ).toBe(3);
      expect(
        await count(
          t,
          `select count(*) as n from vetting_calls c join users u on u.id = c.freelancer_id where u.email like '%@demo.test'`,
        ),
      ).toBe(1);
      expect((await login('client.enterprise@demo.test')).status).toBe(200);
    });
  });

  describe('guard', () => {
    it('seeds only on the embedded database, outside production, unless SEED_DEMO=false', () => {
      const cfg = (env: Record<string, string>) => AppConfig.fromEnv({ JWT_SECRET: 'x'.repeat(32), ...env });
      expect(demoSeedEnabled(cfg({}))).toBe(true);
      expect(demoSeedEnabled(cfg({ SEED_DEMO: 'false' }))).toBe(false);
      expect(demoSeedEnabled(cfg({ NODE_ENV: 'production' }))).toBe(false);
      expect(demoSeedEnabled(cfg({ DATABASE_URL: 'postgresql://db.example.com/vetting' }))).toBe(false);
      expect(demoSeedEnabled(cfg({ DATABASE_URL: 'postgresql://db.example.com/vetting', SEED_DEMO: 'true' }))).toBe(
        false,
      );
    });

    it('does nothing on a database named by DATABASE_URL, even with SEED_DEMO=true', async () => {
      const t = await startTestApp({ withWorker: false, env: { SEED_DEMO: 'true' } });
      try {
        expect(t.config.env.DATABASE_URL).toBeDefined();
        expect(await maybeSeedDemoWorld(t.app, t.config)).toBe('disabled');
        expect(await count(t, `select count(*) as n from users where email like '%@demo.test'`)).toBe(0);
      } finally {
        await t.close();
      }
    });
  });

  describe('npm start on the embedded database', () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'vetting-demo-'));
    afterAll(() => rmSync(dataDir, { recursive: true, force: true }));
    const env = {
      DATA_DIR: dataDir,
      REDIS_URL: TEST_REDIS_URL,
      REDIS_PREFIX: `${redisPrefix()}demo:`,
      LOG_LEVEL: 'warn',
      NODE_ENV: 'development',
    };

    const waitFor = async (output: () => string, text: string, ms = 60_000) => {
      const deadline = Date.now() + ms;
      while (!output().includes(text)) {
        if (Date.now() > deadline) throw new Error(`"${text}" not printed within ${ms} ms:\n${output()}`);
        await new Promise((r) => setTimeout(r, 200));
      }
    };

    it('seeds on the first start and prints the sign-ins', async () => {
      const api = await spawnApp('apps/api/src/main.ts', env, '/api/health', 120_000);
      try {
        await waitFor(api.output, 'client.enterprise@demo.test');
        expect(api.output()).toContain('created now');
        expect(api.output()).toMatch(/tm\.berlin@demo\.test\s+demo-password-1\s+talent_manager/);
        const res = await fetch(`${api.baseUrl}/api/auth/login`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ email: 'proctor@demo.test', password: DEMO_PASSWORD }),
        });
        expect(res.status).toBe(200);
      } finally {
        await api.stop('SIGTERM');
      }
    }, 240_000);
  });
});
