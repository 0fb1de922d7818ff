import 'reflect-metadata';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsBoolean, IsOptional, IsString, ValidateNested } from 'class-validator';
import { ArgumentMetadata } from '@nestjs/common';
import { AppError } from '../errors/app-error';
import { toErrorBody } from '../errors/error-mapping';
import { createValidationPipe, findRefusedNull } from '../errors/validation';
import { bodyErrorToBody } from './body-parsing';
import {
  MAX_JSON_DEPTH,
  MAX_JSON_VALUES,
  MAX_OBJECT_KEYS,
  findStringProblem,
  jsonDepthExceeds,
  jsonShapeProblem,
  stringProblem,
} from './input-rules';
import { isInstantInRange } from './input-validators';

const bytes = (s: string) => Buffer.from(s, 'utf8');

describe('jsonDepthExceeds', () => {
  it('counts arrays and objects, stops past the limit', () => {
    expect(jsonDepthExceeds(bytes('{"a":[{"b":1}]}'), 3)).toBe(false);
    expect(jsonDepthExceeds(bytes('{"a":[{"b":[1]}]}'), 3)).toBe(true);
    expect(jsonDepthExceeds(bytes('['.repeat(20_000) + ']'.repeat(20_000)), MAX_JSON_DEPTH)).toBe(true);
    expect(jsonDepthExceeds(bytes('['.repeat(MAX_JSON_DEPTH) + ']'.repeat(MAX_JSON_DEPTH)), MAX_JSON_DEPTH)).toBe(
      false,
    );
  });

  it('counts values (elements and members) and stops past the limit', () => {
    expect(jsonShapeProblem(bytes(JSON.stringify(Array(MAX_JSON_VALUES - 1).fill(1))))).toBeNull();
    expect(jsonShapeProblem(bytes(JSON.stringify({ a: Array(MAX_JSON_VALUES + 1).fill(1) })))).toBe('too-many-values');
    expect(jsonShapeProblem(bytes(JSON.stringify({ a: 'x,'.repeat(MAX_JSON_VALUES * 2) })))).toBeNull();
    expect(jsonShapeProblem(bytes('['.repeat(40) + ']'.repeat(40)))).toBe('too-deep');
  });

  it('ignores brackets inside strings, escaped quotes included', () => {
    expect(jsonDepthExceeds(bytes(`{"a":"${'['.repeat(100)}"}`), 2)).toBe(false);
    expect(jsonDepthExceeds(bytes(`{"a":"\\"${'{'.repeat(100)}"}`), 2)).toBe(false);
    expect(jsonDepthExceeds(bytes(`{"a":"\\\\","b":[[[1]]]}`), 3)).toBe(true);
    expect(jsonDepthExceeds(bytes(`{"ü€😀":"[[[["}`), 1)).toBe(false);
  });

  it('scans 1 MB quickly', () => {
    const big = bytes(JSON.stringify({ a: Array.from({ length: 100_000 }, (_, i) => ({ i })) }));
    const started = performance.now();
    expect(jsonDepthExceeds(big, MAX_JSON_DEPTH)).toBe(false);
    expect(performance.now() - started).toBeLessThan(1000);
  });
});

describe('stringProblem / findStringProblem', () => {
  it('refuses NUL and lone surrogates, accepts pairs', () => {
    expect(stringProblem('a\u0000b')).toMatch(/NUL/);
    expect(stringProblem('a\ud800b')).toMatch(/surrogate/);
    expect(stringProblem('\udc00')).toMatch(/surrogate/);
    expect(stringProblem('😀 ok ü')).toBeNull();
  });

  it('names the field path, in nested values and keys', () => {
    expect(findStringProblem({ profile: { skills: ['ok', 'b\u0000d'] } })).toMatchObject({ field: 'profile.skills.1' });
    expect(findStringProblem({ ['k\u0000']: 1 })).toMatchObject({
      field: 'k\uFFFD',
      problems: ['property name must not contain NUL characters'],
    });
    expect(findStringProblem('x\ud800', 'id')).toMatchObject({ field: 'id' });
    expect(findStringProblem({ a: 1, b: [true, null], c: 'fine' })).toBeNull();
  });

  it('refuses objects with more members than any DTO has', () => {
    const wide = Object.fromEntries(Array.from({ length: MAX_OBJECT_KEYS + 1 }, (_, i) => [`k${i}`, 1]));
    expect(findStringProblem({ softSkills: wide })).toMatchObject({ field: 'softSkills' });
    expect(findStringProblem(wide)).toMatchObject({ field: 'body' });
  });
});

describe('isInstantInRange', () => {
  it.each(['2026-12-01T09:00:00Z', '2026-12-01T10:00:00+01:00', '1970-01-01T00:00:00Z', '2099-12-31T23:59:59.999Z'])(
    'accepts %s',
    (v) => expect(isInstantInRange(v)).toBe(true),
  );
  it.each([
    '9999-12-31T23:59:59Z',
    '2100-01-01T00:00:00Z',
    '1969-12-31T23:59:59Z',
    '0001-01-01T00:00:00Z',
    '2026-02-30T10:00:00Z',
    'tomorrow',
    42,
    null,
  ])('refuses %p', (v) => expect(isInstantInRange(v)).toBe(false));
});

