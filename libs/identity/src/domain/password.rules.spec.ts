import { hashPassword, verifyPassword } from './password.rules';

describe('password hashing', () => {
  it('hashes with bcrypt, never returning the plain text', async () => {
    const hash = await hashPassword('correct horse battery staple');
    expect(hash).not.toBe('correct horse battery staple');
    expect(hash).not.toContain('correct horse');
    expect(hash).toMatch(/^\$2[aby]\$10\$/);
  });

  it('salts: the same password hashes differently each time', async () => {
    const [a, b] = await Promise.all([hashPassword('s3cret-pass'), hashPassword('s3cret-pass')]);
    expect(a).not.toBe(b);
    expect(await verifyPassword('s3cret-pass', a)).toBe(true);
    expect(await verifyPassword('s3cret-pass', b)).toBe(true);
  });

  it('verifies the right password and rejects wrong ones', async () => {
    const hash = await hashPassword('s3cret-pass');
    expect(await verifyPassword('s3cret-pass', hash)).toBe(true);
    expect(await verifyPassword('s3cret-Pass', hash)).toBe(false);
    expect(await verifyPassword('s3cret-pass ', hash)).toBe(false);
    expect(await verifyPassword('', hash)).toBe(false);
  });

  it('does not verify against a malformed hash', async () => {
    expect(await verifyPassword('s3cret-pass', 'not-a-bcrypt-hash')).toBe(false);
  });
});
