import { Injectable } from '@nestjs/common';
import { KeyObject, createSecretKey } from 'node:crypto';
import { JwtService } from '@nestjs/jwt';
import { AppConfig, Clock, unauthenticated } from '@vetting/core';
import type { UserRole } from './user.entity';

export interface TokenClaims {
  sub: string;
  role: UserRole;
}

@Injectable()
export class TokenService {
  /** A ready HMAC key: with a string secret, jsonwebtoken first tries (and fails) to read a public key on every call. */
  private readonly key: KeyObject;

  constructor(
    private readonly jwt: JwtService,
    private readonly config: AppConfig,
    private readonly clock: Clock,
  ) {
    this.key = createSecretKey(Buffer.from(this.config.jwtSecret));
  }

  issue(userId: string, role: UserRole): string {
    const iat = Math.floor(this.clock.now().toSeconds());
    return this.jwt.sign({ sub: userId, role, iat }, { secret: this.key as unknown as string, algorithm: 'HS256', expiresIn: Math.floor(this.config.env.JWT_TTL.as('seconds')) });
  }

  /** Verifies signature and expiry; throws 401 UNAUTHENTICATED otherwise. */
  verify(token: string | undefined): TokenClaims {
    if (!token) throw unauthenticated('A bearer token is required');
    try {
      const claims = this.jwt.verify<TokenClaims>(token, {
        secret: this.key as unknown as string,
        algorithms: ['HS256'],
        clockTimestamp: Math.floor(this.clock.now().toSeconds()),
      });
      if (typeof claims.sub !== 'string') throw new Error('no subject');
      return claims;
    } catch {
      throw unauthenticated('The token is invalid or has expired');
    }
  }
}
