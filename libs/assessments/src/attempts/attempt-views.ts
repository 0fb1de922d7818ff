import { Injectable } from '@nestjs/common';
import { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import { DateTime } from 'luxon';
import { AppConfig, Clock, withContext } from '@vetting/core';
import { User } from '@vetting/identity';
import { AssessmentCatalog } from '../catalog/assessment-catalog';
import { assessmentSummary, publicItem } from '../catalog/catalog';
import { Assessment } from '../catalog/catalog.schema';
import { AnswersRepository } from '../data/answers.repository';
import { Attempt, AttemptAnswer } from '../data/attempt.entities';
import { AttemptsRepository } from '../data/attempts.repository';
import { attemptNotFound } from '../domain/assessments.errors';
import { remainingMs, showsItems, startByOf } from '../domain/attempt.rules';

/** A stored instant as a UTC DateTime (null stays null). */
export const dt = (d: Date | null | undefined) => (d ? DateTime.fromJSDate(d, { zone: 'utc' }) : null);

/**
 * What a candidate sees of a grading report: scores by section, competency and test case, never which options were
 * right.
 */
export function candidateReport(report: Record<string, any>) {
  const { multipleChoice, items: _items, ...rest } = report;
  return {
    ...rest,
    ...(multipleChoice ? { multipleChoice: { score: multipleChoice.score, sections: multipleChoice.sections } } : {}),
  };
}

/** The candidate's reads of attempts: one attempt as it stands, and the list of theirs. */
@Injectable()
export class AttemptViews {
  constructor(
    private readonly orm: MikroORM,
    private readonly em: EntityManager,
    private readonly clock: Clock,
    private readonly config: AppConfig,
    private readonly catalog: AssessmentCatalog,
    private readonly attempts: AttemptsRepository,
    private readonly answers: AnswersRepository,
  ) {}

  /** The user's attempt; another's is answered as if it did not exist (never "exists but not yours"). */
  async owned(em: EntityManager, user: { id: string }, attemptId: string): Promise<Attempt> {
    const a = await this.attempts.findById(em, attemptId);
    if (!a || a.freelancerId !== user.id) throw attemptNotFound(attemptId);
    return a;
  }

  /** Everything a (re)joining candidate needs: items, saved answers, the server's deadline and time left. */
  async state(user: { id: string }, attemptId: string) {
    return withContext(this.orm, async (em) => {
      const a = await this.owned(em, user, attemptId);
      const answers = await this.answers.of(em, a.id);
      return this.view(a, this.catalog.get(a.assessmentSlug), answers);
    });
  }

  view(a: Attempt, assessment: Assessment, answers: AttemptAnswer[]) {
    const byId = new Map(assessment.pool.map((i) => [i.id, i]));
    return {
      id: a.id,
      assessment: assessmentSummary(assessment),
      status: a.status,
      createdAt: a.createdAt.toISOString(),
      startedAt: a.startedAt?.toISOString() ?? null,
      deadline: a.deadline?.toISOString() ?? null,
      remainingMs: remainingMs(dt(a.deadline), this.clock.now()),
      serverTime: this.clock.now().toISO(),
      // A created attempt may still be started until startBy; it shows the test and the item count, never an item.
      ...(a.status === 'created'
        ? { startBy: startByOf(dt(a.createdAt)!, this.config.env.ATTEMPT_START_WINDOW).toISO() }
        : {}),
      itemCount: a.itemIds.length,
      items: showsItems(a.status) ? a.itemIds.map((id) => publicItem(byId.get(id)!)) : [],
      answers: answers.map((x) => ({
        itemId: x.itemId,
        answer: x.answer,
        savedAt: x.savedAt.toISOString(),
        revision: x.revision,
      })),
      endedAt: a.endedAt?.toISOString() ?? null,
      endReason: a.endReason ?? null,
      ...(a.gradedAt
        ? {
            score: a.score,
            passed: a.passed,
            gradedAt: a.gradedAt.toISOString(),
            report: candidateReport(a.report ?? {}),
          }
        : {}),
    };
  }

  async myAttempts(user: User) {
    const list = await this.attempts.listOf(this.em, user.id);
    return {
      attempts: list.map((a) => ({
        id: a.id,
        assessmentSlug: a.assessmentSlug,
        status: a.status,
        createdAt: a.createdAt.toISOString(),
        deadline: a.deadline?.toISOString() ?? null,
        endedAt: a.endedAt?.toISOString() ?? null,
        score: a.score ?? null,
        passed: a.passed ?? null,
      })),
    };
  }
}
