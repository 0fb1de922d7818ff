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
