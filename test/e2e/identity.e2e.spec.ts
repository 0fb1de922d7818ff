import { Client } from 'pg';
import { Socket } from 'socket.io-client';
import { ADMIN, TestApp, connected, createStaff, loginAdmin, registerUser, startTestApp } from '../support/test-app';

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

describe('identity (PostgreSQL + Redis)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ withWorker: false });
  });
  afterAll(async () => t?.close());

  it('registers, logs in and answers /me', async () => {
    const reg = await t.http().post('/api/auth/register').send({
      email: 'Grace.Hopper@Example.com',
      password: 'correct-horse-1',
      name: 'Grace Hopper',
      role: 'client',
      timeZone: 'America/New_York',
      plan: 'enterprise',
    });
    expect(reg.status).toBe(201);
    expect(reg.body.user).toMatchObject({
      email: 'grace.hopper@example.com',
      role: 'client',
      plan: 'enterprise',
      timeZone: 'America/New_York',
    });
    expect(reg.body.user.passwordHash).toBeUndefined();

    const login = await t
      .http()
      .post('/api/auth/login')
      .send({ email: 'GRACE.hopper@example.com', password: 'correct-horse-1' });
    expect(login.status).toBe(200);
    const me = await t.http().get('/api/me').set('authorization', `Bearer ${login.body.accessToken}`);
    expect(me.status).toBe(200);
    expect(me.body).toEqual({
      id: reg.body.user.id,
      email: 'grace.hopper@example.com',
      name: 'Grace Hopper',
      role: 'client',
      timeZone: 'America/New_York',
      plan: 'enterprise',
    });
  });

  it('defaults a client plan to marketplace and gives freelancers none', async () => {
    const c = await registerUser(t, { role: 'client' });
    expect(c.user).toMatchObject({ plan: 'marketplace' });
    const f = await registerUser(t, { role: 'freelancer' });
    expect(f.user).not.toHaveProperty('plan');
  });

  it('refuses a duplicate email whatever its case with 409 EMAIL_TAKEN', async () => {
    await registerUser(t, { email: 'dup@example.com' });
    const res = await t
      .http()
      .post('/api/auth/register')
      .send({ email: 'DUP@example.com', password: 'password-123', name: 'X', role: 'freelancer', timeZone: 'UTC' });
    expect(res.status).toBe(409);
    expect(res.body).toMatchObject({ statusCode: 409, code: 'EMAIL_TAKEN' });
  });

  it('lists every bad field with 400 VALIDATION_FAILED', async () => {
    const res = await t
      .http()
      .post('/api/auth/register')
      .send({ email: 'not-an-email', password: 'short', name: '', role: 'admin', timeZone: 'Mars/Olympus', extra: 1 });
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('VALIDATION_FAILED');
    const fields = res.body.details.fields.map((f: { field: string }) => f.field).sort();
    expect(fields).toEqual(['email', 'extra', 'name', 'password', 'role', 'timeZone']);
  });

  it('refuses wrong types', async () => {
    const res = await t
      .http()
      .post('/api/auth/login')
      .send({ email: 42, password: ['x'] });
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('VALIDATION_FAILED');
    expect(res.body.details.fields.map((f: { field: string }) => f.field).sort()).toEqual(['email', 'password']);
  });

  it('refuses malformed JSON with 400 MALFORMED_JSON', async () => {
    const res = await t.http().post('/api/auth/login').set('content-type', 'application/json').send('{"email": ');
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ statusCode: 400, code: 'MALFORMED_JSON', message: expect.any(String) });
  });

  it('refuses a plan for a freelancer', async () => {
    const res = await t.http().post('/api/auth/register').send({
      email: 'p@example.com',
      password: 'password-123',
      name: 'P',
      role: 'freelancer',
      timeZone: 'UTC',
      plan: 'enterprise',
    });
    expect(res.status).toBe(409);
    expect(res.body.code).toBe('PLAN_NOT_ALLOWED');
  });

  it('answers a wrong password and an unknown email alike with 401', async () => {
    await registerUser(t, { email: 'known@example.com' });
    const wrong = await t
      .http()
      .post('/api/auth/login')
      .send({ email: 'known@example.com', password: 'nope-nope-nope' });
    const unknown = await t
      .http()
      .post('/api/auth/login')
      .send({ email: 'unknown@example.com', password: 'nope-nope-nope' });
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    expect(wrong.body).toEqual(unknown.body);
    expect(wrong.body.code).toBe('UNAUTHENTICATED');
  });

  it('needs a valid token: none, garbage and a forged one are 401 UNAUTHENTICATED', async () => {
    for (const header of [
      undefined,
      'Bearer garbage',
      'Basic abc',
      'Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4Iiwicm9sZSI6ImFkbWluIn0.c2lnbmF0dXJl',
    ]) {
      const req = t.http().get('/api/me');
      if (header) req.set('authorization', header);
      const res = await req;
      expect(res.status).toBe(401);
      expect(res.body.code).toBe('UNAUTHENTICATED');
    }
  });

  it('refuses the token of a deleted account from the very next request, in every api process', async () => {
    const { token } = await registerUser(t);
    const other = await startTestApp({ withWorker: false, databaseUrl: t.databaseUrl });
    try {
      for (const api of [t, other]) expect((await api.http().get('/api/me').set(bearer(token))).status).toBe(200);
      const { sub } = JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString('utf8'));
      const pg = new Client({ connectionString: t.databaseUrl });
      await pg.connect();
      try {
        await pg.query('delete from users where id = $1', [sub]);
      } finally {
        await pg.end();
      }
      for (const api of [t, other]) {
        const res = await api.http().get('/api/me').set(bearer(token));
        expect(res.status).toBe(401);
        expect(res.body).toMatchObject({ code: 'UNAUTHENTICATED', message: expect.stringMatching(/no longer exists/) });
      }
    } finally {
      await other.close();
    }
  });

  it('answers unknown routes with 404 NOT_FOUND', async () => {
    const res = await t.http().get('/api/no-such-thing');
    expect(res.status).toBe(404);
    expect(res.body).toMatchObject({ statusCode: 404, code: 'NOT_FOUND' });
  });

  it('bootstraps the admin, who creates staff; others get 403 FORBIDDEN', async () => {
    const admin = await loginAdmin(t);
    const tm = await createStaff(t, admin, 'talent_manager');
    expect(tm.user.role).toBe('talent_manager');
    const proctor = await createStaff(t, admin, 'proctor');
    expect(proctor.user.role).toBe('proctor');

    const freelancer = await registerUser(t);
    const denied = await t
      .http()
      .post('/api/admin/users')
      .set('authorization', `Bearer ${freelancer.token}`)
      .send({ email: 'x@example.com', password: 'password-123', name: 'X', role: 'admin', timeZone: 'UTC' });
    expect(denied.status).toBe(403);
    expect(denied.body.code).toBe('FORBIDDEN');

    const badRole = await t
      .http()
      .post('/api/admin/users')
      .set('authorization', `Bearer ${admin}`)
      .send({ email: 'y@example.com', password: 'password-123', name: 'Y', role: 'freelancer', timeZone: 'UTC' });
    expect(badRole.status).toBe(400);
    expect(badRole.body.code).toBe('VALIDATION_FAILED');
    expect((await t.http().post('/api/auth/login').send(ADMIN)).body.user.role).toBe('admin');
  });

  it('reports health of database and redis', async () => {
    const res = await t.http().get('/api/health');
    expect(res.status).toBe(200);
    expect(res.body.status).toBe('ok');
    expect(res.body.info).toEqual({ database: { status: 'up' }, redis: { status: 'up' } });
  });

  it('serves the OpenAPI document', async () => {
    const res = await t.http().get('/api/docs-json');
    expect(res.status).toBe(200);
    expect(Object.keys(res.body.paths)).toEqual(
      expect.arrayContaining(['/api/auth/register', '/api/auth/login', '/api/me']),
    );
  });

  it('echoes a request id', async () => {
    const res = await t.http().get('/api/health').set('x-request-id', 'req-abc-1');
    expect(res.headers['x-request-id']).toBe('req-abc-1');
  });

  describe('socket handshake on /live', () => {
    it('rejects a handshake without a valid token', async () => {
      for (const token of [undefined, 'garbage']) {
        const s: Socket = t.socket(token);
        const err = await connected(s).then(
          () => null,
          (e) => e,
        );
        expect(err).toBeInstanceOf(Error);
        expect(err.data).toMatchObject({ code: 'UNAUTHENTICATED' });
        expect(s.connected).toBe(false);
      }
    });

    it('accepts a valid token', async () => {
      const { token } = await registerUser(t);
      const s = t.socket(token);
      await connected(s);
      expect(s.connected).toBe(true);
    });
  });
});

describe('auth rate limit', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ withWorker: false, env: { AUTH_RATE_LIMIT: '3', AUTH_RATE_WINDOW: 'PT1M' } });
  });
  afterAll(async () => t?.close());

  it('answers 429 RATE_LIMITED with Retry-After past the limit; X-Forwarded-For is ignored without TRUST_PROXY', async () => {
    const statuses: number[] = [];
    let last: any;
    for (let i = 0; i < 5; i++) {
      // A different address each time and a different account: neither helps, the socket's address counts.
      last = await t
        .http()
        .post('/api/auth/login')
        .set('x-forwarded-for', `198.51.100.${i + 1}`)
        .send({ email: `nobody-${i}@example.com`, password: 'whatever-1' });
      statuses.push(last.status);
    }
    expect(statuses).toEqual([401, 401, 401, 429, 429]);
    expect(last.body.code).toBe('RATE_LIMITED');
    expect(Number(last.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect(Number(last.headers['retry-after'])).toBeLessThanOrEqual(60);
    expect(last.body.details).toEqual({ retryAfter: Number(last.headers['retry-after']), scope: 'client' });
  });
});
