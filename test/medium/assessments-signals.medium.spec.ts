import { randomUUID } from 'node:crypto';
import { EntityManager } from '@mikro-orm/postgresql';
import { sqlState } from '@vetting/core';
import { IntegrityThresholds, SignalRecord, SignalsRepository } from '@vetting/assessments';
import { MediumDatabase, openMediumDatabase } from '../support/medium-database';
import { attemptRow, insertAttempt, insertFreelancer, insertRunningAttempt } from '../support/assessments-medium';

const T: IntegrityThresholds = { someAt: 3, majorAt: 10, autoTerminateAt: 0 };

/** A candidate signal of `owner` (stored only for their running attempt); `owner: undefined` for system/proctor ones. */
function signal(attemptId: string, owner: string | undefined, points = 1, signalId = randomUUID()): SignalRecord {
  return {
    signalId,
    attemptId,
    type: 'focus_lost',
    source: owner ? 'candidate' : 'system',
    actorId: owner ?? null,
    owner,
    points,
    data: { n: points },
    at: new Date(),
  };
}

async function storedSignals(em: EntityManager, attemptId: string) {
  return em.execute<{ id: string; signal_id: string }[]>(
    `select s.id::text as id, s.signal_id from integrity_signals s where s.attempt_id = ? order by s.id`,
    [attemptId],
  );
}

describe('assessments: the signal batch insert (SignalsRepository.insertBatch)', () => {
  let db: MediumDatabase;
  let signals: SignalsRepository;
  let em: EntityManager;
  beforeAll(async () => {
    db = await openMediumDatabase();
    signals = new SignalsRepository(db.orm);
    em = db.em();
  });
  afterAll(() => db.close());

  it('stores every row of a batch in the given order and adds all their points at once', async () => {
    const owner = await insertFreelancer(em);
    const attemptId = await insertRunningAttempt(em, owner, 2);
    const batch = [
      signal(attemptId, owner, 1),
      signal(attemptId, owner, 0),
      signal(attemptId, owner, 3),
      signal(attemptId, owner, 2),
    ];
    const stored = await signals.insertBatch(batch, T);
    expect(stored.get(attemptId)).toEqual({ id: attemptId, integrity_points: 8, status: 'in_progress' });
    const rows = await storedSignals(em, attemptId);
    expect(rows.map((r) => r.signal_id)).toEqual(batch.map((b) => b.signalId));
    expect(await attemptRow(em, attemptId)).toMatchObject({ integrity_points: 8, integrity_tier: 'some' });
  });

  it.each(['created', 'submitted', 'expired', 'terminated', 'abandoned'] as const)(
    'a candidate signal for a %s attempt stores nothing and adds nothing',
    async (status) => {
      const owner = await insertFreelancer(em);
      const attemptId = await insertAttempt(em, owner, { status, integrityPoints: 4 });
      const stored = await signals.insertBatch([signal(attemptId, owner, 5)], T);
      expect(stored.size).toBe(0);
      expect(await storedSignals(em, attemptId)).toEqual([]);
      expect(await attemptRow(em, attemptId)).toMatchObject({ status, integrity_points: 4, integrity_tier: 'none' });
    },
  );

  it("a candidate signal for another's running attempt stores nothing; the sender's own in the same batch are stored", async () => {
    const owner = await insertFreelancer(em);
    const other = await insertFreelancer(em);
    const theirs = await insertRunningAttempt(em, other);
    const mine = await insertRunningAttempt(em, owner);
    const batch = [signal(theirs, owner, 5), signal(mine, owner, 2), signal(theirs, owner, 1)];
    const stored = await signals.insertBatch(batch, T);
    expect([...stored.keys()]).toEqual([mine]);
    expect(await storedSignals(em, theirs)).toEqual([]);
    expect(await attemptRow(em, theirs)).toMatchObject({ integrity_points: 0 });
    expect((await storedSignals(em, mine)).map((r) => r.signal_id)).toEqual([batch[1].signalId]);
  });

  it('a signal without an owner (proctor, system) is stored whatever the status (as a termination needs)', async () => {
    const owner = await insertFreelancer(em);
    const attemptId = await insertAttempt(em, owner, { status: 'created' });
    const stored = await signals.insertBatch([signal(attemptId, undefined, 2)], T);
    expect(stored.get(attemptId)).toMatchObject({ integrity_points: 2, status: 'created' });
    expect(await storedSignals(em, attemptId)).toHaveLength(1);
  });

  it('an unknown attempt stores nothing', async () => {
    expect((await signals.insertBatch([signal(randomUUID(), undefined, 1)], T)).size).toBe(0);
  });

  it('concurrent batches for one attempt: no lost points, every signal once, the rows of each batch in its order', async () => {
    const owner = await insertFreelancer(em);
    const attemptId = await insertRunningAttempt(em, owner);
    const batches = Array.from({ length: 8 }, (_, b) =>
      Array.from({ length: 5 }, (_, i) => signal(attemptId, owner, 1 + ((b + i) % 3))),
    );
    const sums = batches.map((b) => b.reduce((s, x) => s + x.points, 0));
    const results = await Promise.all(batches.map((b) => signals.insertBatch(b, T)));
    const total = sums.reduce((a, b) => a + b, 0);
    expect(await attemptRow(em, attemptId)).toMatchObject({ integrity_points: total, integrity_tier: 'major' });
    // The batches were serialised on the attempt's row: each answers the total right after its own points.
    const order = results
      .map((r, b) => ({ after: r.get(attemptId)!.integrity_points, b }))
      .sort((x, y) => x.after - y.after);
    let running = 0;
    for (const { after, b } of order) {
      running += sums[b];
      expect(after).toBe(running);
    }
    const rows = await storedSignals(em, attemptId);
    expect(rows).toHaveLength(40);
    expect(new Set(rows.map((r) => r.signal_id)).size).toBe(40);
    // Within each batch the rows keep its order (the timeline's arrival order, read by id).
    const position = new Map(rows.map((r, i) => [r.signal_id, i]));
    for (const b of batches) {
      const at = b.map((s) => position.get(s.signalId)!);
      expect([...at].sort((x, y) => x - y)).toEqual(at);
    }
  });

  it('the same signal id in two concurrent batches: one batch is stored, the other fails whole (23505) and adds nothing', async () => {
    const owner = await insertFreelancer(em);
    const attemptId = await insertRunningAttempt(em, owner);
    const shared = randomUUID();
    const a = [signal(attemptId, owner, 1), signal(attemptId, owner, 2, shared)];
    const b = [signal(attemptId, owner, 4, shared), signal(attemptId, owner, 8)];
    const results = await Promise.allSettled([signals.insertBatch(a, T), signals.insertBatch(b, T)]);
    const won = results.filter((r) => r.status === 'fulfilled');
    const lost = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    expect(won).toHaveLength(1);
    expect(lost).toHaveLength(1);
    expect(sqlState(lost[0].reason)).toBe('23505');
    const winner = results[0].status === 'fulfilled' ? a : b;
    const points = winner.reduce((s, x) => s + x.points, 0);
    expect(await attemptRow(em, attemptId)).toMatchObject({ integrity_points: points });
    expect((await storedSignals(em, attemptId)).map((r) => r.signal_id)).toEqual(winner.map((s) => s.signalId));
  });
});
