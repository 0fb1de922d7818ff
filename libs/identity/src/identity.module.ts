import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { JwtModule } from '@nestjs/jwt';
import { IdentityService } from './accounts/identity.service';
import { UserDirectory } from './accounts/user-directory.service';
import { UsersRepository } from './data/users.repository';
import { AdminUsersController } from './http/admin-users.controller';
import { AuthController, MeController } from './http/identity.controller';
import { AuthGuard } from './sessions/auth.guard';
import { ClientRateLimitGuard } from './sessions/client-rate-limit.guard';
import { LoginThrottle } from './sessions/login-throttle';
import { SessionEvents } from './sessions/session-events';
import { SessionsService } from './sessions/sessions.service';
import { TokenService } from './sessions/token.service';

@Module({
  imports: [JwtModule.register({})],
  controllers: [AuthController, MeController, AdminUsersController],
  providers: [
    UsersRepository,
    TokenService,
    IdentityService,
    SessionsService,
    UserDirectory,
    LoginThrottle,
    SessionEvents,
    ClientRateLimitGuard,
    { provide: APP_GUARD, useClass: AuthGuard },
  ],
  exports: [TokenService, IdentityService, SessionEvents],
})
export class IdentityModule {}
