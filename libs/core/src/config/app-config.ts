import { Duration } from 'luxon';
import { Env, JWT_SECRET_REQUIRED, envSchema, isEmbeddedDevelopment, maxDailyCalls } from './env.schema';
import { loadOrCreateDevJwtSecret } from './dev-jwt-secret';

export interface Policy {
  callLength: Duration;
  gracePeriod: Duration;
  rescheduleNotice: Duration;
  maxReschedules: number;
  missedCooldown: Duration;
  minBookingLead: Duration;
  joinEarly: Duration;
  dailyCap: number;
  /** The most calls that fit in a day (24h / callLength): no daily cap may exceed it. */
  maxDailyCap: number;
  bookingHorizon: Duration;
  endingSoon: Duration;
  reminders: Duration[];
  profileMinVerifiedSkills: number;
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** The validated configuration, read once at boot. */
export class AppConfig {
  readonly env: Env;
  readonly policy: Policy;

  private constructor(env: Env) {
    this.env = env;
    this.policy = {
      callLength: env.VETTING_CALL_LENGTH,
      gracePeriod: env.VETTING_GRACE_PERIOD,
      rescheduleNotice: env.VETTING_RESCHEDULE_NOTICE,
      maxReschedules: env.VETTING_MAX_RESCHEDULES,
      missedCooldown: env.VETTING_MISSED_COOLDOWN,
      minBookingLead: env.VETTING_MIN_BOOKING_LEAD,
      joinEarly: env.VETTING_JOIN_EARLY,
      dailyCap: env.VETTING_DAILY_CAP,
      maxDailyCap: maxDailyCalls(env.VETTING_CALL_LENGTH),
      bookingHorizon: env.VETTING_BOOKING_HORIZON,
      endingSoon: env.VETTING_ENDING_SOON,
      reminders: env.VETTING_REMINDERS,
      profileMinVerifiedSkills: env.PROFILE_MIN_VERIFIED_SKILLS,
    };
  }

  /** Parses the environment; throws one ConfigError naming every bad variable. */
  static fromEnv(source: NodeJS.ProcessEnv = process.env): AppConfig {
    const result = envSchema.safeParse(source);
    if (!result.success) {
      const problems = result.error.issues.map((i) => `${i.path.join('.') || '(env)'}: ${i.message}`);
      // Cross-variable rules do not run while a field is bad: check the ones that need no parsing here too.
      const has = (name: string) => typeof source[name] === 'string' && source[name]!.trim() !== '';
      const named = (name: string) => problems.some((p) => p.startsWith(`${name}:`));
      if (!has('JWT_SECRET') && !isEmbeddedDevelopment(source) && !named('JWT_SECRET'))
        problems.push(`JWT_SECRET: ${JWT_SECRET_REQUIRED}`);
      if (has('ADMIN_EMAIL') !== has('ADMIN_PASSWORD')) {
        const missing = has('ADMIN_EMAIL') ? 'ADMIN_PASSWORD' : 'ADMIN_EMAIL';
        if (!named(missing)) problems.push(`${missing}: ADMIN_EMAIL and ADMIN_PASSWORD must be set together`);
      }
      throw new ConfigError(problems);
    }
    return new AppConfig(result.data);
  }

  private devJwtSecret?: string;

  /** JWT_SECRET, or (embedded development start only) a random secret kept in DATA_DIR/jwt-secret. */
  get jwtSecret(): string {
    if (this.env.JWT_SECRET) return this.env.JWT_SECRET;
    return (this.devJwtSecret ??= loadOrCreateDevJwtSecret(this.env.DATA_DIR));
  }

  /** OpenAPI UI and document: SWAGGER_ENABLED, else on except in production. */
  get swaggerEnabled(): boolean {
    return this.env.SWAGGER_ENABLED ?? this.env.NODE_ENV !== 'production';
  }

  /** Browser origins allowed for CORS and the /live handshake. */
  get corsOrigins(): string[] {
    if (this.env.CORS_ORIGINS) return this.env.CORS_ORIGINS;
    const own = [new URL(this.env.PUBLIC_URL).origin];
    return this.env.NODE_ENV === 'development' ? [...own, 'http://localhost:5173'] : own;
  }

  /** Whether the api is reached over TLS (HSTS, upgrade-insecure-requests). */
  get publicHttps(): boolean {
    return new URL(this.env.PUBLIC_URL).protocol === 'https:';
  }

  get embeddedDatabase(): boolean {
    return !this.env.DATABASE_URL;
  }

  /** Whether this api process also runs the BullMQ processors (default: yes on the embedded database). */
  get workerInProcess(): boolean {
    if (this.env.WORKER_IN_PROCESS) return this.env.WORKER_IN_PROCESS === 'true';
    return this.embeddedDatabase;
  }
}
