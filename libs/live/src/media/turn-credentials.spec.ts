import { createHmac } from 'node:crypto';
import { iceServersFor, mintTurnCredential } from './turn-credentials';

describe('TURN REST API credentials', () => {
  const secret = 'turn-shared-secret-0123456789';
  const userId = '6f1c2d3e-4a5b-4c6d-8e9f-0a1b2c3d4e5f';

  it('username is "<expiry unix seconds>:<userId>", credential base64(HMAC-SHA1(secret, username))', () => {
    const c = mintTurnCredential(secret, userId, new Date('2026-11-27T18:30:00.000Z'));
    expect(c.username).toBe(`1795804200:${userId}`);
    expect(c.expiresAt).toBe(1795804200);
    expect(c.credential).toBe(createHmac('sha1', secret).update(c.username).digest('base64'));
  });

  it('matches a known vector (what coturn computes for use-auth-secret)', () => {
    // printf '%s' '1700000000:alice' | openssl dgst -sha1 -hmac 'secret' -binary | base64
    expect(mintTurnCredential('secret', 'alice', new Date(1_700_000_000_000)).credential).toBe(
      'd8soP47RbdIKLDUOpnJPVQyq5Ts=',
    );
  });

  it('rounds a room close inside a second up (the credential lasts until the room closes)', () => {
    expect(mintTurnCredential(secret, userId, new Date(1_700_000_000_001)).expiresAt).toBe(1_700_000_001);
  });

  it('differs per user and per expiry, and with another secret', () => {
    const at = new Date(1_700_000_000_000);
    const a = mintTurnCredential(secret, userId, at).credential;
    expect(mintTurnCredential(secret, 'someone-else', at).credential).not.toBe(a);
    expect(mintTurnCredential(secret, userId, new Date(1_700_000_060_000)).credential).not.toBe(a);
    expect(mintTurnCredential('another-secret-0123456789', userId, at).credential).not.toBe(a);
  });

  it('iceServersFor: the configured servers as they are, plus TURN with minted credentials when a secret is set', () => {
    const stun = { urls: ['stun:stun.example.org:3478'] };
    const closes = new Date(1_700_000_000_000);
    expect(iceServersFor({ servers: [stun], turnUrls: [] }, userId, closes)).toEqual([stun]);
    expect(iceServersFor({ servers: [stun], turnUrls: ['turn:t.example.org:3478'] }, userId, closes)).toEqual([stun]);
    const withTurn = iceServersFor(
      {
        servers: [stun],
        turnUrls: ['turn:t.example.org:3478?transport=udp', 'turns:t.example.org:5349'],
        turnSecret: secret,
      },
      userId,
      closes,
    );
    expect(withTurn).toEqual([
      stun,
      {
        urls: ['turn:t.example.org:3478?transport=udp', 'turns:t.example.org:5349'],
        username: `1700000000:${userId}`,
        credential: mintTurnCredential(secret, userId, closes).credential,
      },
    ]);
  });
});
