import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { NotificationsService } from '@vetting/notifications';
import { bearer } from '../support/calendar-fixtures';
import { TestApp, registerUser, startTestApp } from '../support/test-app';

jest.setTimeout(120_000);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The URLs of issue 11 that a webhook may never target (WEBHOOK_ALLOW_PRIVATE=false). */
const REFUSED = [
  'http://169.254.169.254/latest/meta-data/iam/security-credentials/',
  'http://127.0.0.1:6379/',
  'http://10.0.0.8/hook',
  'http://192.168.1.20/hook',
  'http://172.17.0.1/hook',
  'http://[::1]/hook',
  'http://[::ffff:127.0.0.1]/hook',
  'http://0.0.0.0:3000/',
  'http://2130706433/',
  'http://0x7f.1/',
  'http://0177.0.0.1/',
  'http://100.100.100.200/latest/meta-data/',
  'http://metadata.google.internal/computeMetadata/v1/',
  'http://localhost:3000/hook',
  'https://user:secret@example.com/hook',
];

describe('webhooks: public targets only (SSRF), with WEBHOOK_ALLOW_PRIVATE=false', () => {
  let listener: Server;
  let port: number;
  const hits: string[] = [];
  let seeded: TestApp | undefined;
  let t: TestApp;
  let client: { token: string; user: { id: string } };
  const hookIds: string[] = [];

  beforeAll(async () => {
    listener = createServer((req, res) => {
      hits.push(String(req.url));
      req.resume();
      res.end('internal service');
    });
    await new Promise<void>((r) => listener.listen(0, '127.0.0.1', r));
    port = (listener.address() as AddressInfo).port;

    // Hooks on loopback registered while private targets were allowed (or whose name later resolves to
    // loopback): delivery must refuse them at connect time.
    seeded = await startTestApp({ withWorker: false, env: { WEBHOOK_ALLOW_PRIVATE: 'true' } });
    client = await registerUser(seeded, { role: 'client' });
    for (const url of [`http://localhost:${port}/by-name`, `http://127.0.0.1:${port}/by-address`]) {
      const res = await seeded.http().post('/api/webhooks').set(bearer(client.token)).send({ url });
      expect(res.status).toBe(201);
      hookIds.push(res.body.id);
    }
    const databaseUrl = seeded.databaseUrl!;
    await seeded.close();
    seeded = undefined;
    t = await startTestApp({ databaseUrl, env: { WEBHOOK_ALLOW_PRIVATE: 'false', WEBHOOK_ATTEMPTS: '1' } });
  });

  afterAll(async () => {
    await seeded?.close();
    await t?.close();
    await new Promise<void>((r) => listener.close(() => r()));
  });

  it.each(REFUSED)('refuses to register %s', async (url) => {
    const res = await t.http().post('/api/webhooks').set(bearer(client.token)).send({ url });
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('WEBHOOK_URL_NOT_ALLOWED');
    expect(res.body.details.fields[0].field).toBe('url');
  });

  it('registers a public URL and refuses unknown event types', async () => {
    const ok = await t
      .http()
      .post('/api/webhooks')
      .set(bearer(client.token))
      .send({ url: 'https://hooks.example.com/vetting', events: ['talent.vetted'] });
    expect(ok.status).toBe(201);
    await t.http().delete(`/api/webhooks/${ok.body.id}`).set(bearer(client.token)).expect(200);
    const bad = await t
      .http()
      .post('/api/webhooks')
      .set(bearer(client.token))
      .send({ url: 'https://hooks.example.com/vetting', events: ['talent.vetted', 'anything.else'] });
    expect(bad.status).toBe(400);
    expect(bad.body.code).toBe('VALIDATION_FAILED');
  });

  it('never reaches a loopback listener at delivery, and the log says only that the target was refused', async () => {
    await t.app
      .get(NotificationsService)
      .notify({ userId: client.user.id, type: 'vetting.invited', title: 'Invited', body: 'You are invited.' });
    const settled = async () => {
      const logs = [];
      for (const id of hookIds) {
        const res = await t.http().get(`/api/webhooks/${id}/deliveries`).set(bearer(client.token)).expect(200);
        logs.push(res.body.deliveries[0]);
      }
      return logs.every((d) => d && d.status !== 'pending') ? logs : undefined;
    };
    let deliveries: any[] | undefined;
    for (let i = 0; i < 200 && !(deliveries = await settled()); i++) await sleep(100);
    expect(deliveries).toBeDefined();
    for (const d of deliveries!) {
      expect(d).toMatchObject({
        status: 'failed',
        attempts: 1,
        lastStatusCode: null,
        lastError: 'target address not allowed',
      });
      const text = JSON.stringify(d);
      expect(text).not.toContain(String(port));
      expect(text).not.toContain('127.0.0.1');
    }
    await sleep(300);
    expect(hits).toEqual([]);
  });
});
