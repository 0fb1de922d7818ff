import { createParamDecorator, ExecutionContext, SetMetadata } from '@nestjs/common';
import type { User, UserRole } from '../data/user.entity';

export const IS_PUBLIC = 'identity:public';
export const ROLES = 'identity:roles';

/** No token needed. */
export const Public = () => SetMetadata(IS_PUBLIC, true);
/** Only these roles may call the route (403 FORBIDDEN otherwise). */
export const Roles = (...roles: UserRole[]) => SetMetadata(ROLES, roles);

/** The authenticated caller, loaded by the auth guard. */
export const CurrentUser = createParamDecorator((_data: unknown, ctx: ExecutionContext): User => {
  return ctx.switchToHttp().getRequest().user;
});
