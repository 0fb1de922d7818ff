import { checkWebhookUrl, isPublicAddress } from './webhook-target.rules';

describe('isPublicAddress', () => {
  it.each([
    '127.0.0.1',
    '127.255.255.254',
    '0.0.0.0',
    '10.1.2.3',
    '100.64.0.1',
    '100.127.255.255',
    '169.254.169.254',
    '172.16.0.1',
    '172.31.255.255',
    '192.0.0.1',
    '192.0.2.10',
    '192.168.1.1',
    '198.18.0.1',
    '198.51.100.7',
    '203.0.113.9',
    '224.0.0.1',
    '239.255.255.250',
    '240.0.0.1',
    '255.255.255.255',
  ])('refuses IPv4 %s', (ip) => expect(isPublicAddress(ip)).toBe(false));

  it.each([
    '1.1.1.1',
    '8.8.8.8',
    '93.184.216.34',
    '100.63.255.255',
    '100.128.0.0',
    '172.15.255.255',
    '172.32.0.0',
    '169.253.255.255',
    '223.255.255.255',
    '11.0.0.0',
  ])('accepts public IPv4 %s', (ip) => expect(isPublicAddress(ip)).toBe(true));

  it.each([
    '::1',
    '::',
    '0:0:0:0:0:0:0:1',
    'fe80::1',
    'fe80::1%eth0',
    'fc00::1',
    'fd00:ec2::254',
    'ff02::1',
    'fec0::1',
    '::ffff:127.0.0.1',
    '::ffff:7f00:1',
    '::ffff:10.0.0.1',
    '::ffff:169.254.169.254',
    '::ffff:a9fe:a9fe',
    '::127.0.0.1',
    '64:ff9b::127.0.0.1',
    '64:ff9b::a00:1',
    '64:ff9b:1::1',
    '2002:7f00:1::1',
    '2002:c0a8:101::1',
    '2001:db8::1',
    '2001::1',
    '100::1',
    '3fff::1',
  ])('refuses IPv6 %s', (ip) => expect(isPublicAddress(ip)).toBe(false));

  it.each([
    '2606:4700:4700::1111',
    '2001:4860:4860::8888',
    '::ffff:8.8.8.8',
    '::ffff:808:808',
    '64:ff9b::808:808',
    '2002:808:808::1',
    '2a00:1450:4001:80b::200e',
  ])('accepts public IPv6 %s', (ip) => expect(isPublicAddress(ip)).toBe(true));

  it.each(['', 'localhost', '127.1', '2130706433', '0x7f.1', '1.2.3.4.5', '::g', 'example.com'])(
    'refuses what is not an address literal: %p',
    (ip) => expect(isPublicAddress(ip)).toBe(false),
  );
});

describe('checkWebhookUrl', () => {
  it.each([
    'http://169.254.169.254/latest/meta-data/',
    'http://127.0.0.1:6379/',
    'http://10.0.0.5/hook',
    'http://192.168.1.10/hook',
    'http://172.20.0.3/hook',
    'http://[::1]/hook',
    'http://[::ffff:127.0.0.1]/hook',
    'http://[fd00:ec2::254]/',
    'http://0.0.0.0/',
    'http://2130706433/',
    'http://0x7f.1/',
    'http://0177.0.0.1/',
    'http://127.1/',
    'http://100.64.0.1/',
    'http://metadata.google.internal/computeMetadata/v1/',
    'http://metadata/',
    'http://localhost:3000/hook',
    'http://LOCALHOST./hook',
    'http://api.localhost/hook',
    'http://printer.local/hook',
    'http://redis:6379/',
  ])('refuses %s as WEBHOOK_URL_NOT_ALLOWED', (url) => {
    expect(checkWebhookUrl(url, false)).toMatchObject({ ok: false, code: 'WEBHOOK_URL_NOT_ALLOWED' });
  });

  it('refuses credentials even when private targets are allowed', () => {
    expect(checkWebhookUrl('https://user:pass@example.com/hook', false)).toMatchObject({
      ok: false,
      code: 'WEBHOOK_URL_NOT_ALLOWED',
      problem: 'must not carry credentials',
    });
    expect(checkWebhookUrl('https://user@example.com/hook', true)).toMatchObject({
      ok: false,
      code: 'WEBHOOK_URL_NOT_ALLOWED',
    });
  });

  it.each([
    'ftp://example.com/x',
    'file:///etc/passwd',
    'gopher://127.0.0.1:6379/_',
    'not a url',
    'javascript:alert(1)',
  ])('refuses %s as VALIDATION_FAILED', (url) => {
    expect(checkWebhookUrl(url, false)).toMatchObject({ ok: false, code: 'VALIDATION_FAILED' });
  });

  it.each([
    'https://example.com/hooks/vetting',
    'http://93.184.216.34:8080/x',
    'https://[2606:4700:4700::1111]/hook',
    'https://hooks.example.co.uk./x',
  ])('accepts %s', (url) => {
    expect(checkWebhookUrl(url, false)).toMatchObject({ ok: true });
  });

  it('allows loopback and private targets with WEBHOOK_ALLOW_PRIVATE', () => {
    expect(checkWebhookUrl('http://127.0.0.1:4000/hook', true)).toMatchObject({ ok: true });
    expect(checkWebhookUrl('http://localhost:4000/hook', true)).toMatchObject({ ok: true });
  });
});
