import { HttpException, HttpStatus } from '@nestjs/common';
import { AppError } from './app-error';
import type { ErrorBody } from './error-body';
import { serviceUnavailable, unavailableDependency } from '../dependencies/dependency-errors';

const CODE_BY_STATUS: Record<number, string> = {
  400: 'BAD_REQUEST',
  401: 'UNAUTHENTICATED',
  403: 'FORBIDDEN',
  404: 'NOT_FOUND',
  405: 'METHOD_NOT_ALLOWED',
  409: 'CONFLICT',
  413: 'PAYLOAD_TOO_LARGE',
  415: 'UNSUPPORTED_MEDIA_TYPE',
  422: 'UNPROCESSABLE',
  429: 'RATE_LIMITED',
};

/** Database errors by SQLSTATE (node-postgres `code`), for faults that reached the edge unhandled. */
const CODE_BY_SQLSTATE: Record<string, { status: number; code: string; message: string }> = {
  '23505': { status: 409, code: 'ALREADY_EXISTS', message: 'A record with these values already exists' },
  '23P01': { status: 409, code: 'CONFLICT', message: 'This conflicts with an existing record' },
  '23503': { status: 409, code: 'CONFLICT', message: 'A referenced record does not exist' },
  '22P02': { status: 400, code: 'VALIDATION_FAILED', message: 'A value has the wrong format' },
};

export function sqlState(err: unknown): string | undefined {
  const e = err as { code?: unknown; sqlState?: unknown } | undefined;
  if (!e) return undefined;
  if (typeof e.sqlState === 'string') return e.sqlState;
  if (typeof e.code === 'string' && /^[0-9A-Z]{5}$/.test(e.code)) return e.code;
  return undefined;
}

/** Maps anything thrown to the public error body; `fault` marks real 5xx faults (logged, never detailed). */
export function toErrorBody(err: unknown): { body: ErrorBody; fault: boolean } {
  if (err instanceof AppError) return { body: err.toBody(), fault: false };

  // body-parser (express) errors: malformed JSON, too large, bad charset
  const bp = err as { type?: string; status?: number; statusCode?: number } | undefined;
  if (bp && typeof bp.type === 'string' && typeof (bp.status ?? bp.statusCode) === 'number') {
    const status = (bp.status ?? bp.statusCode) as number;
    if (bp.type === 'entity.parse.failed') {
      return {
        body: { statusCode: 400, code: 'MALFORMED_JSON', message: 'The request body is not valid JSON' },
        fault: false,
      };
    }
    if (status < 500) {
      return {
        body: {
          statusCode: status,
          code: CODE_BY_STATUS[status] ?? 'BAD_REQUEST',
          message: 'The request body was refused',
        },
        fault: false,
      };
    }
  }

  // the router could not percent-decode a path parameter (e.g. `%E0%A4%A`)
  if (err instanceof URIError) return malformedPath();

  if (err instanceof HttpException) {
    const status = err.getStatus();
    const response = err.getResponse();
    let message = err.message;
    if (typeof response === 'object' && response !== null && 'message' in response) {
      const m = (response as { message: unknown }).message;
      message = Array.isArray(m) ? m.join('; ') : String(m);
    }
    if (status === HttpStatus.NOT_FOUND && /^Cannot (GET|POST|PUT|PATCH|DELETE|HEAD|OPTIONS)/.test(message)) {
      message = 'No such route';
    }
    // Nest turns the router's URIError into a BadRequestException carrying only this message
    if (status === 400 && /^Failed to decode param/.test(message)) return malformedPath();
    if (status === 400 && (err.cause as { type?: string } | undefined)?.type === 'entity.parse.failed') {
      return {
        body: { statusCode: 400, code: 'MALFORMED_JSON', message: 'The request body is not valid JSON' },
        fault: false,
      };
    }
    if (status >= 500) return { body: internal(), fault: true };
    return { body: { statusCode: status, code: CODE_BY_STATUS[status] ?? 'ERROR', message }, fault: false };
  }

  // PostgreSQL or Redis unreachable (refused, reset, terminated, timed out): 503, never 500.
  const dependency = unavailableDependency(err);
  if (dependency)
    return { body: serviceUnavailable(dependency === 'unknown' ? undefined : dependency).toBody(), fault: false };

  const state = sqlState(err);
  if (state && CODE_BY_SQLSTATE[state]) {
    const m = CODE_BY_SQLSTATE[state];
    return { body: { statusCode: m.status, code: m.code, message: m.message }, fault: false };
  }
  return { body: internal(), fault: true };
}

const malformedPath = () => ({
  body: { statusCode: 400, code: 'MALFORMED_PATH', message: 'The request path is not validly percent-encoded' },
  fault: false,
});
const internal = (): ErrorBody => ({ statusCode: 500, code: 'INTERNAL', message: 'Something went wrong on our side' });
