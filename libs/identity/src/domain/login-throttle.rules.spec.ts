import { accountKey, clientKey } from './login-throttle.rules';
import { rateLimited } from './identity.errors';

describe('login throttle keys', () => {
  it('counts an IPv4 client by its address, also when it arrives IPv4-mapped', () => {
    expect(clientKey('203.0.113.7')).toBe('203.0.113.7');
    expect(clientKey('::ffff:203.0.113.7')).toBe('203.0.113.7');
    expect(clientKey(undefined)).toBe('unknown');
  });

  it('counts an IPv6 client by its /64, so rotating the interface id does not help', () => {
    expect(clientKey('2001:db8:1:2:aaaa:bbbb:cccc:dddd')).toBe('2001:db8:1:2::/64');
    expect(clientKey('2001:db8:1:2::1')).toBe('2001:db8:1:2::/64');
    expect(clientKey('2001:0db8:0001:0002:0:0:0:9')).toBe('2001:db8:1:2::/64');
    expect(clientKey('2001:db8::1')).toBe('2001:db8:0:0::/64');
    expect(clientKey('::1')).toBe('0:0:0:0::/64');
    expect(clientKey('2001:db8:1:3::1')).not.toBe(clientKey('2001:db8:1:2::1'));
  });

  it('counts an account by its normalised email, without the email in the key', () => {
    expect(accountKey(' Ada@Example.COM ')).toBe(accountKey('ada@example.com'));
    expect(accountKey('ada@example.com')).not.toBe(accountKey('bob@example.com'));
    expect(accountKey('ada@example.com')).not.toContain('ada');
  });

  it('a rate limit says when to come back', () => {
    const err = rateLimited(42, 'account');
    expect(err.getStatus()).toBe(429);
    expect(err.toBody()).toEqual({
      statusCode: 429,
      code: 'RATE_LIMITED',
      message: 'Too many attempts: try again in 42 s',
      details: { retryAfter: 42, scope: 'account' },
    });
  });
});
