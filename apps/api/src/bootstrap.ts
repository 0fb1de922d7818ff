import { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { Logger } from 'nestjs-pino';
import { AppConfig, Clock, bodyParsing, createValidationPipe } from '@vetting/core';
import { RedisStreamsIoAdapter } from '@vetting/live';
import { AppModule } from './app.module';
import { applyHttpSecurity } from './security';
import { serveWebApp } from './web-app';

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
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot({ config: opts.config, clock: opts.clock, withWorker }), {
    bufferLogs: opts.bufferLogs ?? true,
    ...(opts.bufferLogs === false ? { logger: ['error', 'warn'] as const } : {}),
    abortOnError: false,
    bodyParser: false,
  });
  applyHttpSecurity(app, opts.config);
  // Our own parsers, so a malformed body is answered here with a stable code (Nest would hide its type):
  // size and nesting depth bounded, corrupt compression a 400, every refusal logged at warn.
  app.use(...bodyParsing());
  app.useLogger(app.get(Logger));
  app.setGlobalPrefix('api');
  serveWebApp(app, opts.config);
  app.useGlobalPipes(createValidationPipe());
  app.useWebSocketAdapter(new RedisStreamsIoAdapter(app, opts.config));
  app.enableShutdownHooks();
  if (opts.config.swaggerEnabled) {
    const doc = SwaggerModule.createDocument(
      app,
      new DocumentBuilder()
        .setTitle('Vetting platform API')
        .setDescription('Invitations, vetting calls, proctored assessments, credentials and notifications. Socket.IO namespace: /live.')
        .setVersion('0.1.0')
        .addBearerAuth()
        .build(),
    );
    SwaggerModule.setup('api/docs', app, doc);
  }
  return app;
}
