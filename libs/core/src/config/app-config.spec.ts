import { DateTime, Duration } from 'luxon';
import { ManualClock, SystemClock } from '../clock/clock';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AppConfig, ConfigError } from './app-config';
import { JWT_SECRET_REQUIRED, MAX_VETTING_CALL_LENGTH } from './env.schema';

/** Runs fromEnv and returns the ConfigError it throws (fails the test if it throws anything else or nothing). */
function configError(env: Record<string, string>): ConfigError {
  let caught: unknown;
  try {
    AppConfig.fromEnv(env);
  } catch (err) {
    caught = err;
  }
  expect(caught).toBeInstanceOf(ConfigError);
  return caught as ConfigError;
}

const SECRET = { JWT_SECRET: 'j'.repeat(32) };
const problemFor = (err: ConfigError, name: string) => err.problems.filter((p) => p.startsWith(`${name}:`));

describe('AppConfig.fromEnv', () => {
  describe('defaults', () => {
    const config = AppConfig.fromEnv({});

    it('server, database, redis and auth defaults', () => {
      expect(config.env.NODE_ENV).toBe('development');
      expect(config.env.PORT).toBe(3000);
      expect(config.env.HOST).toBe('0.0.0.0');
      expect(config.env.PUBLIC_URL).toBe('http://localhost:3000');
      expect(config.env.LOG_LEVEL).toBe('info');
      expect(config.env.DATABASE_URL).toBeUndefined();
      expect(config.env.DATABASE_POOL_SIZE).toBe(10);
      expect(config.env.DATA_DIR).toBe('.data');
      expect(config.env.REDIS_URL).toBe('redis://127.0.0.1:6379');
      expect(config.env.REDIS_PREFIX).toBe('vetting:');
      expect(config.env.JWT_SECRET).toBeUndefined();
      expect(config.env.JWT_TTL.as('hours')).toBe(12);
      expect(config.env.ADMIN_EMAIL).toBeUndefined();
      expect(config.env.ADMIN_PASSWORD).toBeUndefined();
      expect(config.env.AUTH_RATE_LIMIT).toBe(20);
      expect(config.env.AUTH_RATE_WINDOW.as('minutes')).toBe(1);
      expect(config.env.WORKER_IN_PROCESS).toBeUndefined();
      expect(config.env.WORKER_CONCURRENCY).toBe(10);
      expect(config.env.FANOUT_BATCH_SIZE).toBe(2000);
      expect(config.env.LIVE_RECOVERY_WINDOW.as('minutes')).toBe(2);
      expect(config.env.SWAGGER_ENABLED).toBeUndefined();
      expect(config.swaggerEnabled).toBe(true);
      expect(config.env.TRUST_PROXY).toBe(false);
      expect(config.env.AUTH_ACCOUNT_RATE_LIMIT).toBe(10);
      expect(config.env.AUTH_ACCOUNT_RATE_WINDOW.as('minutes')).toBe(15);
      expect(config.corsOrigins).toEqual(['http://localhost:3000', 'http://localhost:5173']);
    });

    it('vetting policy defaults', () => {
      const p = config.policy;
      expect(p.callLength.as('minutes')).toBe(30);
      expect(p.gracePeriod.as('minutes')).toBe(5);
      expect(p.rescheduleNotice.as('hours')).toBe(24);
      expect(p.maxReschedules).toBe(1);
      // Months stay calendar units.
      expect(p.missedCooldown.as('months')).toBe(6);
      expect(p.missedCooldown.toISO()).toBe('P6M');
      expect(p.minBookingLead.as('hours')).toBe(1);
      expect(p.joinEarly.as('minutes')).toBe(10);
      expect(p.dailyCap).toBe(8);
      expect(p.bookingHorizon.as('days')).toBe(30);
      expect(p.endingSoon.as('minutes')).toBe(5);
      expect(p.reminders.map((d) => d.as('hours'))).toEqual([24, 1]);
      expect(p.profileMinVerifiedSkills).toBe(3);
    });

    it('uses JWT_SECRET when set', () => {
      expect(AppConfig.fromEnv({ JWT_SECRET: 's'.repeat(20) }).jwtSecret).toBe('s'.repeat(20));
    });
  });

  describe('overrides', () => {
    it('parses ISO-8601 durations and numbers', () => {
      const c = AppConfig.fromEnv({
        VETTING_CALL_LENGTH: 'PT20S',
        VETTING_GRACE_PERIOD: 'PT5S',
        VETTING_MISSED_COOLDOWN: 'P1Y',
        VETTING_MAX_RESCHEDULES: '0',
        VETTING_DAILY_CAP: '3',
        VETTING_REMINDERS: 'PT2H, PT15M',
        PORT: '8080',
        JWT_TTL: 'PT1H',
      });
      expect(c.policy.callLength.as('seconds')).toBe(20);
      expect(c.policy.gracePeriod.as('seconds')).toBe(5);
      expect(c.policy.missedCooldown.as('years')).toBe(1);
      expect(c.policy.maxReschedules).toBe(0);
      expect(c.policy.dailyCap).toBe(3);
      expect(c.policy.reminders.map((d) => d.as('minutes'))).toEqual([120, 15]);
      expect(c.env.PORT).toBe(8080);
      expect(c.env.JWT_TTL.as('seconds')).toBe(3600);
    });

    it('trims surrounding whitespace in durations', () => {
      expect(AppConfig.fromEnv({ VETTING_JOIN_EARLY: ' PT3M ' }).policy.joinEarly.as('minutes')).toBe(3);
    });

    it('parses booleans', () => {
      expect(AppConfig.fromEnv({ SWAGGER_ENABLED: 'false' }).env.SWAGGER_ENABLED).toBe(false);
      expect(AppConfig.fromEnv({ SWAGGER_ENABLED: 'false' }).swaggerEnabled).toBe(false);
      expect(AppConfig.fromEnv({ SWAGGER_ENABLED: '0' }).env.SWAGGER_ENABLED).toBe(false);
      expect(AppConfig.fromEnv({ SWAGGER_ENABLED: 'yes' }).env.SWAGGER_ENABLED).toBe(true);
      expect(problemFor(configError({ SWAGGER_ENABLED: 'maybe' }), 'SWAGGER_ENABLED')).toHaveLength(1);
    });

    it('accepts postgres:// and postgresql:// database URLs and rediss:// Redis URLs', () => {
      expect(AppConfig.fromEnv({ ...SECRET, DATABASE_URL: 'postgres://u:p@db:5432/app' }).env.DATABASE_URL).toBe(
        'postgres://u:p@db:5432/app',
      );
      expect(AppConfig.fromEnv({ ...SECRET, DATABASE_URL: 'postgresql://db/app' }).env.DATABASE_URL).toBe(
        'postgresql://db/app',
      );
      expect(AppConfig.fromEnv({ REDIS_URL: 'rediss://cache:6380' }).env.REDIS_URL).toBe('rediss://cache:6380');
    });
  });

  describe('bad durations', () => {
    it.each(['30 minutes', 'PT-5M', '', '   ', '30', 'P'])(
      'rejects VETTING_JOIN_EARLY=%p with a ConfigError',
      (raw) => {
        const err = configError({ VETTING_JOIN_EARLY: raw });
        expect(problemFor(err, 'VETTING_JOIN_EARLY')).toHaveLength(1);
      },
    );

    it.each([
      'VETTING_RESCHEDULE_NOTICE',
      'VETTING_MISSED_COOLDOWN',
      'VETTING_BOOKING_HORIZON',
      'JWT_TTL',
      'AUTH_RATE_WINDOW',
      'LIVE_RECOVERY_WINDOW',
    ])('rejects a malformed %s', (name) => {
      const err = configError({ [name]: '30 minutes' });
      expect(problemFor(err, name)).toEqual([`${name}: "30 minutes" is not an ISO-8601 duration (e.g. PT30M)`]);
    });

    it('rejects a negative duration with its own message', () => {
      const err = configError({ VETTING_MIN_BOOKING_LEAD: 'PT-5M' });
      expect(problemFor(err, 'VETTING_MIN_BOOKING_LEAD')).toEqual([
        'VETTING_MIN_BOOKING_LEAD: "PT-5M" must be a non-negative duration',
      ]);
    });

    it('rejects a reminders list with a bad or negative entry', () => {
      const err = configError({ VETTING_REMINDERS: 'PT24H,soon' });
      expect(problemFor(err, 'VETTING_REMINDERS')).toHaveLength(1);
      expect(problemFor(configError({ VETTING_REMINDERS: 'PT24H,PT-1H' }), 'VETTING_REMINDERS')).toHaveLength(1);
    });

    // Zero is a policy where it means "none": no booking lead, no early join, no notice needed, a reminder at the start.
    it.each(['VETTING_MIN_BOOKING_LEAD', 'VETTING_JOIN_EARLY', 'VETTING_RESCHEDULE_NOTICE'])(
      'accepts %s=PT0S (none)',
      (name) => {
        const config = AppConfig.fromEnv({ [name]: 'PT0S' });
        expect((config.env as unknown as Record<string, Duration>)[name].toMillis()).toBe(0);
        expect(AppConfig.fromEnv({ [name]: 'P0D' }).env).toBeDefined();
      },
    );

    it('accepts a reminder at the start, and no reminders at all', () => {
      expect(AppConfig.fromEnv({ VETTING_REMINDERS: 'PT1H,PT0S' }).policy.reminders.map((d) => d.toMillis())).toEqual([
        3_600_000, 0,
      ]);
      expect(AppConfig.fromEnv({ VETTING_REMINDERS: '' }).policy.reminders).toEqual([]);
      expect(AppConfig.fromEnv({ VETTING_REMINDERS: 'none' }).policy.reminders).toEqual([]);
    });

    // Zero stays refused where it is meaningless.
    it.each(['VETTING_CALL_LENGTH', 'VETTING_GRACE_PERIOD', 'VETTING_MISSED_COOLDOWN', 'JWT_TTL', 'AUTH_RATE_WINDOW'])(
      'rejects %s=PT0S as not positive',
      (name) => {
        expect(problemFor(configError({ [name]: 'PT0S' }), name)).toEqual([
          `${name}: "PT0S" must be a positive duration`,
        ]);
      },
    );

    // Regression: a bad call length or grace period used to reach the cross-field check as a non-Duration
    // and make fromEnv throw a TypeError instead of a ConfigError.
    it.each(['30 minutes', 'PT-5M', 'P0D', ''])('rejects VETTING_CALL_LENGTH=%p with a ConfigError', (raw) => {
      const err = configError({ VETTING_CALL_LENGTH: raw });
      expect(problemFor(err, 'VETTING_CALL_LENGTH')).toHaveLength(1);
    });

    it("bounds VETTING_CALL_LENGTH at MAX_VETTING_CALL_LENGTH (PT12H): the calendar's reads of booked calls rely on it", () => {
      expect(problemFor(configError({ VETTING_CALL_LENGTH: 'PT12H1M' }), 'VETTING_CALL_LENGTH')).toEqual([
        'VETTING_CALL_LENGTH: must be at most PT12H',
      ]);
      expect(
        AppConfig.fromEnv({ VETTING_CALL_LENGTH: 'PT12H', VETTING_DAILY_CAP: '2' }).policy.callLength.toISO(),
      ).toBe('PT12H');
      expect(MAX_VETTING_CALL_LENGTH.toISO()).toBe('PT12H');
    });

    it.each(['30 minutes', 'PT-5M', 'P0D', ''])('rejects VETTING_GRACE_PERIOD=%p with a ConfigError', (raw) => {
      const err = configError({ VETTING_GRACE_PERIOD: raw });
      expect(problemFor(err, 'VETTING_GRACE_PERIOD')).toHaveLength(1);
    });
  });

  describe('daily cap bound', () => {
    it('derives the most calls in a day from VETTING_CALL_LENGTH', () => {
      expect(AppConfig.fromEnv({}).policy.maxDailyCap).toBe(48);
      expect(AppConfig.fromEnv({ VETTING_CALL_LENGTH: 'PT20M' }).policy.maxDailyCap).toBe(72);
      expect(AppConfig.fromEnv({ VETTING_CALL_LENGTH: 'PT45M', VETTING_DAILY_CAP: '32' }).policy.maxDailyCap).toBe(32);
    });

    it('refuses VETTING_DAILY_CAP above the calls that fit in a day', () => {
      expect(problemFor(configError({ VETTING_DAILY_CAP: '49' }), 'VETTING_DAILY_CAP')).toEqual([
        'VETTING_DAILY_CAP: must be at most 48 (calls of VETTING_CALL_LENGTH PT30M in a day)',
      ]);
      expect(
        problemFor(
          configError({ VETTING_CALL_LENGTH: 'PT4H', VETTING_DAILY_CAP: '7', VETTING_GRACE_PERIOD: 'PT5M' }),
          'VETTING_DAILY_CAP',
        ),
      ).toHaveLength(1);
      expect(AppConfig.fromEnv({ VETTING_CALL_LENGTH: 'PT15M', VETTING_DAILY_CAP: '96' }).policy.dailyCap).toBe(96);
    });
  });

  describe('bad numbers and URLs', () => {
    it.each([
      ['PORT', '70000'],
      ['PORT', 'http'],
      ['DATABASE_POOL_SIZE', '0'],
      ['VETTING_DAILY_CAP', '0'],
      ['VETTING_MAX_RESCHEDULES', '-1'],
      ['VETTING_MAX_RESCHEDULES', '1.5'],
      ['WORKER_CONCURRENCY', '1001'],
      ['FANOUT_BATCH_SIZE', '0'],
      ['FANOUT_BATCH_SIZE', '10001'],
      ['REDIS_URL', 'http://127.0.0.1:6379'],
      ['REDIS_URL', '127.0.0.1:6379'],
      ['DATABASE_URL', 'mysql://db/app'],
      ['DATABASE_URL', 'not a url'],
      ['REDIS_PREFIX', 'has space'],
      ['PUBLIC_URL', 'localhost'],
      ['NODE_ENV', 'staging'],
      ['LOG_LEVEL', 'verbose'],
      ['WORKER_IN_PROCESS', 'maybe'],
      ['JWT_SECRET', 'short'],
      ['ADMIN_PASSWORD', 'short'],
    ])('rejects %s=%p', (name, raw) => {
      const env: Record<string, string> = { [name]: raw };
      if (name === 'ADMIN_PASSWORD') env.ADMIN_EMAIL = 'admin@example.com';
      expect(problemFor(configError(env), name).length).toBeGreaterThanOrEqual(1);
    });

    it('treats an empty DATABASE_URL as unset (embedded database)', () => {
      const c = AppConfig.fromEnv({ DATABASE_URL: '  ' });
      expect(c.env.DATABASE_URL).toBeUndefined();
      expect(c.embeddedDatabase).toBe(true);
    });
  });

  describe('ConfigError', () => {
    it('lists every bad variable at once', () => {
      const err = configError({ PORT: 'http', REDIS_URL: 'http://cache', VETTING_JOIN_EARLY: '10 minutes' });
      expect(err.name).toBe('ConfigError');
      for (const name of ['PORT', 'REDIS_URL', 'VETTING_JOIN_EARLY']) {
        expect(problemFor(err, name)).toHaveLength(1);
        expect(err.message).toContain(`- ${name}:`);
      }
      expect(err.problems).toHaveLength(3);
      expect(err.message.startsWith('Invalid configuration:')).toBe(true);
    });

    it('reports field problems and cross-field problems together', () => {
      const err = configError({
        NODE_ENV: 'production',
        VETTING_JOIN_EARLY: 'PT-1M',
        ADMIN_EMAIL: 'admin@example.com',
        VETTING_CALL_LENGTH: 'PT5M',
      });
      for (const name of ['VETTING_JOIN_EARLY', 'JWT_SECRET', 'ADMIN_PASSWORD', 'VETTING_GRACE_PERIOD']) {
        expect(problemFor(err, name)).toHaveLength(1);
        expect(err.message).toContain(name);
      }
    });
  });

  describe('cross-field rules', () => {
    it('requires JWT_SECRET everywhere but the embedded development start', () => {
      const required = [`JWT_SECRET: ${JWT_SECRET_REQUIRED}`];
      expect(problemFor(configError({ NODE_ENV: 'production' }), 'JWT_SECRET')).toEqual(required);
      expect(problemFor(configError({ NODE_ENV: 'test' }), 'JWT_SECRET')).toEqual(required);
      // A development start on an external database is not a local one: no generated secret there either.
      expect(problemFor(configError({ DATABASE_URL: 'postgres://db/app' }), 'JWT_SECRET')).toEqual(required);
      expect(
        problemFor(configError({ NODE_ENV: 'development', DATABASE_URL: 'postgres://db/app' }), 'JWT_SECRET'),
      ).toEqual(required);
      // Also reported when another variable is bad (the early path).
      expect(problemFor(configError({ NODE_ENV: 'production', PORT: 'http' }), 'JWT_SECRET')).toEqual(required);
      expect(configError({ NODE_ENV: 'production' }).message).toContain('JWT_SECRET: is required');
      expect(AppConfig.fromEnv({ NODE_ENV: 'production', JWT_SECRET: 'p'.repeat(32) }).jwtSecret).toBe('p'.repeat(32));
      expect(() => AppConfig.fromEnv({ NODE_ENV: 'development' })).not.toThrow();
      expect(() => AppConfig.fromEnv({})).not.toThrow();
    });

    it('the embedded development start generates a secret per data directory, kept (0600) across restarts', () => {
      const dir = mkdtempSync(join(tmpdir(), 'vetting-secret-'));
      const other = mkdtempSync(join(tmpdir(), 'vetting-secret-'));
      try {
        const first = AppConfig.fromEnv({ DATA_DIR: join(dir, 'data') }).jwtSecret;
        expect(first.length).toBeGreaterThanOrEqual(32);
        expect(first).not.toMatch(/dev-only|change-me/);
        const file = join(dir, 'data', 'jwt-secret');
        expect(readFileSync(file, 'utf8').trim()).toBe(first);
        expect(statSync(file).mode & 0o777).toBe(0o600);
        // A restart reads the same secret back.
        expect(AppConfig.fromEnv({ DATA_DIR: join(dir, 'data') }).jwtSecret).toBe(first);
        // Another data directory gets its own.
        expect(AppConfig.fromEnv({ DATA_DIR: other }).jwtSecret).not.toBe(first);
        // JWT_SECRET wins and writes nothing.
        const third = mkdtempSync(join(tmpdir(), 'vetting-secret-'));
        expect(AppConfig.fromEnv({ DATA_DIR: third, JWT_SECRET: 'q'.repeat(20) }).jwtSecret).toBe('q'.repeat(20));
        expect(existsSync(join(third, 'jwt-secret'))).toBe(false);
        rmSync(third, { recursive: true, force: true });
      } finally {
        rmSync(dir, { recursive: true, force: true });
        rmSync(other, { recursive: true, force: true });
      }
    });

    it('Swagger is off in production unless SWAGGER_ENABLED=true', () => {
      expect(AppConfig.fromEnv({ ...SECRET, NODE_ENV: 'production' }).swaggerEnabled).toBe(false);
      expect(AppConfig.fromEnv({ ...SECRET, NODE_ENV: 'production', SWAGGER_ENABLED: 'true' }).swaggerEnabled).toBe(
        true,
      );
      expect(AppConfig.fromEnv({ ...SECRET, NODE_ENV: 'test' }).swaggerEnabled).toBe(true);
    });

    it('CORS origins: PUBLIC_URL by default (plus Vite in development), or the CORS_ORIGINS list', () => {
      expect(
        AppConfig.fromEnv({ ...SECRET, NODE_ENV: 'production', PUBLIC_URL: 'https://vetting.example.com/app' })
          .corsOrigins,
      ).toEqual(['https://vetting.example.com']);
      const c = AppConfig.fromEnv({
        ...SECRET,
        NODE_ENV: 'production',
        CORS_ORIGINS: 'https://a.example.com, http://localhost:8080/',
      });
      expect(c.corsOrigins).toEqual(['https://a.example.com', 'http://localhost:8080']);
      expect(problemFor(configError({ CORS_ORIGINS: 'https://a.example.com,*' }), 'CORS_ORIGINS')).toHaveLength(1);
      expect(problemFor(configError({ CORS_ORIGINS: 'https://a.example.com/path' }), 'CORS_ORIGINS')).toHaveLength(1);
      expect(problemFor(configError({ CORS_ORIGINS: 'ftp://a.example.com' }), 'CORS_ORIGINS')).toHaveLength(1);
    });

    it('TRUST_PROXY: off by default, a hop count or a list of proxies, never `true`', () => {
      expect(AppConfig.fromEnv({ TRUST_PROXY: '1' }).env.TRUST_PROXY).toBe(1);
      expect(AppConfig.fromEnv({ TRUST_PROXY: 'false' }).env.TRUST_PROXY).toBe(false);
      expect(AppConfig.fromEnv({ TRUST_PROXY: 'loopback, 10.0.0.0/8' }).env.TRUST_PROXY).toEqual([
        'loopback',
        '10.0.0.0/8',
      ]);
      expect(problemFor(configError({ TRUST_PROXY: 'true' }), 'TRUST_PROXY')).toHaveLength(1);
      expect(problemFor(configError({ TRUST_PROXY: 'proxy.example.com' }), 'TRUST_PROXY')).toHaveLength(1);
    });

    it('requires ADMIN_EMAIL and ADMIN_PASSWORD together', () => {
      expect(problemFor(configError({ ADMIN_EMAIL: 'admin@example.com' }), 'ADMIN_PASSWORD')).toHaveLength(1);
      expect(problemFor(configError({ ADMIN_PASSWORD: 'long-enough-password' }), 'ADMIN_EMAIL')).toHaveLength(1);
      expect(
        problemFor(configError({ ADMIN_EMAIL: 'admin@example.com', ADMIN_PASSWORD: '' }), 'ADMIN_PASSWORD'),
      ).toHaveLength(1);
      expect(
        problemFor(configError({ ADMIN_EMAIL: 'not-an-email', ADMIN_PASSWORD: 'long-enough-password' }), 'ADMIN_EMAIL'),
      ).toHaveLength(1);
      const c = AppConfig.fromEnv({ ADMIN_EMAIL: ' admin@example.com ', ADMIN_PASSWORD: 'long-enough-password' });
      expect(c.env.ADMIN_EMAIL).toBe('admin@example.com');
      expect(c.env.ADMIN_PASSWORD).toBe('long-enough-password');
    });

    it('requires the grace period to be shorter than the call length', () => {
      expect(problemFor(configError({ VETTING_CALL_LENGTH: 'PT5M' }), 'VETTING_GRACE_PERIOD')).toEqual([
        'VETTING_GRACE_PERIOD: must be shorter than VETTING_CALL_LENGTH',
      ]);
      expect(problemFor(configError({ VETTING_CALL_LENGTH: 'PT20S' }), 'VETTING_GRACE_PERIOD')).toHaveLength(1);
      expect(problemFor(configError({ VETTING_GRACE_PERIOD: 'PT1H' }), 'VETTING_GRACE_PERIOD')).toHaveLength(1);
      expect(
        AppConfig.fromEnv({ VETTING_CALL_LENGTH: 'PT5M', VETTING_GRACE_PERIOD: 'PT4M59S' }).policy.gracePeriod.as(
          'seconds',
        ),
      ).toBe(299);
    });
  });

  describe('derived settings', () => {
    it('embeddedDatabase is true exactly when DATABASE_URL is unset', () => {
      expect(AppConfig.fromEnv({}).embeddedDatabase).toBe(true);
      expect(AppConfig.fromEnv({ DATABASE_URL: '' }).embeddedDatabase).toBe(true);
      expect(AppConfig.fromEnv({ ...SECRET, DATABASE_URL: 'postgres://db/app' }).embeddedDatabase).toBe(false);
    });

    it('workerInProcess defaults to embeddedDatabase and WORKER_IN_PROCESS overrides it', () => {
      expect(AppConfig.fromEnv({}).workerInProcess).toBe(true);
      expect(AppConfig.fromEnv({ ...SECRET, DATABASE_URL: 'postgres://db/app' }).workerInProcess).toBe(false);
      expect(AppConfig.fromEnv({ WORKER_IN_PROCESS: '' }).workerInProcess).toBe(true);
      expect(AppConfig.fromEnv({ WORKER_IN_PROCESS: 'false' }).workerInProcess).toBe(false);
      expect(
        AppConfig.fromEnv({ ...SECRET, DATABASE_URL: 'postgres://db/app', WORKER_IN_PROCESS: 'true' }).workerInProcess,
      ).toBe(true);
      expect(
        AppConfig.fromEnv({ ...SECRET, DATABASE_URL: 'postgres://db/app', WORKER_IN_PROCESS: 'false' }).workerInProcess,
      ).toBe(false);
    });
  });
});

