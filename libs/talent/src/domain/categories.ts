// Categories live in core (reference data); re-exported here for the talent module's callers.
export {
  ELIGIBLE_CATEGORIES,
  OTHER_CATEGORIES,
  ELIGIBLE_CATEGORY_SLUGS,
  ALL_CATEGORY_SLUGS,
  PROGRAMS,
  isEligibleCategory,
} from '@vetting/core';
export type { Program } from '@vetting/core';
