import { Duration } from 'luxon';
import { z } from 'zod';
import {
  isoDuration,
  isoDurationOrZero,
  int,
  bool,
  optionalString,
  parseTrustProxy,
  parseNetworks,
  parseOrigins,
  parseIceServers,
  parseTurnUrls,
  isEmbeddedDevelopment,
  JWT_SECRET_REQUIRED,
  maxDailyCalls,
} from './env-parsers';

/**
 * The longest VETTING_CALL_LENGTH accepted. The calendar's reads of booked calls rely on it: no call starts more
 * than this before it ends, so they can bound the start (an index range) as well as the end.
 */
export const MAX_VETTING_CALL_LENGTH = Duration.fromObject({ hours: 12 });

export { JWT_SECRET_REQUIRED, isEmbeddedDevelopment, maxDailyCalls } from './env-parsers';
export type { IceServerConfig, TrustProxy } from './env-parsers';

export const envSchema = z
  .object({
    NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
    PORT: int(3000, 0, 65535),
    HOST: z.string().default('0.0.0.0'),
    PUBLIC_URL: z.string().url().default('http://localhost:3000'),
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),

    DATABASE_URL: optionalString.pipe(
      z
        .string()
        .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// or postgresql:// URL')
        .optional(),
    ),
    DATABASE_POOL_SIZE: int(10, 1, 200),
    /** How long a request waits for PostgreSQL or Redis before it answers 503 SERVICE_UNAVAILABLE. */
    DEPENDENCY_TIMEOUT: isoDuration('PT2S'),
    DATA_DIR: z.string().default('.data'),

    REDIS_URL: z
      .string()
      .regex(/^rediss?:\/\//, 'must be a redis:// or rediss:// URL')
      .default('redis://127.0.0.1:6379'),
    REDIS_PREFIX: z
      .string()
      .regex(/^[A-Za-z0-9_.:-]+$/, 'letters, digits and _ . : - only')
      .default('vetting:'),

    JWT_SECRET: z.string().min(16, 'must be at least 16 characters').optional(),
    JWT_TTL: isoDuration('PT12H'),
    ADMIN_EMAIL: optionalString.pipe(z.string().email().optional()),
    ADMIN_PASSWORD: optionalString.pipe(z.string().min(8, 'must be at least 8 characters').optional()),
    AUTH_RATE_LIMIT: int(20, 1),
    AUTH_RATE_WINDOW: isoDuration('PT1M'),
    /** Login attempts per account (normalised email) per window, whatever the client's address; a successful login does not count. */
    AUTH_ACCOUNT_RATE_LIMIT: int(10, 1),
    AUTH_ACCOUNT_RATE_WINDOW: isoDuration('PT15M'),
    /** Which proxies may set X-Forwarded-For: `false` (none), a hop count, or a comma-separated list of addresses/subnets. */
    TRUST_PROXY: z
      .string()
      .default('false')
      .transform((raw, ctx) => parseTrustProxy(raw, ctx)),
    /** Browser origins allowed by CORS and the /live handshake; unset = PUBLIC_URL's origin (plus the Vite dev server in development). */
    CORS_ORIGINS: optionalString.transform((raw, ctx) => (raw === undefined ? undefined : parseOrigins(raw, ctx))),
    /** GET /metrics (Prometheus) answers requests from these networks (CIDR list) without a token. */
    METRICS_ALLOWED_NETWORKS: z
      .string()
      .default('127.0.0.0/8,::1/128')
      .transform((raw, ctx) => parseNetworks(raw, ctx)),
    /** A bearer token that opens GET /metrics from any address (for a scraper outside METRICS_ALLOWED_NETWORKS); unset = none. */
    METRICS_TOKEN: optionalString.pipe(z.string().min(16, 'must be at least 16 characters').optional()),
    WORKER_IN_PROCESS: optionalString.pipe(z.enum(['true', 'false']).optional()),
    WORKER_CONCURRENCY: int(10, 1, 1000),
    /** The outbox relay looks for undelivered effects this often (besides the nudge after each commit). */
    OUTBOX_POLL_INTERVAL: isoDuration('PT1S'),
    /** The reconciliation sweep settles overdue calls and attempts and re-adds missing timers this often. */
    RECONCILE_INTERVAL: isoDuration('PT1M'),

    VETTING_CALL_LENGTH: isoDuration('PT30M'),
    VETTING_GRACE_PERIOD: isoDuration('PT5M'),
    VETTING_RESCHEDULE_NOTICE: isoDurationOrZero('PT24H'),
    VETTING_MAX_RESCHEDULES: int(1, 0),
    VETTING_MISSED_COOLDOWN: isoDuration('P6M'),
    VETTING_MIN_BOOKING_LEAD: isoDurationOrZero('PT1H'),
    VETTING_JOIN_EARLY: isoDurationOrZero('PT10M'),
    VETTING_DAILY_CAP: int(8, 1),
    VETTING_BOOKING_HORIZON: isoDuration('P30D'),
    VETTING_ENDING_SOON: isoDuration('PT5M'),
    /** Reminders before the start; `PT0S` = at the start; empty or `none` = no reminders. */
    VETTING_REMINDERS: z
      .string()
      .default('PT24H,PT1H')
      .transform((raw, ctx) => {
        if (raw.trim().toLowerCase() === 'none') return [];
        const parts = raw
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean);
        const out = parts.map((p) => Duration.fromISO(p));
        if (out.some((d, i) => !d.isValid || !/\d/.test(parts[i]) || d.toMillis() < 0)) {
          ctx.addIssue({
            code: z.ZodIssueCode.custom,
            message: `"${raw}" must be a comma-separated list of non-negative ISO-8601 durations (or "none")`,
          });
          return z.NEVER;
        }
        return out;
      }),
    PROFILE_MIN_VERIFIED_SKILLS: int(3, 0),
    LIVE_RECOVERY_WINDOW: isoDuration('PT2M'),

    ASSESSMENT_CATALOG_DIR: z.string().default('config/assessments'),
    ATTEMPT_TIME_TICK: isoDuration('PT5S'),
    /** A created attempt not started within this long lapses (abandoned: no grade, no retake cooldown). */
    ATTEMPT_START_WINDOW: isoDuration('PT15M'),
    INTEGRITY_SOME_AT: int(3, 1),
    INTEGRITY_MAJOR_AT: int(10, 1),
    /** 0 = never auto-terminate. */
    INTEGRITY_AUTO_TERMINATE_AT: int(0, 0),
    /** Relayed candidate signals are stored in batches: a batch is written this long after its first signal (0 = at once). */
    SIGNAL_WRITE_WINDOW_MS: int(5, 0, 1000),
    SIGNAL_WRITE_BATCH_MAX: int(200, 1, 10_000),

    CODE_RUNNER: z.enum(['local', 'judge0']).default('local'),
    JUDGE0_URL: optionalString.pipe(z.string().url().optional()),
    JUDGE0_API_KEY: optionalString,
    GRADING_NORM_WINDOW: isoDuration('P1Y'),
    BAND_MIN_NORM_GROUP: int(10, 1),
    BAND_RECOMPUTE_EVERY: isoDuration('PT1H'),
    BADGE_EVALUATE_EVERY: isoDuration('PT1H'),
    EXPERT_VETTED_MIN_HARD_AVG: z.coerce.number().min(1).max(5).default(4),
    EXPERT_VETTED_MIN_SOFT: z.coerce.number().min(1).max(5).default(4),
    EXPERT_VETTED_PROFILE_FRESHNESS: isoDuration('P90D'),
    BADGE_RISING_TALENT_MIN_JSS: int(90, 0, 100),
    BADGE_RISING_TALENT_MIN_EARNINGS: int(1, 0),
    BADGE_RISING_TALENT_MIN_AGE: isoDuration('P1D'),
    BADGE_TOP_RATED_MIN_JSS: int(90, 0, 100),
    BADGE_TOP_RATED_MIN_EARNINGS: int(1000, 0),
    BADGE_TOP_RATED_MIN_AGE: isoDuration('P90D'),
    BADGE_TOP_RATED_PLUS_MIN_JSS: int(90, 0, 100),
    BADGE_TOP_RATED_PLUS_MIN_EARNINGS: int(10000, 0),
    BADGE_TOP_RATED_PLUS_MIN_AGE: isoDuration('P180D'),

    /** WebRTC: ICE servers handed to the pages as they are (STUN, or TURN with static credentials). */
    RTC_ICE_SERVERS: z
      .string()
      .default('')
      .transform((raw, ctx) => parseIceServers(raw, ctx)),
    /** TURN servers using the TURN REST API scheme (coturn use-auth-secret): credentials minted per user and room with TURN_SECRET. */
    TURN_URLS: optionalString.transform((raw, ctx) => parseTurnUrls(raw, ctx)),
    TURN_SECRET: optionalString.pipe(z.string().min(16, 'must be at least 16 characters').optional()),
    /** `relay`: the pages send media only through TURN (hides addresses; needs TURN). */
    RTC_ICE_TRANSPORT_POLICY: z.enum(['all', 'relay']).default('all'),
    /** rtc:signal per socket: sustained rate per second and burst. */
    RTC_SIGNAL_RATE: int(20, 1, 1000),
    RTC_SIGNAL_BURST: int(60, 1, 10_000),

    SMTP_URL: optionalString.pipe(
      z
        .string()
        .regex(/^smtps?:\/\//, 'must be an smtp:// or smtps:// URL')
        .optional(),
    ),
    MAIL_FROM: z.string().default('Vetting Platform <no-reply@vetting.local>'),
    WEBHOOK_ATTEMPTS: int(5, 1, 20),
    WEBHOOK_BACKOFF: isoDuration('PT10S'),
    WEBHOOK_TIMEOUT: isoDuration('PT5S'),
    WEBHOOK_DISABLE_AFTER: int(3, 1),
    /** Let webhooks target loopback/private/link-local addresses (tests, closed networks); off by default. */
    WEBHOOK_ALLOW_PRIVATE: bool(false),
    /** Followers per vetted-talent alert batch (one statement, one outbox row, one routing job each). */
    FANOUT_BATCH_SIZE: int(2000, 1, 10000),
    /** Unset = on, except with NODE_ENV=production. */
    SWAGGER_ENABLED: optionalString
      .pipe(z.enum(['true', 'false', '1', '0', 'yes', 'no']).optional())
      .transform((v) => (v === undefined ? undefined : v === 'true' || v === '1' || v === 'yes')),
    /** Seed the demo accounts on the embedded database (never with DATABASE_URL or in production). */
    SEED_DEMO: bool(true),
    /** How long a queue dashboard session (cookie) lasts. */
    QUEUE_DASHBOARD_SESSION_TTL: isoDuration('PT15M'),
  })
  .superRefine((env, ctx) => {
    if (!env.JWT_SECRET && !isEmbeddedDevelopment(env)) {
      ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['JWT_SECRET'], message: JWT_SECRET_REQUIRED });
    }
    if (Boolean(env.ADMIN_EMAIL) !== Boolean(env.ADMIN_PASSWORD)) {
      ctx.addIssue({
        code: z.ZodIssueCode.custom,
        path: [env.ADMIN_EMAIL ? 'ADMIN_PASSWORD' : 'ADMIN_EMAIL'],
        message: 'ADMIN_EMAIL and ADMIN_PASSWORD must be set together',
      });
    }
    // Field errors leave non-durations behind; cross-field checks only make sense on valid fields.
    const grace = env.VETTING_GRACE_PERIOD as unknown;
    const length = env.VETTING_CALL_LENGTH as unknown;
    if (Array.isArray(env.TURN_URLS) && env.TURN_URLS.length > 0 && !env.TURN_SECRET) {
      ctx.addIssue({
        code: z.ZodIssueCode.custom,
        path: ['TURN_SECRET'],
        message: 'is required when TURN_URLS is set',
      });
    }
    if (env.TURN_SECRET && Array.isArray(env.TURN_URLS) && env.TURN_URLS.length === 0) {
      ctx.addIssue({
        code: z.ZodIssueCode.custom,
        path: ['TURN_URLS'],
        message: 'is required when TURN_SECRET is set',
      });
    }
    if (
      env.RTC_ICE_TRANSPORT_POLICY === 'relay' &&
      Array.isArray(env.TURN_URLS) &&
      env.TURN_URLS.length === 0 &&
      Array.isArray(env.RTC_ICE_SERVERS) &&
      !env.RTC_ICE_SERVERS.some((s) => s.urls.some((u) => u.startsWith('turn')))
    ) {
      ctx.addIssue({
        code: z.ZodIssueCode.custom,
        path: ['RTC_ICE_TRANSPORT_POLICY'],
        message: 'relay needs a TURN server (TURN_URLS or a turn: URL in RTC_ICE_SERVERS)',
      });
    }
    if (env.CODE_RUNNER === 'judge0' && !env.JUDGE0_URL) {
      ctx.addIssue({
        code: z.ZodIssueCode.custom,
        path: ['JUDGE0_URL'],
        message: 'is required when CODE_RUNNER=judge0',
      });
    }
    if (env.INTEGRITY_MAJOR_AT <= env.INTEGRITY_SOME_AT) {
      ctx.addIssue({
        code: z.ZodIssueCode.custom,
        path: ['INTEGRITY_MAJOR_AT'],
        message: 'must be above INTEGRITY_SOME_AT',
      });
    }
    if (Duration.isDuration(length) && length.toMillis() > MAX_VETTING_CALL_LENGTH.toMillis()) {
      ctx.addIssue({
        code: z.ZodIssueCode.custom,
        path: ['VETTING_CALL_LENGTH'],
        message: `must be at most ${MAX_VETTING_CALL_LENGTH.toISO()}`,
      });
    }
    if (Duration.isDuration(grace) && Duration.isDuration(length) && grace.toMillis() >= length.toMillis()) {
      ctx.addIssue({
        code: z.ZodIssueCode.custom,
        path: ['VETTING_GRACE_PERIOD'],
        message: 'must be shorter than VETTING_CALL_LENGTH',
      });
    }
    if (Duration.isDuration(length) && env.VETTING_DAILY_CAP > maxDailyCalls(length)) {
      ctx.addIssue({
        code: z.ZodIssueCode.custom,
        path: ['VETTING_DAILY_CAP'],
        message: `must be at most ${maxDailyCalls(length)} (calls of VETTING_CALL_LENGTH ${length.toISO()} in a day)`,
      });
    }
  });

export type Env = z.infer<typeof envSchema>;
