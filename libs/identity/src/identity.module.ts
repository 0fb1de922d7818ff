import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { JwtModule } from '@nestjs/jwt';
import { AuthGuard } from './auth.guard';
import { AuthController, ClientRateLimitGuard, MeController } from './identity.controller';
import { AdminUsersController, UserDirectory } from './admin-users.controller';
import { IdentityService } from './identity.service';
import { LoginThrottle } from './login-throttle';
import { SessionEvents } from './session-events';
import { TokenService } from './token.service';

@Module({
  imports: [JwtModule.register({})],
  controllers: [AuthController, MeController, AdminUsersController],
  providers: [
    TokenService,
    IdentityService,
    UserDirectory,
    LoginThrottle,
    SessionEvents,
    ClientRateLimitGuard,
    { provide: APP_GUARD, useClass: AuthGuard },
  ],
  exports: [TokenService, IdentityService, SessionEvents],
})
export class IdentityModule {}
