import { DateTime, Duration } from 'luxon';
import { AppError } from '@vetting/core';

export const ATTEMPT_STATUSES = ['created', 'in_progress', 'submitted', 'expired', 'terminated', 'graded'] as const;
export type AttemptStatus = (typeof ATTEMPT_STATUSES)[number];
export const OPEN_ATTEMPT_STATUSES: readonly AttemptStatus[] = ['created', 'in_progress'];
export const ENDED_ATTEMPT_STATUSES: readonly AttemptStatus[] = ['submitted', 'expired', 'terminated', 'graded'];

export type AttemptEvent = 'start' | 'submit' | 'expire' | 'terminate' | 'grade';

const TRANSITIONS: Record<AttemptEvent, Partial<Record<AttemptStatus, AttemptStatus>>> = {
  start: { created: 'in_progress' },
  submit: { in_progress: 'submitted' },
  expire: { in_progress: 'expired' },
  terminate: { created: 'terminated', in_progress: 'terminated' },
  grade: { submitted: 'graded', expired: 'graded', terminated: 'graded' },
};

/** The attempt lifecycle: created → in_progress → submitted | expired | terminated → graded. */
export function nextStatus(from: AttemptStatus, event: AttemptEvent): AttemptStatus | null {
  return TRANSITIONS[event][from] ?? null;
}

export function transition(from: AttemptStatus, event: AttemptEvent): AttemptStatus {
  const to = nextStatus(from, event);
  if (!to) throw new AppError(409, 'ATTEMPT_NOT_ACTIVE', `An attempt that is ${from} cannot ${event}`, { status: from });
  return to;
}

export const deadlineOf = (startedAt: DateTime, duration: Duration) => startedAt.plus(duration);

export function remainingMs(deadline: DateTime | null, now: DateTime): number | null {
  if (!deadline) return null;
  return Math.max(0, deadline.toMillis() - now.toMillis());
}

export interface AttemptClock {
  status: AttemptStatus;
  deadline: DateTime | null;
}

/** Answers are accepted only while the attempt runs and strictly before the deadline the server holds. */
export function assertCanAnswer(a: AttemptClock, now: DateTime): void {
  if (a.status === 'created') throw new AppError(409, 'ATTEMPT_NOT_STARTED', 'Start the attempt first');
  // Past the deadline the answer is late, whatever happened to the attempt since (expired, graded, ...).
  if (a.deadline && now >= a.deadline) throw deadlinePassed(a.deadline);
  if (a.status !== 'in_progress' || !a.deadline) {
    if (a.status === 'expired') throw deadlinePassed(a.deadline);
    throw new AppError(409, 'ATTEMPT_NOT_ACTIVE', `The attempt is ${a.status}`, { status: a.status });
  }
  if (now >= a.deadline) throw deadlinePassed(a.deadline);
}

export const deadlinePassed = (deadline: DateTime | null) =>
  new AppError(409, 'ATTEMPT_DEADLINE_PASSED', 'The time for this attempt is over', { deadline: deadline?.toUTC().toISO() ?? null });

export interface StartCheck {
  access: 'open' | 'invited';
  invitedToTrack: boolean;
  /** A created or in-progress attempt of any test. */
  hasOpenAttempt: boolean;
  /** When the freelancer's last attempt at this test ended. */
  lastEndedAt: DateTime | null;
  retakeCooldown: Duration;
}

/** Eligibility to start: open test or invited to a track; one attempt at a time; the retake cooldown. */
export function assertCanStart(c: StartCheck, now: DateTime): void {
  if (c.access === 'invited' && !c.invitedToTrack) throw new AppError(403, 'NOT_INVITED', 'This test is by invitation to a certification track');
  if (c.hasOpenAttempt) throw new AppError(409, 'ATTEMPT_IN_PROGRESS', 'Finish or submit your current attempt first');
  if (c.lastEndedAt) {
    const eligibleAt = c.lastEndedAt.plus(c.retakeCooldown);
    if (now < eligibleAt) throw new AppError(409, 'RETAKE_COOLDOWN', 'You can retake this test later', { eligibleAt: eligibleAt.toUTC().toISO() });
  }
}

/** Draws `n` distinct ids with a Fisher–Yates shuffle driven by `random` (0 ≤ x < 1), so each attempt sees its own set. */
export function drawItems<T>(pool: readonly T[], n: number, random: () => number): T[] {
  if (!Number.isInteger(n) || n < 0 || n > pool.length) throw new RangeError(`cannot draw ${n} of ${pool.length}`);
  const a = [...pool];
  for (let i = 0; i < n; i++) {
    const j = i + Math.floor(random() * (a.length - i));
    [a[i], a[j]] = [a[j], a[i]];
  }
  return a.slice(0, n);
}
