// The booking statement of `CallsRepository.insertBookings` (one or several bookings in one statement; a single
// booking is the same statement with one row) and its parameters (split out of calls.repository.ts to keep it short).
import { randomUUID } from 'node:crypto';
import { DateTime } from 'luxon';
import { VettingCall } from './call.entities';

/** One booking of `CallsRepository.insertBookings`. */
export interface BookingRow {
  call: VettingCall;
  read: { reschedulesUsed: number; freeRebooking: boolean; hasCancelledCall: boolean };
  now: DateTime;
  details: Record<string, unknown>;
}

/**
 * One or several bookings (of distinct invitations) as one statement of one shape whatever their number
 * (a prepared statement planned once per connection, not once per batch size): the bookings travel as arrays, `w`
 * one row each. Parameters: `bookingArrays` (the last one, the invitation ids again, is the update's), then the effects'.
 */
export const BOOKINGS_SQL = `with w as (
         select * from unnest(?::uuid[], ?::uuid[], ?::uuid[], ?::int[], ?::int[], ?::boolean[], ?::timestamptz[],
                              ?::boolean[], ?::uuid[], ?::text[], ?::text[], ?::timestamptz[], ?::timestamptz[],
                              ?::boolean[], ?::timestamptz[], ?::timestamptz[], ?::uuid[], ?::text[])
           as w(call_id, invitation_id, freelancer_id, reschedule_count, read_reschedules, read_free_rebooking, now,
                has_cancelled, talent_manager_id, program, category_slug, starts_at, ends_at, free_rebooking,
                created_at, updated_at, history_id, details)
       ), inv as (
         update vetting_invitations i set reschedules_used = w.reschedule_count, free_rebooking = false
           from w
          -- the ids again as an array: primary-key lookups, never a scan of every open invitation
          where i.id = any(?::uuid[]) and i.id = w.invitation_id and i.freelancer_id = w.freelancer_id
            and i.status = 'open'
            and i.reschedules_used = w.read_reschedules and i.free_rebooking = w.read_free_rebooking
            and not exists (select 1 from vetting_cooldowns d
                             where d.freelancer_id = i.freelancer_id and d.program = i.program and d.until > w.now)
            and (w.has_cancelled or not exists (select 1 from vetting_calls x
                                                 where x.invitation_id = i.id and x.status = 'cancelled'))
         returning w.call_id
       ), c as (
         insert into vetting_calls (id, invitation_id, freelancer_id, talent_manager_id, program, category_slug, status,
                                    starts_at, ends_at, reschedule_count, version, ics_sequence, free_rebooking,
                                    created_at, updated_at)
         select w.call_id, w.invitation_id, w.freelancer_id, w.talent_manager_id, w.program, w.category_slug, 'scheduled',
                w.starts_at, w.ends_at, w.reschedule_count, 1, 0, w.free_rebooking, w.created_at, w.updated_at
           from w join inv on inv.call_id = w.call_id
          order by w.talent_manager_id, w.starts_at
         returning id
       ), h as (
         insert into call_history (id, call_id, at, actor_id, actor_role, action, from_status, to_status, details)
         select w.history_id, c.id, w.created_at, w.freelancer_id, 'freelancer', 'booked', null, 'scheduled',
                w.details::jsonb
           from c join w on w.call_id = c.id
       )`;

export const bookingArrays = (rows: readonly BookingRow[]) => {
  const col = <T>(f: (r: BookingRow) => T) => rows.map(f);
  return [
    col((r) => r.call.id),
    col((r) => r.call.invitationId),
    col((r) => r.call.freelancerId),
    col((r) => r.call.rescheduleCount),
    col((r) => r.read.reschedulesUsed),
    col((r) => r.read.freeRebooking),
    col((r) => r.now.toJSDate()),
    col((r) => r.read.hasCancelledCall),
    col((r) => r.call.talentManagerId),
    col((r) => r.call.program),
    col((r) => r.call.categorySlug),
    col((r) => r.call.startsAt),
    col((r) => r.call.endsAt),
    col((r) => r.call.freeRebooking),
    col((r) => r.call.createdAt),
    col((r) => r.call.updatedAt),
    col(() => randomUUID()),
    col((r) => JSON.stringify(r.details)),
    col((r) => r.call.invitationId),
  ];
};
