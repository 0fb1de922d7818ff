import { DateTime } from 'luxon';
import type { VettingCall } from '../data/call.entities';
import type { CallState } from './call.rules';

const dt = (d: Date | null | undefined) => (d ? DateTime.fromJSDate(d, { zone: 'utc' }) : null);

/** The rules' view of a stored call. */
export function callState(c: VettingCall): CallState {
  return {
    id: c.id,
    status: c.status,
    startsAt: DateTime.fromJSDate(c.startsAt, { zone: 'utc' }),
    endsAt: DateTime.fromJSDate(c.endsAt, { zone: 'utc' }),
    rescheduleCount: c.rescheduleCount,
    version: c.version,
    freelancerJoinedAt: dt(c.freelancerJoinedAt),
    talentManagerJoinedAt: dt(c.talentManagerJoinedAt),
  };
}
