import { Module, OnModuleInit } from '@nestjs/common';
import { BullModule } from '@nestjs/bullmq';
import { Reconciler } from '@vetting/core';
import { AttemptRoomGateway } from './attempt-room/attempt-room.gateway';
import { AbandonAttempt } from './attempts/abandon-attempt';
import { AnswerAttempt } from './attempts/answer-attempt';
import { AttemptDeadlineProcessor } from './attempts/attempt-deadline.processor';
import { ATTEMPT_DEADLINES_QUEUE, AttemptJobs, GRADING_QUEUE } from './attempts/attempt-jobs';
import { AttemptViews } from './attempts/attempt-views';
import { CreateAttempt } from './attempts/create-attempt';
import { EndAttempt } from './attempts/end-attempt';
import { ReconcileAttempts } from './attempts/reconcile-attempts';
import { StartAttempt } from './attempts/start-attempt';
import { AssessmentCatalog } from './catalog/assessment-catalog';
import { AnswersRepository } from './data/answers.repository';
import { AttemptsRepository } from './data/attempts.repository';
import { SignalsRepository } from './data/signals.repository';
import { TrackInvitationsRepository } from './data/track-invitations.repository';
import { TrackStatesRepository } from './data/track-states.repository';
import { UsersRepository } from './data/users.repository';
import { AssessmentsController } from './http/assessments.controller';
import { IntegritySignals } from './proctoring/integrity-signals';
import { LiveAttempts } from './proctoring/live-attempts';
import { ProctorGateway } from './proctoring/proctor.gateway';
import { SignalRecorder } from './proctoring/signal-recorder';
import { SignalRelay } from './proctoring/signal-relay';
import { TerminateAttempt } from './proctoring/terminate-attempt';
import { TrackInvitations } from './tracks/track-invitations';
import { TrackStates } from './tracks/track-states';

const queues = BullModule.registerQueue({ name: ATTEMPT_DEADLINES_QUEUE }, { name: GRADING_QUEUE });

/**
 * Catalog, attempts, candidate rooms and live proctoring: the one provider list of the domain. A process
 * (api, worker, or an api running the worker in-process) holds one instance of each: in particular one
 * SignalRelay, the process-local running integrity of candidates who joined through this process' sockets
 * (only api processes fill it; an attempt's end, in whichever process, forgets it there).
 */
@Module({
  imports: [queues],
  controllers: [AssessmentsController],
  providers: [
    AttemptsRepository,
    AnswersRepository,
    SignalsRepository,
    TrackStatesRepository,
    TrackInvitationsRepository,
    UsersRepository,
    AssessmentCatalog,
    TrackStates,
    TrackInvitations,
    AttemptJobs,
    AttemptViews,
    CreateAttempt,
    StartAttempt,
    AbandonAttempt,
    AnswerAttempt,
    EndAttempt,
    ReconcileAttempts,
    { provide: SignalRelay, useFactory: () => new SignalRelay() },
    SignalRecorder,
    IntegritySignals,
    TerminateAttempt,
    LiveAttempts,
    AttemptRoomGateway,
    ProctorGateway,
  ],
  exports: [AssessmentCatalog, TrackStates, AbandonAttempt, EndAttempt, ReconcileAttempts],
})
export class AssessmentsModule {}

/**
 * The attempt deadline processor and the attempts' reconciliation sweep (worker processes). Imports
 * AssessmentsModule instead of repeating its providers.
 */
@Module({
  imports: [queues, AssessmentsModule],
  providers: [AttemptDeadlineProcessor],
  exports: [AssessmentsModule],
})
export class AssessmentsWorkerModule implements OnModuleInit {
  constructor(
    private readonly reconciler: Reconciler,
    private readonly attempts: ReconcileAttempts,
  ) {}

  onModuleInit(): void {
    this.reconciler.register('attempts', () => this.attempts.reconcile());
  }
}
