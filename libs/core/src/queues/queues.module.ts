import { Global, Module } from '@nestjs/common';
import { BullModule } from '@nestjs/bullmq';
import { Processor, Worker, WorkerOptions } from 'bullmq';
import { AppConfig } from '../config/app-config';
import { PATIENT_OVERRIDES, requestRedisOptions } from '../redis/redis';

/**
 * Workers wait out a Redis outage (their blocking commands need `maxRetriesPerRequest: null` and no command
 * timeout); the queues that requests add jobs to fail fast instead. Both are made from the one root connection.
 */
export class PatientWorker<D = any, R = any, N extends string = string> extends Worker<D, R, N> {
  constructor(name: string, processor?: string | URL | null | Processor<D, R, N>, opts?: WorkerOptions) {
    const connection = opts?.connection;
    const patient = connection && !('status' in connection) ? { ...connection, ...PATIENT_OVERRIDES } : connection;
    super(name, processor, { ...opts, connection: patient! });
  }
}
BullModule.workerClass = PatientWorker;

/** BullMQ's connection, with every key under REDIS_PREFIX. Domain modules register their own queues. Producers fail fast, workers wait (PatientWorker). */
@Global()
@Module({
  imports: [
    BullModule.forRootAsync({
      inject: [AppConfig],
      useFactory: (config: AppConfig) => {
        const url = new URL(config.env.REDIS_URL);
        return {
          connection: {
            ...requestRedisOptions(config.env.DEPENDENCY_TIMEOUT.toMillis()),
            host: url.hostname,
            port: Number(url.port || 6379),
            username: url.username || undefined,
            password: url.password ? decodeURIComponent(url.password) : undefined,
            db: url.pathname.length > 1 ? Number(url.pathname.slice(1)) : 0,
            tls: url.protocol === 'rediss:' ? {} : undefined,
          },
          prefix: `${config.env.REDIS_PREFIX}bull`,
        };
      },
    }),
  ],
  exports: [BullModule],
})
export class QueuesModule {}
