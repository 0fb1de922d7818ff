import { QueueDashboardSessions, readCookie } from './queue-dashboard.session';

describe('QueueDashboardSessions', () => {
  const sessions = new QueueDashboardSessions('secret-secret-secret-secret');
  const now = 1_800_000_000_000;

  it('gives back the user of a valid session until it expires', () => {
    const token = sessions.issue('user-1', now + 60_000);
    expect(sessions.verify(token, now)).toBe('user-1');
    expect(sessions.verify(token, now + 59_999)).toBe('user-1');
    expect(sessions.verify(token, now + 60_000)).toBeNull();
  });

  it('refuses tampered, foreign and malformed tokens', () => {
    const token = sessions.issue('user-1', now + 60_000);
    const [v, , exp, mac] = token.split('.');
    expect(sessions.verify(`${v}.user-2.${exp}.${mac}`, now)).toBeNull();
    expect(sessions.verify(`${v}.user-1.${Number(exp) + 1}.${mac}`, now)).toBeNull();
    expect(new QueueDashboardSessions('another-secret-another-secret').verify(token, now)).toBeNull();
    for (const bad of [undefined, '', 'v1.user-1', 'v2.user-1.1.x', token + 'x', 'v1.user-1.abc.' + mac])
      expect(sessions.verify(bad, now)).toBeNull();
  });
});

describe('readCookie', () => {
  it('finds one cookie among others', () => {
    expect(readCookie('a=1; vetting_queue_dashboard=v1.x.2.y; b=2', 'vetting_queue_dashboard')).toBe('v1.x.2.y');
    expect(readCookie('a=1', 'vetting_queue_dashboard')).toBeUndefined();
    expect(readCookie(undefined, 'a')).toBeUndefined();
    expect(readCookie('a=%E0%A4%A', 'a')).toBeUndefined();
  });
});
