import { Duration } from 'luxon';
import { Env, envSchema, maxDailyCalls } from './env.schema';

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

const DEV_JWT_SECRET = 'dev-only-insecure-jwt-secret-change-me';

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
      if (source.NODE_ENV === 'production' && !has('JWT_SECRET') && !named('JWT_SECRET')) problems.push('JWT_SECRET: is required in production');
      if (has('ADMIN_EMAIL') !== has('ADMIN_PASSWORD')) {
        const missing = has('ADMIN_EMAIL') ? 'ADMIN_PASSWORD' : 'ADMIN_EMAIL';
        if (!named(missing)) problems.push(`${missing}: ADMIN_EMAIL and ADMIN_PASSWORD must be set together`);
      }
      throw new ConfigError(problems);
    }
    return new AppConfig(result.data);
  }

  get jwtSecret(): string {
    return this.env.JWT_SECRET ?? DEV_JWT_SECRET;
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