describe('bodyErrorToBody', () => {
  it('maps depth, size, charset and decompression failures to stable 4xx codes', () => {
    expect(bodyErrorToBody({ type: 'entity.too.deep', status: 400 }).body).toMatchObject({
      statusCode: 400,
      code: 'PAYLOAD_TOO_DEEP',
    });
    expect(bodyErrorToBody({ type: 'entity.too.many.values', status: 413 }).body).toMatchObject({
      statusCode: 413,
      code: 'PAYLOAD_TOO_LARGE',
    });
    expect(bodyErrorToBody({ type: 'entity.too.large', status: 413 }).body).toMatchObject({
      statusCode: 413,
      code: 'PAYLOAD_TOO_LARGE',
    });
    expect(bodyErrorToBody({ type: 'entity.parse.failed', status: 400 }).body).toMatchObject({
      statusCode: 400,
      code: 'MALFORMED_JSON',
    });
    expect(bodyErrorToBody({ type: 'encoding.unsupported', status: 415 }).body).toMatchObject({
      statusCode: 415,
      code: 'UNSUPPORTED_MEDIA_TYPE',
    });
    const zlib = Object.assign(new Error('incorrect header check'), { code: 'Z_DATA_ERROR', errno: -3, status: 400 });
    expect(bodyErrorToBody(zlib, 'gzip')).toEqual({
      body: { statusCode: 400, code: 'MALFORMED_BODY', message: 'The request body could not be decompressed' },
      fault: false,
    });
    expect(
      bodyErrorToBody(
        Object.assign(new Error('Decompression failed'), { code: 'ERR__ERROR_FORMAT_PADDING_1', status: 400 }),
        'br',
      ).body.code,
    ).toBe('MALFORMED_BODY');
  });

  it('maps a path the router could not percent-decode to 400 MALFORMED_PATH', () => {
    expect(toErrorBody(Object.assign(new URIError('URI malformed'), { status: 400 }))).toMatchObject({
      body: { statusCode: 400, code: 'MALFORMED_PATH' },
      fault: false,
    });
  });

  it('keeps real faults as faults', () => {
    expect(bodyErrorToBody(new Error('boom')).fault).toBe(true);
  });
});

class Inner {
  @ApiProperty() @IsString() name!: string;
}
class Prefs {
  @ApiPropertyOptional() @IsOptional() @IsBoolean() email?: boolean;
  @ApiProperty({ nullable: true }) @IsOptional() @IsString() note!: string | null;
  @ApiPropertyOptional({ type: [Inner] })
  @IsOptional()
  @ValidateNested({ each: true })
  @Type(() => Inner)
  items?: Inner[];
  @ApiPropertyOptional() @IsOptional() free?: Record<string, unknown>;
}

describe('the global validation pipe', () => {
  const pipe = createValidationPipe();
  const body: ArgumentMetadata = { type: 'body', metatype: Prefs };
  const fails = async (value: unknown, meta: ArgumentMetadata = body) => {
    try {
      await pipe.transform(value, meta);
    } catch (err) {
      return (err as AppError).toBody();
    }
    throw new Error('expected a refusal');
  };

  it('refuses null where the DTO does not declare it nullable', async () => {
    expect(await fails({ email: null })).toMatchObject({
      code: 'VALIDATION_FAILED',
      details: { fields: [{ field: 'email', problems: ['email must not be null'] }] },
    });
    await expect(pipe.transform({ note: null, email: true }, body)).resolves.toMatchObject({ note: null, email: true });
    expect(findRefusedNull({ free: { a: null } })).toBeNull();
  });

  it('refuses a body that is not a JSON object before mapping it', async () => {
    expect(await fails([{ email: true }, { email: false }])).toMatchObject({
      details: { fields: [{ field: 'body', problems: ['the request body must be a JSON object'] }] },
    });
    expect(await fails('text')).toMatchObject({ code: 'VALIDATION_FAILED' });
    await expect(pipe.transform(undefined, body)).resolves.toBeInstanceOf(Prefs);
  });

  it('refuses NUL and lone surrogates in bodies, queries and path params', async () => {
    expect(await fails({ note: 'a\u0000' })).toMatchObject({
      code: 'VALIDATION_FAILED',
      details: { fields: [{ field: 'note' }] },
    });
    expect(await fails({ items: [{ name: '\ud800' }] })).toMatchObject({
      details: { fields: [{ field: 'items.0.name' }] },
    });
    expect(await fails('web\u0000dev', { type: 'param', data: 'slug', metatype: String })).toMatchObject({
      details: { fields: [{ field: 'slug' }] },
    });
    expect(await fails({ q: '\udfff' }, { type: 'query', metatype: Object })).toMatchObject({
      details: { fields: [{ field: 'q' }] },
    });
  });
});
