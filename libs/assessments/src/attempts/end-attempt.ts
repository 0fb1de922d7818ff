import { Injectable } from '@nestjs/common';
import { MikroORM } from '@mikro-orm/postgresql';
import { DateTime } from 'luxon';
import { Clock, Outbox, withContext } from '@vetting/core';
import { liveCloseRoom, liveEmit } from '@vetting/live';
import { PROCTOR_LOBBY, attemptRoom, proctorRoom } from '../attempt-room/rooms';
import { AttemptsRepository } from '../data/attempts.repository';
import { timeOver } from '../domain/assessments.errors';
import { AttemptStatus, transition } from '../domain/attempt.rules';
import { SignalRelay } from '../proctoring/signal-relay';
import { GRADE_EFFECT, AttemptJobs, gradingJobId } from './attempt-jobs';
import { AttemptViews } from './attempt-views';

/**
 * A running attempt ends: submitted by the candidate, expired at its deadline, or terminated (see TerminateAttempt).
 */
@Injectable()
export class EndAttempt {
  constructor(
    private readonly orm: MikroORM,
    private readonly clock: Clock,
    private readonly outbox: Outbox,
    private readonly attempts: AttemptsRepository,
    private readonly jobs: AttemptJobs,
    private readonly relay: SignalRelay,
    private readonly views: AttemptViews,
  ) {}

  async submit(user: { id: string }, attemptId: string) {
    const a = await withContext(this.orm, (em) => this.views.owned(em, user, attemptId));
    const now = this.clock.now();
    if (a.status === 'in_progress' && a.deadline && now >= DateTime.fromJSDate(a.deadline)) {
      // Past the deadline the job will (or did) expire it; a submit cannot claim more time.
      await this.expire(a.id);
      throw timeOver();
    }
    transition(a.status, 'submit');
    await this.end(a.id, 'in_progress', 'submitted', 'submitted_by_candidate');
    return this.views.state(user, attemptId);
  }

  /** The deadline job: an attempt still running at its deadline is submitted as it stands. */
  async expire(attemptId: string): Promise<void> {
    const a = await withContext(this.orm, (em) => this.attempts.findById(em, attemptId));
    if (!a || a.status !== 'in_progress' || !a.deadline) return;
    if (this.clock.now() < DateTime.fromJSDate(a.deadline)) return; // a late-arriving duplicate of an earlier schedule
    await this.end(a.id, 'in_progress', 'expired', 'deadline');
  }

  /**
   * One conditional update decides how an attempt ends (submit, deadline or proctor), then grading is queued.
   * Answers false when the attempt had already left `from`.
   */
  async end(
    attemptId: string,
    from: AttemptStatus,
    to: AttemptStatus,
    reason: string,
    toCandidate?: { event: string; payload: unknown },
  ): Promise<boolean> {
    const now = this.clock.now();
    const payload = { attemptId, status: to, reason, endedAt: now.toISO() };
    const key = `attempt:${attemptId}:ended`;
    const room = attemptRoom(attemptId);
    // The end, its grading job and its socket events commit together (the outbox relay delivers them).
    const updated = await withContext(this.orm, (em) =>
      em.transactional(async (tem) => {
        const n = await this.attempts.end(tem, attemptId, from, to, now.toJSDate(), reason);
        if (!n) return 0;
        await this.outbox.write(tem, [
          { topic: GRADE_EFFECT, key: gradingJobId(attemptId), payload: { attemptId } },
          ...(toCandidate
            ? [liveEmit(`${key}:${toCandidate.event}`, room, toCandidate.event, toCandidate.payload)]
            : []),
          liveEmit(`${key}:candidate`, room, 'attempt:ended', payload),
          liveEmit(`${key}:proctor`, proctorRoom(attemptId), 'attempt:ended', payload),
          liveEmit(`${key}:lobby`, PROCTOR_LOBBY, 'proctoring:attempt-ended', payload),
          liveCloseRoom(`${key}:close`, room),
        ]);
        return n;
      }),
    );
    if (!updated) return false;
    this.relay.forget(attemptId);
    await this.jobs.removeDeadline(attemptId);
    return true;
  }
}
