import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { UsersRepository } from '../data/users.repository';
import { UserRole } from '../data/user.entity';
import { accountGone, roleRequired, sessionEnded } from '../domain/identity.errors';
import { IS_PUBLIC, ROLES } from './auth.decorators';
import { TokenService } from './token.service';

export function bearerToken(header: unknown): string | undefined {
  if (typeof header !== 'string') return undefined;
  const m = /^Bearer\s+(\S+)$/i.exec(header.trim());
  return m?.[1];
}

/** Global guard: every route needs a valid token unless marked @Public(); @Roles() narrows further. */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly tokens: TokenService,
    private readonly users: UsersRepository,
  ) {}

  async canActivate(ctx: ExecutionContext): Promise<boolean> {
    if (ctx.getType() !== 'http') return true;
    const targets = [ctx.getHandler(), ctx.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, targets)) return true;

    const req = ctx.switchToHttp().getRequest();
    const claims = this.tokens.verify(bearerToken(req.headers?.authorization));
    // One primary-key read per request, never cached: a deleted account and a revoked token (logout and a
    // password change raise the version) are refused from the very next request, in every api process.
    const user = await this.users.findCaller(claims.sub);
    if (!user) throw accountGone();
    if (user.tokenVersion !== claims.ver) throw sessionEnded();
    req.user = user;

    const roles = this.reflector.getAllAndOverride<UserRole[] | undefined>(ROLES, targets);
    if (roles && !roles.includes(user.role)) throw roleRequired(roles);
    return true;
  }
}
