import { Logger } from '@nestjs/common';
import { request as httpRequest } from 'node:http';
import { gzipSync } from 'node:zlib';
import { bearer } from '../support/calendar-fixtures';
import { TestApp, loginAdmin, registerUser, startTestApp } from '../support/test-app';

jest.setTimeout(120_000);

/** A raw request (supertest would re-encode the path and the body). */
function raw(
  t: TestApp,
  method: string,
  path: string,
  body?: Buffer,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: any }> {
  const url = new URL(t.baseUrl);
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      {
        host: url.hostname,
        port: url.port,
        method,
        path,
        headers: {
          ...(body ? { 'content-type': 'application/json', 'content-length': String(body.length) } : {}),
          ...headers,
        },
      },
      (res) => {
        let text = '';
        res.on('data', (c) => (text += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text ? JSON.parse(text) : undefined }));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

describe('bad input → 4xx with stable codes (issue 11)', () => {
  let t: TestApp;
  let admin: string;
  let client: string;
  const warned: string[] = [];

  beforeAll(async () => {
    t = await startTestApp({ withWorker: false });
    admin = await loginAdmin(t);
    client = (await registerUser(t, { role: 'client' })).token;
    jest.spyOn(Logger.prototype, 'warn').mockImplementation(function (
      this: Logger,
      message: unknown,
      ...rest: unknown[]
    ) {
      warned.push(typeof rest[0] === 'string' ? rest[0] : String(message));
    } as never);
  });
  afterAll(async () => {
    jest.restoreAllMocks();
    await t?.close();
  });

  it('refuses JSON nested 20,000 levels on login without a token: 400 PAYLOAD_TOO_DEEP, logged at warn', async () => {
    const res = await raw(
      t,
      'POST',
      '/api/auth/login',
      Buffer.from('{"email":' + '['.repeat(20_000) + ']'.repeat(20_000) + '}'),
    );
    expect(res).toMatchObject({ status: 400, body: { code: 'PAYLOAD_TOO_DEEP' } });
    expect(warned.some((w) => w.includes('PAYLOAD_TOO_DEEP'))).toBe(true);
  });

  it('refuses a 1 MB wide array fast: 413 PAYLOAD_TOO_LARGE', async () => {
    const started = Date.now();
    const res = await raw(t, 'POST', '/api/auth/register', Buffer.from(JSON.stringify(Array(340_000).fill(1))));
    expect(res).toMatchObject({ status: 413, body: { code: 'PAYLOAD_TOO_LARGE' } });
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it.each(['gzip', 'br', 'deflate'])(
    'answers a corrupt %s body with 400 MALFORMED_BODY, logged at warn',
    async (encoding) => {
      const body =
        encoding === 'gzip'
          ? Buffer.concat([gzipSync('{"email":"a"}').subarray(0, 10), Buffer.from('garbage')])
          : Buffer.from('garbage, not compressed');
      const res = await raw(t, 'POST', '/api/auth/login', body, { 'content-encoding': encoding });
      expect(res).toMatchObject({ status: 400, body: { code: 'MALFORMED_BODY' } });
      expect(warned.some((w) => w.includes('MALFORMED_BODY'))).toBe(true);
    },
  );

  it('still accepts a valid gzip body', async () => {
    const res = await raw(
      t,
      'POST',
      '/api/auth/login',
      gzipSync(JSON.stringify({ email: 'admin@vetting.test', password: 'admin-password-1' })),
      { 'content-encoding': 'gzip' },
    );
    expect(res.status).toBe(200);
  });

  it('answers a path that is not percent-decodable with 400 MALFORMED_PATH, and a malformed id with 404', async () => {
    expect(await raw(t, 'GET', '/api/vetting/calls/%E0%A4%A', undefined, bearer(admin))).toMatchObject({
      status: 400,
      body: { code: 'MALFORMED_PATH' },
    });
    expect(await raw(t, 'GET', '/api/vetting/calls/..%2F..%2Fetc', undefined, bearer(admin))).toMatchObject({
      status: 404,
      body: { code: 'NOT_FOUND' },
    });
    expect(await raw(t, 'POST', '/api/admin/jobs/a%00b', undefined, bearer(admin))).toMatchObject({
      status: 400,
      body: { code: 'VALIDATION_FAILED' },
    });
    // An unknown job name is not accepted (202 would say something was queued).
    expect(await raw(t, 'POST', '/api/admin/jobs/recompute-everything', undefined, bearer(admin))).toMatchObject({
      status: 404,
      body: { code: 'NOT_FOUND' },
    });
    // The slot list's time zone must be one luxon knows (its answer's local times depend on it).
    const freelancer = (await registerUser(t)).token;
    const invitationId = '00000000-0000-4000-8000-000000000000';
    expect(
      await raw(
        t,
        'GET',
        `/api/vetting/slots?invitationId=${invitationId}&timeZone=Nope%2FZone`,
        undefined,
        bearer(freelancer),
      ),
    ).toMatchObject({ status: 400, body: { code: 'VALIDATION_FAILED' } });
  });

  it.each([
    ['login email with NUL', '/api/auth/login', { email: 'a\u0000@example.com', password: 'password-123' }, 'email'],
    [
      'register email with a lone surrogate',
      '/api/auth/register',
      { email: '\ud800@example.com', password: 'password-123', name: 'X', role: 'client', timeZone: 'UTC' },
      'email',
    ],
    [
      'register name with NUL',
      '/api/auth/register',
      { email: 'nul@example.com', password: 'password-123', name: 'A\u0000', role: 'client', timeZone: 'UTC' },
      'name',
    ],
  ])('refuses %s: 400 VALIDATION_FAILED naming the field', async (_what, path, body, field) => {
    const res = await t.http().post(path).send(body);
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('VALIDATION_FAILED');
    expect(res.body.details.fields[0].field).toBe(field);
  });

  it('refuses nulls, NUL bytes and unknown types in preferences and webhooks', async () => {
    const prefs = await t.http().put('/api/notifications/preferences').set(bearer(client)).send({ email: null });
    expect(prefs.status).toBe(400);
    expect(prefs.body.details.fields[0]).toEqual({ field: 'email', problems: ['email must not be null'] });
    const muted = await t
      .http()
      .put('/api/notifications/preferences')
      .set(bearer(client))
      .send({ mutedTypes: ['call.booked', 'x\u0000'] });
    expect(muted.body).toMatchObject({ code: 'VALIDATION_FAILED', details: { fields: [{ field: 'mutedTypes.1' }] } });
    const events = await t
      .http()
      .post('/api/webhooks')
      .set(bearer(client))
      .send({ url: 'http://127.0.0.1:1/hook', events: ['call.booked\u0000'] });
    expect(events.body.code).toBe('VALIDATION_FAILED');
    const unknown = await t
      .http()
      .post('/api/webhooks')
      .set(bearer(client))
      .send({ url: 'http://127.0.0.1:1/hook', events: ['call.exploded'] });
    expect(unknown.body).toMatchObject({ code: 'VALIDATION_FAILED', details: { fields: [{ field: 'events' }] } });
  });

  it('refuses numbers beyond the int column and instants beyond 2100', async () => {
    const supply = await t
      .http()
      .put('/api/admin/categories/writing/supply')
      .set(bearer(admin))
      .send({ openJobs: 2147483648, maxFreelancersPerJob: 2 });
    expect(supply.body).toMatchObject({ code: 'VALIDATION_FAILED', details: { fields: [{ field: 'openJobs' }] } });
    const ok = await t
      .http()
      .put('/api/admin/categories/writing/supply')
      .set(bearer(admin))
      .send({ openJobs: 2147483647, maxFreelancersPerJob: 2 });
    expect(ok.status).toBe(200);
    const window = await t
      .http()
      .post('/api/vetting/application-windows')
      .set(bearer(admin))
      .send({ program: 'expert-vetted', categorySlug: 'writing', closesAt: '9999-12-31T23:59:59Z' });
    expect(window.body).toMatchObject({ code: 'VALIDATION_FAILED', details: { fields: [{ field: 'closesAt' }] } });
  });
});
