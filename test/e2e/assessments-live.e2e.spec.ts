import { Client } from 'pg';
import { Socket } from 'socket.io-client';
import {
  TestApp,
  connected,
  createStaff,
  emitAck,
  loginAdmin,
  nextEvent,
  registerUser,
  startTestApp,
} from '../support/test-app';
import { bearer } from '../support/calendar-fixtures';

jest.setTimeout(60_000);

/** Collects every `event` a socket receives. */
function collect<T = any>(socket: Socket, event: string): T[] {
  const seen: T[] = [];
  socket.on(event, (p: T) => seen.push(p));
  return seen;
}
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** Waits (bounded) until `done()` holds. */
async function until(done: () => boolean, timeoutMs: number): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!done()) {
    if (Date.now() > end) throw new Error(`condition not met within ${timeoutMs} ms`);
    await sleep(5);
  }
}

describe('live assessments (PostgreSQL + Redis + socket.io)', () => {
  let t: TestApp;
  let admin: string;
  let proctor: { token: string; user: { id: string } };
  beforeAll(async () => {
    t = await startTestApp({ withWorker: true, env: { ATTEMPT_TIME_TICK: 'PT1S' } });
    admin = await loginAdmin(t);
    proctor = await createStaff(t, admin, 'proctor');
  });
  afterAll(async () => t?.close());

  const start = async (token: string, slug = 'quiz-open') => {
    const res = await t.http().post(`/api/assessments/${slug}/attempts`).set(bearer(token));
    if (res.status !== 201) throw new Error(`start: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body;
  };

  it('lists the catalog and never sends answer keys or hidden tests', async () => {
    const f = await registerUser(t);
    const cat = await t.http().get('/api/assessments').set(bearer(f.token));
    expect(cat.status).toBe(200);
    expect(cat.body.assessments.map((a: { slug: string }) => a.slug)).toEqual(
      expect.arrayContaining(['quiz-open', 'algo-invited']),
    );
    const attempt = await start(f.token);
    // Drawn at creation, shown only once the clock runs: the test's name, duration and item count, never an item.
    expect(attempt).toMatchObject({
      status: 'created',
      deadline: null,
      items: [],
      itemCount: 6,
      assessment: { title: expect.any(String), duration: expect.any(String), itemCount: 6 },
    });
    expect(Date.parse(attempt.startBy) - Date.parse(attempt.createdAt)).toBe(15 * 60_000);
    const read = await t.http().get(`/api/attempts/${attempt.id}`).set(bearer(f.token));
    expect(read.body).toMatchObject({ status: 'created', items: [], itemCount: 6 });
    const early = await t
      .http()
      .put(`/api/attempts/${attempt.id}/answers/q1`)
      .set(bearer(f.token))
      .send({ answer: { optionIds: ['a'] } });
    expect(early.status).toBe(409);
    expect(early.body.code).toBe('ATTEMPT_NOT_STARTED');
    const begun = await t.http().post(`/api/attempts/${attempt.id}/start`).set(bearer(f.token));
    expect(begun.status).toBe(200);
    expect(begun.body).toMatchObject({ status: 'in_progress', itemCount: 6 });
    expect(begun.body.items).toHaveLength(6);
    expect(begun.body.startBy).toBeUndefined();
    const text = JSON.stringify(begun.body);
    expect(text).not.toContain('"correct"');
    expect(text).not.toContain('"tests"');
    expect(text).not.toContain('"scores"');
  });

  it('draws a different set per attempt', async () => {
    const sets = new Set<string>();
    for (let i = 0; i < 4; i++) {
      const f = await registerUser(t);
      const a = await start(f.token);
      const begun = await t.http().post(`/api/attempts/${a.id}/start`).set(bearer(f.token));
      sets.add(
        begun.body.items
          .map((x: { id: string }) => x.id)
          .sort()
          .join(','),
      );
    }
    expect(sets.size).toBeGreaterThan(1);
  });

  it('enforces eligibility: invited tracks, one attempt at a time, the retake cooldown', async () => {
    const f = await registerUser(t);
    const invited = await t.http().post('/api/assessments/algo-invited/attempts').set(bearer(f.token));
    expect(invited.status).toBe(403);
    expect(invited.body.code).toBe('NOT_INVITED');
    const inv = await t
      .http()
      .post('/api/assessments/tracks/frontend-js/invitations')
      .set(bearer(admin))
      .send({ freelancerId: f.user.id });
    expect(inv.status).toBe(201);
    const a = await start(f.token, 'algo-invited');
    const second = await t.http().post('/api/assessments/quiz-open/attempts').set(bearer(f.token));
    expect(second.status).toBe(409);
    expect(second.body.code).toBe('ATTEMPT_IN_PROGRESS');
    await t.http().post(`/api/attempts/${a.id}/start`).set(bearer(f.token)).expect(200);
    const submitted = await t.http().post(`/api/attempts/${a.id}/submit`).set(bearer(f.token));
    expect(submitted.status).toBe(200);
    // Grading may already have finished by the time the answer is read back.
    expect(['submitted', 'graded']).toContain(submitted.body.status);
    const retake = await t.http().post('/api/assessments/algo-invited/attempts').set(bearer(f.token));
    expect(retake.status).toBe(409);
    expect(retake.body).toMatchObject({ code: 'RETAKE_COOLDOWN', details: { eligibleAt: expect.any(String) } });
    const unknown = await t.http().post('/api/assessments/no-such-test/attempts').set(bearer(f.token));
    expect(unknown.status).toBe(404);
  });

  it('a candidate answers, disconnects, rejoins and finds the answers and the same deadline', async () => {
    const f = await registerUser(t);
    const attempt = await start(f.token);
    const s1 = t.socket(f.token);
    await connected(s1);
    const times = collect(s1, 'attempt:time');
    const joined = await emitAck(s1, 'attempt:join', { attemptId: attempt.id });
    expect(joined).toMatchObject({ ok: true, attempt: { status: 'in_progress' } });
    const deadline = joined.attempt.deadline;
    expect(Date.parse(deadline) - Date.parse(joined.attempt.startedAt)).toBe(3600_000);

    const [first, second] = joined.attempt.items;
    const saved1 = await emitAck(s1, 'attempt:answer', {
      attemptId: attempt.id,
      itemId: first.id,
      answer: { optionIds: ['b'] },
    });
    expect(saved1).toMatchObject({ ok: true, revision: 1, answeredCount: 1 });
    // Last write wins, idempotent per item.
    const saved2 = await emitAck(s1, 'attempt:answer', {
      attemptId: attempt.id,
      itemId: first.id,
      answer: { optionIds: ['a'] },
    });
    expect(saved2).toMatchObject({ ok: true, revision: 2, answeredCount: 1 });
    const httpSave = await t
      .http()
      .put(`/api/attempts/${attempt.id}/answers/${second.id}`)
      .set(bearer(f.token))
      .send({ answer: { optionIds: ['c'] } });
    expect(httpSave.status).toBe(200);
    const bad = await emitAck(s1, 'attempt:answer', {
      attemptId: attempt.id,
      itemId: first.id,
      answer: { optionIds: ['zzz'] },
    });
    expect(bad).toMatchObject({ ok: false, code: 'VALIDATION_FAILED' });
    const notDrawn = await emitAck(s1, 'attempt:answer', {
      attemptId: attempt.id,
      itemId: 'nope',
      answer: { optionIds: ['a'] },
    });
    expect(notDrawn).toMatchObject({ ok: false, code: 'NOT_FOUND' });

    await sleep(1200);
    expect(times.length).toBeGreaterThanOrEqual(1);
    expect(times[times.length - 1]).toMatchObject({ attemptId: attempt.id, deadline });
    expect(times[times.length - 1].remainingMs).toBeLessThanOrEqual(3600_000);

    s1.disconnect();
    await sleep(300);
    const s2 = t.socket(f.token);
    await connected(s2);
    const rejoined = await emitAck(s2, 'attempt:join', { attemptId: attempt.id });
    expect(rejoined.ok).toBe(true);
    expect(rejoined.attempt.deadline).toBe(deadline);
    expect(rejoined.attempt.remainingMs).toBeLessThan(joined.attempt.remainingMs);
    const answers = Object.fromEntries(
      rejoined.attempt.answers.map((a: { itemId: string; answer: unknown }) => [a.itemId, a.answer]),
    );
    expect(answers).toEqual({ [first.id]: { optionIds: ['a'] }, [second.id]: { optionIds: ['c'] } });

    const timeline = await t.http().get(`/api/proctoring/attempts/${attempt.id}/timeline`).set(bearer(proctor.token));
    expect(timeline.body.timeline.map((s: { type: string }) => s.type)).toEqual(['disconnect', 'reconnect']);
  });

  it('refuses answers after the deadline, and the deadline job expires an abandoned attempt', async () => {
    const f = await registerUser(t);
    const attempt = await start(f.token, 'quick-open');
    const begun = await t.http().post(`/api/attempts/${attempt.id}/start`).set(bearer(f.token));
    expect(begun.body.status).toBe('in_progress');
    const item = begun.body.items[0].id;
    expect(
      (
        await t
          .http()
          .put(`/api/attempts/${attempt.id}/answers/${item}`)
          .set(bearer(f.token))
          .send({ answer: { optionIds: ['a'] } })
      ).status,
    ).toBe(200);
    await sleep(Date.parse(begun.body.deadline) - Date.now() + 1500);
    const late = await t
      .http()
      .put(`/api/attempts/${attempt.id}/answers/${item}`)
      .set(bearer(f.token))
      .send({ answer: { optionIds: ['b'] } });
    expect(late.status).toBe(409);
    expect(late.body.code).toBe('ATTEMPT_DEADLINE_PASSED');
    const view = await t.http().get(`/api/attempts/${attempt.id}`).set(bearer(f.token));
    expect(['expired', 'graded']).toContain(view.body.status);
    expect(view.body.endReason).toBe('deadline');
    expect(view.body.answers).toEqual([expect.objectContaining({ itemId: item, answer: { optionIds: ['a'] } })]);
  });

  it('a proctor sees signals live, warns and terminates; the lobby sees attempts start and end', async () => {
    const f = await registerUser(t);
    const ps = t.socket(proctor.token);
    await connected(ps);
    const lobbyStarted = nextEvent(ps, 'proctoring:attempt-started');
    const attempt = await start(f.token);
    const cs = t.socket(f.token);
    await connected(cs);
    await emitAck(cs, 'attempt:join', { attemptId: attempt.id });
    expect((await lobbyStarted).attemptId).toBe(attempt.id);

    const list = await t.http().get('/api/proctoring/live').set(bearer(proctor.token));
    expect(list.body.attempts.find((a: { attemptId: string }) => a.attemptId === attempt.id)).toMatchObject({
      candidate: { id: f.user.id },
      assessment: { slug: 'quiz-open' },
      integrity: { tier: 'none' },
    });

    const watch = await emitAck(ps, 'proctor:watch', { attemptId: attempt.id });
    expect(watch).toMatchObject({ ok: true, attempt: { attemptId: attempt.id }, timeline: [] });
    const signals = collect(ps, 'attempt:signal');
    const progress = nextEvent(ps, 'attempt:progress');

    await emitAck(cs, 'attempt:signal', { attemptId: attempt.id, type: 'focus_lost' });
    await emitAck(cs, 'attempt:signal', {
      attemptId: attempt.id,
      type: 'focus_regained',
      data: { durationMs: 65_000 },
    });
    await emitAck(cs, 'attempt:signal', { attemptId: attempt.id, type: 'paste', data: { length: 500 } });
    const item = watch.attempt
      ? (await t.http().get(`/api/attempts/${attempt.id}`).set(bearer(f.token))).body.items[0].id
      : null;
    await emitAck(cs, 'attempt:answer', { attemptId: attempt.id, itemId: item, answer: { optionIds: ['a'] } });
    const p = await progress;
    expect(p).toEqual({ attemptId: attempt.id, answeredCount: 1, total: 6, at: expect.any(String) });
    expect(JSON.stringify(p)).not.toContain('optionIds');
    await sleep(200);
    expect(signals.map((s) => s.type)).toEqual(['focus_lost', 'focus_regained', 'paste']);
    expect(signals[2].integrity).toEqual({ points: 1 + 2 + 3, tier: 'some' });
    expect(Date.parse(signals[0].at)).toBeLessThanOrEqual(Date.parse(signals[1].at));

    const badSignal = await emitAck(cs, 'attempt:signal', { attemptId: attempt.id, type: 'teleport' });
    expect(badSignal).toMatchObject({ ok: false, code: 'VALIDATION_FAILED' });

    const warning = nextEvent(cs, 'proctor:warning');
    expect(
      await emitAck(ps, 'proctor:warn', { attemptId: attempt.id, message: 'Eyes on your screen, please.' }),
    ).toMatchObject({ ok: true });
    expect(await warning).toMatchObject({ attemptId: attempt.id, message: 'Eyes on your screen, please.' });
    expect(await emitAck(ps, 'proctor:flag', { attemptId: attempt.id, note: 'Second person audible' })).toMatchObject({
      ok: true,
      signal: { type: 'proctor_flag' },
    });

    const terminated = nextEvent(cs, 'attempt:terminated');
    const lobbyEnded = nextEvent(ps, 'proctoring:attempt-ended');
    expect(
      await emitAck(ps, 'proctor:terminate', { attemptId: attempt.id, reason: 'Second person in the room' }),
    ).toMatchObject({ ok: true, status: 'terminated' });
    expect(await terminated).toMatchObject({ attemptId: attempt.id, reason: 'Second person in the room' });
    expect(await lobbyEnded).toMatchObject({ attemptId: attempt.id, status: 'terminated' });
    const late = await emitAck(cs, 'attempt:answer', {
      attemptId: attempt.id,
      itemId: item,
      answer: { optionIds: ['b'] },
    });
    expect(late).toMatchObject({ ok: false });
    const timeline = await t.http().get(`/api/proctoring/attempts/${attempt.id}/timeline`).set(bearer(admin));
    expect(timeline.body.timeline.map((s: { type: string }) => s.type)).toEqual([
      'focus_lost',
      'focus_regained',
      'paste',
      'proctor_warning',
      'proctor_flag',
      'proctor_terminate',
    ]);
    // The ids proctors saw live name the stored signals; the timeline is in server-time order.
    expect(timeline.body.timeline.map((s: { id: string }) => s.id)).toEqual(signals.map((s) => s.id));
    const ats = timeline.body.timeline.map((s: { at: string }) => Date.parse(s.at));
    expect([...ats].sort((a, b) => a - b)).toEqual(ats);
  });

  describe('signals are relayed to proctors ahead of their write', () => {
    let db: Client;
    beforeAll(async () => {
      db = new Client({ connectionString: t.databaseUrl });
      await db.connect();
    });
    afterAll(async () => db?.end());

    const watched = async () => {
      const f = await registerUser(t);
      const attempt = await start(f.token);
      const cs = t.socket(f.token);
      const ps = t.socket(proctor.token);
      await Promise.all([connected(cs), connected(ps)]);
      expect(await emitAck(cs, 'attempt:join', { attemptId: attempt.id })).toMatchObject({ ok: true });
      expect(await emitAck(ps, 'proctor:watch', { attemptId: attempt.id })).toMatchObject({ ok: true });
      return { f, attempt, cs, ps };
    };

    it('a burst: proctors see every signal with its running integrity, the timeline stores them in arrival order under the same ids', async () => {
      const { attempt, cs, ps } = await watched();
      const seen = collect(ps, 'attempt:signal');
      const stored = collect(ps, 'attempt:signal-stored');
      const types = [
        'focus_lost',
        'copy',
        'tab_hidden',
        'paste',
        'fullscreen_exit',
        'devtools_open',
        'focus_lost',
        'copy',
        'tab_hidden',
        'fullscreen_exit',
      ];
      // Sent without waiting for answers: the writes queue behind each other.
      const acks = await Promise.all(
        types.map((type) => emitAck(cs, 'attempt:signal', { attemptId: attempt.id, type, data: { length: 10 } })),
      );
      expect(acks.every((a) => a.ok)).toBe(true);
      await sleep(200);
      expect(seen.map((s) => s.type)).toEqual(types);
      expect(seen.map((s) => s.id)).toEqual(acks.map((a) => a.signal.id));
      // Running totals: 1,1,1,2,1,3,1,1,1,1 points.
      expect(seen.map((s) => s.integrity.points)).toEqual([1, 2, 3, 5, 6, 9, 10, 11, 12, 13]);
      expect(seen[9].integrity.tier).toBe('major');
      // Each signal is confirmed once stored, under the same id, with the same total (nothing came from elsewhere).
      expect(stored.map((s) => s.id)).toEqual(seen.map((s) => s.id));
      expect(stored.map((s) => s.integrity)).toEqual(seen.map((s) => s.integrity));
      const timeline = (
        await t.http().get(`/api/proctoring/attempts/${attempt.id}/timeline`).set(bearer(proctor.token))
      ).body;
      expect(timeline.timeline.map((s: { id: string }) => s.id)).toEqual(seen.map((s) => s.id));
      expect(timeline.timeline.map((s: { at: string }) => s.at)).toEqual(seen.map((s) => s.at));
      expect(timeline.attempt.integrity).toEqual(seen[9].integrity);
      cs.disconnect();
      ps.disconnect();
    });

    it('points stored through another process: the relayed total is corrected by attempt:signal-stored', async () => {
      const { attempt, cs, ps } = await watched();
      // As if a proctor on another api had flagged the attempt: 5 points this process has not seen.
      await db.query(`update attempts set integrity_points = integrity_points + 5 where id = $1`, [attempt.id]);
      const signal = nextEvent(ps, 'attempt:signal');
      const corrected = nextEvent(ps, 'attempt:signal-stored');
      const answer = await emitAck(cs, 'attempt:signal', { attemptId: attempt.id, type: 'copy' });
      expect(answer).toMatchObject({ ok: true });
      const relayed = await signal;
      expect(relayed).toMatchObject({ id: answer.signal.id, type: 'copy', integrity: { points: 1 } });
      expect(await corrected).toEqual({ ...relayed, integrity: { points: 6, tier: 'some' } });
      // The next signal starts from the stored total.
      const next = nextEvent(ps, 'attempt:signal');
      await emitAck(cs, 'attempt:signal', { attemptId: attempt.id, type: 'copy' });
      expect((await next).integrity).toEqual({ points: 7, tier: 'some' });
      cs.disconnect();
      ps.disconnect();
    });

    it('a signal that cannot be stored (the attempt ended meanwhile) is withdrawn from proctors and refused to the candidate', async () => {
      const { attempt, cs, ps } = await watched();
      // The attempt ends in the database before this process has closed the candidate's room.
      await db.query(`update attempts set status = 'terminated', ended_at = now(), end_reason = 'test' where id = $1`, [
        attempt.id,
      ]);
      const signal = nextEvent(ps, 'attempt:signal');
      const withdrawn = nextEvent(ps, 'attempt:signal-withdrawn');
      const stored = collect(ps, 'attempt:signal-stored');
      const answer = await emitAck(cs, 'attempt:signal', { attemptId: attempt.id, type: 'tab_hidden' });
      expect(answer).toMatchObject({ ok: false, code: 'ATTEMPT_NOT_ACTIVE', details: { status: 'terminated' } });
      const relayed = await signal;
      expect(await withdrawn).toEqual({ attemptId: attempt.id, id: relayed.id, reason: 'ATTEMPT_NOT_ACTIVE' });
      expect(stored).toEqual([]);
      const timeline = (
        await t.http().get(`/api/proctoring/attempts/${attempt.id}/timeline`).set(bearer(proctor.token))
      ).body;
      expect(timeline.timeline).toEqual([]);
      cs.disconnect();
      ps.disconnect();
    });

    it('a candidate who did not join the room is written first and relayed after (no relay ahead without a join)', async () => {
      const f = await registerUser(t);
      const attempt = await start(f.token);
      await t.http().post(`/api/attempts/${attempt.id}/start`).set(bearer(f.token)).expect(200);
      const cs = t.socket(f.token);
      const ps = t.socket(proctor.token);
      await Promise.all([connected(cs), connected(ps)]);
      await emitAck(ps, 'proctor:watch', { attemptId: attempt.id });
      await db.query(`update attempts set status = 'terminated', ended_at = now(), end_reason = 'test' where id = $1`, [
        attempt.id,
      ]);
      const seen = collect(ps, 'attempt:signal');
      const withdrawn = collect(ps, 'attempt:signal-withdrawn');
      expect(await emitAck(cs, 'attempt:signal', { attemptId: attempt.id, type: 'copy' })).toMatchObject({
        ok: false,
        code: 'ATTEMPT_NOT_ACTIVE',
      });
      await sleep(200);
      expect(seen).toEqual([]);
      expect(withdrawn).toEqual([]);
      cs.disconnect();
      ps.disconnect();
    });
  });

  it('a freelancer can neither watch nor join another’s attempt: it is answered as not found', async () => {
    const owner = await registerUser(t);
    const other = await registerUser(t);
    const attempt = await start(owner.token);
    const os = t.socket(other.token);
    await connected(os);
    expect(await emitAck(os, 'proctor:watch', { attemptId: attempt.id })).toMatchObject({
      ok: false,
      code: 'FORBIDDEN',
    });
    expect(await emitAck(os, 'attempt:join', { attemptId: attempt.id })).toMatchObject({
      ok: false,
      code: 'NOT_FOUND',
    });
    expect(await emitAck(os, 'proctor:terminate', { attemptId: attempt.id, reason: 'x' })).toMatchObject({
      ok: false,
      code: 'FORBIDDEN',
    });
    expect(await emitAck(os, 'attempt:signal', { attemptId: attempt.id, type: 'copy' })).toMatchObject({
      ok: false,
      code: 'NOT_FOUND',
    });
    expect((await t.http().get('/api/proctoring/live').set(bearer(other.token))).status).toBe(403);
    const seen = await t.http().get(`/api/attempts/${attempt.id}`).set(bearer(other.token));
    expect(seen.status).toBe(404);
    expect(seen.body.code).toBe('NOT_FOUND');
    expect(JSON.stringify(seen.body)).not.toMatch(/yours/);
  });
});

describe('relayed signals are stored in batches (group commit)', () => {
  const WINDOW_MS = 1000;
  let t: TestApp;
  let proctor: { token: string };
  let db: Client;
  beforeAll(async () => {
    t = await startTestApp({ withWorker: true, env: { SIGNAL_WRITE_WINDOW_MS: String(WINDOW_MS) } });
    proctor = await createStaff(t, await loginAdmin(t), 'proctor');
    db = new Client({ connectionString: t.databaseUrl });
    await db.connect();
  });
  afterAll(async () => {
    await db?.end();
    await t?.close();
  });

  const joined = async () => {
    const f = await registerUser(t);
    const attempt = (await t.http().post('/api/assessments/quiz-open/attempts').set(bearer(f.token))).body;
    const cs = t.socket(f.token);
    await connected(cs);
    expect(await emitAck(cs, 'attempt:join', { attemptId: attempt.id })).toMatchObject({ ok: true });
    return { attempt, cs };
  };
  const rows = async (attemptIds: string[]) =>
    (
      await db.query(
        `select signal_id::text as id, attempt_id::text as attempt, xmin::text as tx from integrity_signals where attempt_id = any($1::uuid[]) order by integrity_signals.at, integrity_signals.id`,
        [attemptIds],
      )
    ).rows as {
      id: string;
      attempt: string;
      tx: string;
    }[];

  it('signals of several attempts in one window share one statement; an ended attempt’s are refused alone', async () => {
    const one = await joined();
    const two = await joined();
    const ended = await joined();
    const ps = t.socket(proctor.token);
    await connected(ps);
    for (const x of [one, two, ended])
      expect(await emitAck(ps, 'proctor:watch', { attemptId: x.attempt.id })).toMatchObject({ ok: true });
    await db.query(`update attempts set status = 'terminated', ended_at = now(), end_reason = 'test' where id = $1`, [
      ended.attempt.id,
    ]);
    const seen = collect(ps, 'attempt:signal');
    const stored = collect(ps, 'attempt:signal-stored');
    const withdrawn = collect(ps, 'attempt:signal-withdrawn');
    const sent = Date.now();
    const answers = Promise.all([
      emitAck(one.cs, 'attempt:signal', { attemptId: one.attempt.id, type: 'copy' }),
      emitAck(two.cs, 'attempt:signal', { attemptId: two.attempt.id, type: 'paste', data: { length: 500 } }),
      emitAck(ended.cs, 'attempt:signal', { attemptId: ended.attempt.id, type: 'copy' }),
      emitAck(one.cs, 'attempt:signal', { attemptId: one.attempt.id, type: 'tab_hidden' }),
    ]);
    // Relayed at once; nothing written before the window ends.
    await until(() => seen.length === 4, WINDOW_MS / 2);
    expect(await rows([one.attempt.id, two.attempt.id, ended.attempt.id])).toEqual([]);
    expect(Date.now() - sent).toBeLessThan(WINDOW_MS - 100); // the check above ran inside the window
    const [a1, b1, refused, a2] = await answers;
    expect(Date.now() - sent).toBeGreaterThanOrEqual(WINDOW_MS - 50);
    expect([a1, b1, a2].every((a) => a.ok)).toBe(true);
    expect(refused).toMatchObject({ ok: false, code: 'ATTEMPT_NOT_ACTIVE', details: { status: 'terminated' } });
    const written = await rows([one.attempt.id, two.attempt.id, ended.attempt.id]);
    // Two sockets' packets may reach the server in either order; one socket's keep theirs.
    expect(written.map((r) => r.id).sort()).toEqual([a1.signal.id, b1.signal.id, a2.signal.id].sort());
    expect(written.filter((r) => r.attempt === one.attempt.id).map((r) => r.id)).toEqual([a1.signal.id, a2.signal.id]);
    expect(new Set(written.map((r) => r.tx)).size).toBe(1); // one transaction
    await sleep(100);
    // Each stored signal is confirmed with the total right after it, per attempt.
    const byId = new Map(stored.map((s) => [s.id, s.integrity]));
    expect(byId.get(a1.signal.id)).toEqual({ points: 1, tier: 'none' });
    expect(byId.get(a2.signal.id)).toEqual({ points: 2, tier: 'none' });
    expect(byId.get(b1.signal.id)).toEqual({ points: 3, tier: 'some' });
    expect(withdrawn).toEqual([
      {
        attemptId: ended.attempt.id,
        id: seen.find((s) => s.attemptId === ended.attempt.id).id,
        reason: 'ATTEMPT_NOT_ACTIVE',
      },
    ]);
    const points = (
      await db.query(`select id::text, integrity_points, integrity_tier from attempts where id = any($1::uuid[])`, [
        [one.attempt.id, two.attempt.id, ended.attempt.id],
      ])
    ).rows;
    expect(Object.fromEntries(points.map((r) => [r.id, [r.integrity_points, r.integrity_tier]]))).toEqual({
      [one.attempt.id]: [2, 'none'],
      [two.attempt.id]: [3, 'some'],
      [ended.attempt.id]: [0, 'none'],
    });
    for (const s of [one.cs, two.cs, ended.cs, ps]) s.disconnect();
  });

  it('reading the timeline writes what is queued without waiting for the window', async () => {
    const { attempt, cs } = await joined();
    const ps = t.socket(proctor.token);
    await connected(ps);
    await emitAck(ps, 'proctor:watch', { attemptId: attempt.id });
    const relayed = nextEvent(ps, 'attempt:signal');
    const sent = Date.now();
    const answer = emitAck(cs, 'attempt:signal', { attemptId: attempt.id, type: 'focus_lost' });
    await relayed; // queued now
    const timeline = (await t.http().get(`/api/proctoring/attempts/${attempt.id}/timeline`).set(bearer(proctor.token)))
      .body;
    expect(Date.now() - sent).toBeLessThan(WINDOW_MS / 2);
    expect(timeline.timeline.map((s: { type: string }) => s.type)).toEqual(['focus_lost']);
    expect((await answer).signal.id).toBe(timeline.timeline[0].id);
    cs.disconnect();
    ps.disconnect();
  });

  it('a batch the database refuses is written signal by signal: only the signal that cannot be stored is refused', async () => {
    const one = await joined();
    const two = await joined();
    // A signal the database will not take (as a broken row would be): the whole batch statement fails.
    await db.query(`create or replace function test_refuse_signal() returns trigger language plpgsql as $$
      begin if new.data->>'length' = '666' then raise exception 'refused by test'; end if; return new; end $$`);
    await db.query(
      `create trigger test_refuse_signal before insert on integrity_signals for each row execute function test_refuse_signal()`,
    );
    try {
      const [good, bad] = await Promise.all([
        emitAck(one.cs, 'attempt:signal', { attemptId: one.attempt.id, type: 'paste', data: { length: 10 } }),
        emitAck(two.cs, 'attempt:signal', { attemptId: two.attempt.id, type: 'paste', data: { length: 666 } }),
      ]);
      expect(good).toMatchObject({ ok: true });
      expect(bad).toMatchObject({ ok: false });
      expect((await rows([one.attempt.id, two.attempt.id])).map((r) => r.id)).toEqual([good.signal.id]);
      const points = (
        await db.query(`select id::text, integrity_points from attempts where id = any($1::uuid[])`, [
          [one.attempt.id, two.attempt.id],
        ])
      ).rows;
      expect(Object.fromEntries(points.map((r) => [r.id, r.integrity_points]))).toEqual({
        [one.attempt.id]: 2,
        [two.attempt.id]: 0,
      });
    } finally {
      await db.query(`drop trigger test_refuse_signal on integrity_signals`);
      await db.query(`drop function test_refuse_signal()`);
      one.cs.disconnect();
      two.cs.disconnect();
    }
  });

  it('refuses signal data out of range before anything is relayed or queued', async () => {
    const { attempt, cs } = await joined();
    for (const data of [{ durationMs: 1e14 }, { length: 1e308 }, { durationMs: -5 }]) {
      expect(
        await emitAck(cs, 'attempt:signal', { attemptId: attempt.id, type: 'focus_regained', data }),
      ).toMatchObject({ ok: false, code: 'VALIDATION_FAILED' });
    }
    expect(await rows([attempt.id])).toEqual([]);
    cs.disconnect();
  });
});

describe('two api processes share rooms through the Redis adapter', () => {
  let a: TestApp;
  let b: TestApp;
  beforeAll(async () => {
    a = await startTestApp({ withWorker: true });
    // A second api on the same database and Redis prefix: a separate socket server and adapter.
    b = await startTestApp({ withWorker: false, databaseUrl: a.databaseUrl, redisPrefix: a.config.env.REDIS_PREFIX });
  });
  afterAll(async () => {
    await b?.close();
    await a?.close();
  });

  it('a proctor on one api sees a candidate connected to the other', async () => {
    const admin = await loginAdmin(a);
    const proctor = await createStaff(a, admin, 'proctor');
    const f = await registerUser(a);
    const attempt = (await a.http().post('/api/assessments/quiz-open/attempts').set(bearer(f.token))).body;
    const candidate = a.socket(f.token);
    const watcher = b.socket(proctor.token);
    await Promise.all([connected(candidate), connected(watcher)]);
    expect(await emitAck(candidate, 'attempt:join', { attemptId: attempt.id })).toMatchObject({ ok: true });
    expect(await emitAck(watcher, 'proctor:watch', { attemptId: attempt.id })).toMatchObject({ ok: true });

    const seen = nextEvent(watcher, 'attempt:signal');
    await emitAck(candidate, 'attempt:signal', { attemptId: attempt.id, type: 'tab_hidden' });
    expect(await seen).toMatchObject({ attemptId: attempt.id, type: 'tab_hidden' });

    const warned = nextEvent(candidate, 'proctor:warning');
    await emitAck(watcher, 'proctor:warn', { attemptId: attempt.id, message: 'From the other process' });
    expect(await warned).toMatchObject({ message: 'From the other process' });
  });
});

describe('auto-terminate above the integrity threshold', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({
      withWorker: true,
      env: { INTEGRITY_SOME_AT: '2', INTEGRITY_MAJOR_AT: '4', INTEGRITY_AUTO_TERMINATE_AT: '6' },
    });
  });
  afterAll(async () => t?.close());

  it('terminates the attempt once the points reach the threshold, and says so on the timeline', async () => {
    const f = await registerUser(t);
    const attempt = (await t.http().post('/api/assessments/quiz-open/attempts').set(bearer(f.token))).body;
    const cs = t.socket(f.token);
    await connected(cs);
    await emitAck(cs, 'attempt:join', { attemptId: attempt.id });
    const terminated = nextEvent(cs, 'attempt:terminated');
    expect(await emitAck(cs, 'attempt:signal', { attemptId: attempt.id, type: 'devtools_open' })).toMatchObject({
      ok: true,
    });
    expect(await emitAck(cs, 'attempt:signal', { attemptId: attempt.id, type: 'extended_display' })).toMatchObject({
      ok: true,
    });
    expect(await terminated).toMatchObject({ attemptId: attempt.id, reason: 'integrity threshold reached' });
    const view = await t.http().get(`/api/attempts/${attempt.id}`).set(bearer(f.token));
    expect(['terminated', 'graded']).toContain(view.body.status);
    const admin = await loginAdmin(t);
    const timeline = await t.http().get(`/api/proctoring/attempts/${attempt.id}/timeline`).set(bearer(admin));
    expect(timeline.body.timeline.map((s: { type: string }) => s.type)).toEqual([
      'devtools_open',
      'extended_display',
      'auto_terminate',
    ]);
    expect(timeline.body.attempt.integrity).toEqual({ points: 6, tier: 'major' });
  });
});
