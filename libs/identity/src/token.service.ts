import { Injectable } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { AppConfig, Clock, unauthenticated } from '@vetting/core';
import type { UserRole } from './user.entity';

export interface TokenClaims {
  sub: string;
  role: UserRole;
}

@Injectable()
export class TokenService {
  constructor(
    private readonly jwt: JwtService,
    private readonly config: AppConfig,
    private readonly clock: Clock,
  ) {}

  issue(userId: string, role: UserRole): string {
    const iat = Math.floor(this.clock.now().toSeconds());
    return this.jwt.sign({ sub: userId, role, iat }, { secret: this.config.jwtSecret, expiresIn: Math.floor(this.config.env.JWT_TTL.as('seconds')) });
  }

  /** Verifies signature and expiry; throws 401 UNAUTHENTICATED otherwise. */
  verify(token: string | undefined): TokenClaims {
    if (!token) throw unauthenticated('A bearer token is required');
    try {
      const claims = this.jwt.verify<TokenClaims>(token, {
        secret: this.config.jwtSecret,
        clockTimestamp: Math.floor(this.clock.now().toSeconds()),
      });
      if (typeof claims.sub !== 'string') throw new Error('no subject');
      return claims;
    } catch {
      throw unauthenticated('The token is invalid or has expired');
    }
  }
}
