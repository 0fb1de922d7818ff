import { Injectable } from '@nestjs/common';
import { MikroORM } from '@mikro-orm/postgresql';
import { Duration } from 'luxon';
import { AppConfig, AppError, Clock, withContext } from '@vetting/core';
import { LivePublisher } from '@vetting/live';
import { PROCTOR_LOBBY } from '../attempt-room/rooms';
import { AssessmentCatalog } from '../catalog/assessment-catalog';
import { Attempt } from '../data/attempt.entities';
import { AttemptsRepository } from '../data/attempts.repository';
import { attemptNotActive, startWindowPassed } from '../domain/assessments.errors';
import { deadlineOf, hasLapsed, startByOf } from '../domain/attempt.rules';
import { LiveAttempts } from '../proctoring/live-attempts';
import { SignalRelay } from '../proctoring/signal-relay';
import { AbandonAttempt } from './abandon-attempt';
import { AttemptJobs } from './attempt-jobs';
import { AttemptViews, dt } from './attempt-views';

/** created → in_progress: the deadline is set by the server and a job will expire the attempt at it. */
@Injectable()
export class StartAttempt {
  constructor(
    private readonly orm: MikroORM,
    private readonly clock: Clock,
    private readonly config: AppConfig,
    private readonly catalog: AssessmentCatalog,
    private readonly attempts: AttemptsRepository,
    private readonly abandoning: AbandonAttempt,
    private readonly jobs: AttemptJobs,
    private readonly live: LivePublisher,
    private readonly liveAttempts: LiveAttempts,
    private readonly relay: SignalRelay,
    private readonly views: AttemptViews,
  ) {}

  /** Starts the clock (idempotent once running); answers the attempt as the candidate sees it. */
  async begin(user: { id: string }, attemptId: string) {
    const window = this.config.env.ATTEMPT_START_WINDOW;
    const attempt = await withContext(this.orm, async (em) => {
      const a = await this.views.owned(em, user, attemptId);
      const now = this.clock.now();
      if (a.status === 'abandoned') throw this.notStartable(a);
      if (a.status !== 'created') return a;
      if (hasLapsed({ status: a.status, createdAt: dt(a.createdAt)! }, now, window)) {
        await this.abandoning.abandonCreated(a.id, 'start_window_passed');
        throw startWindowPassed(startByOf(dt(a.createdAt)!, window));
      }
      const assessment = this.catalog.get(a.assessmentSlug);
      const deadline = deadlineOf(now, Duration.fromISO(assessment.duration));
      const updated = await this.attempts.startCreated(em, a.id, now.toJSDate(), deadline.toJSDate());
      const fresh = await this.attempts.reload(em, a.id);
      // Lapsed (the start-window job) or abandoned between the check and the update.
      if (!updated && fresh.status === 'abandoned') throw this.notStartable(fresh);
      if (updated) {
        await this.jobs.removeStartWindow(a.id);
        await this.jobs.queueDeadline(a.id, deadline);
        await this.live.emit(PROCTOR_LOBBY, 'proctoring:attempt-started', await this.liveAttempts.summary(em, fresh));
      }
      return fresh;
    });
    if (attempt.status === 'in_progress') this.relay.stored(attempt.id, attempt.integrityPoints);
    return this.views.state(user, attempt.id);
  }

  /**
   * Why an abandoned attempt cannot start: it lapsed (ATTEMPT_START_WINDOW_PASSED) or the candidate abandoned it
   * (ATTEMPT_NOT_ACTIVE).
   */
  private notStartable(a: Attempt): AppError {
    if (a.endReason === 'start_window_passed') {
      return startWindowPassed(startByOf(dt(a.createdAt)!, this.config.env.ATTEMPT_START_WINDOW));
    }
    return attemptNotActive(a.status);
  }
}
