import { DateTime, Duration } from 'luxon';
import {
  AttemptMediaFacts,
  CallMediaFacts,
  attemptAdmission,
  callAdmission,
  parseMediaRoom,
  takeSignalToken,
} from './media.rules';
import { parseRtcSignal } from './rtc-signal.payload';

const F = '11111111-1111-4111-8111-111111111111';
const TM = '22222222-2222-4222-8222-222222222222';
const STRANGER = '33333333-3333-4333-8333-333333333333';
const P = '44444444-4444-4444-8444-444444444444';
const ID = 'aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa';

const start = DateTime.fromISO('2026-12-01T10:00:00Z', { zone: 'utc' });
const policy = { joinEarly: Duration.fromISO('PT10M') };
const call = (over: Partial<CallMediaFacts> = {}): CallMediaFacts => ({
  status: 'in_progress',
  startsAt: start,
  endsAt: start.plus({ minutes: 30 }),
  freelancerId: F,
  talentManagerId: TM,
  senderInRoom: true,
  ...over,
});

describe('parseMediaRoom', () => {
  it('reads call:<id> and attempt:<id>, nothing else', () => {
    expect(parseMediaRoom(`call:${ID}`)).toEqual({ kind: 'call', id: ID });
    expect(parseMediaRoom(`attempt:${ID.toUpperCase()}`)).toEqual({ kind: 'attempt', id: ID });
    for (const bad of [`proctor:attempt:${ID}`, `user:${ID}`, 'call:1', `call:${ID} `, 42, null])
      expect(parseMediaRoom(bad)).toBeNull();
  });
});

describe('callAdmission', () => {
  const at = start.plus({ minutes: 1 });
  it('admits the two participants to each other, either way, while the room is open', () => {
    expect(callAdmission(call(), F, TM, at, policy)).toBeNull();
    expect(callAdmission(call(), TM, F, at, policy)).toBeNull();
  });

  it('the room opens joinEarly before the start and closes at the end (exactly: open at the opening, closed at the end)', () => {
    expect(callAdmission(call(), F, TM, start.minus({ minutes: 10 }), policy)).toBeNull();
    expect(callAdmission(call(), F, TM, start.minus({ minutes: 10, milliseconds: 1 }), policy)).toBe('RTC_ROOM_CLOSED');
    expect(callAdmission(call(), F, TM, start.plus({ minutes: 30 }).minus({ milliseconds: 1 }), policy)).toBeNull();
    expect(callAdmission(call(), F, TM, start.plus({ minutes: 30 }), policy)).toBe('RTC_ROOM_CLOSED');
  });

  it('a call that is over (completed, missed, cancelled, interviewer absent) admits no media', () => {
    for (const status of ['completed', 'missed', 'cancelled', 'interviewer_absent'])
      expect(callAdmission(call({ status }), F, TM, at, policy)).toBe('RTC_ROOM_CLOSED');
    for (const status of ['scheduled', 'rescheduled', 'in_progress'])
      expect(callAdmission(call({ status }), F, TM, at, policy)).toBeNull();
  });

  it('refuses a stranger, either way, a participant to themselves, and an unknown call', () => {
    expect(callAdmission(call(), STRANGER, TM, at, policy)).toBe('RTC_NOT_ADMITTED');
    expect(callAdmission(call(), F, STRANGER, at, policy)).toBe('RTC_NOT_ADMITTED');
    expect(callAdmission(call(), F, F, at, policy)).toBe('RTC_NOT_ADMITTED');
    expect(callAdmission(null, F, TM, at, policy)).toBe('RTC_NOT_ADMITTED');
  });

  it('a stranger learns nothing about the room: not admitted even when it is closed', () => {
    expect(callAdmission(call({ status: 'completed' }), STRANGER, TM, at, policy)).toBe('RTC_NOT_ADMITTED');
  });

  it('a participant must have joined the room through this socket', () => {
    expect(callAdmission(call({ senderInRoom: false }), F, TM, at, policy)).toBe('RTC_NOT_ADMITTED');
  });
});

