import { mintTurnCredential } from '@vetting/live';
import { TestApp, connected, createStaff, emitAck, nextEvent, registerUser, startTestApp } from '../support/test-app';
import { adminToken, bearer } from '../support/calendar-fixtures';

const SECRET = 'turn-e2e-secret-0123456789abcdef';
const TURN_URL = 'turn:127.0.0.1:3478?transport=udp';
const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** rtc:signal against the real api, database and socket server: admission of an attempt's media room, validation, rate limit. */
describe('rtc:signal (e2e)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({
      env: {
        TURN_URLS: TURN_URL,
        TURN_SECRET: SECRET,
        RTC_ICE_SERVERS: 'stun:127.0.0.1:3478',
        RTC_SIGNAL_BURST: '8',
        RTC_SIGNAL_RATE: '1',
      },
    });
  });
  afterAll(async () => t?.close());

  it('a running attempt: the candidate and the proctors watching it signal each other; others are refused, never relayed', async () => {
    const admin = await adminToken(t);
    const proctor = await createStaff(t, admin, 'proctor');
    const other = await createStaff(t, admin, 'proctor');
    const candidate = await registerUser(t);
    const created = await t.http().post('/api/assessments/quiz-open/attempts').set(bearer(candidate.token)).expect(201);
    const attemptId: string = created.body.id;
    const room = `attempt:${attemptId}`;

    const cs = t.socket(candidate.token);
    const ps = t.socket(proctor.token);
    const os = t.socket(other.token);
    await Promise.all([connected(cs), connected(ps), connected(os)]);

    // Before the candidate joined, the attempt is not running: a watching proctor's signal finds the room closed.
    expect(await emitAck(ps, 'proctor:watch', { attemptId })).toMatchObject({ ok: true });
    expect(
      await emitAck(ps, 'rtc:signal', {
        room,
        to: candidate.user.id,
        state: { audio: false, video: false, hello: true },
      }),
    ).toMatchObject({ ok: false, code: 'RTC_ROOM_CLOSED' });

    // The candidate's join ack: configured ICE servers plus TURN minted for the candidate, expiring at the deadline.
    const joined = await emitAck(cs, 'attempt:join', { attemptId });
    expect(joined.ok).toBe(true);
    const deadline = new Date(joined.attempt.deadline);
    const turn = mintTurnCredential(SECRET, candidate.user.id, deadline);
    expect(joined.iceServers).toEqual([
      { urls: ['stun:127.0.0.1:3478'] },
      { urls: [TURN_URL], username: turn.username, credential: turn.credential },
    ]);
    expect(turn.username).toBe(`${Math.ceil(deadline.getTime() / 1000)}:${candidate.user.id}`);
    expect(joined.iceTransportPolicy).toBe('all');

    // The watching proctor's ack carries the proctor's own credentials, expiring at the same deadline.
    const watch = await emitAck(ps, 'proctor:watch', { attemptId });
    expect(watch.iceServers[1]).toEqual({
      urls: [TURN_URL],
      ...pick(mintTurnCredential(SECRET, proctor.user.id, deadline)),
    });

    // Proctor → candidate (hello), candidate → proctor (offer): relayed to the target's sockets with the sender.
    const atCandidate = nextEvent(cs, 'rtc:signal', 3000);
    expect(
      await emitAck(ps, 'rtc:signal', {
        room,
        to: candidate.user.id,
        state: { audio: false, video: false, hello: true },
      }),
    ).toMatchObject({ ok: true });
    expect(await atCandidate).toEqual({
      room,
      from: proctor.user.id,
      state: { audio: false, video: false, hello: true, restart: false },
    });
    const atProctor = nextEvent(ps, 'rtc:signal', 3000);
    expect(
      await emitAck(cs, 'rtc:signal', { room, to: proctor.user.id, description: { type: 'offer', sdp: 'v=0\r\n' } }),
    ).toMatchObject({ ok: true });
    expect(await atProctor).toEqual({ room, from: candidate.user.id, description: { type: 'offer', sdp: 'v=0\r\n' } });

    // A proctor who does not watch: refused both ways, and nothing reaches them.
    const leaked: unknown[] = [];
    os.on('rtc:signal', (s) => leaked.push(s));
    expect(
      await emitAck(os, 'rtc:signal', {
        room,
        to: candidate.user.id,
        state: { audio: false, video: false, hello: true },
      }),
    ).toMatchObject({ ok: false, code: 'RTC_NOT_ADMITTED' });
    expect(
      await emitAck(cs, 'rtc:signal', { room, to: other.user.id, description: { type: 'offer', sdp: 'v=0\r\n' } }),
    ).toMatchObject({ ok: false, code: 'RTC_NOT_ADMITTED' });
    // Unwatching ends it.
    await emitAck(ps, 'proctor:unwatch', { attemptId });
    expect(
      await emitAck(cs, 'rtc:signal', {
        room,
        to: proctor.user.id,
        candidate: { candidate: 'candidate:1 1 udp 1 127.0.0.1 9 typ host', sdpMid: '0', sdpMLineIndex: 0 },
      }),
    ).toMatchObject({ ok: false, code: 'RTC_NOT_ADMITTED' });
    await pause(200);
    expect(leaked).toEqual([]);

    // Bad payloads are 4xx acks.
    expect(
      await emitAck(cs, 'rtc:signal', { room: 'user:x', to: proctor.user.id, state: { audio: true, video: true } }),
    ).toMatchObject({ ok: false, code: 'VALIDATION_FAILED' });
    expect(
      await emitAck(cs, 'rtc:signal', {
        room,
        to: proctor.user.id,
        description: { type: 'offer', sdp: 'x'.repeat(40_000) },
      }),
    ).toMatchObject({ ok: false, code: 'VALIDATION_FAILED' });
    expect(await emitAck(cs, 'rtc:signal', 'not an object')).toMatchObject({ ok: false, code: 'VALIDATION_FAILED' });
  });

  it('each socket is rate-limited (RTC_SIGNAL_BURST, then RTC_SIGNAL_RATE per second)', async () => {
    const stranger = await registerUser(t);
    const s = t.socket(stranger.token);
    await connected(s);
    const body = {
      room: 'call:aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa',
      to: stranger.user.id,
      state: { audio: true, video: true },
    };
    const answers = [];
    for (let i = 0; i < 9; i++) answers.push(await emitAck(s, 'rtc:signal', body));
    expect(answers.slice(0, 8).map((a) => a.code)).toEqual(Array(8).fill('RTC_NOT_ADMITTED'));
    expect(answers[8]).toMatchObject({ ok: false, code: 'RATE_LIMITED', details: { retryAfter: 1, scope: 'socket' } });
    // Another socket of the same user has its own bucket.
    const s2 = t.socket(stranger.token);
    await connected(s2);
    expect(await emitAck(s2, 'rtc:signal', body)).toMatchObject({ code: 'RTC_NOT_ADMITTED' });
    await pause(1100);
    expect(await emitAck(s, 'rtc:signal', body)).toMatchObject({ code: 'RTC_NOT_ADMITTED' });
  });
});

const pick = (c: { username: string; credential: string }) => ({ username: c.username, credential: c.credential });
