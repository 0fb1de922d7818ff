import { Injectable } from '@nestjs/common';
import { MikroORM } from '@mikro-orm/postgresql';
import { Clock, withContext } from '@vetting/core';
import { LivePublisher } from '@vetting/live';
import { proctorRoom } from '../attempt-room/rooms';
import { AssessmentCatalog } from '../catalog/assessment-catalog';
import { AnswersRepository } from '../data/answers.repository';
import { AttemptsRepository } from '../data/attempts.repository';
import { answerProblems } from '../domain/answer.rules';
import { invalidAnswer, itemNotFound, timeOver } from '../domain/assessments.errors';
import { assertCanAnswer } from '../domain/attempt.rules';
import { AttemptViews, dt } from './attempt-views';

/** Autosave: one answer per item, last write wins, stored with the server's time. */
@Injectable()
export class AnswerAttempt {
  constructor(
    private readonly orm: MikroORM,
    private readonly clock: Clock,
    private readonly catalog: AssessmentCatalog,
    private readonly attempts: AttemptsRepository,
    private readonly answers: AnswersRepository,
    private readonly live: LivePublisher,
    private readonly views: AttemptViews,
  ) {}

  async answer(user: { id: string }, attemptId: string, itemId: string, answer: unknown) {
    return withContext(this.orm, async (em) => {
      const a = await this.views.owned(em, user, attemptId);
      const now = this.clock.now();
      assertCanAnswer({ status: a.status, deadline: dt(a.deadline) }, now);
      if (!a.itemIds.includes(itemId)) throw itemNotFound(itemId);
      const item = this.catalog.item(this.catalog.get(a.assessmentSlug), itemId)!;
      const problems = answerProblems(item, answer);
      if (problems.length) throw invalidAnswer(problems);
      // The write itself re-checks status and deadline, so an answer racing the deadline job cannot land late.
      const saved = await this.answers.save(em, a.id, itemId, answer, now.toJSDate());
      if (!saved) {
        const fresh = await this.attempts.reload(em, a.id);
        assertCanAnswer({ status: fresh.status, deadline: dt(fresh.deadline) }, now);
        throw timeOver();
      }
      const answered = await this.answers.count(em, a.id);
      await this.live.emit(proctorRoom(a.id), 'attempt:progress', {
        attemptId: a.id,
        answeredCount: answered,
        total: a.itemIds.length,
        at: now.toISO(),
      });
      return {
        attemptId: a.id,
        itemId,
        savedAt: new Date(saved.saved_at).toISOString(),
        revision: saved.revision,
        answeredCount: answered,
      };
    });
  }
}
