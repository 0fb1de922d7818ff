import { DateTime, Duration } from 'luxon';
import {
  attemptInProgress,
  attemptNotActive,
  attemptNotStarted,
  deadlinePassed,
  notAbandonable,
  notInvited,
  retakeCooldown,
  transitionRefused,
} from './assessments.errors';

export const ATTEMPT_STATUSES = [
  'created',
  'in_progress',
  'submitted',
  'expired',
  'terminated',
  'graded',
  'abandoned',
] as const;
export type AttemptStatus = (typeof ATTEMPT_STATUSES)[number];
/** Twin of the partial unique index `attempts_one_open_per_freelancer` (one open attempt per freelancer). */
export const OPEN_ATTEMPT_STATUSES: readonly AttemptStatus[] = ['created', 'in_progress'];
export const ENDED_ATTEMPT_STATUSES: readonly AttemptStatus[] = [
  'submitted',
  'expired',
  'terminated',
  'graded',
  'abandoned',
];
/**
 * Attempts whose end starts the retake cooldown: every ended attempt except an abandoned one (never started, never
 * graded).
 */
export const COOLDOWN_ATTEMPT_STATUSES: readonly AttemptStatus[] = ['submitted', 'expired', 'terminated', 'graded'];

export type AttemptEvent = 'start' | 'submit' | 'expire' | 'terminate' | 'grade' | 'abandon';

const TRANSITIONS: Record<AttemptEvent, Partial<Record<AttemptStatus, AttemptStatus>>> = {
  start: { created: 'in_progress' },
  submit: { in_progress: 'submitted' },
  expire: { in_progress: 'expired' },
  terminate: { created: 'terminated', in_progress: 'terminated' },
  grade: { submitted: 'graded', expired: 'graded', terminated: 'graded' },
  abandon: { created: 'abandoned' },
};

/** The attempt lifecycle: created → in_progress → submitted | expired | terminated → graded; created → abandoned. */
export function nextStatus(from: AttemptStatus, event: AttemptEvent): AttemptStatus | null {
  return TRANSITIONS[event][from] ?? null;
}

export function transition(from: AttemptStatus, event: AttemptEvent): AttemptStatus {
  const to = nextStatus(from, event);
  if (!to) throw transitionRefused(from, event);
  return to;
}

/** The latest moment a created attempt can be started: its creation + ATTEMPT_START_WINDOW. */
export const startByOf = (createdAt: DateTime, window: Duration) => createdAt.plus(window);

/** A created attempt not started within the start window has lapsed (it is abandoned: no grade, no cooldown). */
export function hasLapsed(a: { status: AttemptStatus; createdAt: DateTime }, now: DateTime, window: Duration): boolean {
  return a.status === 'created' && now >= startByOf(a.createdAt, window);
}

/** Only a created attempt (its clock not running) can be abandoned. */
export function assertCanAbandon(status: AttemptStatus): void {
  if (nextStatus(status, 'abandon') === null) throw notAbandonable(status);
}

/**
 * Whether an attempt in this status shows its items: only once its clock has run (never while created or abandoned).
 */
export const showsItems = (status: AttemptStatus) => status !== 'created' && status !== 'abandoned';

export const deadlineOf = (startedAt: DateTime, duration: Duration) => startedAt.plus(duration);

export function remainingMs(deadline: DateTime | null, now: DateTime): number | null {
  if (!deadline) return null;
  return Math.max(0, deadline.toMillis() - now.toMillis());
}

export interface AttemptClock {
  status: AttemptStatus;
  deadline: DateTime | null;
}

/**
 * Answers are accepted only while the attempt runs and strictly before the deadline the server holds.
 * Twin of the conditional insert in AnswersRepository.save (data/answers.repository.ts), which decides;
 * this explains a refusal. test/medium/assessments-attempts.medium.spec.ts pins the two together.
 */
export function assertCanAnswer(a: AttemptClock, now: DateTime): void {
  if (a.status === 'created') throw attemptNotStarted();
  // Past the deadline the answer is late, whatever happened to the attempt since (expired, graded, ...).
  if (a.deadline && now >= a.deadline) throw deadlinePassed(a.deadline);
  if (a.status !== 'in_progress' || !a.deadline) {
    if (a.status === 'expired') throw deadlinePassed(a.deadline);
    throw attemptNotActive(a.status);
  }
  if (now >= a.deadline) throw deadlinePassed(a.deadline);
}

export interface StartCheck {
  access: 'open' | 'invited';
  invitedToTrack: boolean;
  /** A created or in-progress attempt of any test. */
  hasOpenAttempt: boolean;
  /** When the freelancer's last attempt at this test that counts for the cooldown ended (COOLDOWN_ATTEMPT_STATUSES). */
  lastEndedAt: DateTime | null;
  retakeCooldown: Duration;
}

/** Eligibility to start: open test or invited to a track; one attempt at a time; the retake cooldown. */
export function assertCanStart(c: StartCheck, now: DateTime): void {
  if (c.access === 'invited' && !c.invitedToTrack) throw notInvited();
  if (c.hasOpenAttempt) throw attemptInProgress();
  if (c.lastEndedAt) {
    const eligibleAt = c.lastEndedAt.plus(c.retakeCooldown);
    if (now < eligibleAt) throw retakeCooldown(eligibleAt);
  }
}

/**
 * Draws `n` distinct ids with a Fisher–Yates shuffle driven by `random` (0 ≤ x < 1), so each attempt sees its own set.
 */
export function drawItems<T>(pool: readonly T[], n: number, random: () => number): T[] {
  if (!Number.isInteger(n) || n < 0 || n > pool.length) throw new RangeError(`cannot draw ${n} of ${pool.length}`);
  const a = [...pool];
  for (let i = 0; i < n; i++) {
    const j = i + Math.floor(random() * (a.length - i));
    [a[i], a[j]] = [a[j], a[i]];
  }
  return a.slice(0, n);
}
