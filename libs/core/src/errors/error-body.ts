import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional, ApiResponse } from '@nestjs/swagger';

/** The one HTTP error shape: every 4xx/5xx answer of the api is this. */
export class ErrorBody {
  @ApiProperty({ example: 409, description: 'the HTTP status, repeated' }) statusCode!: number;
  @ApiProperty({ example: 'RESCHEDULE_LIMIT_REACHED', description: 'stable upper-snake code (README lists them)' })
  code!: string;
  @ApiProperty({ example: 'This call was already rescheduled once' }) message!: string;
  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: true,
    description: 'code-specific facts, e.g. fields (VALIDATION_FAILED) or eligibleAt (COOLDOWN_ACTIVE)',
  })
  details?: Record<string, unknown>;
}

const DEFAULT_DESCRIPTIONS: Record<number, string> = {
  400: 'VALIDATION_FAILED (details.fields lists each field) or MALFORMED_JSON',
  401: 'UNAUTHENTICATED: no valid bearer token',
  403: 'FORBIDDEN: the caller’s role may not do this',
  404: 'NOT_FOUND (also for what the caller may not see)',
  409: 'the request conflicts with the current state',
  422: 'the request is well-formed but not allowed by a rule',
  429: 'RATE_LIMITED: too many attempts; see Retry-After',
  500: 'INTERNAL: a fault on the server (logged with the request id)',
  503: 'SERVICE_UNAVAILABLE: a dependency is down or the server is stopping',
};

/** A status with the error codes it carries, e.g. `[409, 'SLOT_UNAVAILABLE, COOLDOWN_ACTIVE']`. */
export type ApiErrorSpec = number | [status: number, codes: string];

/**
 * Documents error answers with the shared ErrorBody schema: `@ApiErrors(400, [409, 'EMAIL_TAKEN'], 429)`.
 * Usable on a controller (every operation) or on a handler.
 */
export function ApiErrors(...specs: ApiErrorSpec[]): ClassDecorator & MethodDecorator {
  return applyDecorators(
    ...specs.map((spec) => {
      const [status, codes] = typeof spec === 'number' ? [spec, undefined] : spec;
      const description = codes ?? DEFAULT_DESCRIPTIONS[status] ?? 'error';
      return ApiResponse({ status, description, type: ErrorBody });
    }),
  );
}
