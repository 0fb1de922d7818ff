import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { JwtModule } from '@nestjs/jwt';
import { ThrottlerModule } from '@nestjs/throttler';
import Redis from 'ioredis';
import { AppConfig, REDIS } from '@vetting/core';
import { AuthGuard } from './auth.guard';
import { AuthController, MeController } from './identity.controller';
import { AdminUsersController, UserDirectory } from './admin-users.controller';
import { IdentityService } from './identity.service';
import { RedisThrottlerStorage } from './redis-throttler.storage';
import { TokenService } from './token.service';

@Module({
  imports: [
    JwtModule.register({}),
    ThrottlerModule.forRootAsync({
      inject: [AppConfig, REDIS],
      useFactory: (config: AppConfig, redis: Redis) => ({
        storage: new RedisThrottlerStorage(redis, config),
        throttlers: [{ name: 'auth', ttl: config.env.AUTH_RATE_WINDOW.toMillis(), limit: config.env.AUTH_RATE_LIMIT }],
      }),
    }),
  ],
  controllers: [AuthController, MeController, AdminUsersController],
  providers: [
    TokenService,
    IdentityService,
    UserDirectory,
    { provide: APP_GUARD, useClass: AuthGuard },
  ],
  exports: [TokenService, IdentityService],
})
export class IdentityModule {}
