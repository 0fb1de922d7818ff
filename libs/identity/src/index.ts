export { IdentityModule } from './identity.module';
export { IdentityService } from './accounts/identity.service';
export { User } from './data/user.entity';
export type { ClientPlan, UserRole } from './data/user.entity';
export { CurrentUser, Public, Roles } from './sessions/auth.decorators';
export { bearerToken } from './sessions/auth.guard';
export { SessionEvents } from './sessions/session-events';
export { TokenService } from './sessions/token.service';
