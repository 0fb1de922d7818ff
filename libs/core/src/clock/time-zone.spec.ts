import { isIanaTimeZone } from './time-zone';

describe('isIanaTimeZone', () => {
  it.each(['Europe/Berlin', 'America/New_York', 'UTC', 'Etc/GMT+3', 'Asia/Kolkata'])('accepts %p', (zone) => {
    expect(isIanaTimeZone(zone)).toBe(true);
  });
  it.each(['+03:00', '-05:00', '+0300', 'UTC+3', 'GMT+03:00', 'Europe/Atlantis', 'Berlin', '', 'CEST', 42, null])(
    'refuses %p',
    (zone) => {
      expect(isIanaTimeZone(zone)).toBe(false);
    },
  );
});
