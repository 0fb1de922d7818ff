import { DateTime } from 'luxon';
import { badRequest, conflict, notFound, refused, unavailable } from '@vetting/core';

/**
 * The error answers of the assessments domain (codes, messages and statuses are part of the API). Built with
 * core's helpers; the two without one (a 403 and a 503 with codes of their own) construct AppError here.
 */

// ---- not found (another's attempt is answered as if it did not exist: never "exists but not yours") ----

export const assessmentNotFound = (slug: string) => notFound('Assessment', { slug });
export const attemptNotFound = (attemptId: string) => notFound('Attempt', { attemptId });
export const trackNotFound = (details: { slug: string } | { trackSlug: string }) => notFound('Track', details);
export const freelancerNotFound = (freelancerId: string) => notFound('Freelancer', { freelancerId });
export const itemNotFound = (itemId: string) => notFound('Item', { itemId });

// ---- conflicts of the attempt lifecycle ----

export const invitationExists = () => conflict('INVITATION_EXISTS', 'This freelancer is already invited to this track');

export const attemptInProgress = () => conflict('ATTEMPT_IN_PROGRESS', 'Finish or submit your current attempt first');

/** The attempt is in `status`, where the asked action does not apply. */
export const attemptNotActive = (status: string) =>
  conflict('ATTEMPT_NOT_ACTIVE', `The attempt is ${status}`, { status });

/** A lifecycle event the state machine does not allow from `from`. */
export const transitionRefused = (from: string, event: string) =>
  conflict('ATTEMPT_NOT_ACTIVE', `An attempt that is ${from} cannot ${event}`, { status: from });

/** A proctor's termination lost to another end of the attempt. */
export const attemptAlreadyEnded = () => conflict('ATTEMPT_NOT_ACTIVE', 'The attempt has already ended');

export const attemptNotStarted = () => conflict('ATTEMPT_NOT_STARTED', 'Start the attempt first');

export const startWindowPassed = (startBy: DateTime) =>
  conflict('ATTEMPT_START_WINDOW_PASSED', 'This attempt was not started in time and has lapsed; create a new one', {
    startBy: startBy.toUTC().toISO(),
  });

export const notAbandonable = (status: string) =>
  conflict('ATTEMPT_NOT_ABANDONABLE', `An attempt that is ${status} cannot be abandoned`, { status });

/** An answer or submit after the deadline, with the deadline the server holds. */
export const deadlinePassed = (deadline: DateTime | null) =>
  conflict('ATTEMPT_DEADLINE_PASSED', 'The time for this attempt is over', {
    deadline: deadline?.toUTC().toISO() ?? null,
  });

/** The same refusal when the write itself found the time over (no deadline in the answer). */
export const timeOver = () => conflict('ATTEMPT_DEADLINE_PASSED', 'The time for this attempt is over');

/** Joining an attempt that is not running: an expired one says so, any other status is not active. */
export const attemptNotRunning = (status: string) =>
  conflict(status === 'expired' ? 'ATTEMPT_DEADLINE_PASSED' : 'ATTEMPT_NOT_ACTIVE', `The attempt is ${status}`, {
    status,
  });

export const retakeCooldown = (eligibleAt: DateTime) =>
  conflict('RETAKE_COOLDOWN', 'You can retake this test later', { eligibleAt: eligibleAt.toUTC().toISO() });

/** No core helper: a 403 with its own code (core's `forbidden` answers FORBIDDEN). */
export const notInvited = () => refused('NOT_INVITED', 'This test is by invitation to a certification track');

/**
 * A signal that reached a process while it was stopping: nothing was stored, the client sends it again once
 * reconnected. No core helper: a 503 with its own code.
 */
export const shuttingDown = () =>
  unavailable('SHUTTING_DOWN', 'The server is shutting down: send the signal again once reconnected');

// ---- invalid input ----

/** A socket payload field that is missing or malformed. */
export const invalidField = (field: string, problem: string) =>
  badRequest('VALIDATION_FAILED', `${field} ${problem}`, { fields: [{ field, problems: [`${field} ${problem}`] }] });

export const invalidAnswer = (problems: readonly string[]) =>
  badRequest('VALIDATION_FAILED', `Invalid answer: ${problems.join('; ')}`, {
    fields: problems.map((p) => ({ field: 'answer', problems: [p] })),
  });

export const unknownSignalType = (known: readonly string[]) =>
  badRequest('VALIDATION_FAILED', `type must be one of ${known.join(', ')}`, {
    fields: [{ field: 'type', problems: ['unknown signal type'] }],
  });

export const invalidSignalData = (field: string, problem: string) =>
  badRequest('VALIDATION_FAILED', `${field} ${problem}`, { fields: [{ field, problems: [problem] }] });
