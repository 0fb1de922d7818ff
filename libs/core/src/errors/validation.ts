import { ParseUUIDPipe, ValidationError, ValidationPipe } from '@nestjs/common';
import { AppError } from './app-error';

export interface FieldProblem {
  field: string;
  problems: string[];
}

export function flattenValidationErrors(errors: ValidationError[], parent = ''): FieldProblem[] {
  const out: FieldProblem[] = [];
  for (const e of errors) {
    const field = parent ? `${parent}.${e.property}` : e.property;
    if (e.constraints) out.push({ field, problems: Object.values(e.constraints) });
    if (e.children?.length) out.push(...flattenValidationErrors(e.children, field));
  }
  return out;
}

export const validationFailed = (fields: FieldProblem[]) =>
  new AppError(400, 'VALIDATION_FAILED', `Invalid request: ${fields.map((f) => f.field).join(', ')}`, { fields });

/** Unknown fields and wrong types → 400 VALIDATION_FAILED listing each field. */
export function createValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    transformOptions: { enableImplicitConversion: false },
    exceptionFactory: (errors) => validationFailed(flattenValidationErrors(errors)),
  });
}

/** Path ids are UUIDs; anything else cannot name a record, so it is 404 NOT_FOUND. */
export const parseId = () => new ParseUUIDPipe({ exceptionFactory: () => new AppError(404, 'NOT_FOUND', 'No such record') });
