import { DateTime } from 'luxon';
import { badRequest, conflict } from '@vetting/core';
import type { CallStatus } from '../data/call.entities';

/*
 * The calendar's client-facing errors (codes are part of the API: they never change). Talent's
 * NOT_INVITED and COOLDOWN_ACTIVE come from `@vetting/talent`.
 */

/** 400 VALIDATION_FAILED for one field. */
export const invalidField = (field: string, problem: string, message = problem) =>
  badRequest('VALIDATION_FAILED', message, { fields: [{ field, problems: [problem] }] });

/** 400 VALIDATION_FAILED listing several fields' problems. */
export const invalidFields = (what: string, problems: { field: string; problem: string }[]) =>
  badRequest('VALIDATION_FAILED', `Invalid ${what}: ${problems.map((p) => p.field).join(', ')}`, {
    fields: problems.map((p) => ({ field: p.field, problems: [p.problem] })),
  });

export const invalidInstant = (field: string) => invalidField(field, `${field} must be an ISO-8601 instant`);

export const slotUnavailable = (startsAt: string) =>
  conflict('SLOT_UNAVAILABLE', 'This slot is not available (taken, outside availability or too soon)', { startsAt });

/** A concurrent change of the call won (or the database asked for a retry): nothing was written. */
export const callChanged = () => conflict('CALL_CHANGED', 'The call changed meanwhile; load it and try again');

/** The invitation kept changing between reading and booking. */
export const invitationChanged = () => conflict('CALL_CHANGED', 'The invitation changed meanwhile; try again');

export const callAlreadyBooked = () =>
  conflict('CALL_ALREADY_BOOKED', 'This invitation already has a booked call; reschedule it instead');

export const callNotActive = (status: CallStatus) => conflict('CALL_NOT_ACTIVE', `The call is ${status}`, { status });

export const rescheduleLimitReached = (rescheduleCount: number, maxReschedules: number) =>
  conflict('RESCHEDULE_LIMIT_REACHED', `A booking may be rescheduled ${maxReschedules} time(s)`, {
    rescheduleCount,
    maxReschedules,
  });

/** Booking again after a cancellation is a reschedule in disguise, and none is left. */
export const rebookingLimitReached = (rescheduleCount: number, maxReschedules: number) =>
  conflict('RESCHEDULE_LIMIT_REACHED', 'Booking again after a cancellation counts as a reschedule, and none is left', {
    rescheduleCount,
    maxReschedules,
  });

export const noticeTooShort = (notice: string | null, startsAt: DateTime, deadline: DateTime) =>
  conflict('NOTICE_TOO_SHORT', `A reschedule needs ${notice} notice before the start`, {
    startsAt: startsAt.toUTC().toISO(),
    rescheduleDeadline: deadline.toUTC().toISO(),
  });

export const callNotOpenYet = (opensAt: DateTime) =>
  conflict('CALL_NOT_OPEN_YET', 'The call room is not open yet', { opensAt: opensAt.toUTC().toISO() });

export const callEnded = (endsAt: DateTime) =>
  conflict('CALL_ENDED', 'The call has ended', { endsAt: endsAt.toUTC().toISO() });

export const gracePeriodExpired = (graceEndedAt: DateTime) =>
  conflict('GRACE_PERIOD_EXPIRED', 'You were not present within the grace period of the start', {
    graceEndedAt: graceEndedAt.toUTC().toISO(),
  });

export const scorecardAlreadySubmitted = () =>
  conflict('SCORECARD_ALREADY_SUBMITTED', 'This call already has a scorecard');

export const callNotStarted = (status: CallStatus) =>
  conflict('CALL_NOT_STARTED', 'A scorecard can be submitted once the call has started with the freelancer present', {
    status,
  });
