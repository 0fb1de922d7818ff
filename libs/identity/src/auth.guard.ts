import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { EntityManager } from '@mikro-orm/postgresql';
import { forbidden, unauthenticated } from '@vetting/core';
import { IS_PUBLIC, ROLES } from './auth.decorators';
import { TokenService } from './token.service';
import { User, UserRole } from './user.entity';

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
    private readonly em: EntityManager,
  ) {}

  async canActivate(ctx: ExecutionContext): Promise<boolean> {
    if (ctx.getType() !== 'http') return true;
    const targets = [ctx.getHandler(), ctx.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, targets)) return true;

    const req = ctx.switchToHttp().getRequest();
    const claims = this.tokens.verify(bearerToken(req.headers?.authorization));
    const user = await this.em.findOne(User, { id: claims.sub });
    if (!user) throw unauthenticated('The account for this token no longer exists');
    // The same primary-key read checks revocation: logout and a password change raise the version.
    if (user.tokenVersion !== claims.ver) throw unauthenticated('This session has ended: sign in again');
    req.user = user;

    const roles = this.reflector.getAllAndOverride<UserRole[] | undefined>(ROLES, targets);
    if (roles && !roles.includes(user.role)) {
      throw forbidden(`This needs the role ${roles.join(' or ')}`);
    }
    return true;
  }
}
