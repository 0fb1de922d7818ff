import { Injectable } from '@nestjs/common';
import { DateTime } from 'luxon';
import { AppConfig, Clock, Outbox } from '@vetting/core';
import { User } from '@vetting/identity';
import { BookingEntitlement, bookingEntitlement } from '../domain/call.rules';
import { callAlreadyBooked, callChanged, invitationChanged, slotUnavailable } from '../domain/calendar.errors';
import { parseInstant } from '../domain/instants';
import { BookedInterval, SlotPolicy } from '../domain/slot-grid.rules';
import { bookedAndPending, rankTalentManagers, talentManagersOffering } from '../domain/slot-offers.rules';
import { FreeTime } from '../data/availability.repository';
import { VettingCall, toCallView } from '../data/call.entities';
import { InvitationFacts } from '../data/calls.repository';
import { BookingReadRepository } from '../data/booking-read.repository';
import { BookingWritesService } from './booking-writes.service';
import { isDuplicateCall, isRetryable, isTimeTaken } from '../data/call-conflicts';
import { CallTimersService, scheduleTimersEffect } from '../call-timers/call-timers.service';
import { CallNoticesService, CallParticipants } from '../invites/call-notices.service';
import { SlotListService, SlotsRequest } from './slot-list.service';

export function slotPolicyOf(config: AppConfig): SlotPolicy {
  const p = config.policy;
  return { callLength: p.callLength, minBookingLead: p.minBookingLead, bookingHorizon: p.bookingHorizon };
}

/**
 * The talent managers offering `startsAt` (per the slot rules), best first; `pending`: bookings being written
 * meanwhile, which the order counts as booked (see `bookedAndPending`).
 */
export function offeringInOrder(
  free: FreeTime,
  policy: SlotPolicy,
  now: DateTime,
  startsAt: DateTime,
  pending: readonly BookedInterval[] = [],
) {
  const offering = talentManagersOffering(free.schedules, free.booked, policy, now, startsAt);
  const counted = bookedAndPending(free.booked, pending);
  return { offering, ranked: rankTalentManagers(offering, free.schedules, counted, now, startsAt) };
}

/** A freelancer's free slots and their booking. */
@Injectable()
export class BookingService {
  /** This process's booking statements in flight (their talent manager and time), counted by the ranking. */
  private readonly pending = new Set<BookedInterval>();

  constructor(
    private readonly clock: Clock,
    private readonly config: AppConfig,
    private readonly reads: BookingReadRepository,
    private readonly writes: BookingWritesService,
    private readonly notices: CallNoticesService,
    private readonly timers: CallTimersService,
    private readonly outbox: Outbox,
    private readonly slotList: SlotListService,
  ) {}

  /** The freelancer's free slots (SlotListService: cached per category, invalidated by the database). */
  slots(freelancer: User, q: SlotsRequest) {
    return this.slotList.slots(freelancer, q);
  }

  /**
   * Books the least-loaded talent manager offering the slot. One read gathers everything the decision
   * needs (the invitation's facts and who is free; the reads of bookings arriving together are one statement),
   * one statement books (the exclusion constraint
   * decides races: a conflict moves on to the next talent manager, and when none is left the answer is
   * SLOT_UNAVAILABLE).
   */
  async book(freelancer: User, input: { invitationId: string; startsAt: string }) {
    const startsAt = parseInstant('startsAt', input.startsAt);
    const endsAt = startsAt.plus(this.config.policy.callLength);
    const policy = slotPolicyOf(this.config);
    await this.timers.assertAvailable();
    // A second round only when the invitation changed between reading and booking.
    for (let round = 0; round < 3; round++) {
      const now = this.clock.now();
      const { facts, free } = await this.reads.read(input.invitationId, freelancer.id, now, startsAt, endsAt);
      const entitlement = bookingEntitlement(facts, freelancer.id, now, this.config.policy);
      const { ranked } = offeringInOrder(free, policy, now, startsAt, [...this.pending]);
      if (ranked.length === 0) throw slotUnavailable(startsAt.toISO()!);

      let changed = false;
      for (const tmId of ranked) {
        const tm = free.schedules.find((s) => s.talentManagerId === tmId)!;
        const participants = {
          talentManager: { name: tm.name, email: tm.email },
          freelancer: { name: freelancer.name, email: freelancer.email },
        };
        const call = this.draftCall(freelancer.id, input.invitationId, tmId, startsAt, endsAt, facts, entitlement, now);
        const writing: BookedInterval = { talentManagerId: tmId, startsAt, endsAt };
        this.pending.add(writing);
        const outcome = await this.insertCall(call, facts, now, participants).finally(() =>
          this.pending.delete(writing),
        );
        if (outcome === 'taken') continue;
        if (outcome === 'changed') {
          changed = true;
          break;
        }
        return toCallView(outcome);
      }
      if (!changed) throw slotUnavailable(startsAt.toISO()!);
    }
    throw invitationChanged();
  }

  private draftCall(
    freelancerId: string,
    invitationId: string,
    tmId: string,
    startsAt: DateTime,
    endsAt: DateTime,
    facts: InvitationFacts,
    entitlement: BookingEntitlement,
    now: DateTime,
  ): VettingCall {
    return Object.assign(new VettingCall(), {
      invitationId,
      freelancerId,
      talentManagerId: tmId,
      program: facts.program,
      categorySlug: facts.categorySlug,
      status: 'scheduled',
      startsAt: startsAt.toJSDate(),
      endsAt: endsAt.toJSDate(),
      rescheduleCount: entitlement.reschedulesUsed,
      version: 1,
      icsSequence: 0,
      freeRebooking: entitlement.freeRebooking,
      createdAt: now.toJSDate(),
      updatedAt: now.toJSDate(),
    });
  }

  /**
   * The booking statement, which also stores the booking's timers (an outbox row) and notifications (with their
   * delivery rows): one statement, atomic without a transaction (shared with bookings arriving together). 'taken': the talent manager's time went
   * meanwhile; 'changed': the invitation did.
   */
  private async insertCall(
    call: VettingCall,
    facts: InvitationFacts,
    now: DateTime,
    participants: CallParticipants,
  ): Promise<VettingCall | 'taken' | 'changed'> {
    const inv = facts.invitation!;
    const read = {
      reschedulesUsed: inv.reschedulesUsed,
      freeRebooking: inv.freeRebooking,
      hasCancelledCall: facts.hasCancelledCall,
    };
    const details = {
      startsAt: call.startsAt.toISOString(), // luxon's toISO() of a UTC instant: the same text
      talentManagerId: call.talentManagerId,
      freeRebooking: call.freeRebooking,
    };
    const body = `Your vetting call is booked for ${call.startsAt.toISOString()}.`;
    const notices = this.notices.participantNotices(call, 'call.booked', 'Vetting call booked', body, {}, participants);
    const timers = [scheduleTimersEffect(call.id, call.version)];
    try {
      // With the bookings of the same turn of the event loop, in one statement (BookingWritesService).
      const booked = await this.writes.write({ call, read, now, details, timers, notices });
      if (!booked) return 'changed';
      this.outbox.nudge(); // the statement committed its outbox rows
      return call;
    } catch (err) {
      if (isTimeTaken(err)) return 'taken';
      if (isDuplicateCall(err)) throw callAlreadyBooked();
      if (isRetryable(err)) throw callChanged();
      throw err;
    }
  }
}
