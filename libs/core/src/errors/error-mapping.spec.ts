import {
  BadRequestException,
  ForbiddenException,
  HttpException,
  InternalServerErrorException,
  NotFoundException,
  PayloadTooLargeException,
  UnauthorizedException,
  type ValidationError,
} from '@nestjs/common';
import { AppError, badRequest, conflict, notFound, unauthenticated } from './app-error';
import { sqlState, toErrorBody } from './error-mapping';
import { flattenValidationErrors, validationFailed } from './validation';

const GENERIC_500 = { statusCode: 500, code: 'INTERNAL', message: 'Something went wrong on our side' };

describe('toErrorBody', () => {
  describe('AppError', () => {
    it('keeps status, code, message and details', () => {
      const err = new AppError(409, 'SLOT_TAKEN', 'That slot is taken', { slotId: 's1' });
      expect(toErrorBody(err)).toEqual({
        body: { statusCode: 409, code: 'SLOT_TAKEN', message: 'That slot is taken', details: { slotId: 's1' } },
        fault: false,
      });
    });

    it('omits details when there are none', () => {
      const { body } = toErrorBody(badRequest('BAD_THING', 'Bad thing'));
      expect(body).toEqual({ statusCode: 400, code: 'BAD_THING', message: 'Bad thing' });
      expect('details' in body).toBe(false);
    });

    it('maps the helpers', () => {
      expect(toErrorBody(unauthenticated()).body).toMatchObject({ statusCode: 401, code: 'UNAUTHENTICATED' });
      expect(toErrorBody(notFound('Booking', { id: 'b1' })).body).toEqual({
        statusCode: 404,
        code: 'NOT_FOUND',
        message: 'Booking not found',
        details: { id: 'b1' },
      });
      expect(toErrorBody(conflict('DUPLICATE', 'dup')).body).toMatchObject({ statusCode: 409, code: 'DUPLICATE' });
    });

    it('keeps validation details', () => {
      const err = validationFailed([{ field: 'email', problems: ['email must be an email'] }]);
      expect(toErrorBody(err)).toEqual({
        body: {
          statusCode: 400,
          code: 'VALIDATION_FAILED',
          message: 'Invalid request: email',
          details: { fields: [{ field: 'email', problems: ['email must be an email'] }] },
        },
        fault: false,
      });
    });
  });

  describe('Nest HttpExceptions', () => {
    it.each([
      [new NotFoundException('Nope'), 404, 'NOT_FOUND', 'Nope'],
      [new ForbiddenException(), 403, 'FORBIDDEN', 'Forbidden'],
      [new UnauthorizedException(), 401, 'UNAUTHENTICATED', 'Unauthorized'],
      [new BadRequestException('Bad input'), 400, 'BAD_REQUEST', 'Bad input'],
      [new PayloadTooLargeException(), 413, 'PAYLOAD_TOO_LARGE', 'Payload Too Large'],
      [
        new HttpException('ThrottlerException: Too Many Requests', 429),
        429,
        'RATE_LIMITED',
        'ThrottlerException: Too Many Requests',
      ],
      [new HttpException('I am a teapot', 418), 418, 'ERROR', 'I am a teapot'],
    ])('%p → %i %s', (err, statusCode, code, message) => {
      expect(toErrorBody(err)).toEqual({ body: { statusCode, code, message }, fault: false });
    });

    it('joins array messages (class-validator style responses)', () => {
      const err = new BadRequestException(['name must be a string', 'age must be a number']);
      expect(toErrorBody(err).body).toEqual({
        statusCode: 400,
        code: 'BAD_REQUEST',
        message: 'name must be a string; age must be a number',
      });
    });

    it('hides the route details of unknown-route 404s', () => {
      const err = new NotFoundException('Cannot GET /api/nothing');
      expect(toErrorBody(err).body).toEqual({ statusCode: 404, code: 'NOT_FOUND', message: 'No such route' });
    });

    it('maps a 400 caused by a JSON parse failure to MALFORMED_JSON', () => {
      const cause = Object.assign(new SyntaxError('Unexpected token } in JSON at position 7'), {
        type: 'entity.parse.failed',
      });
      const err = new BadRequestException('Unexpected token', { cause });
      expect(toErrorBody(err)).toEqual({
        body: { statusCode: 400, code: 'MALFORMED_JSON', message: 'The request body is not valid JSON' },
        fault: false,
      });
    });

    it('turns 5xx HttpExceptions into a generic fault without their message', () => {
      const { body, fault } = toErrorBody(new InternalServerErrorException('connection to 10.0.0.5 refused'));
      expect(fault).toBe(true);
      expect(body).toEqual(GENERIC_500);
      expect(JSON.stringify(body)).not.toContain('10.0.0.5');
    });
  });

  describe('body-parser errors', () => {
    it('maps entity.parse.failed to 400 MALFORMED_JSON', () => {
      const err = Object.assign(new SyntaxError('Unexpected token } in JSON at position 7'), {
        type: 'entity.parse.failed',
        status: 400,
        body: '{"a": }',
      });
      const { body, fault } = toErrorBody(err);
      expect(fault).toBe(false);
      expect(body).toEqual({ statusCode: 400, code: 'MALFORMED_JSON', message: 'The request body is not valid JSON' });
      expect(JSON.stringify(body)).not.toContain('position 7');
    });

    it('maps a plain-object parse failure too', () => {
      expect(toErrorBody({ type: 'entity.parse.failed', status: 400 }).body.code).toBe('MALFORMED_JSON');
    });

    it('maps other client-side body errors by status', () => {
      expect(toErrorBody({ type: 'entity.too.large', status: 413, message: 'request entity too large' })).toEqual({
        body: { statusCode: 413, code: 'PAYLOAD_TOO_LARGE', message: 'The request body was refused' },
        fault: false,
      });
      expect(toErrorBody({ type: 'charset.unsupported', statusCode: 415 }).body).toMatchObject({
        statusCode: 415,
        code: 'UNSUPPORTED_MEDIA_TYPE',
      });
      expect(toErrorBody({ type: 'request.aborted', status: 400 }).body).toMatchObject({
        statusCode: 400,
        code: 'BAD_REQUEST',
      });
    });

    it('treats a 5xx body error as a fault', () => {
      expect(toErrorBody({ type: 'stream.not.readable', status: 500 })).toEqual({ body: GENERIC_500, fault: true });
    });
  });

  describe('database errors (SQLSTATE)', () => {
    const pgError = (code: string, message: string) =>
      Object.assign(new Error(message), { code, detail: 'Key (email)=(a@b.c) already exists.', table: 'users' });

    it('maps a unique violation (23505) to 409 ALREADY_EXISTS', () => {
      const { body, fault } = toErrorBody(
        pgError('23505', 'duplicate key value violates unique constraint "users_email_unique"'),
      );
      expect(fault).toBe(false);
      expect(body).toEqual({
        statusCode: 409,
        code: 'ALREADY_EXISTS',
        message: 'A record with these values already exists',
      });
      expect(JSON.stringify(body)).not.toMatch(/users_email_unique|a@b\.c/);
    });

    it('maps an exclusion violation (23P01) to 409', () => {
      const { body, fault } = toErrorBody(
        pgError('23P01', 'conflicting key value violates exclusion constraint "no_overlap"'),
      );
      expect(fault).toBe(false);
      expect(body.statusCode).toBe(409);
      expect(body.code).toBe('CONFLICT');
      expect(body.message).not.toContain('no_overlap');
    });

    it('maps a foreign-key violation (23503) to 409 and a bad text representation (22P02) to 400', () => {
      expect(toErrorBody({ code: '23503' }).body).toMatchObject({ statusCode: 409, code: 'CONFLICT' });
      expect(toErrorBody({ code: '22P02' }).body).toMatchObject({ statusCode: 400, code: 'VALIDATION_FAILED' });
    });

    it('reads sqlState (MikroORM / PGlite style) as well as code', () => {
      expect(toErrorBody({ sqlState: '23505', code: 'UNIQUE' }).body.code).toBe('ALREADY_EXISTS');
      expect(sqlState({ sqlState: '23P01' })).toBe('23P01');
      expect(sqlState({ code: '23505' })).toBe('23505');
      expect(sqlState({ code: 'ECONNREFUSED' })).toBeUndefined();
      expect(sqlState({ code: 23505 })).toBeUndefined();
      expect(sqlState(undefined)).toBeUndefined();
      expect(sqlState(null)).toBeUndefined();
    });

    it('treats other SQLSTATEs as faults', () => {
      expect(toErrorBody(pgError('42P01', 'relation "secret_table" does not exist'))).toEqual({
        body: GENERIC_500,
        fault: true,
      });
    });
  });

  describe('unknown errors', () => {
    it('maps an Error to 500 INTERNAL without leaking its message, stack or SQL', () => {
      const err = new Error('select * from users where password_hash = $1 -- syntax error at or near "frm"');
      const { body, fault } = toErrorBody(err);
      expect(fault).toBe(true);
      expect(body).toEqual(GENERIC_500);
      const text = JSON.stringify(body);
      expect(text).not.toContain('password_hash');
      expect(text).not.toContain('select');
      expect(text).not.toContain(err.stack!.split('\n')[1].trim());
      expect(text).not.toMatch(/\bat\s.+:\d+:\d+/);
    });

    it.each([undefined, null, 'a string', 42, { some: 'object' }, new TypeError('x is undefined')])(
      'maps %p to a fault',
      (thrown) => {
        expect(toErrorBody(thrown)).toEqual({ body: GENERIC_500, fault: true });
      },
    );
  });
});

