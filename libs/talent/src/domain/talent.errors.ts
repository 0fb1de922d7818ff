import { badRequest, conflict, refused, unprocessable } from '@vetting/core';

/*
 * Talent's client-facing errors (codes are part of the API: they never change).
 */

/** 403 NOT_INVITED (core's `forbidden` always answers FORBIDDEN, so this one is built here). */
export const notInvited = (message = 'You need an open invitation to this vetting program') =>
  refused('NOT_INVITED', message);

export const categoryNotEligible = (slug: string) =>
  unprocessable('CATEGORY_NOT_ELIGIBLE', `The category "${slug}" is not eligible for Expert-Vetted`, {
    categorySlug: slug,
  });

export const cooldownActive = (until: Date) =>
  conflict('COOLDOWN_ACTIVE', 'You missed a vetting call and can be reconsidered later', {
    eligibleAt: until.toISOString(),
  });

export const invitationExists = () =>
  conflict('INVITATION_EXISTS', 'This freelancer already has an open invitation to this program');

export const windowNotAhead = () =>
  badRequest('VALIDATION_FAILED', 'closesAt must be after opensAt and in the future', {
    fields: [{ field: 'closesAt', problems: ['closesAt must be after opensAt and in the future'] }],
  });
