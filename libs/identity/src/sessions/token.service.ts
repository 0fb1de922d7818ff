import { Injectable } from '@nestjs/common';
import { KeyObject, createSecretKey } from 'node:crypto';
import { JwtService } from '@nestjs/jwt';
import { AppConfig, Clock } from '@vetting/core';
import type { UserRole } from '../data/user.entity';
import { tokenInvalid, tokenRequired } from '../domain/identity.errors';

export interface TokenClaims {
  sub: string;
  role: UserRole;
  /** The user's token version when issued (see User.tokenVersion). */
  ver: number;
  exp: number;
}

/** Most verified tokens remembered (the oldest are forgotten first). */
const MAX_VERIFIED = 10_000;

@Injectable()
export class TokenService {
  /**
   * Tokens whose signature and claims were verified, by their text: the signature's check gives the same answer for
   * the same text and key every time, so a token seen before only has its expiry checked again (a session's
   * revocation is the caller's `token_version` read, on every request). Tokens with `nbf` are not remembered.
   */
  private readonly verified = new Map<string, Readonly<TokenClaims>>();
  /** A ready HMAC key: with a string secret, jsonwebtoken first tries (and fails) to read a public key each call. */
  private readonly key: KeyObject;

  constructor(
    private readonly jwt: JwtService,
    private readonly config: AppConfig,
    private readonly clock: Clock,
  ) {
    this.key = createSecretKey(Buffer.from(this.config.jwtSecret));
  }

  issue(user: { id: string; role: UserRole; tokenVersion: number }): string {
    const iat = Math.floor(this.clock.now().toSeconds());
    return this.jwt.sign(
      { sub: user.id, role: user.role, ver: user.tokenVersion, iat },
      {
        secret: this.key as unknown as string,
        algorithm: 'HS256',
        expiresIn: Math.floor(this.config.env.JWT_TTL.as('seconds')),
      },
    );
  }

  /** Verifies signature and expiry (a token without `exp` is refused); throws 401 UNAUTHENTICATED otherwise. */
  verify(token: string | undefined): Readonly<TokenClaims> {
    if (!token) throw tokenRequired();
    const now = Math.floor(this.clock.nowMillis() / 1000);
    const known = this.verified.get(token);
    if (known) {
      if (now < known.exp) return known; // jsonwebtoken's rule: expired from `exp` on
      this.verified.delete(token);
      throw tokenInvalid();
    }
    let claims: TokenClaims;
    try {
      claims = this.jwt.verify<TokenClaims>(token, {
        secret: this.key as unknown as string,
        algorithms: ['HS256'],
        clockTimestamp: now,
      });
      if (typeof claims.sub !== 'string') throw new Error('no subject');
      if (typeof claims.exp !== 'number') throw new Error('no expiry');
      if (!Number.isInteger(claims.ver)) throw new Error('no token version');
    } catch {
      throw tokenInvalid();
    }
    if ((claims as { nbf?: unknown }).nbf === undefined) {
      if (this.verified.size >= MAX_VERIFIED) this.verified.delete(this.verified.keys().next().value!);
      this.verified.set(token, Object.freeze(claims));
    }
    return claims;
  }
}
