import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { io, Socket } from 'socket.io-client';
import { OutboxRelay } from '@vetting/core';
import { bearer } from '../support/calendar-fixtures';
import { SpawnedProcess, spawnApp } from '../support/spawn-api';
import {
  ADMIN,
  TestApp,
  connected,
  createStaff,
  createTestDatabase,
  emitAck,
  loginAdmin,
  nextEvent,
  registerUser,
  startTestApp,
} from '../support/test-app';
import { TEST_REDIS_URL, redisPrefix } from '../support/test-env';

jest.setTimeout(240_000);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const DROP_MS = 2000;

/** Collects every `event` a socket receives. */
function collect<T = any>(socket: Socket, event: string): T[] {
  const seen: T[] = [];
  socket.on(event, (p: T) => seen.push(p));
  return seen;
}

async function until(what: string, done: () => boolean, ms = 15_000): Promise<void> {
  const end = Date.now() + ms;
  while (!done()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}

/**
 * One live-event path (DESIGN, "Reliability principles"): every server→client event, from an api or a worker
 * process, goes through the Socket.IO Redis Streams adapter, so connection-state recovery replays what a
 * briefly disconnected client missed. Three processes on one database and Redis prefix: api A (in this
 * process, no worker), api B and a worker (each its own process).
 */
describe('one live-event path: connection-state recovery across api processes, events from a worker', () => {
  let a: TestApp;
  let b: SpawnedProcess | undefined;
  let worker: SpawnedProcess | undefined;
  const sockets: Socket[] = [];
  const socketOn = (baseUrl: string, token: string, reconnect = false) => {
    const s = io(`${baseUrl}/live`, {
      auth: { token },
      transports: ['websocket'],
      forceNew: true,
      reconnection: reconnect,
      // A drop lasts DROP_MS: the client comes back after exactly that long.
      reconnectionDelay: DROP_MS,
      reconnectionDelayMax: DROP_MS,
      randomizationFactor: 0,
    });
    sockets.push(s);
    return s;
  };

  beforeAll(async () => {
    const db = await createTestDatabase();
    const prefix = `${redisPrefix()}${randomBytes(3).toString('hex')}:`;
    a = await startTestApp({ withWorker: false, databaseUrl: db.url, redisPrefix: prefix });
    const env = {
      NODE_ENV: 'test',
      LOG_LEVEL: 'warn',
      DATABASE_URL: db.url,
      REDIS_URL: TEST_REDIS_URL,
      REDIS_PREFIX: prefix,
      JWT_SECRET: a.config.env.JWT_SECRET!,
      ADMIN_EMAIL: ADMIN.email,
      ADMIN_PASSWORD: ADMIN.password,
      AUTH_RATE_LIMIT: '10000',
      AUTH_ACCOUNT_RATE_LIMIT: '10000',
      ASSESSMENT_CATALOG_DIR: join(__dirname, '..', 'fixtures', 'assessments'),
      WORKER_IN_PROCESS: 'false',
    };
    [b, worker] = await Promise.all([
      spawnApp('apps/api/src/main.ts', env),
      spawnApp('apps/worker/src/main.ts', env, null),
    ]);
    const deadline = Date.now() + 120_000;
    while (!worker.output().includes('worker started')) {
      if (worker.child.exitCode !== null) throw new Error(`worker exited:\n${worker.output()}`);
      if (Date.now() > deadline) throw new Error(`worker did not start:\n${worker.output()}`);
      await sleep(200);
    }
  });

  afterAll(async () => {
    for (const s of sockets) s.disconnect();
    await Promise.all([b?.stop(), worker?.stop()]);
    await a?.close();
  });

  const setUp = async () => {
    const admin = await loginAdmin(a);
    const proctor = await createStaff(a, admin, 'proctor');
    const candidate = await registerUser(a);
    const created = await a.http().post('/api/assessments/quiz-open/attempts').set(bearer(candidate.token)).expect(201);
    const attemptId: string = created.body.id;
    const cs = socketOn(b!.baseUrl, candidate.token);
    const ps = socketOn(a.baseUrl, proctor.token, true);
    await Promise.all([connected(cs), connected(ps)]);
    expect(await emitAck(cs, 'attempt:join', { attemptId })).toMatchObject({ ok: true });
    expect(await emitAck(ps, 'proctor:watch', { attemptId })).toMatchObject({ ok: true });
    return { attemptId, cs, ps };
  };

  it('a proctor on api A whose connection drops for 2 s gets every signal sent meanwhile through api B', async () => {
    const { attemptId, cs, ps } = await setUp();
    const signals = collect(ps, 'attempt:signal');
    const stored = collect(ps, 'attempt:signal-stored');
    const send = async (type: string) => {
      const answer = await emitAck(cs, 'attempt:signal', { attemptId, type, data: { length: 10 } });
      expect(answer).toMatchObject({ ok: true });
      return answer.signal.id as string;
    };

    // Before the drop: the proctor has an event from the stream (its offset is where recovery resumes).
    const ids = [await send('focus_lost')];
    await until('the first signal and its stored form', () => signals.length === 1 && stored.length === 1);

    // The transport drops (not `disconnect()`, which would end the session); the client reconnects in DROP_MS.
    const disconnected = nextEvent<string>(ps, 'disconnect');
    ps.io.engine.close();
    expect(await disconnected).not.toBe('io client disconnect');
    const back = nextEvent(ps, 'connect', DROP_MS + 10_000);
    const missed = ['copy', 'tab_hidden', 'paste', 'fullscreen_exit', 'devtools_open'];
    for (const type of missed) {
      ids.push(await send(type));
      await sleep(DROP_MS / (missed.length + 2));
    }
    expect(ps.connected).toBe(false); // every one of them was sent while the proctor was away
    await back;

    // Recovered: same session and rooms, the missed packets replayed in order, nothing asked again.
    expect(ps.recovered).toBe(true);
    await until('every missed signal', () => signals.length === ids.length && stored.length === ids.length);
    expect(signals.map((s) => s.id)).toEqual(ids);
    expect(stored.map((s) => s.id)).toEqual(ids);
    expect(signals.map((s) => s.type)).toEqual(['focus_lost', ...missed]);
    expect(stored[stored.length - 1].integrity.points).toBe(1 + 1 + 1 + 2 + 1 + 3);

    // Still in the proctor room after the recovery (no new proctor:watch): the next signal arrives live.
    ids.push(await send('copy'));
    await until('the signal after the recovery', () => signals.length === ids.length);
    expect(signals.map((s) => s.id)).toEqual(ids);
    await sleep(300);
    expect(signals).toHaveLength(ids.length); // nothing twice
  });

  it('events emitted by the worker process (outbox) reach sockets on both api processes', async () => {
    // No api process here delivers the outbox: only the worker's relay does.
    expect(() => a.app.get(OutboxRelay)).toThrow();
    const { attemptId, cs, ps } = await setUp();
    const terminated = nextEvent(cs, 'attempt:terminated', 15_000);
    const ended = nextEvent(ps, 'proctoring:attempt-ended', 15_000);
    const answer = await emitAck(ps, 'proctor:terminate', { attemptId, reason: 'Second person in the room' });
    expect(answer).toMatchObject({ ok: true, status: 'terminated' });
    // attempt:terminated to the candidate on api B, proctoring:attempt-ended to the lobby (the proctor on api A).
    expect(await terminated).toMatchObject({ attemptId, reason: 'Second person in the room' });
    expect(await ended).toMatchObject({ attemptId, status: 'terminated' });
  });
});
