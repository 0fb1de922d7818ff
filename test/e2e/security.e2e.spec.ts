import { JwtService } from '@nestjs/jwt';
import { io, Socket } from 'socket.io-client';
import { spawnApp } from '../support/spawn-api';
import { TestApp, connected, createStaff, loginAdmin, registerUser, startTestApp } from '../support/test-app';
import { TEST_REDIS_URL, redisPrefix } from '../support/test-env';
import { bearer, invitedFreelancer, talentManager } from '../support/calendar-fixtures';

const PUBLIC_ORIGIN = 'https://vetting.example.com';
const FOREIGN_ORIGIN = 'https://evil.example';

/** A socket to /live sending this Origin, as a browser on that page would. */
function socketFrom(t: TestApp, token: string, origin?: string): Socket {
  return io(`${t.baseUrl}/live`, {
    auth: { token },
    transports: ['websocket'],
    reconnection: false,
    forceNew: true,
    ...(origin ? { extraHeaders: { origin } } : {}),
  });
}

function connectError(socket: Socket, ms = 5000): Promise<Error> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('no connect_error')), ms);
    socket.once('connect', () => reject(new Error('connected')));
    socket.once('connect_error', (err) => {
      clearTimeout(timer);
      resolve(err);
    });
  });
}

function disconnected(socket: Socket, ms = 5000): Promise<string> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('not disconnected')), ms);
    socket.once('disconnect', (reason) => {
      clearTimeout(timer);
      resolve(reason);
    });
  });
}

const login = (t: TestApp, email: string, password: string, forwardedFor?: string) => {
  const req = t.http().post('/api/auth/login');
  if (forwardedFor) req.set('x-forwarded-for', forwardedFor);
  return req.send({ email, password });
};

