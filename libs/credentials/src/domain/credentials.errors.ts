import { badRequest, conflict, notFound } from '@vetting/core';

/** The credentials domain's client errors (codes, messages and statuses are part of the API). */

export const unknownCategories = (unknown: string[]) =>
  badRequest('VALIDATION_FAILED', `Unknown categories: ${unknown.join(', ')}`, {
    fields: unknown.map(() => ({ field: 'categorySlugs', problems: ['unknown category'] })),
  });

export const profileIncomplete = () =>
  badRequest('PROFILE_INCOMPLETE', 'Add a title and at least one category before submitting', {
    fields: [
      { field: 'title', problems: ['required'] },
      { field: 'categorySlugs', problems: ['at least one'] },
    ],
  });

export const profileAlreadyApproved = () => conflict('PROFILE_ALREADY_APPROVED', 'The profile is already approved');

export const profileNotPending = () => conflict('PROFILE_NOT_PENDING', 'Only a profile pending review can be reviewed');

export const freelancerNotFound = (id: string) => notFound('Freelancer', { id });

export const categoryNotFound = (categorySlug: string) => notFound('Category', { categorySlug });

export const badgeNotFound = (details: { freelancerId?: string; kind: string }) => notFound('Badge', details);
