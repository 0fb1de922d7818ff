import { ArgumentMetadata, ParseUUIDPipe, ValidationError, ValidationPipe } from '@nestjs/common';
import { MAX_JSON_DEPTH, findStringProblem } from '../input/input-rules';
import { badRequest, noSuchRecord } from './app-error';

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
  badRequest('VALIDATION_FAILED', `Invalid request: ${fields.map((f) => f.field).join(', ')}`, { fields });

/** Where `@nestjs/swagger` keeps a DTO property's options (`nullable` among them). */
const SWAGGER_PROPERTY = 'swagger/apiModelProperties';

/**
 * A `null` in a DTO property that its documentation does not declare `nullable` (`@IsOptional()` lets
 * null through, and most columns behind optional fields are NOT NULL). Plain objects (free-form maps)
 * are not DTOs and are left to their own validation.
 */
export function findRefusedNull(value: unknown, path = '', depth = MAX_JSON_DEPTH + 2): FieldProblem | null {
  if (value === null || typeof value !== 'object' || depth <= 0) return null;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const p = findRefusedNull(value[i], path ? `${path}.${i}` : String(i), depth - 1);
      if (p) return p;
    }
    return null;
  }
  const proto = Object.getPrototypeOf(value);
  if (proto === Object.prototype || proto === null) return null;
  for (const key of Object.keys(value)) {
    const field = path ? `${path}.${key}` : key;
    const v = (value as Record<string, unknown>)[key];
    if (v === null) {
      const meta = Reflect.getMetadata(SWAGGER_PROPERTY, proto, key) as { nullable?: boolean } | undefined;
      if (!meta?.nullable) return { field, problems: [`${field} must not be null`] };
      continue;
    }
    const p = findRefusedNull(v, field, depth - 1);
    if (p) return p;
  }
  return null;
}

const isDtoClass = (t: unknown): boolean =>
  typeof t === 'function' &&
  ![String, Boolean, Number, Array, Object, Buffer].includes(t as never) &&
  Reflect.getMetadataKeys(t.prototype ?? {}).length > 0;

/**
 * The global pipe: NUL bytes and lone surrogates are refused in every body, query and path parameter
 * (no DTO can forget it), then class-validator runs, then undeclared nulls are refused.
 */
export class EdgeValidationPipe extends ValidationPipe {
  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    if (metadata.type === 'body' || metadata.type === 'query' || metadata.type === 'param') {
      const prefix = metadata.type === 'body' ? '' : (metadata.data ?? '');
      const problem = findStringProblem(value, prefix);
      if (problem) throw validationFailed([problem]);
    }
    // A DTO body is a JSON object: an array or scalar would be mapped element by element first.
    // (No body at all stays allowed: it validates as `{}`.)
    if (
      metadata.type === 'body' &&
      value !== undefined &&
      isDtoClass(metadata.metatype) &&
      (value === null || typeof value !== 'object' || Array.isArray(value))
    ) {
      throw validationFailed([{ field: 'body', problems: ['the request body must be a JSON object'] }]);
    }
    const out = await super.transform(value, metadata);
    if (metadata.type === 'body' || metadata.type === 'query') {
      const problem = findRefusedNull(out);
      if (problem) throw validationFailed([problem]);
    }
    return out;
  }
}

/** Unknown fields and wrong types → 400 VALIDATION_FAILED listing each field. */
export function createValidationPipe(): ValidationPipe {
  return new EdgeValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    transformOptions: { enableImplicitConversion: false },
    exceptionFactory: (errors) => validationFailed(flattenValidationErrors(errors)),
  });
}

/** Path ids are UUIDs; anything else cannot name a record, so it is 404 NOT_FOUND. */
export const parseId = () => new ParseUUIDPipe({ exceptionFactory: () => noSuchRecord() });
