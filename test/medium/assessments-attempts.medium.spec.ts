import { EntityManager } from '@mikro-orm/postgresql';
import { DateTime } from 'luxon';
import { ATTEMPT_STATUSES, AnswersRepository, AttemptsRepository, assertCanAnswer } from '@vetting/assessments';
import { MediumDatabase, openMediumDatabase } from '../support/medium-database';
import { attemptRow, insertAttempt, insertFreelancer, insertRunningAttempt } from '../support/assessments-medium';

const MINUTE = 60_000;

describe('assessments: attempt status updates and answers (AttemptsRepository, AnswersRepository)', () => {
  let db: MediumDatabase;
  let em: EntityManager;
  const attempts = new AttemptsRepository();
  const answers = new AnswersRepository();
  beforeAll(async () => {
    db = await openMediumDatabase();
    em = db.em();
  });
  afterAll(() => db.close());

  describe('conditional status updates: a stale transition updates nothing', () => {
    it('abandonCreated: a created attempt once; not again, not a running one', async () => {
      const f = await insertFreelancer(em);
      const created = await insertAttempt(em, f);
      expect(await attempts.abandonCreated(db.em(), created, new Date(), 'abandoned_by_candidate')).toBe(1);
      expect(await attemptRow(em, created)).toMatchObject({
        status: 'abandoned',
        end_reason: 'abandoned_by_candidate',
      });
      expect(await attempts.abandonCreated(db.em(), created, new Date(), 'start_window_passed')).toBe(0);
      expect(await attemptRow(em, created)).toMatchObject({ end_reason: 'abandoned_by_candidate' });
      const running = await insertRunningAttempt(em, await insertFreelancer(em));
      expect(await attempts.abandonCreated(db.em(), running, new Date(), 'start_window_passed')).toBe(0);
      expect(await attemptRow(em, running)).toMatchObject({ status: 'in_progress' });
    });

    it('startCreated: sets the deadline of a created attempt; an abandoned one stays abandoned', async () => {
      const f = await insertFreelancer(em);
      const id = await insertAttempt(em, f);
      const now = new Date();
      const deadline = new Date(now.getTime() + 30 * MINUTE);
      expect(await attempts.startCreated(db.em(), id, now, deadline)).toBe(1);
      const fresh = await attempts.reload(db.em(), id);
      expect(fresh).toMatchObject({ status: 'in_progress', startedAt: now, deadline });
      expect(await attempts.startCreated(db.em(), id, now, deadline)).toBe(0);
      const abandoned = await insertAttempt(em, await insertFreelancer(em), { status: 'abandoned' });
      expect(await attempts.startCreated(db.em(), abandoned, now, deadline)).toBe(0);
      expect(await attemptRow(em, abandoned)).toMatchObject({ status: 'abandoned' });
    });

    it('a start racing the start-window lapse: exactly one wins', async () => {
      for (let i = 0; i < 5; i++) {
        const id = await insertAttempt(em, await insertFreelancer(em));
        const now = new Date();
        const [started, lapsed] = await Promise.all([
          attempts.startCreated(db.em(), id, now, new Date(now.getTime() + MINUTE)),
          attempts.abandonCreated(db.em(), id, now, 'start_window_passed'),
        ]);
        expect(started + lapsed).toBe(1);
        expect((await attemptRow(em, id)).status).toBe(started ? 'in_progress' : 'abandoned');
      }
    });

    it('end: only from the status the caller read; a submit racing the deadline job ends it once', async () => {
      const id = await insertRunningAttempt(em, await insertFreelancer(em));
      expect(await attempts.end(db.em(), id, 'created', 'terminated', new Date(), 'stale read')).toBe(0);
      const [submitted, expired] = await Promise.all([
        attempts.end(db.em(), id, 'in_progress', 'submitted', new Date(), 'submitted_by_candidate'),
        attempts.end(db.em(), id, 'in_progress', 'expired', new Date(), 'deadline'),
      ]);
      expect(submitted + expired).toBe(1);
      expect(await attemptRow(em, id)).toMatchObject({ status: submitted ? 'submitted' : 'expired' });
      expect(await attempts.end(db.em(), id, 'in_progress', 'terminated', new Date(), 'late proctor')).toBe(0);
    });
  });

  describe('insert: one open attempt per freelancer (attempts_one_open_per_freelancer)', () => {
    const fields = (freelancerId: string) => ({
      assessmentSlug: 'medium-test',
      freelancerId,
      status: 'created' as const,
      itemIds: ['q1'],
      createdAt: new Date(),
      integrityPoints: 0,
      integrityTier: 'none',
    });

    it('a second open attempt is refused (null); once the first ended, a new one is stored', async () => {
      const f = await insertFreelancer(em);
      const first = await attempts.insert(db.em(), fields(f));
      expect(first?.id).toBeDefined();
      expect(await attempts.insert(db.em(), fields(f))).toBeNull();
      await attempts.abandonCreated(db.em(), first!.id, new Date(), 'abandoned_by_candidate');
      expect(await attempts.insert(db.em(), fields(f))).not.toBeNull();
    });

    it('two concurrent creations: exactly one is stored', async () => {
      const f = await insertFreelancer(em);
      const made = await Promise.all([attempts.insert(db.em(), fields(f)), attempts.insert(db.em(), fields(f))]);
      expect(made.filter((a) => a !== null)).toHaveLength(1);
      expect(await attempts.openOf(db.em(), f)).toHaveLength(1);
    });
  });

  describe('answers: saved only while the attempt runs, before its deadline', () => {
    it('saves, then overwrites with the next revision', async () => {
      const id = await insertRunningAttempt(em, await insertFreelancer(em));
      const now = new Date();
      expect(await answers.save(db.em(), id, 'q1', { optionIds: ['a'] }, now)).toMatchObject({ revision: 1 });
      expect(await answers.save(db.em(), id, 'q1', { optionIds: ['b'] }, now)).toMatchObject({ revision: 2 });
      const [saved] = await answers.of(db.em(), id);
      expect(saved).toMatchObject({ itemId: 'q1', answer: { optionIds: ['b'] }, revision: 2 });
      expect(await answers.count(db.em(), id)).toBe(1);
    });

    it('refuses (null) at or after the deadline, and for an attempt not running', async () => {
      const f = await insertFreelancer(em);
      const started = new Date(Date.now() - 10 * MINUTE);
      const deadline = new Date(Date.now() - MINUTE);
      const late = await insertAttempt(em, f, { status: 'in_progress', startedAt: started, deadline });
      expect(await answers.save(db.em(), late, 'q1', {}, deadline)).toBeNull();
      expect(await answers.save(db.em(), late, 'q1', {}, new Date(deadline.getTime() - 1))).not.toBeNull();
      for (const status of ['created', 'submitted', 'expired'] as const) {
        const id = await insertAttempt(em, await insertFreelancer(em), {
          status,
          ...(status === 'created' ? {} : { startedAt: started, deadline: new Date(Date.now() + MINUTE) }),
        });
        expect(await answers.save(db.em(), id, 'q1', {}, new Date())).toBeNull();
        expect(await answers.count(db.em(), id)).toBe(0);
      }
    });

    it('the SQL condition and assertCanAnswer agree over every status and deadline', async () => {
      const now = new Date();
      const started = new Date(now.getTime() - 10 * MINUTE);
      for (const status of ATTEMPT_STATUSES) {
        for (const offset of status === 'created' ? [null] : [-MINUTE, -1, 0, 1, MINUTE]) {
          const deadline = offset === null ? null : new Date(now.getTime() + offset);
          const id = await insertAttempt(em, await insertFreelancer(em), {
            status,
            ...(deadline ? { startedAt: started, deadline } : {}),
          });
          const sql = (await answers.save(db.em(), id, 'q1', {}, now)) !== null;
          let ts = true;
          try {
            assertCanAnswer({ status, deadline: deadline && DateTime.fromJSDate(deadline) }, DateTime.fromJSDate(now));
          } catch {
            ts = false;
          }
          expect({ status, offset, accepted: sql }).toEqual({ status, offset, accepted: ts });
        }
      }
    });

    it('concurrent saves of one item: both land, as revisions 1 and 2', async () => {
      const id = await insertRunningAttempt(em, await insertFreelancer(em));
      const now = new Date();
      const saved = await Promise.all([
        answers.save(db.em(), id, 'q2', { n: 1 }, now),
        answers.save(db.em(), id, 'q2', { n: 2 }, now),
      ]);
      expect(saved.map((s) => s!.revision).sort()).toEqual([1, 2]);
    });
  });

  it('toReconcile: overdue and running attempts, ended ones to grade, created ones past the start window', async () => {
    const now = new Date();
    const old = new Date(now.getTime() - 60 * MINUTE);
    const overdue = await insertAttempt(em, await insertFreelancer(em), {
      status: 'in_progress',
      startedAt: old,
      deadline: new Date(now.getTime() - MINUTE),
    });
    const running = await insertRunningAttempt(em, await insertFreelancer(em));
    const ended = await insertAttempt(em, await insertFreelancer(em), { status: 'submitted' });
    const lapsed = await insertAttempt(em, await insertFreelancer(em), { createdAt: old });
    const fresh = await insertAttempt(em, await insertFreelancer(em));
    const found = await attempts.toReconcile(db.em(), now, new Date(now.getTime() - 15 * MINUTE));
    const ids = (xs: { id: string }[]) => xs.map((x) => x.id);
    expect(ids(found.overdue)).toContain(overdue);
    expect(ids(found.running)).toContain(running);
    expect(ids(found.running)).not.toContain(overdue);
    expect(ids(found.ungraded)).toContain(ended);
    expect(ids(found.lapsed)).toContain(lapsed);
    expect(ids(found.lapsed)).not.toContain(fresh);
  });
});
