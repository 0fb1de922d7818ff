export { CoreModule } from './core.module';
export { AppConfig, ConfigError } from './config/app-config';
export { MAX_VETTING_CALL_LENGTH } from './config/env.schema';
export { Clock, ManualClock } from './clock/clock';
export { isIanaTimeZone } from './clock/time-zone';
export {
  AppError,
  badRequest,
  conflict,
  forbidden,
  notFound,
  unauthenticated,
  unprocessable,
  refused,
  tooManyRequests,
  unavailable,
} from './errors/app-error';
export { ApiErrors, ErrorBody } from './errors/error-body';
export { sqlState, toErrorBody } from './errors/error-mapping';
export { AllExceptionsFilter } from './errors/all-exceptions.filter';
export { createValidationPipe, parseId } from './errors/validation';
export { DatabaseModule, openDatabase, withContext } from './database/database.module';
export { DatabaseProbeRepository } from './database/database-probe.repository';
export { migrateUnderLock } from './database/migrate-under-lock';
export { REDIS, PATIENT_OVERRIDES, assertRedisReachable, createRedis } from './redis/redis';
export { asDatabaseError, serviceUnavailable, withDependencyTimeout } from './dependencies/dependency-errors';
export type { Dependency } from './dependencies/dependency-errors';
export { QueuesModule } from './queues/queues.module';
export { CREDENTIALS_QUEUE, EXPERT_VETTED_EFFECT, expertVettedEffect, expertVettedJobId } from './queues/queue-names';
export { JobProcessor, type JobHandler } from './queues/job-processor';
export {
  ALL_CATEGORY_SLUGS,
  ELIGIBLE_CATEGORIES,
  ELIGIBLE_CATEGORY_SLUGS,
  OTHER_CATEGORIES,
  PROGRAMS,
  isEligibleCategory,
} from './reference/categories';
export type { Program } from './reference/categories';
export { MAX_INSTANT_MS, MIN_INSTANT_MS, PG_INT_MAX } from './input/input-rules';
export { IsInstant, IsTimeZone } from './input/input-validators';
export { bodyParsing } from './input/body-parsing';
export { Outbox } from './outbox/outbox';
export type { OutboxMessage, OutboxDelivery, OutboxHandler } from './outbox/outbox';
export { OutboxRelay, outboxBackoffSeconds } from './outbox/outbox-relay';
export { OutboxRepository, gateCondition, outboxInsertPart } from './outbox/outbox.repository';
export type { SqlGate } from './outbox/outbox.repository';
export { executePrepared, onPooledConnection } from './database/prepared';
export type { PooledConnection } from './database/prepared';
export { TurnBatch } from './database/turn-batch';
export type { SqlPart } from './outbox/outbox.repository';
export { OutboxModule, OutboxRelayModule } from './outbox/outbox.module';
export { Reconciler } from './reconcile/reconciler';
export { ReconcileProcessor, RECONCILE_QUEUE } from './reconcile/reconcile.processor';
export { ReconcilerModule, ReconcileWorkerModule } from './reconcile/reconcile.module';
