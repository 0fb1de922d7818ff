import { Injectable } from '@nestjs/common';
import { MikroORM } from '@mikro-orm/postgresql';
import { AppConfig, Clock, withContext } from '@vetting/core';
import { AbandonReason, AttemptsRepository } from '../data/attempts.repository';
import { assertCanAbandon, hasLapsed } from '../domain/attempt.rules';
import { AttemptJobs } from './attempt-jobs';
import { AttemptViews, dt } from './attempt-views';

/**
 * created → abandoned: by the candidate, or when not started within ATTEMPT_START_WINDOW (it lapses).
 * No grade, no retake cooldown, not in any norm group.
 */
@Injectable()
export class AbandonAttempt {
  constructor(
    private readonly orm: MikroORM,
    private readonly clock: Clock,
    private readonly config: AppConfig,
    private readonly attempts: AttemptsRepository,
    private readonly jobs: AttemptJobs,
    private readonly views: AttemptViews,
  ) {}

  /** The candidate abandons a created attempt. */
  async abandon(user: { id: string }, attemptId: string) {
    const a = await withContext(this.orm, (em) => this.views.owned(em, user, attemptId));
    assertCanAbandon(a.status);
    if (!(await this.abandonCreated(a.id, 'abandoned_by_candidate'))) {
      // Started (or lapsed) meanwhile: say what it is now.
      const fresh = await withContext(this.orm, (em) => this.attempts.findOrFail(em, a.id));
      assertCanAbandon(fresh.status);
    }
    return this.views.state(user, attemptId);
  }

  /** The start-window job: a created attempt not started by its `startBy` lapses (re-reads the attempt). */
  async lapse(attemptId: string): Promise<void> {
    const a = await withContext(this.orm, (em) => this.attempts.findById(em, attemptId));
    if (
      !a ||
      !hasLapsed(
        { status: a.status, createdAt: dt(a.createdAt)! },
        this.clock.now(),
        this.config.env.ATTEMPT_START_WINDOW,
      )
    ) {
      return;
    }
    await this.abandonCreated(a.id, 'start_window_passed');
  }

  /** One conditional update: only a still-created attempt is abandoned (a start racing it wins or loses whole). */
  async abandonCreated(attemptId: string, reason: AbandonReason): Promise<boolean> {
    const now = this.clock.now().toJSDate();
    const updated = await withContext(this.orm, (em) => this.attempts.abandonCreated(em, attemptId, now, reason));
    if (updated) await this.jobs.removeStartWindow(attemptId);
    return updated > 0;
  }
}
