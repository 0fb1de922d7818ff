import { MikroORM } from '@mikro-orm/postgresql';
import { TestApp, createStaff, loginAdmin, registerUser, startTestApp } from '../support/test-app';

/** The reads the admin pages need: accounts, freelancers with their approval state, invitations, supply limits. */
describe('admin reads', () => {
  let t: TestApp;
  let admin: string;
  const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
  const tables = ['users', 'vetting_invitations', 'freelancer_profiles', 'category_supply'];
  const snapshot = async () => {
    const conn = t.app.get<MikroORM>(MikroORM).em.fork().getConnection();
    return Promise.all(tables.map(async (tb) => (await conn.execute(`select count(*) as n from ${tb}`))[0].n));
  };

  beforeAll(async () => {
    t = await startTestApp({ withWorker: false });
    admin = await loginAdmin(t);
  });
  afterAll(() => t.close());

  it('lists accounts by role and search, for admins only', async () => {
    const tm = await createStaff(t, admin, 'talent_manager', { name: 'Zed Manager_1' });
    await createStaff(t, admin, 'proctor');
    const freelancer = await registerUser(t, { name: 'Fran Lancer' });

    const tms = await t.http().get('/api/admin/users?role=talent_manager').set(bearer(admin));
    expect(tms.status).toBe(200);
    expect(tms.body.users.map((u: { id: string }) => u.id)).toEqual([tm.user.id]);
    expect(tms.body.users[0]).toEqual({
      id: tm.user.id,
      email: tm.user.email,
      name: 'Zed Manager_1',
      role: 'talent_manager',
      timeZone: 'UTC',
    });

    const search = await t.http().get('/api/admin/users?q=manager_').set(bearer(admin));
    expect(search.body.users.map((u: { id: string }) => u.id)).toEqual([tm.user.id]);
    // `_` matches itself, not any character.
    expect((await t.http().get('/api/admin/users?q=r_1x').set(bearer(admin))).body.users).toEqual([]);

    expect((await t.http().get('/api/admin/users?role=boss').set(bearer(admin))).body.code).toBe('VALIDATION_FAILED');
    expect((await t.http().get('/api/admin/users').set(bearer(freelancer.token))).status).toBe(403);
    expect((await t.http().get('/api/admin/users')).status).toBe(401);
  });

  it('lists freelancers with approval and identity state; pending_review is the review queue', async () => {
    const draft = await registerUser(t, { name: 'Dora Draft' });
    const pending = await registerUser(t, { name: 'Pete Pending' });
    const put = await t
      .http()
      .put('/api/freelancers/me/profile')
      .set(bearer(pending.token))
      .send({ title: 'Writer', categorySlugs: ['writing'], skills: ['Copywriting'] });
    expect(put.status).toBe(200);
    const submitted = await t.http().post('/api/freelancers/me/profile/submit').set(bearer(pending.token));
    expect(submitted.body.status).toBe('pending_review');
    await t
      .http()
      .post(`/api/admin/freelancers/${pending.user.id}/identity-verification`)
      .set(bearer(admin))
      .expect(200);

    const before = await snapshot();
    const queue = await t.http().get('/api/admin/freelancers?approvalStatus=pending_review').set(bearer(admin));
    expect(queue.status).toBe(200);
    expect(queue.body.freelancers).toEqual([
      expect.objectContaining({
        id: pending.user.id,
        name: 'Pete Pending',
        title: 'Writer',
        categorySlugs: ['writing'],
        approvalStatus: 'pending_review',
        identityVerified: true,
      }),
    ]);
    const drafts = await t.http().get('/api/admin/freelancers?approvalStatus=draft').set(bearer(admin));
    const draftIds = drafts.body.freelancers.map((f: { id: string }) => f.id);
    expect(draftIds).toContain(draft.user.id);
    expect(draftIds).not.toContain(pending.user.id);
    const byName = await t.http().get('/api/admin/freelancers?q=dora').set(bearer(admin));
    expect(byName.body.freelancers).toEqual([
      expect.objectContaining({ id: draft.user.id, approvalStatus: 'draft', identityVerified: false, title: '' }),
    ]);
    // GET never writes: reading a freelancer without a profile creates none.
    expect(await snapshot()).toEqual(before);

    const tm = await createStaff(t, admin, 'talent_manager');
    expect((await t.http().get('/api/admin/freelancers').set(bearer(tm.token))).status).toBe(200);
    expect((await t.http().get('/api/admin/freelancers').set(bearer(draft.token))).status).toBe(403);
  });

  it('lists every invitation by status, category or freelancer', async () => {
    const a = await registerUser(t);
    const b = await registerUser(t);
    const invite = (freelancerId: string, categorySlug: string) =>
      t
        .http()
        .post('/api/vetting/invitations')
        .set(bearer(admin))
        .send({ freelancerId, program: 'expert-vetted', categorySlug })
        .expect(201);
    const ia = (await invite(a.user.id, 'writing')).body;
    const ib = (await invite(b.user.id, 'hr')).body;

    const all = await t.http().get('/api/admin/invitations').set(bearer(admin));
    expect(all.status).toBe(200);
    expect(all.body.invitations.map((i: { id: string }) => i.id)).toEqual(expect.arrayContaining([ia.id, ib.id]));
    expect(all.body.invitations.find((i: { id: string }) => i.id === ia.id)).toEqual(ia);
    expect(
      (await t.http().get('/api/admin/invitations?categorySlug=hr').set(bearer(admin))).body.invitations.map(
        (i: { id: string }) => i.id,
      ),
    ).toEqual([ib.id]);
    expect(
      (
        await t.http().get(`/api/admin/invitations?freelancerId=${a.user.id}&status=open`).set(bearer(admin))
      ).body.invitations.map((i: { id: string }) => i.id),
    ).toEqual([ia.id]);
    expect(
      (await t.http().get('/api/admin/invitations?status=closed&categorySlug=hr').set(bearer(admin))).body.invitations,
    ).toEqual([]);
    expect((await t.http().get('/api/admin/invitations?status=maybe').set(bearer(admin))).status).toBe(400);
    expect((await t.http().get('/api/admin/invitations').set(bearer(a.token))).status).toBe(403);
  });

  it('lists the category supply limits', async () => {
    expect((await t.http().get('/api/admin/categories/supply').set(bearer(admin))).body).toEqual({ limits: [] });
    await t
      .http()
      .put('/api/admin/categories/writing/supply')
      .set(bearer(admin))
      .send({ openJobs: 10, maxFreelancersPerJob: 2.5 })
      .expect(200);
    const res = await t.http().get('/api/admin/categories/supply').set(bearer(admin));
    expect(res.body).toEqual({ limits: [{ categorySlug: 'writing', openJobs: 10, maxFreelancersPerJob: 2.5 }] });
    const freelancer = await registerUser(t);
    expect((await t.http().get('/api/admin/categories/supply').set(bearer(freelancer.token))).status).toBe(403);
  });
});
