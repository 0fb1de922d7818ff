/**
 * Every notification type the platform emits (webhook `events` may only name these). A new
 * `notify({ type })` adds its type here; notification-types.spec.ts checks the sources against this list.
 */
export const NOTIFICATION_TYPES = [
  'attempt.graded',
  'badge.awarded',
  'badge.revoked',
  'call.booked',
  'call.cancelled',
  'call.interviewer-absent',
  'call.missed',
  'call.reminder',
  'call.rescheduled',
  'certification.awarded',
  'profile.approved',
  'profile.rejected',
  'skill.verified',
  'talent.vetted',
  'vetting.eligible-again',
  'vetting.invited',
] as const;

export type NotificationType = (typeof NOTIFICATION_TYPES)[number];
