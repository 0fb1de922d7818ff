import { Injectable } from '@nestjs/common';
import { EntityManager } from '@mikro-orm/postgresql';
import { Attempt, AttemptAnswer } from '@vetting/assessments';

/** The attempt statuses grading takes (an ended attempt not graded yet). */
export const GRADABLE_STATUSES: Attempt['status'][] = ['submitted', 'expired', 'terminated'];

export interface GradedResult {
  score: number;
  passed: boolean;
  report: Record<string, unknown>;
  gradedAt: Date;
}

/**
 * Every statement of this domain on the assessments' tables. Grading lives here (the worker runs candidate code
 * for credentials), so it reads the attempts it grades and the norm groups it bands against; @vetting/assessments
 * exports no read or write for these yet.
 */
@Injectable()
export class GradedAttemptsRepository {
  // touches assessments' attempts: the norm group (graded scores of one test within the window) for bands
  async normGroupScores(
    em: EntityManager,
    assessmentSlug: string,
    since: Date,
    excludeAttemptId?: string,
  ): Promise<number[]> {
    const rows = excludeAttemptId
      ? await em.execute<{ score: number }[]>(
          `select score from attempts
           where assessment_slug = ? and status = 'graded' and score is not null and graded_at >= ? and id <> ?`,
          [assessmentSlug, since, excludeAttemptId],
        )
      : await em.execute<{ score: number }[]>(
          `select score from attempts
           where assessment_slug = ? and status = 'graded' and score is not null and graded_at >= ?`,
          [assessmentSlug, since],
        );
    return rows.map((r) => Number(r.score));
  }

  // touches assessments' attempts: the graded passes a certification track is made of
  passes(em: EntityManager, freelancerId: string, assessmentSlugs: string[]): Promise<Attempt[]> {
    return em.find(Attempt, { freelancerId, assessmentSlug: { $in: assessmentSlugs }, status: 'graded', passed: true });
  }

  // touches assessments' attempts and attempt_answers: what grading scores (null unless it is still to grade)
  async gradable(
    em: EntityManager,
    attemptId: string,
  ): Promise<{ attempt: Attempt; answers: Map<string, unknown> } | null> {
    const attempt = await em.findOne(Attempt, { id: attemptId });
    if (!attempt || !GRADABLE_STATUSES.includes(attempt.status)) return null;
    const answers = await em.find(AttemptAnswer, { attemptId });
    return { attempt, answers: new Map(answers.map((a) => [a.itemId, a.answer as unknown])) };
  }

  /**
   * touches assessments' attempts (a write): grading's result, conditional on the attempt still being gradable, so
   * two workers grading one attempt record it once. Answers whether this call recorded it.
   */
  async recordGrade(em: EntityManager, attemptId: string, result: GradedResult): Promise<boolean> {
    const updated = await em.nativeUpdate(
      Attempt,
      { id: attemptId, status: { $in: GRADABLE_STATUSES } },
      { status: 'graded', ...result },
    );
    return updated > 0;
  }
}
