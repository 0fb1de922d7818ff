import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { Logger } from 'nestjs-pino';
import { LoggerModule } from 'nestjs-pino';
import { AppConfig, ConfigError, assertRedisReachable } from '@vetting/core';
import { WorkerModule } from './worker.module';

async function main(): Promise<void> {
  const config = AppConfig.fromEnv();
  if (config.embeddedDatabase) {
    throw new Error(
      'The standalone worker needs DATABASE_URL (the embedded database lives inside the api process: use npm start).',
    );
  }
  await assertRedisReachable(config.env.REDIS_URL);
  const root = WorkerModule.forRoot({ config });
  root.imports!.push(LoggerModule.forRoot({ pinoHttp: { level: config.env.LOG_LEVEL } }));
  const app = await NestFactory.createApplicationContext(root, { bufferLogs: true });
  app.useLogger(app.get(Logger));
  // SIGTERM/SIGINT: BullMQ workers close after their current job.
  app.enableShutdownHooks();
  console.log('Vetting platform worker started');
}

main().catch((err) => {
  if (err instanceof ConfigError) console.error(err.message);
  else console.error(err?.message ?? err);
  process.exit(1);
});
