import { Module, OnModuleInit } from '@nestjs/common';
import { BullModule } from '@nestjs/bullmq';
import { CREDENTIALS_QUEUE, Reconciler } from '@vetting/core';
import { TalentModule } from '@vetting/talent';
import { AvailabilityService } from './availability/availability.service';
import { BookingService } from './booking/booking.service';
import { SlotListService } from './booking/slot-list.service';
import { CallRoomGateway } from './call-room/call-room.gateway';
import { CallRoomService } from './call-room/call-room.service';
import { CallLifecycleService } from './call-timers/call-lifecycle.service';
import { CALL_TIMERS_QUEUE, CallTimersService } from './call-timers/call-timers.service';
import { CallTimersProcessor } from './call-timers/call-timers.processor';
import { CallsService } from './calls/calls.service';
import { CancelService } from './cancel/cancel.service';
import { AvailabilityRepository } from './data/availability.repository';
import { BookingReadRepository } from './data/booking-read.repository';
import { BookingWritesService } from './booking/booking-writes.service';
import { CallsRepository } from './data/calls.repository';
import { ScorecardsRepository } from './data/scorecards.repository';
import { CalendarController } from './http/calendar.controller';
import { CallParticipantsController } from './http/call-participants.controller';
import { CallNoticesService } from './invites/call-notices.service';
import { RescheduleService } from './reschedule/reschedule.service';
import { ScorecardsService } from './scorecards/scorecards.service';

const queue = BullModule.registerQueue({ name: CALL_TIMERS_QUEUE }, { name: CREDENTIALS_QUEUE });

/** The calendar's one provider list: repositories and use cases, shared by the api and worker modules. */
const PROVIDERS = [
  AvailabilityRepository,
  CallsRepository,
  BookingReadRepository,
  BookingWritesService,
  ScorecardsRepository,
  AvailabilityService,
  BookingService,
  SlotListService,
  CallsService,
  RescheduleService,
  CancelService,
  CallNoticesService,
  CallRoomService,
  ScorecardsService,
  CallTimersService,
  CallLifecycleService,
];

@Module({ imports: [queue, TalentModule], providers: PROVIDERS, exports: PROVIDERS })
class CalendarCoreModule {}

/** Invitations' calls: availability, slots, booking, reschedules, the live room, scorecards, invites. */
@Module({
  imports: [CalendarCoreModule],
  controllers: [CalendarController, CallParticipantsController],
  providers: [CallRoomGateway],
  exports: [CalendarCoreModule],
})
export class CalendarModule {}

/**
 * The calendar's processors (worker processes). Its reconciliation sweep (at worker start and every
 * RECONCILE_INTERVAL) settles overdue calls from the database and re-adds every active call's timers:
 * job ids are deterministic, so this only fills gaps (a flushed or restarted Redis, a lost job).
 */
@Module({
  imports: [queue, CalendarCoreModule],
  providers: [CallTimersProcessor],
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
