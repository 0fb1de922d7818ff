import { Client } from 'pg';
import { TestApp, connected, createStaff, emitAck, loginAdmin, registerUser, startTestApp } from '../support/test-app';
import { bearer } from '../support/calendar-fixtures';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * A SIGTERM right after a burst: app.close() is the path SIGTERM takes (enableShutdownHooks). The socket
 * must stay open until every stored signal is acknowledged, so a client never resends a stored signal.
 */
describe('shutdown drains signal acknowledgements before closing sockets', () => {
  let t: TestApp;
  let db: Client;

  beforeAll(async () => {
    t = await startTestApp({ withWorker: true });
    await createStaff(t, await loginAdmin(t), 'proctor');
    db = new Client({ connectionString: t.databaseUrl });
    await db.connect();
  }, 60_000);

  afterAll(async () => {
    await db?.end();
  });

  it('every stored signal was acknowledged ok; the others were refused with SHUTTING_DOWN or never stored', async () => {
    const f = await registerUser(t);
    const attempt = (await t.http().post('/api/assessments/quiz-open/attempts').set(bearer(f.token))).body;
    const cs = t.socket(f.token);
    await connected(cs);
    expect(await emitAck(cs, 'attempt:join', { attemptId: attempt.id })).toMatchObject({ ok: true });

    const acks: { ok: boolean; code?: string; signal?: { id: string } }[] = [];
    let first!: () => void;
    const firstAck = new Promise<void>((r) => (first = r));
    const BURST = 300;
    const LATE = 200;
    const send = (i: number) =>
      cs
        .timeout(15_000)
        .emit(
          'attempt:signal',
          { attemptId: attempt.id, type: i % 2 ? 'copy' : 'focus_lost' },
          (err: unknown, ack: any) => {
            if (!err) acks.push(ack);
            first();
          },
        );
    for (let i = 0; i < BURST; i++) send(i);
    await firstAck;
    // The SIGTERM path, while the burst is being written; more signals keep coming while it stops.
    const closing = t.app.close();
    for (let i = 0; i < LATE; i++) {
      send(i);
      if (i % 10 === 9) await sleep(2);
    }
    await closing;
    await sleep(500);
    cs.disconnect();

    const stored = (
      await db.query(
        `select signal_id::text as id from integrity_signals where attempt_id = $1 and source = 'candidate'`,
        [attempt.id],
      )
    ).rows.map((r) => r.id as string);
    const acked = new Set(acks.filter((a) => a.ok).map((a) => a.signal!.id));
    expect(stored.length).toBeGreaterThan(0);
    expect(stored.filter((id) => !acked.has(id))).toEqual([]);
    expect(acked.size).toBe(stored.length);
    for (const refused of acks.filter((a) => !a.ok)) expect(refused.code).toBe('SHUTTING_DOWN');
  }, 60_000);
});
