import { badRequest, refused, tooManyRequests } from '@vetting/core';
import type { MediaRefusal } from './media.rules';

/** A field of a socket payload that is out of shape: 400 `VALIDATION_FAILED` naming the field. */
export const invalidField = (field: string, problem: string) =>
  badRequest('VALIDATION_FAILED', `${field} ${problem}`, { fields: [{ field, problems: [`${field} ${problem}`] }] });

/** `rtc:signal` to a room that is not `call:<id>` or `attempt:<id>`. */
export const invalidMediaRoom = () => {
  const problem = 'room must be call:<id> or attempt:<id>';
  return badRequest('VALIDATION_FAILED', problem, { fields: [{ field: 'room', problems: [problem] }] });
};

/** A media signal the room's rules refuse (403 with the refusal as its code). */
export const mediaRefused = (code: MediaRefusal) =>
  refused(
    code,
    code === 'RTC_ROOM_CLOSED'
      ? 'The media room is closed'
      : 'You may not send media signals to this person in this room',
  );

/** Too many media signals from one socket (429). */
export const mediaRateLimited = (retryAfter: number) =>
  tooManyRequests('RATE_LIMITED', `Too many media signals: try again in ${retryAfter} s`, {
    retryAfter,
    scope: 'socket',
  });
