import { Injectable } from '@nestjs/common';
import { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import { AppConfig, Clock, withContext } from '@vetting/core';
import { dt } from '../attempts/attempt-views';
import { AssessmentCatalog } from '../catalog/assessment-catalog';
import { AnswersRepository } from '../data/answers.repository';
import { Attempt, toSignalView } from '../data/attempt.entities';
import { AttemptsRepository } from '../data/attempts.repository';
import { SignalsRepository } from '../data/signals.repository';
import { UsersRepository } from '../data/users.repository';
import { attemptNotFound } from '../domain/assessments.errors';
import { remainingMs } from '../domain/attempt.rules';
import { SignalFact, SignalType, integrityPoints, signalCounts, tierOf } from '../domain/integrity.rules';
import { SignalRecorder, integrityThresholds } from './signal-recorder';

/** What proctors read: running attempts, one attempt's summary and its integrity timeline. */
@Injectable()
export class LiveAttempts {
  constructor(
    private readonly orm: MikroORM,
    private readonly clock: Clock,
    private readonly config: AppConfig,
    private readonly catalog: AssessmentCatalog,
    private readonly attempts: AttemptsRepository,
    private readonly answers: AnswersRepository,
    private readonly signals: SignalsRepository,
    private readonly users: UsersRepository,
    private readonly recorder: SignalRecorder,
  ) {}

  /** An attempt's summary and its timeline in order, after the signals queued so far are written. */
  async timeline(attemptId: string) {
    await this.recorder.idle();
    return withContext(this.orm, async (em) => {
      const a = await this.attempts.findById(em, attemptId);
      if (!a) throw attemptNotFound(attemptId);
      const signals = await this.signals.timeline(em, attemptId);
      return { attempt: await this.summary(em, a), timeline: signals.map(toSignalView) };
    });
  }

  /** Running attempts for the proctors' list: candidate, test, time left, signal counts, tier. */
  async running() {
    return withContext(this.orm, async (em) => {
      const running = await this.attempts.running(em);
      return { attempts: await Promise.all(running.map((a) => this.summary(em, a))) };
    });
  }

  async summary(em: EntityManager, a: Attempt) {
    const [candidate, signals, answered] = await Promise.all([
      this.users.findById(em, a.freelancerId),
      this.signals.timeline(em, a.id),
      this.answers.count(em, a.id),
    ]);
    const assessment = this.catalog.assessments.get(a.assessmentSlug);
    const facts = signals.map((s) => ({ type: s.type as SignalType, data: s.data as SignalFact['data'] }));
    const points = integrityPoints(facts);
    return {
      attemptId: a.id,
      status: a.status,
      candidate: candidate ? { id: candidate.id, name: candidate.name } : { id: a.freelancerId, name: null },
      assessment: assessment
        ? { slug: assessment.slug, title: assessment.title, proctored: assessment.proctored }
        : { slug: a.assessmentSlug },
      startedAt: a.startedAt?.toISOString() ?? null,
      deadline: a.deadline?.toISOString() ?? null,
      remainingMs: remainingMs(dt(a.deadline), this.clock.now()),
      answeredCount: answered,
      itemCount: a.itemIds.length,
      signalCounts: signalCounts(facts),
      integrity: { points, tier: tierOf(points, integrityThresholds(this.config)) },
    };
  }
}