describe('clocks', () => {
  it('SystemClock returns the current time in UTC', () => {
    const before = Date.now();
    const now = new SystemClock().now();
    const after = Date.now();
    expect(now.isValid).toBe(true);
    expect(now.zoneName).toBe('UTC');
    expect(now.toMillis()).toBeGreaterThanOrEqual(before);
    expect(now.toMillis()).toBeLessThanOrEqual(after);
  });

  it('ManualClock stands still until set or advanced', () => {
    const start = DateTime.fromISO('2030-01-01T10:00:00Z', { zone: 'utc' });
    const clock = new ManualClock(start);
    expect(clock.now().toMillis()).toBe(start.toMillis());
    expect(clock.now().toMillis()).toBe(start.toMillis());

    clock.advance({ minutes: 30 });
    expect(clock.now().toISO()).toBe('2030-01-01T10:30:00.000Z');
    clock.advance(Duration.fromISO('PT1H'));
    expect(clock.now().toISO()).toBe('2030-01-01T11:30:00.000Z');

    clock.set(DateTime.fromISO('2030-06-01T12:00:00+02:00', { setZone: true }));
    expect(clock.now().zoneName).toBe('UTC');
    expect(clock.now().toISO()).toBe('2030-06-01T10:00:00.000Z');
  });
});
