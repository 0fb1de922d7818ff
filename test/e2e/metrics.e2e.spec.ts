import { getQueueToken } from '@nestjs/bullmq';
import type { Queue } from 'bullmq';
import { TestApp, connected, registerUser, startTestApp } from '../support/test-app';

/** Reads one sample's value from Prometheus text (`name{labels} value`), labels matched as a substring. */
function sample(text: string, name: string, labels = ''): number | undefined {
  for (const line of text.split('\n')) {
    if (!line.startsWith(name)) continue;
    const rest = line.slice(name.length);
    if (!(rest.startsWith('{') || rest.startsWith(' '))) continue;
    if (labels && !rest.includes(labels)) continue;
    return Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return undefined;
}

describe('GET /metrics (Prometheus, operators only)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t?.close());

  it('reports HTTP latency per matched route, queue depth and lateness, connected sockets, outbox backlog and event-loop lag', async () => {
    const user = await registerUser(t);
    for (let i = 0; i < 3; i++) await t.http().get('/api/me').set('authorization', `Bearer ${user.token}`).expect(200);
    await t.http().get('/api/no-such-route').expect(404);
    const socket = t.socket(user.token);
    await connected(socket);

    const res = await fetch(`${t.baseUrl}/metrics`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
    const text = await res.text();
    // Per route pattern (never the raw path), with method and status.
    expect(sample(text, 'http_request_duration_seconds_count', 'method="GET",route="/api/me",status="200"')).toBe(3);
    expect(sample(text, 'http_request_duration_seconds_count', 'route="/api/auth/register",status="201"')).toBe(1);
    expect(sample(text, 'http_request_duration_seconds_count', 'route="/api/{*path}",status="404"')).toBe(1);
    expect(text).toMatch(
      /http_request_duration_seconds_bucket\{le="0\.05",method="GET",route="\/api\/me",status="200"\} \d+/,
    );
    // Every queue, every state, and its lateness.
    for (const queue of [
      'call-timers',
      'attempt-deadlines',
      'grading',
      'credentials',
      'notification-delivery',
      'talent-alerts',
    ]) {
      for (const state of ['waiting', 'active', 'delayed', 'failed']) {
        expect(sample(text, 'vetting_queue_jobs', `queue="${queue}",state="${state}"`)).toBeGreaterThanOrEqual(0);
      }
      expect(sample(text, 'vetting_queue_lateness_seconds', `queue="${queue}"`)).toBeGreaterThanOrEqual(0);
    }
    expect(sample(text, 'vetting_sockets_connected')).toBe(1);
    expect(sample(text, 'vetting_outbox_backlog')).toBeGreaterThanOrEqual(0);
    expect(sample(text, 'vetting_outbox_oldest_age_seconds')).toBeGreaterThanOrEqual(0);
    expect(sample(text, 'nodejs_eventloop_lag_seconds')).toBeGreaterThanOrEqual(0);
    expect(sample(text, 'process_resident_memory_bytes')).toBeGreaterThan(0);

    socket.disconnect();
    for (let i = 0; i < 50; i++) {
      const now = sample(await (await fetch(`${t.baseUrl}/metrics`)).text(), 'vetting_sockets_connected');
      if (now === 0) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(sample(await (await fetch(`${t.baseUrl}/metrics`)).text(), 'vetting_sockets_connected')).toBe(0);
  });
});

describe('GET /metrics outside the allowed networks', () => {
  let t: TestApp;
  const token = 'scraper-token-0123456789';
  beforeAll(async () => {
    // Loopback is not in the list here, so this test's requests come from "outside".
    t = await startTestApp({
      withWorker: false,
      env: { METRICS_ALLOWED_NETWORKS: '10.0.0.0/8', METRICS_TOKEN: token },
    });
  });
  afterAll(() => t?.close());

  it('is refused without the token (403 FORBIDDEN, even with a forged X-Forwarded-For) and served with it', async () => {
    const plain = await fetch(`${t.baseUrl}/metrics`);
    expect(plain.status).toBe(403);
    expect(await plain.json()).toMatchObject({ statusCode: 403, code: 'FORBIDDEN' });
    const forged = await fetch(`${t.baseUrl}/metrics`, { headers: { 'x-forwarded-for': '10.1.2.3' } });
    expect(forged.status).toBe(403);
    const wrong = await fetch(`${t.baseUrl}/metrics`, { headers: { authorization: `Bearer ${token}x` } });
    expect(wrong.status).toBe(403);
    const ok = await fetch(`${t.baseUrl}/metrics`, { headers: { authorization: `Bearer ${token}` } });
    expect(ok.status).toBe(200);
    expect(await ok.text()).toContain('http_request_duration_seconds');
  });

  it('shows a job nobody takes as waiting and late by how long it has been due', async () => {
    // No worker in this app: a job added 5 s "ago" waits, 5 s late.
    const queue = t.app.get<Queue>(getQueueToken('talent-alerts'), { strict: false });
    await queue.add('probe', {}, { timestamp: Date.now() - 5000, removeOnComplete: true });
    const text = await (await fetch(`${t.baseUrl}/metrics`, { headers: { authorization: `Bearer ${token}` } })).text();
    expect(sample(text, 'vetting_queue_jobs', 'queue="talent-alerts",state="waiting"')).toBe(1);
    expect(sample(text, 'vetting_queue_lateness_seconds', 'queue="talent-alerts"')).toBeGreaterThanOrEqual(4.9);
    expect(sample(text, 'vetting_queue_lateness_seconds', 'queue="talent-alerts"')).toBeLessThan(60);
  });

  it('counts a delayed job promoted to waiting as late from its due moment, not from when it was added', async () => {
    // Added 10 min "ago" with a delay of 10 min − 5 s: due 5 s ago. Promotion sets its stored delay to 0.
    const queue = t.app.get<Queue>(getQueueToken('grading'), { strict: false });
    const job = await queue.add(
      'probe',
      {},
      { timestamp: Date.now() - 600_000, delay: 595_000, removeOnComplete: true },
    );
    await job.promote();
    const text = await (await fetch(`${t.baseUrl}/metrics`, { headers: { authorization: `Bearer ${token}` } })).text();
    expect(sample(text, 'vetting_queue_jobs', 'queue="grading",state="waiting"')).toBe(1);
    expect(sample(text, 'vetting_queue_lateness_seconds', 'queue="grading"')).toBeGreaterThanOrEqual(4.9);
    expect(sample(text, 'vetting_queue_lateness_seconds', 'queue="grading"')).toBeLessThan(60);
  });

  it('refuses a bad network list at start with a config error naming it', async () => {
    const { AppConfig } = await import('@vetting/core');
    expect(() =>
      AppConfig.fromEnv({
        ...process.env,
        NODE_ENV: 'test',
        JWT_SECRET: 'x'.repeat(32),
        METRICS_ALLOWED_NETWORKS: '10.0.0.0/33',
      }),
    ).toThrow(/METRICS_ALLOWED_NETWORKS.*CIDR/s);
  });
});
