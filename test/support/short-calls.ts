/**
 * A call policy short enough to watch a call's timers fire within a test or a benchmark: 20 s calls, the grace
 * check 3 s after the start, bookable 1 s ahead, "ending soon" 5 s before the end.
 */
export const SHORT_CALLS_ENV = {
  VETTING_CALL_LENGTH: 'PT20S',
  VETTING_GRACE_PERIOD: 'PT3S',
  VETTING_MIN_BOOKING_LEAD: 'PT1S',
  VETTING_ENDING_SOON: 'PT5S',
} as const;
