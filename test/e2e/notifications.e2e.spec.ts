import { createServer, IncomingMessage, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { verifyWebhook } from '@vetting/notifications';
import { TestApp, connected, loginAdmin, nextEvent, registerUser, startTestApp } from '../support/test-app';
import {
  bearer,
  invitedFreelancer,
  makeExpertVetted,
  nextGridStart,
  talentManager,
} from '../support/calendar-fixtures';
import { SHORT_CALLS_ENV } from '../support/short-calls';

jest.setTimeout(120_000);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Received {
  headers: IncomingMessage['headers'];
  body: string;
}

/** A webhook receiver on loopback answering `status`. */
async function receiver(status: number): Promise<{ url: string; received: Received[]; close: () => Promise<void> }> {
  const received: Received[] = [];
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      received.push({ headers: req.headers, body });
      res.statusCode = status;
      res.end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/hook`, received, close: () => new Promise((r) => server.close(() => r())) };
}

async function waitFor<T>(fn: () => Promise<T | undefined> | T | undefined, ms = 20_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) throw new Error('condition not met in time');
    await sleep(100);
  }
}

describe('notifications: vetted-talent alerts, webhooks and email (PostgreSQL + Redis + worker)', () => {
  let t: TestApp;
  let admin: string;
  let smtp: SMTPServer;
  const mails: { to: string[]; raw: string }[] = [];

  beforeAll(async () => {
    smtp = new SMTPServer({
      disabledCommands: ['STARTTLS', 'AUTH'],
      authOptional: true,
      logger: false,
      onData(stream, session, cb) {
        let raw = '';
        stream.on('data', (c) => (raw += c));
        stream.on('end', () => {
          mails.push({ to: session.envelope.rcptTo.map((r) => r.address), raw });
          cb();
        });
      },
    });
    await new Promise<void>((r) => smtp.listen(0, '127.0.0.1', r));
    const smtpPort = (smtp.server.address() as AddressInfo).port;
    t = await startTestApp({
      withWorker: true,
      env: {
        ...SHORT_CALLS_ENV,
        SMTP_URL: `smtp://127.0.0.1:${smtpPort}`,
        WEBHOOK_ATTEMPTS: '3',
        WEBHOOK_BACKOFF: 'PT0.2S',
        WEBHOOK_DISABLE_AFTER: '1',
      },
    });
    admin = await loginAdmin(t);
  });
  afterAll(async () => {
    await t?.close();
    await new Promise<void>((r) => smtp.close(() => r()));
  });

  it('an enterprise client following the category gets the alert live, in its inbox and by signed webhook; a marketplace client gets nothing; a failing receiver is retried then disabled', async () => {
    const enterprise = await registerUser(t, { role: 'client', plan: 'enterprise' });
    const marketplace = await registerUser(t, { role: 'client', plan: 'marketplace' });
    const unrelated = await registerUser(t, { role: 'client', plan: 'business_plus' });
    const failing = await registerUser(t, { role: 'client', plan: 'business_plus' });
    for (const c of [enterprise, marketplace, failing]) {
      const r = await t
        .http()
        .put('/api/clients/me/talent-alerts')
        .set(bearer(c.token))
        .send({ categorySlugs: ['design-creative'] });
      expect(r.body).toEqual({ categorySlugs: ['design-creative'] });
    }
    await t
      .http()
      .put('/api/clients/me/talent-alerts')
      .set(bearer(unrelated.token))
      .send({ categorySlugs: ['writing'] })
      .expect(200);
    const bad = await t
      .http()
      .put('/api/clients/me/talent-alerts')
      .set(bearer(enterprise.token))
      .send({ categorySlugs: ['nope'] });
    expect(bad.body.code).toBe('VALIDATION_FAILED');

    const good = await receiver(200);
    const broken = await receiver(500);
    const hook = await t
      .http()
      .post('/api/webhooks')
      .set(bearer(enterprise.token))
      .send({ url: good.url, events: ['talent.vetted'] });
    expect(hook.status).toBe(201);
    const secret: string = hook.body.secret;
    const brokenHook = await t.http().post('/api/webhooks').set(bearer(failing.token)).send({ url: broken.url });

    const es = t.socket(enterprise.token);
    const ms = t.socket(marketplace.token);
    await Promise.all([connected(es), connected(ms)]);
    const marketplaceSeen: unknown[] = [];
    ms.on('notification:new', (n) => marketplaceSeen.push(n));
    const live = nextEvent(es, 'notification:new', 60_000);

    const { freelancer } = await makeExpertVetted(t, admin, 'design-creative');

    const pushed = await live;
    expect(pushed).toMatchObject({
      type: 'talent.vetted',
      data: { freelancerId: freelancer.user.id, categorySlug: 'design-creative' },
    });
    const inbox = await t.http().get('/api/notifications').set(bearer(enterprise.token));
    expect(inbox.body.items.filter((n: { type: string }) => n.type === 'talent.vetted')).toHaveLength(1);
    expect(inbox.body.unreadCount).toBeGreaterThanOrEqual(1);

    const delivered = await waitFor(() => good.received[0]);
    const signature = String(delivered.headers['x-vetting-signature']);
    const timestamp = String(delivered.headers['x-vetting-timestamp']);
    expect(verifyWebhook(secret, timestamp, delivered.body, signature)).toBe(true);
    expect(verifyWebhook('wrong-secret-wrong-secret', timestamp, delivered.body, signature)).toBe(false);
    expect(JSON.parse(delivered.body)).toMatchObject({
      type: 'talent.vetted',
      data: { freelancerId: freelancer.user.id },
    });
    expect(Math.abs(Number(timestamp) - Date.now() / 1000)).toBeLessThan(60);

    // The broken receiver: 3 attempts with backoff, then the webhook is disabled with the reason.
    await waitFor(() => broken.received.length >= 3 || undefined);
    const disabled = await waitFor(async () => {
      const list = await t.http().get('/api/webhooks').set(bearer(failing.token));
      const h = list.body.webhooks.find((w: { id: string }) => w.id === brokenHook.body.id);
      return h && !h.active ? h : undefined;
    });
    expect(disabled.disabledReason).toMatch(/failed every attempt/);
    const log = await t.http().get(`/api/webhooks/${brokenHook.body.id}/deliveries`).set(bearer(failing.token));
    expect(log.body.deliveries[0]).toMatchObject({ status: 'failed', attempts: 3, lastStatusCode: 500 });
    expect(log.body.deliveries[0].log.map((l: { statusCode: number }) => l.statusCode)).toEqual([500, 500, 500]);
    expect(broken.received).toHaveLength(3);
    const okLog = await t.http().get(`/api/webhooks/${hook.body.id}/deliveries`).set(bearer(enterprise.token));
    expect(okLog.body.deliveries[0]).toMatchObject({ status: 'delivered', attempts: 1, lastStatusCode: 200 });

    await sleep(500);
    expect(marketplaceSeen).toEqual([]);
    const mInbox = await t.http().get('/api/notifications').set(bearer(marketplace.token));
    expect(mInbox.body.items.filter((n: { type: string }) => n.type === 'talent.vetted')).toEqual([]);
    const uInbox = await t.http().get('/api/notifications').set(bearer(unrelated.token));
    expect(uInbox.body.items).toEqual([]);
    expect(good.received).toHaveLength(1);
    await good.close();
    await broken.close();
  });

  it('emails a booked call with the .ics to a real SMTP server', async () => {
    await talentManager(t, admin, 'hr');
    const f = await invitedFreelancer(t, admin, 'hr');
    const res = await t
      .http()
      .post('/api/vetting/calls')
      .set(bearer(f.token))
      .send({ invitationId: f.invitationId, startsAt: nextGridStart(20_000, 600_000).toISO() });
    expect(res.status).toBe(201);
    const mail = await waitFor(() =>
      mails.find((m) => m.to.includes(f.user.email) && m.raw.includes('Vetting call booked')),
    );
    expect(mail.raw).toMatch(/Content-Type: text\/calendar; charset=utf-8; method=REQUEST/i);
    const unfolded = mail.raw.replace(/=\r?\n/g, '');
    expect(unfolded).toContain('BEGIN:VCALENDAR');
    expect(unfolded).toContain(`vetting-call-${res.body.id}@vetting-platform`);
  });

  it('respects channel preferences and paginates the inbox with a cursor', async () => {
    await talentManager(t, admin, 'writing');
    const f = await invitedFreelancer(t, admin, 'writing');
    // Channels are chosen when the notification is routed (after its commit, by the outbox relay): let the invitation's go out first.
    await waitFor(() => mails.find((m) => m.to.includes(f.user.email) && m.raw.includes('invited')));
    const prefs = await t
      .http()
      .put('/api/notifications/preferences')
      .set(bearer(f.token))
      .send({ email: false, mutedTypes: ['call.reminder'] });
    expect(prefs.body).toEqual({ push: true, email: false, webhook: true, mutedTypes: ['call.reminder'] });
    const booked = await t
      .http()
      .post('/api/vetting/calls')
      .set(bearer(f.token))
      .send({ invitationId: f.invitationId, startsAt: nextGridStart(20_000, 600_000).toISO() });
    expect(booked.status).toBe(201);

    const page1 = await t.http().get('/api/notifications?limit=1').set(bearer(f.token));
    expect(page1.body.items).toHaveLength(1);
    expect(page1.body.unreadCount).toBe(2);
    expect(page1.body.nextCursor).toEqual(expect.any(String));
    const page2 = await t.http().get(`/api/notifications?limit=1&cursor=${page1.body.nextCursor}`).set(bearer(f.token));
    expect(page2.body.items).toHaveLength(1);
    expect(page2.body.items[0].id).not.toBe(page1.body.items[0].id);
    expect([page1.body.items[0].type, page2.body.items[0].type].sort()).toEqual(['call.booked', 'vetting.invited']);
    expect(page2.body.nextCursor).toBeNull();

    const read = await t.http().post(`/api/notifications/${page1.body.items[0].id}/read`).set(bearer(f.token));
    expect(read.body.readAt).not.toBeNull();
    expect((await t.http().get('/api/notifications?unread=true').set(bearer(f.token))).body.items).toHaveLength(1);
    await t.http().post('/api/notifications/read-all').set(bearer(f.token)).expect(200);
    expect((await t.http().get('/api/notifications').set(bearer(f.token))).body.unreadCount).toBe(0);

    // The invitation's email went out before email was turned off; the booking's did not.
    await sleep(1500);
    expect(mails.some((m) => m.to.includes(f.user.email) && m.raw.includes('Vetting call booked'))).toBe(false);
    expect(mails.some((m) => m.to.includes(f.user.email) && m.raw.includes('invited'))).toBe(true);
    const badCursor = await t.http().get('/api/notifications?cursor=garbage').set(bearer(f.token));
    expect(badCursor.status).toBe(400);
    expect(badCursor.body.code).toBe('VALIDATION_FAILED');
    // A well-formed cursor at an instant this API never writes (PostgreSQL refuses years before 4713 BC): 400, not 500.
    const ancient = Buffer.from(`-010000-01-01T00:00:00.000Z|${f.user.id}`).toString('base64url');
    const ancientCursor = await t.http().get(`/api/notifications?cursor=${ancient}`).set(bearer(f.token));
    expect(ancientCursor.status).toBe(400);
    expect(ancientCursor.body.code).toBe('VALIDATION_FAILED');
  });
});
