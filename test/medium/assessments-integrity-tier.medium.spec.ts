import { randomUUID } from 'node:crypto';
import { IntegrityThresholds, SignalsRepository, integrityTierSql, tierOf } from '@vetting/assessments';
import { MediumDatabase, openMediumDatabase } from '../support/medium-database';
import { attemptRow, insertFreelancer, insertRunningAttempt } from '../support/assessments-medium';

/**
 * The integrity tier is computed twice: in SQL by the signal batch insert (`integrityTierSql`) and in
 * TypeScript (`tierOf`). These cases pin the two together, boundaries included.
 */
const THRESHOLDS: IntegrityThresholds[] = [
  { someAt: 3, majorAt: 10, autoTerminateAt: 0 }, // the defaults
  { someAt: 1, majorAt: 2, autoTerminateAt: 0 },
  { someAt: 5, majorAt: 6, autoTerminateAt: 0 },
  { someAt: 1, majorAt: 1000, autoTerminateAt: 0 },
];

/** Every boundary of `t` and its neighbours, plus zero and the column's largest value. */
function pointsAround(t: IntegrityThresholds): number[] {
  const near = [t.someAt - 1, t.someAt, t.someAt + 1, t.majorAt - 1, t.majorAt, t.majorAt + 1];
  return [...new Set([0, 1, ...near, t.majorAt * 3, 2 ** 31 - 1])].filter((p) => p >= 0).sort((a, b) => a - b);
}

describe('assessments: the integrity tier in SQL and in TypeScript agree', () => {
  let db: MediumDatabase;
  beforeAll(async () => {
    db = await openMediumDatabase();
  });
  afterAll(() => db.close());

  it.each(THRESHOLDS)('the SQL case over a table of points (someAt $someAt, majorAt $majorAt)', async (t) => {
    const points = pointsAround(t);
    const tier = integrityTierSql('c.p', t);
    const rows = await db.em().execute<{ p: number; tier: string }[]>(
      `select c.p, ${tier.sql} as tier
         from (select (e.value)::int as p, e.n from jsonb_array_elements(?::jsonb) with ordinality as e(value, n)) c
        order by c.n`,
      [...tier.params, JSON.stringify(points)],
    );
    expect(rows.map((r) => [r.p, r.tier])).toEqual(points.map((p) => [p, tierOf(p, t)]));
    // The table covers every tier.
    expect(new Set(rows.map((r) => r.tier))).toEqual(new Set(['none', 'some', 'major']));
  });

  it('the signal batch insert stores the tier tierOf gives for the new total', async () => {
    const signals = new SignalsRepository(db.orm);
    const t = THRESHOLDS[0];
    const em = db.em();
    for (const [before, added] of [
      [0, 0],
      [0, t.someAt - 1],
      [0, t.someAt],
      [t.someAt - 1, 1],
      [t.someAt, t.majorAt - t.someAt - 1],
      [t.majorAt - 1, 1],
      [t.majorAt, 5],
    ]) {
      const attemptId = await insertRunningAttempt(em, await insertFreelancer(em), before);
      const signal = {
        signalId: randomUUID(),
        attemptId,
        type: 'paste' as const,
        source: 'system' as const,
        actorId: null,
        points: added,
        data: {},
        at: new Date(),
      };
      const stored = await signals.insertBatch([signal], t);
      expect(stored.get(attemptId)?.integrity_points).toBe(before + added);
      const row = await attemptRow(em, attemptId);
      expect([row.integrity_points, row.integrity_tier]).toEqual([before + added, tierOf(before + added, t)]);
    }
  });
});
