import { MikroORM } from '@mikro-orm/postgresql';
import { DateTime } from 'luxon';
import { ManualClock } from '@vetting/core';
import { TestApp, createStaff, loginAdmin, registerUser, startTestApp } from '../support/test-app';

describe('queue dashboard (bull-board at /api/admin/queues)', () => {
  let t: TestApp;
  const clock = new ManualClock(DateTime.utc());
  beforeAll(async () => {
    t = await startTestApp({ withWorker: false, clock });
  });
  afterAll(() => t.close());

  const openSession = async (token: string) => {
    const res = await t.http().post('/api/admin/queues/session').set('authorization', `Bearer ${token}`);
    const cookie = (res.headers['set-cookie'] as unknown as string[] | undefined)?.[0];
    return { res, cookie: cookie?.split(';')[0] };
  };

  it('answers 401 without a session, for the page and its api', async () => {
    for (const path of ['/api/admin/queues', '/api/admin/queues/', '/api/admin/queues/api/queues']) {
      const res = await t.http().get(path);
      expect(res.status).toBe(401);
      expect(res.body).toMatchObject({ statusCode: 401, code: 'UNAUTHENTICATED' });
    }
    expect(
      (await t.http().get('/api/admin/queues').set('cookie', 'vetting_queue_dashboard=v1.forged.99999999999999.abc'))
        .status,
    ).toBe(401);
  });

  it('refuses the session to anonymous callers (401) and non-admins (403); a bearer token is not a session', async () => {
    expect((await t.http().post('/api/admin/queues/session')).status).toBe(401);
    const freelancer = await registerUser(t);
    const { res, cookie } = await openSession(freelancer.token);
    expect(res.status).toBe(403);
    expect(res.body.code).toBe('FORBIDDEN');
    expect(cookie).toBeUndefined();
    expect((await t.http().get('/api/admin/queues').set('authorization', `Bearer ${freelancer.token}`)).status).toBe(
      401,
    );
    const admin = await loginAdmin(t);
    expect((await t.http().get('/api/admin/queues').set('authorization', `Bearer ${admin}`)).status).toBe(401);
  });

  it('serves the dashboard to an admin with the HttpOnly, SameSite=Strict cookie scoped to the dashboard', async () => {
    const admin = await loginAdmin(t);
    const { res, cookie } = await openSession(admin);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ url: '/api/admin/queues', expiresAt: clock.now().plus({ minutes: 15 }).toISO() });
    const header = (res.headers['set-cookie'] as unknown as string[])[0];
    expect(header).toMatch(/HttpOnly/);
    expect(header).toMatch(/SameSite=Strict/);
    expect(header).toMatch(/Path=\/api\/admin\/queues/);

    const page = await t.http().get('/api/admin/queues').set('cookie', cookie!);
    expect(page.status).toBe(200);
    expect(page.headers['content-type']).toMatch(/text\/html/);
    expect(page.text).toContain('Vetting queues');
    const api = await t.http().get('/api/admin/queues/api/queues').set('cookie', cookie!);
    expect(api.status).toBe(200);
    expect(api.body.queues.map((q: { name: string }) => q.name)).toEqual(
      expect.arrayContaining(['call-timers', 'grading', 'notification-delivery']),
    );
  });

  it('ends with the session: expired (401), or its user no longer an admin (403)', async () => {
    const admin = await loginAdmin(t);
    const expiring = (await openSession(admin)).cookie!;
    const other = await createStaff(t, admin, 'admin');
    const demoted = (await openSession(other.token)).cookie!;
    expect((await t.http().get('/api/admin/queues').set('cookie', demoted)).status).toBe(200);
    await t.app
      .get<MikroORM>(MikroORM)
      .em.fork()
      .getConnection()
      .execute(`update users set role = 'proctor' where id = ?`, [other.user.id]);
    const refused = await t.http().get('/api/admin/queues').set('cookie', demoted);
    expect(refused.status).toBe(403);
    expect(refused.body.code).toBe('FORBIDDEN');

    clock.advance({ minutes: 15 });
    expect((await t.http().get('/api/admin/queues').set('cookie', expiring)).status).toBe(401);
  });
});
