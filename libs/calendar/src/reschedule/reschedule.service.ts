import { Injectable } from '@nestjs/common';
import { MikroORM } from '@mikro-orm/postgresql';
import { DateTime } from 'luxon';
import { AppConfig, Clock, Outbox, forbidden, withContext } from '@vetting/core';
import { User } from '@vetting/identity';
import { TalentService } from '@vetting/talent';
import { assertCanReschedule } from '../domain/call.rules';
import { callState } from '../domain/call-state';
import { callChanged, slotUnavailable } from '../domain/calendar.errors';
import { parseInstant } from '../domain/instants';
import { AvailabilityRepository } from '../data/availability.repository';
import { VettingCall, historyEntry, toCallView } from '../data/call.entities';
import { CallsRepository, StaleCall } from '../data/calls.repository';
import { isRetryable, isTimeTaken } from '../data/call-conflicts';
import { offeringInOrder, slotPolicyOf } from '../booking/booking.service';
import { CallsService } from '../calls/calls.service';
import { scheduleTimersEffect, unscheduleTimersEffect } from '../call-timers/call-timers.service';
import { CallNoticesService } from '../invites/call-notices.service';

/** A freelancer moves their call to another free slot (with notice, within the reschedule limit). */
@Injectable()
export class RescheduleService {
  constructor(
    private readonly orm: MikroORM,
    private readonly clock: Clock,
    private readonly config: AppConfig,
    private readonly talent: TalentService,
    private readonly reader: CallsService,
    private readonly availability: AvailabilityRepository,
    private readonly calls: CallsRepository,
    private readonly notices: CallNoticesService,
    private readonly outbox: Outbox,
  ) {}

  async reschedule(freelancer: User, id: string, input: { startsAt: string }) {
    const startsAt = parseInstant('startsAt', input.startsAt);
    const call = await this.reader.findVisible(freelancer, id);
    if (call.freelancerId !== freelancer.id)
      throw forbidden('Only the freelancer who booked the call can reschedule it');
    const invitation = await this.talent.invitation(call.invitationId);
    const now = this.clock.now();
    const policy = this.config.policy;
    assertCanReschedule(callState(call), now, policy, invitation.reschedulesUsed);
    if (startsAt.toMillis() === call.startsAt.getTime()) throw slotUnavailable(startsAt.toISO()!);

    const endsAt = startsAt.plus(policy.callLength);
    const free = await this.availability.whoIsFree({ categorySlug: call.categorySlug }, startsAt, endsAt, call.id);
    const { offering, ranked } = offeringInOrder(free, slotPolicyOf(this.config), now, startsAt);
    // Keep the same talent manager when they can take the new time.
    const order = offering.includes(call.talentManagerId)
      ? [call.talentManagerId, ...ranked.filter((t) => t !== call.talentManagerId)]
      : ranked;
    if (order.length === 0) throw slotUnavailable(startsAt.toISO()!);

    for (const tmId of order) {
      const outcome = await this.tryReschedule(call, tmId, startsAt, freelancer.id);
      if (outcome === 'conflict') continue;
      if (outcome === 'lost') {
        // Someone else changed the call first (a concurrent reschedule or cancel): re-read and explain.
        const fresh = (await this.calls.findFresh(id))!;
        const inv = await withContext(this.orm, (em) => this.talent.invitation(call.invitationId, em));
        assertCanReschedule(callState(fresh), this.clock.now(), policy, inv.reschedulesUsed);
        throw callChanged();
      }
      return toCallView(outcome);
    }
    throw slotUnavailable(startsAt.toISO()!);
  }

  /**
   * The conditional update that decides concurrent reschedules: it applies only to the version
   * that was read, while the notice and the limit still hold, so at most one wins.
   */
  private async tryReschedule(
    call: VettingCall,
    tmId: string,
    startsAt: DateTime,
    actorId: string,
  ): Promise<VettingCall | 'conflict' | 'lost'> {
    const policy = this.config.policy;
    const now = this.clock.now();
    const move = {
      call,
      talentManagerId: tmId,
      startsAt,
      endsAt: startsAt.plus(policy.callLength),
      now,
      noticeDeadline: now.plus(policy.rescheduleNotice),
      maxReschedules: policy.maxReschedules,
    };
    try {
      return await withContext(this.orm, (em) =>
        em.transactional(async (tem) => {
          if (!(await this.calls.moveIfCurrent(tem, move))) return 'lost' as const;
          const details = { from: call.startsAt.toISOString(), to: startsAt.toISO(), talentManagerId: tmId };
          const entry = historyEntry(
            call.id,
            now.toJSDate(),
            actorId,
            'freelancer',
            'rescheduled',
            call.status,
            'rescheduled',
            details,
          );
          this.calls.addHistory(tem, entry);
          await tem.flush();
          const fresh = await this.calls.reload(tem, call.id);
          await this.outbox.write(tem, [
            unscheduleTimersEffect(call.id, call.version),
            scheduleTimersEffect(call.id, fresh.version),
          ]);
          const body = `Your vetting call moved to ${fresh.startsAt.toISOString()}.`;
          await this.notices.notifyParticipants(
            fresh,
            'call.rescheduled',
            'Vetting call rescheduled',
            body,
            {},
            undefined,
            tem,
          );
          return fresh;
        }),
      );
    } catch (err) {
      if (err instanceof StaleCall) return 'lost';
      if (isTimeTaken(err)) return 'conflict';
      if (isRetryable(err)) throw callChanged();
      throw err;
    }
  }
}
