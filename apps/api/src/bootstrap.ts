import { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { NestExpressApplication } from '@nestjs/platform-express';
import { SwaggerModule } from '@nestjs/swagger';
import { Logger } from 'nestjs-pino';
import { AppConfig, Clock, OutboxRepository, bodyParsing, createValidationPipe } from '@vetting/core';
import { AppModule } from './app.module';
import { applyHttpSecurity } from './security';
import { buildOpenApiDocument } from './openapi';
import { mountQueueDashboard } from './admin/queue-dashboard';
import { serveWebApp } from './web-app';
import { ApiMetrics } from './metrics/api-metrics';
import { MeteredIoAdapter } from './metrics/metered-io.adapter';
import { DASHBOARD_QUEUES } from './admin/queue-dashboard';

export interface ApiOptions {
  config: AppConfig;
  clock?: Clock;
  withWorker?: boolean;
  /** Buffer logs until pino is ready (off in tests to keep output quiet). */
  bufferLogs?: boolean;
}

/** Builds the api (HTTP under /api, Socket.IO /live) without listening. */
export async function createApi(opts: ApiOptions): Promise<INestApplication> {
  const withWorker = opts.withWorker ?? opts.config.workerInProcess;
  const app = await NestFactory.create<NestExpressApplication>(
    AppModule.forRoot({ config: opts.config, clock: opts.clock, withWorker }),
    {
      bufferLogs: opts.bufferLogs ?? true,
      ...(opts.bufferLogs === false ? { logger: ['error', 'warn'] as const } : {}),
      abortOnError: false,
      bodyParser: false,
    },
  );
  const io = new MeteredIoAdapter(app, opts.config);
  const outbox = app.get(OutboxRepository, { strict: false });
  const metrics = new ApiMetrics(app, opts.config, {
    connectedSockets: () => io.connectedSockets(),
    queues: DASHBOARD_QUEUES,
    outboxBacklog: () => outbox.backlog(),
  });
  app.use(metrics.httpMiddleware());
  metrics.mount();
  applyHttpSecurity(app, opts.config);
  // Our own parsers, so a malformed body is answered here with a stable code (Nest would hide its type):
  // size and nesting depth bounded, corrupt compression a 400, every refusal logged at warn.
  app.use(...bodyParsing());
  app.useLogger(app.get(Logger));
  mountQueueDashboard(app, opts.config);
  app.setGlobalPrefix('api');
  serveWebApp(app, opts.config);
  app.useGlobalPipes(createValidationPipe());
  app.useWebSocketAdapter(io);
  app.enableShutdownHooks();
  if (opts.config.swaggerEnabled) SwaggerModule.setup('api/docs', app, buildOpenApiDocument(app));
  return app;
}