describe('security: development/test app (PostgreSQL + Redis)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ withWorker: false });
  });
  afterAll(async () => t?.close());

  describe('headers', () => {
    it('sends helmet’s headers and a CSP for a same-origin web app; no X-Powered-By; no HSTS over plain http', async () => {
      const res = await t.http().get('/api/health');
      expect(res.headers['x-powered-by']).toBeUndefined();
      expect(res.headers['x-content-type-options']).toBe('nosniff');
      expect(res.headers['x-frame-options']).toBe('DENY');
      expect(res.headers['referrer-policy']).toBe('no-referrer');
      expect(res.headers['strict-transport-security']).toBeUndefined();
      const csp = String(res.headers['content-security-policy']);
      expect(csp).toContain("default-src 'self'");
      expect(csp).toContain("script-src 'self'");
      expect(csp).toContain("style-src 'self' 'unsafe-inline'");
      expect(csp).toContain("img-src 'self' data:");
      expect(csp).toContain("connect-src 'self' ws: wss:");
      expect(csp).toContain("frame-ancestors 'none'");
      expect(csp).not.toContain('upgrade-insecure-requests');
      // Error answers carry them too.
      const missing = await t.http().get('/api/no-such-route');
      expect(missing.status).toBe(404);
      expect(missing.headers['x-powered-by']).toBeUndefined();
      expect(missing.headers['x-content-type-options']).toBe('nosniff');
    });

    it('the Swagger UI still loads under the CSP: its scripts are files of this origin, not inline', async () => {
      const page = await t.http().get('/api/docs/');
      expect(page.status).toBe(200);
      const html = page.text;
      const scripts = [...html.matchAll(/<script([^>]*)>([\s\S]*?)<\/script>/g)];
      expect(scripts.length).toBeGreaterThan(0);
      for (const [, attrs, body] of scripts) {
        expect(attrs).toMatch(/src="/);
        expect(body.trim()).toBe('');
        const src = /src="([^"]+)"/.exec(attrs)![1];
        expect(src).not.toMatch(/^(https?:)?\/\//);
        const file = await t.http().get(new URL(src, `${t.baseUrl}/api/docs/`).pathname);
        expect(file.status).toBe(200);
      }
      expect((await t.http().get('/api/docs-json')).status).toBe(200);
    });
  });

  describe('CORS (default allowlist: PUBLIC_URL’s origin, plus the Vite dev server in development)', () => {
    it('allows the public origin, answers a foreign one without Access-Control-Allow-Origin, leaves no-Origin requests alone', async () => {
      const own = await t
        .http()
        .options('/api/auth/login')
        .set('origin', 'http://localhost:3000')
        .set('access-control-request-method', 'POST');
      expect(own.status).toBe(204);
      expect(own.headers['access-control-allow-origin']).toBe('http://localhost:3000');
      expect(own.headers['access-control-allow-credentials']).toBe('true');

      const foreign = await t
        .http()
        .options('/api/auth/login')
        .set('origin', FOREIGN_ORIGIN)
        .set('access-control-request-method', 'POST');
      expect(foreign.headers['access-control-allow-origin']).toBeUndefined();
      const foreignGet = await t.http().get('/api/health').set('origin', FOREIGN_ORIGIN);
      expect(foreignGet.headers['access-control-allow-origin']).toBeUndefined();

      const none = await t.http().get('/api/health');
      expect(none.status).toBe(200);
      expect(none.headers['access-control-allow-origin']).toBeUndefined();
    });
  });

  describe('tokens and sessions', () => {
    it('refuses a token without exp even when signed with the real secret', async () => {
      const f = await registerUser(t);
      const jwt = new JwtService({});
      const secret = t.config.jwtSecret;
      const iat = Math.floor(Date.now() / 1000);
      const withExp = jwt.sign({ sub: f.user.id, role: 'freelancer', ver: 0, iat }, { secret, expiresIn: 60 });
      expect((await t.http().get('/api/me').set(bearer(withExp))).status).toBe(200);
      const forever = jwt.sign({ sub: f.user.id, role: 'freelancer', ver: 0, iat }, { secret });
      const res = await t.http().get('/api/me').set(bearer(forever));
      expect(res.status).toBe(401);
      expect(res.body.code).toBe('UNAUTHENTICATED');
      // The socket handshake too.
      expect((await connectError(t.socket(forever))).message).toMatch(/invalid|expired/i);
    });

    it('logout ends every session of the user: old tokens 401, live sockets disconnected and refused on reconnect', async () => {
      const email = `logout-${Date.now()}@example.com`;
      const first = await registerUser(t, { email });
      const second = (await login(t, email, 'password-123')).body.accessToken as string;
      const socket = t.socket(first.token);
      await connected(socket);
      const gone = disconnected(socket);

      expect((await t.http().post('/api/auth/logout')).status).toBe(401);
      const out = await t.http().post('/api/auth/logout').set(bearer(first.token));
      expect(out.status).toBe(204);

      for (const token of [first.token, second]) {
        const me = await t.http().get('/api/me').set(bearer(token));
        expect(me.status).toBe(401);
        expect(me.body.code).toBe('UNAUTHENTICATED');
      }
      expect(await gone).toBe('io server disconnect');
      expect((await connectError(t.socket(first.token))).message).toMatch(/session has ended/);

      // Signing in again starts a new session.
      const again = (await login(t, email, 'password-123')).body.accessToken as string;
      expect((await t.http().get('/api/me').set(bearer(again))).status).toBe(200);
      const fresh = t.socket(again);
      await connected(fresh);
    });

    it('a password change checks the current password, ends the other sessions and answers a fresh token', async () => {
      const email = `pw-${Date.now()}@example.com`;
      const first = await registerUser(t, { email });
      const second = (await login(t, email, 'password-123')).body.accessToken as string;
      const other = t.socket(second);
      await connected(other);
      const gone = disconnected(other);

      const wrong = await t
        .http()
        .post('/api/auth/password')
        .set(bearer(first.token))
        .send({ currentPassword: 'not-it-123', newPassword: 'new-password-456' });
      expect(wrong.status).toBe(403);
      expect(wrong.body.code).toBe('WRONG_PASSWORD');
      const tooShort = await t
        .http()
        .post('/api/auth/password')
        .set(bearer(first.token))
        .send({ currentPassword: 'password-123', newPassword: 'short' });
      expect(tooShort.status).toBe(400);
      expect(tooShort.body.code).toBe('VALIDATION_FAILED');
      expect((await t.http().get('/api/me').set(bearer(first.token))).status).toBe(200);

      const changed = await t
        .http()
        .post('/api/auth/password')
        .set(bearer(first.token))
        .send({ currentPassword: 'password-123', newPassword: 'new-password-456' });
      expect(changed.status).toBe(200);
      expect(changed.body.user).toMatchObject({ id: first.user.id, email });
      const fresh = changed.body.accessToken as string;

      expect((await t.http().get('/api/me').set(bearer(first.token))).status).toBe(401);
      expect((await t.http().get('/api/me').set(bearer(second))).status).toBe(401);
      expect((await t.http().get('/api/me').set(bearer(fresh))).status).toBe(200);
      await gone;
      expect((await connectError(t.socket(second))).message).toMatch(/session has ended/);

      expect((await login(t, email, 'password-123')).status).toBe(401);
      expect((await login(t, email, 'new-password-456')).status).toBe(200);
    });
  });

  describe('object-level authorization', () => {
    let admin: string;
    beforeAll(async () => {
      admin = await loginAdmin(t);
    });

    it('another freelancer’s attempt is NOT_FOUND, never "not yours"', async () => {
      const owner = await registerUser(t);
      const other = await registerUser(t);
      const attempt = await t.http().post('/api/assessments/quiz-open/attempts').set(bearer(owner.token));
      expect(attempt.status).toBe(201);
      for (const res of [
        await t.http().get(`/api/attempts/${attempt.body.id}`).set(bearer(other.token)),
        await t.http().post(`/api/attempts/${attempt.body.id}/start`).set(bearer(other.token)),
        await t.http().get(`/api/attempts/00000000-0000-4000-8000-000000000000`).set(bearer(other.token)),
      ]) {
        expect(res.status).toBe(404);
        expect(res.body.code).toBe('NOT_FOUND');
        expect(res.body.message).not.toMatch(/yours/);
      }
      expect((await t.http().get(`/api/attempts/${attempt.body.id}`).set(bearer(owner.token))).status).toBe(200);
    });

    it('an admin lists every call (with filters); identity verification only by an admin or the freelancer’s talent manager', async () => {
      const tm = await talentManager(t, admin, 'writing');
      const otherTm = await createStaff(t, admin, 'talent_manager');
      const proctor = await createStaff(t, admin, 'proctor');
      const f = await invitedFreelancer(t, admin, 'writing');
      const start = new Date(Date.now() + 50 * 3600_000);
      start.setUTCMinutes(0, 0, 0);
      const call = await t
        .http()
        .post('/api/vetting/calls')
        .set(bearer(f.token))
        .send({ invitationId: f.invitationId, startsAt: start.toISOString() });
      expect(call.status).toBe(201);

      const all = await t.http().get('/api/vetting/calls').set(bearer(admin));
      expect(all.status).toBe(200);
      expect(all.body.calls.map((c: { id: string }) => c.id)).toContain(call.body.id);
      const byFreelancer = await t
        .http()
        .get('/api/vetting/calls')
        .query({ freelancerId: f.user.id })
        .set(bearer(admin));
      expect(byFreelancer.body.calls.map((c: { id: string }) => c.id)).toEqual([call.body.id]);
      const byOtherTm = await t
        .http()
        .get('/api/vetting/calls')
        .query({ talentManagerId: otherTm.user.id })
        .set(bearer(admin));
      expect(byOtherTm.body.calls).toEqual([]);
      expect((await t.http().get('/api/vetting/calls').query({ freelancerId: 'nope' }).set(bearer(admin))).status).toBe(
        400,
      );
      // Others still see only their own.
      const stranger = await registerUser(t);
      const strangers = await t
        .http()
        .get('/api/vetting/calls')
        .query({ freelancerId: f.user.id })
        .set(bearer(stranger.token));
      expect(strangers.body.calls).toEqual([]);
      expect((await t.http().get('/api/vetting/calls').set(bearer(proctor.token))).status).toBe(403);

      const verify = (token: string, id = f.user.id) =>
        t.http().post(`/api/admin/freelancers/${id}/identity-verification`).set(bearer(token));
      const notTheirs = await verify(otherTm.token);
      expect(notTheirs.status).toBe(404);
      expect(notTheirs.body.code).toBe('NOT_FOUND');
      expect((await verify(f.token)).status).toBe(403);
      expect((await verify(proctor.token)).status).toBe(403);
      const byTm = await verify(tm.token);
      expect(byTm.status).toBe(200);
      expect(byTm.body.freelancerId).toBe(f.user.id);
      const other = await registerUser(t);
      expect((await verify(admin, other.user.id)).status).toBe(200);
      expect((await verify(tm.token, other.user.id)).status).toBe(404);
    });
  });
});

