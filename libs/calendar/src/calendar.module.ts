import { Module, OnModuleInit } from '@nestjs/common';
import { BullModule } from '@nestjs/bullmq';
import { CREDENTIALS_QUEUE, Reconciler } from '@vetting/core';
import { TalentModule } from '@vetting/talent';
import { CalendarController } from './calendar.controller';
import { CallParticipantsController } from './call-participants.controller';
import { ACTIVE_CALL_STATUSES, VettingCall } from './call.entities';
import { CallLifecycleService } from './call-lifecycle.service';
import { CallRoomGateway } from './call-room.gateway';
import { CALL_TIMERS_QUEUE, CallTimersService } from './call-timers.service';
import { CallTimersProcessor } from './call-timers.processor';
import { CallsService } from './calls.service';
import { ScorecardsService } from './scorecards.service';

const queue = BullModule.registerQueue({ name: CALL_TIMERS_QUEUE }, { name: CREDENTIALS_QUEUE });

/** Invitations' calls: availability, slots, booking, reschedules, the live room, scorecards, invites. */
@Module({
  imports: [queue, TalentModule],
  controllers: [CalendarController, CallParticipantsController],
  providers: [CallsService, ScorecardsService, CallTimersService, CallLifecycleService, CallRoomGateway],
  exports: [CallsService, CallLifecycleService, CallTimersService],
})
export class CalendarModule {}

/**
 * The calendar's processors (worker processes). Its reconciliation sweep (at worker start and every
 * RECONCILE_INTERVAL) settles overdue calls from the database and re-adds every active call's timers:
 * job ids are deterministic, so this only fills gaps (a flushed or restarted Redis, a lost job).
 */
@Module({
  imports: [queue, TalentModule],
  providers: [CallsService, CallTimersService, CallLifecycleService, CallTimersProcessor],
})
export class CalendarWorkerModule implements OnModuleInit {
  constructor(
    private readonly reconciler: Reconciler,
    private readonly lifecycle: CallLifecycleService,
  ) {}

  onModuleInit(): void {
    this.reconciler.register('calls', () => this.lifecycle.reconcile());
  }
}
