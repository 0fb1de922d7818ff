import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { LoginThrottle } from './login-throttle';

/** Counts the request against its client address (req.ip: X-Forwarded-For only from TRUST_PROXY hops). */
@Injectable()
export class ClientRateLimitGuard implements CanActivate {
  constructor(private readonly throttle: LoginThrottle) {}
  async canActivate(ctx: ExecutionContext): Promise<boolean> {
    await this.throttle.hitClient(ctx.switchToHttp().getRequest().ip);
    return true;
  }
}
