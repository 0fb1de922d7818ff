import {
  callAlreadyBooked,
  callChanged,
  invalidField,
  invalidInstant,
  invitationChanged,
  rebookingLimitReached,
  slotUnavailable,
} from './calendar.errors';
import { parseInstant } from './instants';

describe('calendar errors keep their status, code and details', () => {
  it.each([
    [slotUnavailable('2026-06-01T10:00:00.000Z'), 409, 'SLOT_UNAVAILABLE', { startsAt: '2026-06-01T10:00:00.000Z' }],
    [callChanged(), 409, 'CALL_CHANGED', undefined],
    [invitationChanged(), 409, 'CALL_CHANGED', undefined],
    [callAlreadyBooked(), 409, 'CALL_ALREADY_BOOKED', undefined],
    [rebookingLimitReached(1, 1), 409, 'RESCHEDULE_LIMIT_REACHED', { rescheduleCount: 1, maxReschedules: 1 }],
    [
      invalidField('callId', 'callId must be a UUID'),
      400,
      'VALIDATION_FAILED',
      {
        fields: [{ field: 'callId', problems: ['callId must be a UUID'] }],
      },
    ],
  ])('%#: %s', (err, status, code, details) => {
    expect(err.toBody()).toEqual({ statusCode: status, code, message: err.message, ...(details ? { details } : {}) });
  });

  it('parseInstant reads ISO-8601 instants in UTC and refuses anything else naming the field', () => {
    expect(parseInstant('startsAt', '2026-06-01T12:00:00+02:00').toISO()).toBe('2026-06-01T10:00:00.000Z');
    expect(() => parseInstant('from', 'tomorrow')).toThrow(expect.objectContaining({ code: 'VALIDATION_FAILED' }));
    expect(invalidInstant('from').toBody().details).toEqual({
      fields: [{ field: 'from', problems: ['from must be an ISO-8601 instant'] }],
    });
  });
});
