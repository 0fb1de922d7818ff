import { Injectable } from '@nestjs/common';
import { EntityManager } from '@mikro-orm/postgresql';
import { AttemptAnswer } from './attempt.entities';

/** The `attempt_answers` table: one autosaved answer per attempt and item. */
@Injectable()
export class AnswersRepository {
  /**
   * Saves an answer (last write wins, the revision counts the writes), only while the attempt runs and
   * strictly before its deadline: the write re-checks status and deadline itself, so an answer racing the
   * deadline job cannot land late. Twin of `assertCanAnswer` (domain/attempt.rules.ts), which explains a
   * refusal. Answers nothing when refused.
   */
  async save(
    em: EntityManager,
    attemptId: string,
    itemId: string,
    answer: unknown,
    now: Date,
  ): Promise<{ saved_at: Date; revision: number } | null> {
    const rows = await em.execute<{ saved_at: Date; revision: number }[]>(
      `insert into attempt_answers (id, attempt_id, item_id, answer, saved_at, revision)
       select gen_random_uuid(), a.id, ?, ?::jsonb, ?, 1 from attempts a
        where a.id = ? and a.status = 'in_progress' and a.deadline > ?
       on conflict (attempt_id, item_id) do update
         set answer = excluded.answer, saved_at = excluded.saved_at, revision = attempt_answers.revision + 1
       returning saved_at, revision`,
      [itemId, JSON.stringify(answer), now, attemptId, now],
    );
    return rows[0] ?? null;
  }

  of(em: EntityManager, attemptId: string): Promise<AttemptAnswer[]> {
    return em.find(AttemptAnswer, { attemptId });
  }

  count(em: EntityManager, attemptId: string): Promise<number> {
    return em.count(AttemptAnswer, { attemptId });
  }
}
