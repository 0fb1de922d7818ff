import { DateTime } from 'luxon';
import { ManualClock, SystemClock } from './clock';

describe('Clock.nowMillis', () => {
  it('is the manual clock’s time, and follows it when set or advanced', () => {
    const clock = new ManualClock(DateTime.fromISO('2026-11-22T09:30:00.123Z'));
    expect(clock.nowMillis()).toBe(Date.parse('2026-11-22T09:30:00.123Z'));
    clock.advance({ milliseconds: 877 });
    expect(clock.nowMillis()).toBe(Date.parse('2026-11-22T09:30:01.000Z'));
    clock.set(DateTime.fromISO('2027-01-01T00:00:00Z'));
    expect(clock.nowMillis()).toBe(clock.now().toMillis());
  });

  it('is the system time on the system clock, in step with now()', () => {
    const clock = new SystemClock();
    const before = Date.now();
    const ms = clock.nowMillis();
    const dt = clock.now().toMillis();
    expect(ms).toBeGreaterThanOrEqual(before);
    expect(dt).toBeGreaterThanOrEqual(ms);
    expect(dt - ms).toBeLessThan(1000);
  });
});
