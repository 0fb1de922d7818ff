import { Module, OnApplicationBootstrap } from '@nestjs/common';
import { BullModule } from '@nestjs/bullmq';
import { MikroORM } from '@mikro-orm/postgresql';
import { CREDENTIALS_QUEUE, withContext } from '@vetting/core';
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
 * The calendar's processors (worker processes). At start it re-adds the timers of every active call:
 * job ids are deterministic, so this only fills gaps (e.g. an enqueue lost to a crash after commit).
 */
@Module({
  imports: [queue, TalentModule],
  providers: [CallsService, CallTimersService, CallLifecycleService, CallTimersProcessor],
})
export class CalendarWorkerModule implements OnApplicationBootstrap {
  constructor(
    private readonly orm: MikroORM,
    private readonly timers: CallTimersService,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const calls = await withContext(this.orm, (em) => em.find(VettingCall, { status: { $in: ACTIVE_CALL_STATUSES as any } }));
    for (const call of calls) await this.timers.schedule(call);
  }
}
