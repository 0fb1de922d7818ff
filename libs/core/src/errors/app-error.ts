import { HttpException } from '@nestjs/common';
import type { ErrorBody } from './error-body';

/** A client-facing error with a stable upper-snake `code`. */
export class AppError extends HttpException {
  constructor(
    readonly statusCode: number,
    readonly code: string,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super({ statusCode, code, message, ...(details ? { details } : {}) }, statusCode);
  }

  toBody(): ErrorBody {
    return {
      statusCode: this.statusCode,
      code: this.code,
      message: this.message,
      ...(this.details ? { details: this.details } : {}),
    };
  }
}

export const badRequest = (code: string, message: string, details?: Record<string, unknown>) =>
  new AppError(400, code, message, details);
export const unauthenticated = (message = 'Authentication required') => new AppError(401, 'UNAUTHENTICATED', message);
export const forbidden = (message = 'You may not do this') => new AppError(403, 'FORBIDDEN', message);
export const notFound = (what: string, details?: Record<string, unknown>) =>
  new AppError(404, 'NOT_FOUND', `${what} not found`, details);
export const conflict = (code: string, message: string, details?: Record<string, unknown>) =>
  new AppError(409, code, message, details);
export const unprocessable = (code: string, message: string, details?: Record<string, unknown>) =>
  new AppError(422, code, message, details);
/** 404 for a path id that is not a UUID: no record can have it. */
export const noSuchRecord = () => new AppError(404, 'NOT_FOUND', 'No such record');
/** A 403 with a code of its own (a domain refusal more specific than FORBIDDEN). */
export const refused = (code: string, message: string, details?: Record<string, unknown>) =>
  new AppError(403, code, message, details);
/** 429: too many requests of one kind; `retryAfter` in seconds goes into the details. */
export const tooManyRequests = (
  code: string,
  message: string,
  details: { retryAfter: number } & Record<string, unknown>,
) => new AppError(429, code, message, details);
/** 503: this process cannot take the request now (shutting down, a dependency down); the client retries. */
export const unavailable = (code: string, message: string, details?: Record<string, unknown>) =>
  new AppError(503, code, message, details);