describe('attemptAdmission', () => {
  const now = start;
  const attempt = (over: Partial<AttemptMediaFacts> = {}): AttemptMediaFacts => ({
    status: 'in_progress',
    deadline: start.plus({ minutes: 20 }),
    candidateId: F,
    senderIsJoinedCandidate: false,
    senderIsWatching: false,
    targetIsWatching: false,
    ...over,
  });

  it('the joined candidate may signal a proctor who watches the attempt', () => {
    expect(attemptAdmission(attempt({ senderIsJoinedCandidate: true, targetIsWatching: true }), F, P, now)).toBeNull();
  });

  it('a watching proctor may signal the candidate', () => {
    expect(attemptAdmission(attempt({ senderIsWatching: true }), P, F, now)).toBeNull();
  });

  it('refuses the candidate to someone not watching, a proctor not watching, and a stranger', () => {
    expect(
      attemptAdmission(attempt({ senderIsJoinedCandidate: true, targetIsWatching: false }), F, STRANGER, now),
    ).toBe('RTC_NOT_ADMITTED');
    expect(attemptAdmission(attempt({ senderIsJoinedCandidate: false, targetIsWatching: true }), F, P, now)).toBe(
      'RTC_NOT_ADMITTED',
    );
    expect(attemptAdmission(attempt({ senderIsWatching: false }), P, F, now)).toBe('RTC_NOT_ADMITTED');
    expect(attemptAdmission(attempt(), STRANGER, F, now)).toBe('RTC_NOT_ADMITTED');
    expect(attemptAdmission(null, P, F, now)).toBe('RTC_NOT_ADMITTED');
  });

  it('a watching proctor may not signal another proctor through the attempt', () => {
    expect(attemptAdmission(attempt({ senderIsWatching: true, targetIsWatching: true }), P, STRANGER, now)).toBe(
      'RTC_NOT_ADMITTED',
    );
  });

  it('only while the attempt runs, before its deadline', () => {
    const ok = { senderIsWatching: true };
    expect(attemptAdmission(attempt({ ...ok, deadline: now.plus({ milliseconds: 1 }) }), P, F, now)).toBeNull();
    expect(attemptAdmission(attempt({ ...ok, deadline: now }), P, F, now)).toBe('RTC_ROOM_CLOSED');
    for (const status of ['created', 'submitted', 'expired', 'terminated', 'graded', 'abandoned'])
      expect(attemptAdmission(attempt({ ...ok, status }), P, F, now)).toBe('RTC_ROOM_CLOSED');
  });
});

describe('takeSignalToken (per socket)', () => {
  const limits = { perSecond: 10, burst: 3 };
  it('allows a burst, then refuses until tokens refill at the rate', () => {
    let bucket;
    const results: boolean[] = [];
    for (let i = 0; i < 4; i++) {
      const r = takeSignalToken(bucket, 1000, limits);
      bucket = r.bucket;
      results.push(r.allowed);
    }
    expect(results).toEqual([true, true, true, false]);
    const refused = takeSignalToken(bucket, 1000, limits);
    expect(refused.allowed).toBe(false);
    expect(refused.retryAfterMs).toBe(100);
    expect(takeSignalToken(bucket, 1099, limits).allowed).toBe(false);
    expect(takeSignalToken(bucket, 1100, limits).allowed).toBe(true);
  });

  it('never stores more than the burst', () => {
    const r = takeSignalToken({ tokens: 0, at: 0 }, 60_000, limits);
    expect(r.bucket.tokens).toBe(2);
  });
});

describe('parseRtcSignal', () => {
  const base = { room: `call:${ID}`, to: TM };
  it('takes exactly one of description, candidate, state', () => {
    expect(parseRtcSignal({ ...base, description: { type: 'offer', sdp: 'v=0' } }).payload).toEqual({
      description: { type: 'offer', sdp: 'v=0' },
    });
    expect(
      parseRtcSignal({
        ...base,
        candidate: { candidate: 'candidate:1 1 udp 1 127.0.0.1 5000 typ host', sdpMid: '0', sdpMLineIndex: 0 },
      }).payload,
    ).toEqual({
      candidate: {
        candidate: 'candidate:1 1 udp 1 127.0.0.1 5000 typ host',
        sdpMid: '0',
        sdpMLineIndex: 0,
        usernameFragment: null,
      },
    });
    expect(parseRtcSignal({ ...base, state: { audio: false, video: true } }).payload).toEqual({
      state: { audio: false, video: true, hello: false, restart: false },
    });
    expect(parseRtcSignal({ ...base, state: { audio: true, video: true, restart: true } }).payload).toEqual({
      state: { audio: true, video: true, hello: false, restart: true },
    });
    expect(() => parseRtcSignal({ ...base })).toThrow(expect.objectContaining({ code: 'VALIDATION_FAILED' }));
    expect(() =>
      parseRtcSignal({ ...base, description: { type: 'offer', sdp: 'v=0' }, state: { audio: true, video: true } }),
    ).toThrow(expect.objectContaining({ code: 'VALIDATION_FAILED' }));
  });

  it('bounds every field', () => {
    const bad: unknown[] = [
      null,
      [],
      { ...base, to: 'not-a-uuid', state: { audio: true, video: true } },
      { ...base, room: 'x'.repeat(100), state: { audio: true, video: true } },
      { ...base, description: { type: 'offer', sdp: 'x'.repeat(32_001) } },
      { ...base, description: { type: 'hello', sdp: 'v=0' } },
      { ...base, description: { type: 'offer' } },
      { ...base, candidate: { candidate: 'x'.repeat(1025) } },
      { ...base, candidate: { candidate: 'c', sdpMLineIndex: -1 } },
      { ...base, candidate: { candidate: 'c', sdpMLineIndex: 1.5 } },
      { ...base, candidate: { candidate: 'c', sdpMid: 'x'.repeat(65) } },
      { ...base, candidate: 'candidate:1' },
      { ...base, state: { audio: 'yes', video: true } },
      { ...base, state: { audio: true, video: true, hello: 1 } },
      { ...base, state: { audio: true, video: true, restart: 'yes' } },
      { ...base, description: { type: 'offer', sdp: 'a\u0000b' } },
    ];
    for (const body of bad)
      expect(() => parseRtcSignal(body)).toThrow(
        expect.objectContaining({ code: 'VALIDATION_FAILED', statusCode: 400 }),
      );
  });
});
