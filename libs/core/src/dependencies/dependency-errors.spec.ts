import { AppError } from '../errors/app-error';
import { toErrorBody } from '../errors/error-mapping';
import { ConnectionException, DriverException } from '@mikro-orm/core';
import { asDatabaseError, serviceUnavailable, unavailableDependency, withDependencyTimeout } from './dependency-errors';

const withCode = (message: string, code: string, extra: Record<string, unknown> = {}) =>
  Object.assign(new Error(message), { code, ...extra });

describe('unavailableDependency', () => {
  it.each([
    ['ioredis without an offline queue', new Error("Stream isn't writeable and enableOfflineQueue options is false")],
    ['ioredis commandTimeout', new Error('Command timed out')],
    ['ioredis / BullMQ closed connection', new Error('Connection is closed.')],
    [
      'ioredis retries exhausted',
      Object.assign(new Error('Reached the max retries per request limit (which is 1).'), {
        name: 'MaxRetriesPerRequestError',
      }),
    ],
  ])('names redis for %s', (_, err) => {
    expect(unavailableDependency(err)).toBe('redis');
  });

  it.each([
    ['admin_shutdown (pg_terminate_backend)', withCode('terminating connection due to administrator command', '57P01')],
    ['a connection exception', withCode('connection failure', '08006')],
    ['cannot connect now', withCode('the database system is starting up', '57P03')],
    ['too many connections', withCode('sorry, too many clients already', '53300')],
    ['a database refusing connections', withCode('database "x" is not currently accepting connections', '55000')],
    [
      'the knex pool acquire timeout',
      Object.assign(new Error('Knex: Timeout acquiring a connection. The pool is probably full.'), {
        name: 'KnexTimeoutError',
      }),
    ],
    [
      'the same wrapped by MikroORM',
      Object.assign(new Error('Knex: Timeout acquiring a connection. The pool is probably full.'), {
        name: 'DriverException',
      }),
    ],
    ['node-postgres losing its connection', new Error('Connection terminated unexpectedly')],
    ['node-postgres connectionTimeoutMillis', new Error('timeout expired')],
    ['pg-pool connect timeout', new Error('timeout exceeded when trying to connect')],
    ['a network error MikroORM converted', new DriverException(withCode('read ECONNRESET', 'ECONNRESET'))],
    ['a refused connect MikroORM converted', new ConnectionException(withCode('connect ECONNREFUSED', 'ECONNREFUSED'))],
    [
      'a MikroORM exception carrying the SQLSTATE',
      Object.assign(new Error('x'), { name: 'ConnectionException', sqlState: '08001' }),
    ],
  ])('names the database for %s', (_, err) => {
    expect(unavailableDependency(err)).toBe('database');
  });

  it('knows a network error without knowing whose it is, and looks through causes', () => {
    expect(unavailableDependency(withCode('connect ECONNREFUSED 127.0.0.1:1', 'ECONNREFUSED'))).toBe('unknown');
    expect(unavailableDependency(new Error('wrapped', { cause: new Error('Command timed out') }))).toBe('redis');
  });

  it('asDatabaseError names the database for a network error from a raw pooled connection, and keeps the rest', () => {
    const reset = withCode('read ECONNRESET', 'ECONNRESET');
    const named = asDatabaseError(reset) as AppError;
    expect(named).toBeInstanceOf(AppError);
    expect({ status: named.statusCode, code: named.code, details: named.details }).toEqual({
      status: 503,
      code: 'SERVICE_UNAVAILABLE',
      details: { dependency: 'database' },
    });
    expect((named as { cause?: unknown }).cause).toBe(reset);
    expect(toErrorBody(named).body.details).toEqual({ dependency: 'database' });
    const other = new Error('boom');
    expect(asDatabaseError(other)).toBe(other);
    const duplicate = withCode('duplicate key', '23505');
    expect(asDatabaseError(duplicate)).toBe(duplicate);
    const redis = new Error('Command timed out');
    expect(asDatabaseError(redis)).toBe(redis);
  });

  it('is null for faults that are not outages', () => {
    expect(unavailableDependency(new Error('boom'))).toBeNull();
    expect(unavailableDependency(withCode('duplicate key', '23505'))).toBeNull();
    expect(unavailableDependency(withCode('some other prerequisite', '55000'))).toBeNull();
    expect(unavailableDependency(new AppError(409, 'SLOT_UNAVAILABLE', 'taken'))).toBeNull();
    expect(unavailableDependency(undefined)).toBeNull();
  });
});

describe('toErrorBody for outages', () => {
  it('answers 503 SERVICE_UNAVAILABLE naming the dependency, not a 500 fault', () => {
    expect(toErrorBody(withCode('terminating connection due to administrator command', '57P01'))).toEqual({
      body: {
        statusCode: 503,
        code: 'SERVICE_UNAVAILABLE',
        message: 'The database is unavailable; try again shortly',
        details: { dependency: 'database' },
      },
      fault: false,
    });
    expect(toErrorBody(new Error('Command timed out')).body).toMatchObject({
      statusCode: 503,
      code: 'SERVICE_UNAVAILABLE',
      details: { dependency: 'redis' },
    });
    const refused = toErrorBody(withCode('connect ECONNREFUSED', 'ECONNREFUSED'));
    expect(refused).toEqual({
      body: {
        statusCode: 503,
        code: 'SERVICE_UNAVAILABLE',
        message: 'A service this request needs is unavailable; try again shortly',
      },
      fault: false,
    });
  });
});

describe('withDependencyTimeout', () => {
  it('settles with the work when it is in time', async () => {
    await expect(withDependencyTimeout(Promise.resolve(7), 50, 'redis')).resolves.toBe(7);
    await expect(withDependencyTimeout(Promise.reject(new Error('no')), 50, 'redis')).rejects.toThrow('no');
  });

  it('rejects with 503 naming the dependency once the time is up', async () => {
    const started = Date.now();
    const err = await withDependencyTimeout(new Promise(() => undefined), 30, 'database').catch((e: unknown) => e);
    expect(Date.now() - started).toBeGreaterThanOrEqual(25);
    expect(err).toBeInstanceOf(AppError);
    expect((err as AppError).toBody()).toEqual(serviceUnavailable('database', { timeoutMs: 30 }).toBody());
    expect((err as AppError).statusCode).toBe(503);
  });

  it('an answer handled in the same turn of the event loop as the timer still counts (a busy loop is not an outage)', async () => {
    // Fake timers make the order exact: the timeout's timer fires, the answer is read in that same turn (before
    // the loop's next check phase), and only then does the loop move on. Real timers made this order a race.
    jest.useFakeTimers();
    try {
      let answer!: (v: string) => void;
      const work = new Promise<string>((resolve) => (answer = resolve));
      const result = withDependencyTimeout(work, 20, 'redis');
      jest.advanceTimersByTime(20);
      answer('PONG');
      jest.runAllTimers();
      await expect(result).resolves.toBe('PONG');
    } finally {
      jest.useRealTimers();
    }
  });

  it('still times out when no answer comes in that turn', async () => {
    jest.useFakeTimers();
    try {
      const result = withDependencyTimeout(new Promise<string>(() => undefined), 20, 'redis').catch((e: unknown) => e);
      jest.advanceTimersByTime(20);
      jest.runAllTimers();
      expect(((await result) as AppError).statusCode).toBe(503);
    } finally {
      jest.useRealTimers();
    }
  });
});
