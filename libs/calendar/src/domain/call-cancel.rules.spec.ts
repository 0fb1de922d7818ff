import { DateTime, Duration } from 'luxon';
import { CallState, cancellationCountsAsMiss } from './call.rules';

const START = DateTime.fromISO('2026-05-04T10:00:00Z', { zone: 'utc' });
const policy = { rescheduleNotice: Duration.fromObject({ hours: 24 }) };
const call: CallState = {
  id: 'c1',
  status: 'scheduled',
  startsAt: START,
  endsAt: START.plus({ minutes: 30 }),
  rescheduleCount: 0,
  version: 1,
};

describe('cancellationCountsAsMiss', () => {
  const late = START.minus({ hours: 2 });
  const early = START.minus({ hours: 48 });

  it('the freelancer cancelling inside the notice window misses the call', () => {
    expect(cancellationCountsAsMiss(call, late, policy, 'freelancer')).toBe(true);
  });

  it('an admin cancelling inside the notice window is never the freelancer’s miss', () => {
    expect(cancellationCountsAsMiss(call, late, policy, 'admin')).toBe(false);
  });

  it('with notice, nobody’s cancellation is a miss (exactly the notice is enough)', () => {
    expect(cancellationCountsAsMiss(call, early, policy, 'freelancer')).toBe(false);
    expect(cancellationCountsAsMiss(call, START.minus({ hours: 24 }), policy, 'freelancer')).toBe(false);
    expect(cancellationCountsAsMiss(call, early, policy, 'admin')).toBe(false);
  });

  it('a call that is no longer active cannot be cancelled, whoever asks', () => {
    for (const role of ['freelancer', 'admin']) {
      expect(() => cancellationCountsAsMiss({ ...call, status: 'completed' }, late, policy, role)).toThrow(
        expect.objectContaining({ code: 'CALL_NOT_ACTIVE' }),
      );
    }
  });
});
