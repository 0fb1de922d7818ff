import { Injectable } from '@nestjs/common';
import { MikroORM } from '@mikro-orm/postgresql';
import { withContext } from '@vetting/core';
import { EndAttempt } from '../attempts/end-attempt';
import { AttemptsRepository } from '../data/attempts.repository';
import { attemptAlreadyEnded, attemptNotFound } from '../domain/assessments.errors';
import { transition } from '../domain/attempt.rules';
import { SignalRecorder } from './signal-recorder';

/** A proctor (or the integrity threshold) ends an attempt: the signal on its timeline, then the end. */
@Injectable()
export class TerminateAttempt {
  constructor(
    private readonly orm: MikroORM,
    private readonly attempts: AttemptsRepository,
    private readonly recorder: SignalRecorder,
    private readonly ending: EndAttempt,
  ) {}

  async terminate(proctor: { id: string; role: string }, attemptId: string, reason: string, auto = false) {
    const a = await withContext(this.orm, (em) => this.attempts.findById(em, attemptId));
    if (!a) throw attemptNotFound(attemptId);
    transition(a.status, 'terminate');
    // The termination's own signal never auto-terminates again.
    await this.recorder.record(
      attemptId,
      auto ? 'auto_terminate' : 'proctor_terminate',
      auto ? 'system' : 'proctor',
      auto ? null : proctor.id,
      { reason },
    );
    const toCandidate = { event: 'attempt:terminated', payload: { attemptId: a.id, reason } };
    const ended = await this.ending.end(a.id, a.status, 'terminated', reason, toCandidate);
    if (!ended) throw attemptAlreadyEnded();
    return { attemptId: a.id, status: 'terminated', reason };
  }
}
