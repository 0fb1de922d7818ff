import { conflict, forbidden, notFound, refused, tooManyRequests, unauthenticated } from '@vetting/core';

/** 409 PLAN_NOT_ALLOWED: a plan is a client's; refused rather than silently dropped. */
export const planNotAllowed = () => conflict('PLAN_NOT_ALLOWED', 'Only clients have a plan');

/** 409 EMAIL_TAKEN: emails are unique (stored lower-cased). */
export const emailTaken = () => conflict('EMAIL_TAKEN', 'An account with this email already exists');

/** 401: the same answer for an unknown email and a wrong password. */
export const wrongCredentials = () => unauthenticated('Email or password is wrong');

/** 403 WRONG_PASSWORD (core's `forbidden` has one code). */
export const wrongPassword = () => refused('WRONG_PASSWORD', 'The current password is wrong');

export const userNotFound = (id: string) => notFound('User', { id });

export const tokenRequired = () => unauthenticated('A bearer token is required');
export const tokenInvalid = () => unauthenticated('The token is invalid or has expired');
export const accountGone = () => unauthenticated('The account for this token no longer exists');
/** Logout and a password change raise the token version: older tokens get this. */
export const sessionEnded = () => unauthenticated('This session has ended: sign in again');

export const roleRequired = (roles: readonly string[]) => forbidden(`This needs the role ${roles.join(' or ')}`);

/** 429 RATE_LIMITED with the seconds to wait (core has no 429 helper); the filter sets `Retry-After`. */
export const rateLimited = (retryAfter: number, scope: 'client' | 'account') =>
  tooManyRequests('RATE_LIMITED', `Too many attempts: try again in ${retryAfter} s`, { retryAfter, scope });
