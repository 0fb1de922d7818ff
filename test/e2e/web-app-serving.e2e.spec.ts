import { TestApp, startTestApp } from '../support/test-app';

/** The api serves the built web app at `/` (client routes fall back to index.html) beside /api and /live. */
describe('web app serving', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ withWorker: false, env: { VETTING_RESCHEDULE_NOTICE: 'PT12H' } });
  });
  afterAll(async () => t?.close());

  it('serves index.html at / and for client routes, never for /api', async () => {
    const root = await t.http().get('/').expect(200);
    expect(root.headers['content-type']).toMatch(/text\/html/);
    expect(root.text).toContain('<div id="root"></div>');
    const route = await t.http().get('/calls/6f1c2a7e-0000-4000-8000-000000000000').expect(200);
    expect(route.text).toBe(root.text);
    const api = await t.http().get('/api/no-such-route').expect(404);
    expect(api.body).toMatchObject({ statusCode: 404 });
    expect(api.headers['content-type']).toMatch(/json/);
  });

  it('serves hashed assets for a year and answers a missing one with 404', async () => {
    const script = /src="(\/assets\/[^"]+\.js)"/.exec((await t.http().get('/')).text)![1];
    const asset = await t.http().get(script).expect(200);
    expect(asset.headers['cache-control']).toContain('immutable');
    const missing = await t.http().get('/assets/missing.js').expect(404);
    expect(missing.body).toMatchObject({ code: 'NOT_FOUND' });
  });

  it('tells the pages the policy they explain', async () => {
    const res = await t.http().get('/app-config.json').expect(200);
    expect(res.body.policy).toMatchObject({
      rescheduleNoticeMs: 12 * 3600_000,
      maxReschedules: 1,
      joinEarlyMs: 600_000,
      gracePeriodMs: 300_000,
      missedCooldown: 'P6M',
    });
  });
});