describe('security: production app behind a TLS proxy', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({
      withWorker: false,
      env: {
        NODE_ENV: 'production',
        PUBLIC_URL: `${PUBLIC_ORIGIN}/`,
        SWAGGER_ENABLED: '',
        TRUST_PROXY: 'loopback',
        AUTH_RATE_LIMIT: '5',
        AUTH_RATE_WINDOW: 'PT1M',
        AUTH_ACCOUNT_RATE_LIMIT: '3',
        AUTH_ACCOUNT_RATE_WINDOW: 'PT15M',
      },
    });
  });
  afterAll(async () => t?.close());

  it('sends HSTS and upgrade-insecure-requests when PUBLIC_URL is https', async () => {
    const res = await t.http().get('/api/health');
    expect(res.headers['strict-transport-security']).toBe('max-age=31536000; includeSubDomains');
    expect(String(res.headers['content-security-policy'])).toContain('upgrade-insecure-requests');
    expect(res.headers['x-powered-by']).toBeUndefined();
  });

  it('serves no OpenAPI docs in production unless SWAGGER_ENABLED=true', async () => {
    expect((await t.http().get('/api/docs')).status).toBe(404);
    expect((await t.http().get('/api/docs/')).status).toBe(404);
    expect((await t.http().get('/api/docs-json')).status).toBe(404);
  });

  it('CORS: only PUBLIC_URL’s origin (no Vite dev server in production)', async () => {
    const own = await t
      .http()
      .options('/api/me')
      .set('origin', PUBLIC_ORIGIN)
      .set('access-control-request-method', 'GET');
    expect(own.headers['access-control-allow-origin']).toBe(PUBLIC_ORIGIN);
    const vite = await t
      .http()
      .options('/api/me')
      .set('origin', 'http://localhost:5173')
      .set('access-control-request-method', 'GET');
    expect(vite.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('refuses a /live handshake from a foreign Origin; the allowed origin and Origin-less clients connect', async () => {
    const f = await registerUser(t);
    const foreign = socketFrom(t, f.token, FOREIGN_ORIGIN);
    await connectError(foreign);
    expect(foreign.connected).toBe(false);
    foreign.disconnect();
    const own = socketFrom(t, f.token, PUBLIC_ORIGIN);
    await connected(own);
    own.disconnect();
    const noOrigin = socketFrom(t, f.token);
    await connected(noOrigin);
    noOrigin.disconnect();
  });

  it('limits logins per account whatever X-Forwarded-For says: 429 RATE_LIMITED with Retry-After', async () => {
    const victim = await registerUser(t, { email: `victim-${Date.now()}@example.com` });
    const bystander = await registerUser(t, { email: `bystander-${Date.now()}@example.com` });
    let ip = 10;
    const rotating = () => `198.51.100.${ip++}`;
    // A successful login does not use up the account's attempts.
    expect((await login(t, victim.user.email, 'password-123', rotating())).status).toBe(200);
    const statuses: number[] = [];
    for (let i = 0; i < 3; i++)
      statuses.push((await login(t, ` ${victim.user.email.toUpperCase()} `, 'wrong-password', rotating())).status);
    expect(statuses).toEqual([401, 401, 401]);
    const limited = await login(t, victim.user.email, 'wrong-password', rotating());
    expect(limited.status).toBe(429);
    expect(limited.body.code).toBe('RATE_LIMITED');
    expect(limited.body.details).toMatchObject({ scope: 'account' });
    const retryAfter = Number(limited.headers['retry-after']);
    expect(retryAfter).toBeGreaterThan(800);
    expect(retryAfter).toBeLessThanOrEqual(900);
    expect(limited.body.details.retryAfter).toBe(retryAfter);
    // Even the right password waits: the limit is the account's, not the address's.
    expect((await login(t, victim.user.email, 'password-123', rotating())).status).toBe(429);
    // Another account is not affected.
    expect((await login(t, bystander.user.email, 'password-123', rotating())).status).toBe(200);
  });

  it('limits attempts per client address (from the trusted proxy’s X-Forwarded-For): 429 with Retry-After', async () => {
    const client = '203.0.113.9';
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++)
      statuses.push((await login(t, `nobody-${i}@example.com`, 'wrong-password', client)).status);
    expect(statuses).toEqual([401, 401, 401, 401, 401, 429]);
    const limited = await login(t, 'someone@example.com', 'wrong-password', client);
    expect(limited.status).toBe(429);
    expect(limited.body.details).toMatchObject({ scope: 'client' });
    const retryAfter = Number(limited.headers['retry-after']);
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect(limited.body.details.retryAfter).toBe(retryAfter);
    // Registration shares the client limit.
    expect((await t.http().post('/api/auth/register').set('x-forwarded-for', client).send({})).status).toBe(429);
    // Another client behind the same proxy is not.
    expect((await login(t, 'someone@example.com', 'wrong-password', '203.0.113.10')).status).toBe(401);
  });
});

describe('security: configuration refuses an unsafe start', () => {
  it('the api will not start without JWT_SECRET outside the embedded development start', async () => {
    const api = await spawnApp(
      'apps/api/src/main.ts',
      {
        NODE_ENV: 'production',
        DATABASE_URL: 'postgresql://postgres@127.0.0.1:5432/unused',
        REDIS_URL: TEST_REDIS_URL,
        REDIS_PREFIX: `${redisPrefix()}nosecret:`,
      },
      null,
    );
    const code = await new Promise((resolve) =>
      api.child.exitCode !== null ? resolve(api.child.exitCode) : api.child.once('exit', resolve),
    );
    expect(code).toBe(1);
    expect(api.output()).toContain('JWT_SECRET: is required');
  });
});
