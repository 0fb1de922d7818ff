import { Injectable } from '@nestjs/common';
import { RequiredEntityData } from '@mikro-orm/core';
import { EntityManager } from '@mikro-orm/postgresql';
import { sqlState } from '@vetting/core';
import { AttemptStatus, COOLDOWN_ATTEMPT_STATUSES, OPEN_ATTEMPT_STATUSES, transition } from '../domain/attempt.rules';
import { Attempt } from './attempt.entities';

export type AbandonReason = 'abandoned_by_candidate' | 'start_window_passed';

/**
 * The `attempts` table. Every status change is one conditional update (`where status = <from>`): a stale
 * transition (the attempt moved on meanwhile) updates nothing, and the caller reads the count.
 * Methods take the EntityManager of the caller's unit of work (a request, a job, a transaction).
 */
@Injectable()
export class AttemptsRepository {
  findById(em: EntityManager, id: string): Promise<Attempt | null> {
    return em.findOne(Attempt, { id });
  }

  findOrFail(em: EntityManager, id: string): Promise<Attempt> {
    return em.findOneOrFail(Attempt, { id });
  }

  /** Read again from the database, past the EntityManager's identity map. */
  reload(em: EntityManager, id: string): Promise<Attempt> {
    return em.findOneOrFail(Attempt, { id }, { refresh: true });
  }

  /** The freelancer's created or in-progress attempts (of any test). */
  openOf(em: EntityManager, freelancerId: string): Promise<Attempt[]> {
    return em.find(Attempt, { freelancerId, status: { $in: OPEN_ATTEMPT_STATUSES as AttemptStatus[] } });
  }

  /** The freelancer's last ended attempt at this test that starts the retake cooldown. */
  lastCountedEnd(em: EntityManager, freelancerId: string, assessmentSlug: string): Promise<Attempt | null> {
    return em.findOne(
      Attempt,
      {
        freelancerId,
        assessmentSlug,
        status: { $in: COOLDOWN_ATTEMPT_STATUSES as AttemptStatus[] },
        endedAt: { $ne: null },
      },
      { orderBy: { endedAt: 'desc' } },
    );
  }

  /**
   * Stores a new attempt; null when the partial unique index `attempts_one_open_per_freelancer` refused it
   * (another open attempt won a race), after clearing the EntityManager.
   */
  async insert(em: EntityManager, fields: RequiredEntityData<Attempt>): Promise<Attempt | null> {
    const attempt = em.create(Attempt, fields);
    try {
      await em.persistAndFlush(attempt);
    } catch (err) {
      if (sqlState(err) === '23505') {
        em.clear();
        return null;
      }
      throw err;
    }
    return attempt;
  }

  /** created → abandoned, only while still created. Answers the rows updated (0 or 1). */
  abandonCreated(em: EntityManager, id: string, endedAt: Date, reason: AbandonReason): Promise<number> {
    return em.nativeUpdate(
      Attempt,
      { id, status: 'created' },
      { status: transition('created', 'abandon'), endedAt, endReason: reason },
    );
  }

  /** created → in_progress with the server's deadline, only while still created. Answers the rows updated. */
  startCreated(em: EntityManager, id: string, startedAt: Date, deadline: Date): Promise<number> {
    return em.nativeUpdate(
      Attempt,
      { id, status: 'created' },
      { status: transition('created', 'start'), startedAt, deadline },
    );
  }

  /** `from` → `to` (an end: submitted, expired, terminated), only while still `from`. Answers the rows updated. */
  end(
    em: EntityManager,
    id: string,
    from: AttemptStatus,
    to: AttemptStatus,
    endedAt: Date,
    reason: string,
  ): Promise<number> {
    return em.nativeUpdate(Attempt, { id, status: from }, { status: to, endedAt, endReason: reason });
  }

  /** The freelancer's attempts, newest first (at most 200). */
  listOf(em: EntityManager, freelancerId: string): Promise<Attempt[]> {
    return em.find(Attempt, { freelancerId }, { orderBy: { createdAt: 'desc' }, limit: 200 });
  }

  /** Running attempts, longest running first (at most 500). */
  running(em: EntityManager): Promise<Attempt[]> {
    return em.find(Attempt, { status: 'in_progress' }, { orderBy: { startedAt: 'asc' }, limit: 500 });
  }

  /** What the reconciliation sweep settles, read from the database alone. */
  async toReconcile(em: EntityManager, now: Date, lapseBefore: Date) {
    const [overdue, running, ungraded, lapsed] = await Promise.all([
      em.find(Attempt, { status: 'in_progress', deadline: { $lte: now } }, { fields: ['id'], limit: 1000 }),
      em.find(Attempt, { status: 'in_progress', deadline: { $gt: now } }, { fields: ['id', 'deadline'] }),
      em.find(Attempt, { status: { $in: ['submitted', 'expired', 'terminated'] } }, { fields: ['id'], limit: 1000 }),
      em.find(Attempt, { status: 'created', createdAt: { $lte: lapseBefore } }, { fields: ['id'], limit: 1000 }),
    ]);
    return { overdue, running, ungraded, lapsed };
  }
}
