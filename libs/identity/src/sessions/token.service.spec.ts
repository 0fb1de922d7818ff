import { JwtService } from '@nestjs/jwt';
import { AppConfig, AppError, ManualClock } from '@vetting/core';
import { DateTime } from 'luxon';
import { TokenService } from './token.service';

const SECRET = 'x'.repeat(32);
const START = DateTime.fromISO('2030-03-01T09:00:00Z', { zone: 'utc' });

function setup(secret = SECRET, clock = new ManualClock(START)) {
  const config = AppConfig.fromEnv({ JWT_SECRET: secret, JWT_TTL: 'PT1H', NODE_ENV: 'test' });
  return { tokens: new TokenService(new JwtService({}), config, clock), clock };
}

/** Asserts that verify throws a 401 AppError with code UNAUTHENTICATED. */
function expectUnauthenticated(tokens: TokenService, token: string | undefined): void {
  let caught: unknown;
  try {
    tokens.verify(token);
  } catch (err) {
    caught = err;
  }
  expect(caught).toBeInstanceOf(AppError);
  expect((caught as AppError).code).toBe('UNAUTHENTICATED');
  expect((caught as AppError).getStatus()).toBe(401);
}

describe('TokenService', () => {
  it('issues a token that verifies to its subject and role', () => {
    const { tokens } = setup();
    const token = tokens.issue({ id: 'user-1', role: 'talent_manager', tokenVersion: 3 });
    expect(token.split('.')).toHaveLength(3);
    const claims = tokens.verify(token);
    expect(claims.sub).toBe('user-1');
    expect(claims.role).toBe('talent_manager');
    expect(claims.ver).toBe(3);
  });

  it('stamps iat/exp from the injected clock and JWT_TTL', () => {
    const { tokens } = setup();
    const claims = tokens.verify(tokens.issue({ id: 'user-1', role: 'freelancer', tokenVersion: 0 })) as unknown as {
      iat: number;
      exp: number;
    };
    expect(claims.iat).toBe(START.toSeconds());
    expect(claims.exp).toBe(START.toSeconds() + 3600);
  });

  it('stays valid until the TTL ends, then expires', () => {
    const { tokens, clock } = setup();
    const token = tokens.issue({ id: 'user-1', role: 'client', tokenVersion: 0 });
    clock.advance({ minutes: 59, seconds: 59 });
    expect(tokens.verify(token).sub).toBe('user-1');
    clock.advance({ seconds: 2 });
    expectUnauthenticated(tokens, token);
    clock.advance({ days: 30 });
    expectUnauthenticated(tokens, token);
  });

  it('rejects a token with a tampered payload', () => {
    const { tokens } = setup();
    const [header, payload, signature] = tokens.issue({ id: 'user-1', role: 'freelancer', tokenVersion: 0 }).split('.');
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
    const forged = Buffer.from(JSON.stringify({ ...claims, role: 'admin' })).toString('base64url');
    expectUnauthenticated(tokens, `${header}.${forged}.${signature}`);
  });

  it('rejects a token with a tampered signature', () => {
    const { tokens } = setup();
    const token = tokens.issue({ id: 'user-1', role: 'freelancer', tokenVersion: 0 });
    const last = token.at(-1) === 'A' ? 'B' : 'A';
    expectUnauthenticated(tokens, token.slice(0, -1) + last);
  });

  it('rejects a token signed with another secret', () => {
    const { tokens } = setup();
    const { tokens: other } = setup('y'.repeat(32));
    expectUnauthenticated(tokens, other.issue({ id: 'user-1', role: 'admin', tokenVersion: 0 }));
  });

  it('rejects an unsigned (alg: none) token', () => {
    const { tokens } = setup();
    const enc = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
    const now = START.toSeconds();
    expectUnauthenticated(
      tokens,
      `${enc({ alg: 'none', typ: 'JWT' })}.${enc({ sub: 'user-1', role: 'admin', iat: now, exp: now + 60 })}.`,
    );
  });

  it('rejects a missing, empty or garbage token', () => {
    const { tokens } = setup();
    expectUnauthenticated(tokens, undefined);
    expectUnauthenticated(tokens, '');
    expectUnauthenticated(tokens, 'not-a-jwt');
  });

  it('rejects a validly signed token without a string subject', () => {
    const { tokens } = setup();
    const jwt = new JwtService({});
    const now = START.toSeconds();
    const token = jwt.sign({ role: 'admin', ver: 0, iat: now }, { secret: SECRET, expiresIn: 60 });
    expectUnauthenticated(tokens, token);
  });

  it('rejects a validly signed token without exp (it would never expire)', () => {
    const { tokens } = setup();
    const jwt = new JwtService({});
    const now = START.toSeconds();
    expect(
      tokens.verify(jwt.sign({ sub: 'user-1', role: 'admin', ver: 0, iat: now }, { secret: SECRET, expiresIn: 60 }))
        .sub,
    ).toBe('user-1');
    expectUnauthenticated(tokens, jwt.sign({ sub: 'user-1', role: 'admin', ver: 0, iat: now }, { secret: SECRET }));
  });

  it('rejects a validly signed token without a token version', () => {
    const { tokens } = setup();
    const jwt = new JwtService({});
    const now = START.toSeconds();
    expectUnauthenticated(
      tokens,
      jwt.sign({ sub: 'user-1', role: 'admin', iat: now }, { secret: SECRET, expiresIn: 60 }),
    );
    expectUnauthenticated(
      tokens,
      jwt.sign({ sub: 'user-1', role: 'admin', ver: '0', iat: now }, { secret: SECRET, expiresIn: 60 }),
    );
  });

  it('a token verified before is checked for expiry again, not trusted beyond it', () => {
    const { tokens, clock } = setup();
    const token = tokens.issue({ id: 'user-1', role: 'client', tokenVersion: 2 });
    const first = tokens.verify(token);
    expect(tokens.verify(token)).toEqual(first);
    expect(Object.isFrozen(tokens.verify(token))).toBe(true);
    clock.advance({ minutes: 60 });
    expectUnauthenticated(tokens, token);
    expectUnauthenticated(tokens, token);
  });

  it('remembers a verified token by its exact text: a tampered copy is verified afresh and refused', () => {
    const { tokens } = setup();
    const token = tokens.issue({ id: 'user-1', role: 'freelancer', tokenVersion: 0 });
    expect(tokens.verify(token).sub).toBe('user-1');
    const last = token.at(-1) === 'A' ? 'B' : 'A';
    expectUnauthenticated(tokens, token.slice(0, -1) + last);
    expect(tokens.verify(token).role).toBe('freelancer');
  });

  it('does not remember a token with nbf: it is verified (and refused before nbf) every time', () => {
    const { tokens, clock } = setup();
    const jwt = new JwtService({});
    const now = START.toSeconds();
    const token = jwt.sign({ sub: 'user-1', role: 'admin', ver: 0, iat: now }, { secret: SECRET, expiresIn: 3600 });
    expect(tokens.verify(token).sub).toBe('user-1');
    const later = jwt.sign(
      { sub: 'user-1', role: 'admin', ver: 0, iat: now, nbf: now + 60 },
      { secret: SECRET, expiresIn: 3600 },
    );
    expectUnauthenticated(tokens, later);
    clock.advance({ seconds: 61 });
    expect(tokens.verify(later).sub).toBe('user-1');
    clock.set(START); // before nbf again: refused, since it was not remembered
    expectUnauthenticated(tokens, later);
  });
});
