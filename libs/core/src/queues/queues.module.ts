import { Global, Module } from '@nestjs/common';
import { BullModule } from '@nestjs/bullmq';
import { AppConfig } from '../config/app-config';
import { redisOptions } from '../redis/redis';

/** BullMQ's connection, with every key under REDIS_PREFIX. Domain modules register their own queues. */
@Global()
@Module({
  imports: [
    BullModule.forRootAsync({
      inject: [AppConfig],
      useFactory: (config: AppConfig) => {
        const url = new URL(config.env.REDIS_URL);
        return {
          connection: {
            ...redisOptions(),
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
