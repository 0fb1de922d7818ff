import { DynamicModule, Global, Inject, Injectable, Module, OnApplicationShutdown } from '@nestjs/common';
import Redis from 'ioredis';
import { AppConfig } from './config/app-config';
import { Clock, SystemClock } from './clock/clock';
import { REDIS, createRequestRedis } from './redis/redis';

@Injectable()
class RedisLifecycle implements OnApplicationShutdown {
  constructor(@Inject(REDIS) private readonly redis: Redis) {}
  async onApplicationShutdown(): Promise<void> {
    await this.redis.quit().catch(() => this.redis.disconnect());
  }
}

/** Config, clock and the shared Redis connection of the request path (fails fast during an outage). */
@Global()
@Module({})
export class CoreModule {
  static forRoot(opts: { config?: AppConfig; clock?: Clock } = {}): DynamicModule {
    const config = opts.config ?? AppConfig.fromEnv();
    return {
      module: CoreModule,
      providers: [
        { provide: AppConfig, useValue: config },
        { provide: Clock, useValue: opts.clock ?? new SystemClock() },
        {
          provide: REDIS,
          useFactory: () => createRequestRedis(config.env.REDIS_URL, config.env.DEPENDENCY_TIMEOUT.toMillis()),
        },
        RedisLifecycle,
      ],
      exports: [AppConfig, Clock, REDIS],
    };
  }
}