describe('flattenValidationErrors', () => {
  const ve = (
    property: string,
    constraints?: Record<string, string>,
    children: ValidationError[] = [],
  ): ValidationError => ({ property, constraints, children, value: undefined, target: {} }) as ValidationError;

  it('returns nothing for no errors', () => {
    expect(flattenValidationErrors([])).toEqual([]);
  });

  it('lists each field with its constraint messages', () => {
    const out = flattenValidationErrors([
      ve('email', { isEmail: 'email must be an email', isNotEmpty: 'email should not be empty' }),
      ve('age', { isInt: 'age must be an integer number' }),
    ]);
    expect(out).toEqual([
      { field: 'email', problems: ['email must be an email', 'email should not be empty'] },
      { field: 'age', problems: ['age must be an integer number'] },
    ]);
  });

  it('walks nested children with dotted paths, including array indexes', () => {
    const out = flattenValidationErrors([
      ve('profile', undefined, [
        ve('address', undefined, [ve('city', { isString: 'city must be a string' })]),
        ve('skills', { arrayMaxSize: 'skills must contain no more than 20 elements' }, [
          ve('0', undefined, [ve('name', { isNotEmpty: 'name should not be empty' })]),
        ]),
      ]),
      ve('extra', { whitelistValidation: 'property extra should not exist' }),
    ]);
    expect(out).toEqual([
      { field: 'profile.address.city', problems: ['city must be a string'] },
      { field: 'profile.skills', problems: ['skills must contain no more than 20 elements'] },
      { field: 'profile.skills.0.name', problems: ['name should not be empty'] },
      { field: 'extra', problems: ['property extra should not exist'] },
    ]);
  });

  it('prefixes with the given parent path', () => {
    expect(flattenValidationErrors([ve('x', { min: 'x must not be less than 1' })], 'body')).toEqual([
      { field: 'body.x', problems: ['x must not be less than 1'] },
    ]);
  });

  it('feeds validationFailed, which names every field', () => {
    const err = validationFailed(
      flattenValidationErrors([
        ve('a', { isString: 'a must be a string' }),
        ve('b', undefined, [ve('c', { isInt: 'c must be an integer' })]),
      ]),
    );
    expect(err).toBeInstanceOf(AppError);
    expect(err.getStatus()).toBe(400);
    expect(err.code).toBe('VALIDATION_FAILED');
    expect(err.message).toBe('Invalid request: a, b.c');
  });
});
