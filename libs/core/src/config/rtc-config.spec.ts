import { AppConfig, ConfigError } from './app-config';

const SECRET = { JWT_SECRET: 'j'.repeat(32) };
const problems = (env: Record<string, string>): string[] => {
  try {
    AppConfig.fromEnv({ ...SECRET, ...env });
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
  return [];
};

describe('WebRTC configuration', () => {
  it('defaults: no ICE servers, no TURN, transport policy all, signal limits', () => {
    const env = AppConfig.fromEnv(SECRET).env;
    expect(env.RTC_ICE_SERVERS).toEqual([]);
    expect(env.TURN_URLS).toEqual([]);
    expect(env.TURN_SECRET).toBeUndefined();
    expect(env.RTC_ICE_TRANSPORT_POLICY).toBe('all');
    expect([env.RTC_SIGNAL_RATE, env.RTC_SIGNAL_BURST]).toEqual([20, 60]);
  });

  it('RTC_ICE_SERVERS: a comma list of stun:/turn: URLs, or a JSON array', () => {
    expect(
      AppConfig.fromEnv({ ...SECRET, RTC_ICE_SERVERS: 'stun:stun.example.org:3478, stun:other.example.org' }).env
        .RTC_ICE_SERVERS,
    ).toEqual([{ urls: ['stun:stun.example.org:3478'] }, { urls: ['stun:other.example.org'] }]);
    const json =
      '[{"urls":"turn:t.example.org:3478","username":"u","credential":"c"},{"urls":["stun:a.example.org","stuns:b.example.org"]}]';
    expect(AppConfig.fromEnv({ ...SECRET, RTC_ICE_SERVERS: json }).env.RTC_ICE_SERVERS).toEqual([
      { urls: ['turn:t.example.org:3478'], username: 'u', credential: 'c' },
      { urls: ['stun:a.example.org', 'stuns:b.example.org'] },
    ]);
  });

  it.each([
    'http://stun.example.org',
    '[{"urls":[]}]',
    '[{"urls":"stun:a","username":1}]',
    '{"urls":"stun:a"}',
    '[not json',
  ])('refuses RTC_ICE_SERVERS=%s', (raw) => {
    expect(problems({ RTC_ICE_SERVERS: raw }).some((p) => p.startsWith('RTC_ICE_SERVERS:'))).toBe(true);
  });

  it('TURN_URLS and TURN_SECRET go together; TURN_URLS are turn:/turns: URLs; the secret is long enough', () => {
    expect(problems({ TURN_URLS: 'turn:127.0.0.1:3478' })).toEqual(['TURN_SECRET: is required when TURN_URLS is set']);
    expect(problems({ TURN_SECRET: 's'.repeat(16) })).toEqual(['TURN_URLS: is required when TURN_SECRET is set']);
    expect(
      problems({ TURN_URLS: 'stun:127.0.0.1:3478', TURN_SECRET: 's'.repeat(16) }).some((p) =>
        p.startsWith('TURN_URLS:'),
      ),
    ).toBe(true);
    expect(
      problems({ TURN_URLS: 'turn:127.0.0.1:3478', TURN_SECRET: 'short' }).some((p) => p.startsWith('TURN_SECRET:')),
    ).toBe(true);
    expect(
      AppConfig.fromEnv({
        ...SECRET,
        TURN_URLS: 'turn:127.0.0.1:3478?transport=udp,turns:t.example.org:5349',
        TURN_SECRET: 's'.repeat(16),
      }).env.TURN_URLS,
    ).toEqual(['turn:127.0.0.1:3478?transport=udp', 'turns:t.example.org:5349']);
  });

  it('RTC_ICE_TRANSPORT_POLICY=relay needs a TURN server', () => {
    expect(problems({ RTC_ICE_TRANSPORT_POLICY: 'relay' }).some((p) => p.startsWith('RTC_ICE_TRANSPORT_POLICY:'))).toBe(
      true,
    );
    expect(
      problems({ RTC_ICE_TRANSPORT_POLICY: 'relay', TURN_URLS: 'turn:127.0.0.1:3478', TURN_SECRET: 's'.repeat(16) }),
    ).toEqual([]);
    expect(problems({ RTC_ICE_TRANSPORT_POLICY: 'relay', RTC_ICE_SERVERS: 'turn:t.example.org' })).toEqual([]);
    expect(
      problems({ RTC_ICE_TRANSPORT_POLICY: 'sometimes' }).some((p) => p.startsWith('RTC_ICE_TRANSPORT_POLICY:')),
    ).toBe(true);
  });
});
