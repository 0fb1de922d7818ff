import { DynamicModule, Module, RequestMethod } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { LoggerModule } from 'nestjs-pino';
import { pino } from 'pino';
import { randomUUID } from 'node:crypto';
import {
  AllExceptionsFilter,
  AppConfig,
  Clock,
  CoreModule,
  DatabaseModule,
  OutboxModule,
  QueuesModule,
  ReconcilerModule,
} from '@vetting/core';
import { IdentityModule } from '@vetting/identity';
import { LiveGatewayModule, LiveModule } from '@vetting/live';
import { NotificationsModule } from '@vetting/notifications';
import { TalentModule } from '@vetting/talent';
import { CalendarModule } from '@vetting/calendar';
import { AssessmentsModule } from '@vetting/assessments';
import { CredentialsModule } from '@vetting/credentials';
import { ENTITIES, MIGRATIONS } from '../../../mikro-orm.config';
import { HealthController } from './health.controller';
import { QueueDashboardController } from './admin/queue-dashboard.controller';

export function loggerModule(config: AppConfig) {
  return LoggerModule.forRoot({
    forRoutes: [{ path: '{*path}', method: RequestMethod.ALL }],
    pinoHttp: {
      level: config.env.LOG_LEVEL,
      genReqId: (req, res) => {
        const given = req.headers['x-request-id'];
        const id = typeof given === 'string' && /^[\w.-]{1,100}$/.test(given) ? given : randomUUID();
        res.setHeader('x-request-id', id);
        return id;
      },
      // Every line logged during a request carries its id, method and url; pino builds that binding eagerly
      // for each request, so it holds no headers (serialising them cost more than a whole read). A failed
      // request's line (5xx or an error) adds the request headers, credentials redacted.
      wrapSerializers: false,
      serializers: {
        req: (req: { id?: unknown; method?: string; url?: string }) => ({
          id: req.id,
          method: req.method,
          url: req.url,
        }),
        res: (res: { statusCode?: number }) => ({ statusCode: res.statusCode }),
        err: pino.stdSerializers.err,
      },
      customErrorObject: (req, _res, _err, line) => ({ ...line, reqHeaders: req.headers }),
      redact: ['reqHeaders.authorization', 'reqHeaders.cookie'],
      autoLogging: { ignore: (req) => req.url === '/api/health' },
    },
  });
}

export interface AppOptions {
  config: AppConfig;
  clock?: Clock;
  /** Also run the BullMQ processors in this process. */
  withWorker: boolean;
}

@Module({})
export class AppModule {
  static forRoot(opts: AppOptions): DynamicModule {
    // Required lazily so the api alone never loads worker code it does not run.
    const worker: DynamicModule[] = opts.withWorker
      ? [require('../../worker/src/worker.module').WorkerModule.forFeature()]
      : [];
    return {
      module: AppModule,
      imports: [
        CoreModule.forRoot({ config: opts.config, clock: opts.clock }),
        loggerModule(opts.config),
        DatabaseModule.forRoot({ entities: ENTITIES, migrations: MIGRATIONS, migrate: true }),
        QueuesModule,
        OutboxModule,
        ReconcilerModule,
        LiveModule,
        IdentityModule,
        NotificationsModule,
        TalentModule,
        CalendarModule,
        AssessmentsModule,
        CredentialsModule,
        LiveGatewayModule,
        ...worker,
      ],
      controllers: [HealthController, QueueDashboardController],
      providers: [{ provide: APP_FILTER, useClass: AllExceptionsFilter }],
    };
  }
}
