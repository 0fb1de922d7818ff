// The SQL parts of the read of an invitation's facts (talent's `vetting_invitations` and `vetting_cooldowns`),
// `CallsRepository.invitationFacts`, and their conversion, shared with booking's batched read
// (BookingReadRepository).
import { DateTime } from 'luxon';
import type { BookingFacts } from '../domain/call.rules';
import { ACTIVE_SQL, fromJson } from './availability.repository';

/** What booking reads about the invitation, with the program and category the call is booked in. */
export type InvitationFacts = BookingFacts & { program: string; categorySlug: string };

/** The invitation's row (parameter: its id). */
export const INVITATION_CTE = `inv as (
         select freelancer_id, program, category_slug, status, reschedules_used, free_rebooking
           from vetting_invitations where id = ?
       )`;
/** The invitation's facts over the `inv` CTE (parameters: `factsParams`). */
export const FACTS_COLUMNS = `(select row_to_json(inv) from inv) as invitation,
              (select max(until) from vetting_cooldowns
                where freelancer_id = ? and program = coalesce((select program from inv), 'expert-vetted')
                  and until > ?) as cooldown_until,
              (select bool_or(status = any(?::text[])) from vetting_calls where invitation_id = ?) as has_active,
              (select bool_or(status = 'cancelled') from vetting_calls where invitation_id = ?) as has_cancelled`;
export const factsParams = (invitationId: string, freelancerId: string, now: DateTime) => [
  freelancerId,
  now.toJSDate(),
  ACTIVE_SQL,
  invitationId,
  invitationId,
];

export interface FactsRow {
  invitation: {
    freelancer_id: string;
    program: string;
    category_slug: string;
    status: string;
    reschedules_used: number;
    free_rebooking: boolean;
  } | null;
  cooldown_until: Date | null;
  has_active: boolean | null;
  has_cancelled: boolean | null;
}

export function toInvitationFacts(row: FactsRow): InvitationFacts {
  const inv = fromJson<FactsRow['invitation']>(row.invitation);
  return {
    invitation: inv
      ? {
          freelancerId: inv.freelancer_id,
          status: inv.status,
          reschedulesUsed: inv.reschedules_used,
          freeRebooking: inv.free_rebooking,
        }
      : null,
    cooldownUntil: row.cooldown_until ? DateTime.fromJSDate(new Date(row.cooldown_until), { zone: 'utc' }) : null,
    hasActiveCall: row.has_active === true,
    hasCancelledCall: row.has_cancelled === true,
    program: inv?.program ?? 'expert-vetted',
    categorySlug: inv?.category_slug ?? '',
  };
}
