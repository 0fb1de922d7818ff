import { DateTime, Duration } from 'luxon';
import { cooldownActive, notInvited } from '@vetting/talent';
import type { CallStatus } from '../data/call.entities';
import {
  callAlreadyBooked,
  callEnded,
  callNotActive,
  callNotOpenYet,
  callNotStarted,
  gracePeriodExpired,
  noticeTooShort,
  rebookingLimitReached,
  rescheduleLimitReached,
  scorecardAlreadySubmitted,
} from './calendar.errors';

/** What the call rules need to know about a call. */
export interface CallState {
  id: string;
  status: CallStatus;
  startsAt: DateTime;
  endsAt: DateTime;
  rescheduleCount: number;
  version: number;
  freelancerJoinedAt?: DateTime | null;
  talentManagerJoinedAt?: DateTime | null;
}

export interface CallPolicy {
  callLength: Duration;
  gracePeriod: Duration;
  rescheduleNotice: Duration;
  maxReschedules: number;
  missedCooldown: Duration;
  joinEarly: Duration;
  endingSoon: Duration;
  reminders: Duration[];
}

export type Participant = 'freelancer' | 'talent_manager';

const NOT_STARTED: readonly CallStatus[] = ['scheduled', 'rescheduled'];
export const isActive = (s: CallStatus) => s === 'scheduled' || s === 'rescheduled' || s === 'in_progress';

export { callNotActive };

/**
 * A reschedule needs ≥ notice before the booked start (exactly the notice is enough) and a reschedule left.
 * SQL twin: `CallsRepository.moveIfCurrent` (`reschedules_used < max`, `starts_at >= now + notice`), pinned
 * together in test/medium/calendar-reschedule.medium.spec.ts.
 */
export function assertCanReschedule(
  call: CallState,
  now: DateTime,
  policy: Pick<CallPolicy, 'rescheduleNotice' | 'maxReschedules'>,
  reschedulesUsed = call.rescheduleCount,
): void {
  if (!NOT_STARTED.includes(call.status)) throw callNotActive(call.status);
  if (reschedulesUsed >= policy.maxReschedules) {
    throw rescheduleLimitReached(reschedulesUsed, policy.maxReschedules);
  }
  const deadline = call.startsAt.minus(policy.rescheduleNotice);
  if (now > deadline) {
    throw noticeTooShort(policy.rescheduleNotice.toISO(), call.startsAt, deadline);
  }
}

/** What a booking needs to know about the freelancer's invitation and its calls (read in one statement). */
export interface BookingFacts {
  invitation: { freelancerId: string; status: string; reschedulesUsed: number; freeRebooking: boolean } | null;
  /** The latest running cooldown of the freelancer in the invitation's program. */
  cooldownUntil: DateTime | null;
  hasActiveCall: boolean;
  hasCancelledCall: boolean;
}

export interface BookingEntitlement {
  /** This booking is the free rebooking owed after a talent manager's absence. */
  freeRebooking: boolean;
  /** The invitation's reschedules used once this booking stands. */
  reschedulesUsed: number;
}

/**
 * May this freelancer book with this invitation, and what does it cost? Checked in the order a freelancer
 * learns most from: someone else's invitation, then a running cooldown (with when it ends), then no open
 * invitation, then a call already booked. A booking after a cancellation is a reschedule in disguise and
 * uses one up, unless it is the free rebooking owed after a talent manager's absence.
 * SQL twin: the `inv` CTE of `CallsRepository.insertBookings` (open, no running cooldown, counters as read),
 * pinned together in test/medium/calendar-booking.medium.spec.ts.
 */
export function bookingEntitlement(
  facts: BookingFacts,
  freelancerId: string,
  now: DateTime,
  policy: Pick<CallPolicy, 'maxReschedules'>,
): BookingEntitlement {
  const inv = facts.invitation;
  if (inv && inv.freelancerId !== freelancerId) throw notInvited('This invitation is not yours');
  if (facts.cooldownUntil && facts.cooldownUntil > now) throw cooldownActive(facts.cooldownUntil.toJSDate());
  if (!inv || inv.status !== 'open') throw notInvited();
  if (facts.hasActiveCall) throw callAlreadyBooked();
  if (inv.freeRebooking) return { freeRebooking: true, reschedulesUsed: inv.reschedulesUsed };
  if (!facts.hasCancelledCall) return { freeRebooking: false, reschedulesUsed: inv.reschedulesUsed };
  if (inv.reschedulesUsed >= policy.maxReschedules) {
    throw rebookingLimitReached(inv.reschedulesUsed, policy.maxReschedules);
  }
  return { freeRebooking: false, reschedulesUsed: inv.reschedulesUsed + 1 };
}

/** A cancellation is always allowed while the call has not started; inside the notice window it counts as a miss. */
export function cancellationOutcome(
  call: CallState,
  now: DateTime,
  policy: Pick<CallPolicy, 'rescheduleNotice'>,
): { countsAsMiss: boolean } {
  if (!NOT_STARTED.includes(call.status)) throw callNotActive(call.status);
  return { countsAsMiss: now > call.startsAt.minus(policy.rescheduleNotice) };
}

