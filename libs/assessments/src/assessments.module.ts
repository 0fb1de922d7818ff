import { Module, OnModuleInit } from '@nestjs/common';
import { Reconciler } from '@vetting/core';
import { BullModule } from '@nestjs/bullmq';
import { AssessmentsController } from './http/assessments.controller';
import { ATTEMPT_DEADLINES_QUEUE, AssessmentCatalog, AssessmentsService, GRADING_QUEUE } from './attempts/assessments.service';
import { AttemptDeadlineProcessor } from './attempts/attempt-deadline.processor';
import { AttemptRoomGateway } from './attempt-room/attempt-room.gateway';
import { ProctorGateway } from './proctoring/proctor.gateway';
import { TrackStates } from './tracks/track-states';

const queues = BullModule.registerQueue({ name: ATTEMPT_DEADLINES_QUEUE }, { name: GRADING_QUEUE });

/** Catalog, attempts, candidate rooms and live proctoring (api processes). */
@Module({
  imports: [queues],
  controllers: [AssessmentsController],
  providers: [AssessmentCatalog, AssessmentsService, TrackStates, AttemptRoomGateway, ProctorGateway],
  exports: [AssessmentCatalog, AssessmentsService, TrackStates],
})
export class AssessmentsModule {}

/** The attempt deadline processor and the attempts' reconciliation sweep (worker processes). */
@Module({
  imports: [queues],
  providers: [AssessmentCatalog, AssessmentsService, TrackStates, AttemptDeadlineProcessor],
  exports: [AssessmentCatalog, AssessmentsService, TrackStates],
})
export class AssessmentsWorkerModule implements OnModuleInit {
  constructor(
    private readonly reconciler: Reconciler,
    private readonly attempts: AssessmentsService,
  ) {}

  onModuleInit(): void {
    this.reconciler.register('attempts', () => this.attempts.reconcile());
  }
}
