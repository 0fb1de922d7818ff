import { Injectable } from '@nestjs/common';
import { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import { AttemptStatus } from '../domain/attempt.rules';
import { IntegrityThresholds, SignalSource, SignalType } from '../domain/integrity.rules';
import { IntegritySignal } from './attempt.entities';

/** A signal to store. With `owner`, only for that candidate's running attempt. */
export interface SignalRecord {
  signalId: string;
  attemptId: string;
  type: SignalType;
  source: SignalSource;
  actorId: string | null;
  owner?: string;
  points: number;
  data: Record<string, unknown>;
  at: Date;
}

/** An attempt that took its signals: its new integrity total and its status. */
export interface StoredTotal {
  integrity_points: number;
  status: AttemptStatus;
}

/**
 * The integrity tier of `points` in SQL, with its parameters (major threshold, then some).
 * Twin of `tierOf` in domain/integrity.rules.ts: test/medium/assessments-integrity-tier.medium.spec.ts runs
 * this over a table of cases and compares each result with `tierOf`.
 */
export function integrityTierSql(points: string, t: Pick<IntegrityThresholds, 'someAt' | 'majorAt'>) {
  return {
    sql: `case when ${points} >= ? then 'major' when ${points} >= ? then 'some' else 'none' end`,
    params: [t.majorAt, t.someAt],
  };
}

/** The `integrity_signals` table, and the integrity totals on `attempts` that signals add to. */
@Injectable()
export class SignalsRepository {
  constructor(private readonly orm: MikroORM) {}

  /**
   * One autocommit statement, run on the connection directly (no EntityManager to fork on the hot path):
   * the signals' rows in the given order, each attempt's points added at once and its tier set. Signals
   * with an `owner` are only stored for that candidate's running attempt (a signal for another's or a
   * no-longer-running attempt stores nothing and adds nothing). Answers the new total and status of each
   * attempt that took its signals. Concurrent batches for one attempt serialise on the attempt's row lock,
   * so each adds its points to the other's total; a deadlock between two batches (40P01) aborts one whole.
   */
  async insertBatch(signals: readonly SignalRecord[], t: IntegrityThresholds): Promise<Map<string, StoredTotal>> {
    const records = signals.map((b, ord) => ({
      ord,
      signal_id: b.signalId,
      attempt_id: b.attemptId,
      type: b.type,
      source: b.source,
      actor_id: b.actorId,
      owner: b.owner ?? null,
      points: b.points,
      data: b.data,
      at: b.at.toISOString(),
    }));
    // The tier is set in SQL with the new total; its twin is `tierOf` (see integrityTierSql).
    const tier = integrityTierSql('t.integrity_points + totals.points', t);
    const rows = await this.orm.em.getConnection().execute<({ id: string } & StoredTotal)[]>(
      `with b as (
         select * from jsonb_to_recordset(?::jsonb)
           as b(ord int, signal_id uuid, attempt_id uuid, type text, source text, actor_id uuid, owner uuid,
                points int, data jsonb, at timestamptz)
       ), totals as (
         select attempt_id, owner, sum(points)::int as points from b group by attempt_id, owner
       ), a as (
         update attempts t set integrity_points = t.integrity_points + totals.points,
           integrity_tier = ${tier.sql}
         from totals
         where t.id = totals.attempt_id
           and (totals.owner is null or (t.freelancer_id = totals.owner and t.status = 'in_progress'))
         returning t.id, t.freelancer_id, t.integrity_points, t.status
       ), s as (
         insert into integrity_signals (signal_id, attempt_id, type, source, actor_id, data, at)
         select b.signal_id, b.attempt_id, b.type, b.source, b.actor_id, b.data, b.at
         from b join a on a.id = b.attempt_id and (b.owner is null or a.freelancer_id = b.owner)
         order by b.ord
       )
       select a.id, a.integrity_points, a.status from a`,
      [JSON.stringify(records), ...tier.params],
      'all',
    );
    return new Map(rows.map((r) => [r.id, r]));
  }

  /** An attempt's timeline, in order (by server time, then by id: the order of arrival). */
  timeline(em: EntityManager, attemptId: string): Promise<IntegritySignal[]> {
    return em.find(IntegritySignal, { attemptId }, { orderBy: { at: 'asc', id: 'asc' } });
  }
}