/**
 * Does this cancellation cost the freelancer a miss (and a cooldown)? Only the freelancer's own, inside the
 * notice window: an admin cancelling is never the freelancer's miss.
 */
export function cancellationCountsAsMiss(
  call: CallState,
  now: DateTime,
  policy: Pick<CallPolicy, 'rescheduleNotice'>,
  cancelledBy: string,
): boolean {
  const { countsAsMiss } = cancellationOutcome(call, now, policy);
  return countsAsMiss && cancelledBy !== 'admin';
}

/** The room is open from `joinEarly` before the start until the end; the freelancer's first join must be within the grace period. */
export function assertCanJoin(
  call: CallState,
  who: Participant,
  now: DateTime,
  policy: Pick<CallPolicy, 'joinEarly' | 'gracePeriod'>,
): void {
  if (!isActive(call.status)) {
    if (call.status === 'missed' && who === 'freelancer') throw graceExpired(call, policy);
    throw callNotActive(call.status);
  }
  const opensAt = call.startsAt.minus(policy.joinEarly);
  if (now < opensAt) {
    throw callNotOpenYet(opensAt);
  }
  if (now >= call.endsAt) throw callEnded(call.endsAt);
  if (who === 'freelancer' && !call.freelancerJoinedAt && now > call.startsAt.plus(policy.gracePeriod)) {
    throw graceExpired(call, policy);
  }
}

const graceExpired = (call: CallState, policy: Pick<CallPolicy, 'gracePeriod'>) =>
  gracePeriodExpired(call.startsAt.plus(policy.gracePeriod));

export type GraceOutcome = 'missed' | 'interviewer_absent' | null;

/** At start + grace: freelancer absent → missed (whoever else is there); talent manager absent → interviewer_absent. */
export function graceOutcome(call: CallState): GraceOutcome {
  if (!isActive(call.status)) return null;
  if (!call.freelancerJoinedAt) return 'missed';
  if (!call.talentManagerJoinedAt) return 'interviewer_absent';
  return null;
}

/** At the hard end: a call the freelancer attended is completed; one they never joined is missed. */
export function endOutcome(call: CallState): 'completed' | 'missed' | null {
  if (!isActive(call.status)) return null;
  return call.freelancerJoinedAt ? 'completed' : 'missed';
}

export const cooldownUntil = (call: Pick<CallState, 'startsAt'>, policy: Pick<CallPolicy, 'missedCooldown'>) =>
  call.startsAt.plus(policy.missedCooldown);

export type TimerKind = 'reminder' | 'grace' | 'ending-soon' | 'end';

export interface CallTimer {
  kind: TimerKind;
  jobId: string;
  at: DateTime;
  /** For reminders: how long before the start, as ISO (PT24H). */
  lead?: string;
}

/** Deterministic BullMQ job id (BullMQ allows ':' only in ids of exactly three parts). */
export const timerJobId = (callId: string, kind: TimerKind, version: number, lead?: string) =>
  `call:${callId}:${kind}${lead ? `-${lead}` : ''}-v${version}`;

/** The job ids of the timers that may still be pending when a call is settled at its grace moment. */
export const settledCallTimerIds = (callId: string, version: number): string[] => [
  timerJobId(callId, 'ending-soon', version),
  timerJobId(callId, 'end', version),
];

/**
 * The timers of an active call at its current version: reminders still ahead, the grace check,
 * "ending soon" (when it falls after the start) and the hard end.
 */
export function callTimers(call: CallState, policy: CallPolicy, now: DateTime): CallTimer[] {
  if (!isActive(call.status)) return [];
  const timers: CallTimer[] = [];
  for (const lead of policy.reminders) {
    const at = call.startsAt.minus(lead);
    const iso = lead.toISO() ?? String(lead.toMillis());
    if (at > now)
      timers.push({ kind: 'reminder', jobId: timerJobId(call.id, 'reminder', call.version, iso), at, lead: iso });
  }
  timers.push({
    kind: 'grace',
    jobId: timerJobId(call.id, 'grace', call.version),
    at: call.startsAt.plus(policy.gracePeriod),
  });
  const endingSoon = call.endsAt.minus(policy.endingSoon);
  if (endingSoon > call.startsAt)
    timers.push({ kind: 'ending-soon', jobId: timerJobId(call.id, 'ending-soon', call.version), at: endingSoon });
  timers.push({ kind: 'end', jobId: timerJobId(call.id, 'end', call.version), at: call.endsAt });
  return timers;
}

/** Scorecards: once, by the call's talent manager, after the call started with the freelancer present. */
export function assertCanScore(call: CallState, now: DateTime, alreadyScored: boolean): void {
  if (alreadyScored) throw scorecardAlreadySubmitted();
  if (
    now < call.startsAt ||
    !call.freelancerJoinedAt ||
    !(call.status === 'in_progress' || call.status === 'completed')
  ) {
    throw callNotStarted(call.status);
  }
}
