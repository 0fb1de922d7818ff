import { Injectable } from '@nestjs/common';
import { MikroORM } from '@mikro-orm/postgresql';
import { DateTime } from 'luxon';
import { AppConfig, Clock, withContext } from '@vetting/core';
import { AttemptsRepository } from '../data/attempts.repository';
import { AbandonAttempt } from './abandon-attempt';
import { AttemptJobs } from './attempt-jobs';
import { EndAttempt } from './end-attempt';

/** The attempts' part of the reconciliation sweep (worker processes, at start and every RECONCILE_INTERVAL). */
@Injectable()
export class ReconcileAttempts {
  constructor(
    private readonly orm: MikroORM,
    private readonly clock: Clock,
    private readonly config: AppConfig,
    private readonly attempts: AttemptsRepository,
    private readonly abandoning: AbandonAttempt,
    private readonly ending: EndAttempt,
    private readonly jobs: AttemptJobs,
  ) {}

  /**
   * From the database alone: running attempts past their deadline are expired (and so graded), running ones
   * get their deadline job back, ended ones not graded their grading job (a grading job that failed every
   * try is tried again: grading is one idempotent transaction), and created attempts not started within
   * ATTEMPT_START_WINDOW lapse (the start-window job's work, if it was lost).
   */
  async reconcile(): Promise<{ expired: number; deadlines: number; grading: number; lapsed: number }> {
    const now = this.clock.now().toJSDate();
    const lapseBefore = this.clock.now().minus(this.config.env.ATTEMPT_START_WINDOW).toJSDate();
    const { overdue, running, ungraded, lapsed } = await withContext(this.orm, (em) =>
      this.attempts.toReconcile(em, now, lapseBefore),
    );
    for (const a of lapsed) await this.abandoning.lapse(a.id);
    for (const a of overdue) await this.ending.expire(a.id);
    for (const a of running) await this.jobs.queueDeadline(a.id, DateTime.fromJSDate(a.deadline!));
    for (const a of ungraded) await this.jobs.regrade(a.id);
    return { expired: overdue.length, deadlines: running.length, grading: ungraded.length, lapsed: lapsed.length };
  }
}
