import { Injectable } from '@nestjs/common';
import { EntityManager } from '@mikro-orm/postgresql';
import { DateTime } from 'luxon';
import { TurnBatch, onPooledConnection } from '@vetting/core';
import { ACTIVE_SQL, FreeTime, UUID, bookedWindow, fromJson, toFreeTime } from './availability.repository';
import { FactsRow, InvitationFacts, toInvitationFacts } from './invitation-facts.repository';

/**
 * The booking reads of one batch in one statement. Per request (`r`, `i`: its 1-based position): the invitation
 * whoever it belongs to, the freelancer's running cooldown in its program, and whether it has active or cancelled
 * calls. Per category asked (`k`): its talent managers' schedules and their active calls over the union of the
 * requests' windows, once for all its requests (each request keeps only the calls of its own window).
 * Parameters: invitation ids, freelancer ids, nows, the windows (`bookedWindow`: lo, hi, start) and the active
 * statuses.
 */
const BOOKING_READ_SQL = `with r as (
    select * from unnest($1::uuid[], $2::uuid[], $3::timestamptz[], $4::timestamptz[], $5::timestamptz[],
                         $6::timestamptz[]) with ordinality as r(invitation_id, freelancer_id, now, lo, hi, start_at, i)
  ), f as (
    select r.*, inv.program, inv.category_slug,
           case when inv.id is null then null
                else json_build_object('freelancer_id', inv.freelancer_id, 'program', inv.program,
                                       'category_slug', inv.category_slug, 'status', inv.status,
                                       'reschedules_used', inv.reschedules_used, 'free_rebooking', inv.free_rebooking)
           end as invitation
      -- the ids as an array: primary-key lookups, never a scan of every invitation
      from r left join (select * from vetting_invitations v where v.id = any($1::uuid[])) inv on inv.id = r.invitation_id
  ), k as (
    select category_slug, min(lo) as lo, max(hi) as hi, min(start_at) as start_at
      from f where category_slug is not null group by category_slug
  ), sched as (
    select k.category_slug, a.talent_manager_id, a.time_zone, a.weekly, a.exceptions, a.daily_cap, u.name, u.email
      from k join talent_manager_availability a on a.category_slugs @> jsonb_build_array(k.category_slug)
      join users u on u.id = a.talent_manager_id and u.role = 'talent_manager'
  )
  select (select json_agg(json_build_array(f.i, f.invitation,
            (select max(d.until) from vetting_cooldowns d
              where d.freelancer_id = f.freelancer_id and d.program = coalesce(f.program, 'expert-vetted')
                and d.until > f.now),
            (select bool_or(c.status = any($7::text[])) from vetting_calls c where c.invitation_id = f.invitation_id),
            (select bool_or(c.status = 'cancelled') from vetting_calls c where c.invitation_id = f.invitation_id)))
            from f) as facts,
         (select coalesce(json_agg(json_build_array(k.category_slug,
            (select coalesce(json_agg(s), '[]') from sched s where s.category_slug = k.category_slug),
            (select coalesce(json_agg(json_build_array(c.talent_manager_id,
                      round(date_part('epoch', c.starts_at) * 1000), round(date_part('epoch', c.ends_at) * 1000))), '[]')
               from vetting_calls c
              where c.talent_manager_id in (select s.talent_manager_id from sched s where s.category_slug = k.category_slug)
                and c.status = any($7::text[]) and c.starts_at > k.lo and c.starts_at < k.hi and c.ends_at > k.start_at))),
            '[]') from k) as categories`;

type FactsTuple = [number, FactsRow['invitation'], string | null, boolean | null, boolean | null];
type CategoryTuple = [string, unknown, unknown];

interface BookingReadRequest {
  invitationId: string | null;
  freelancerId: string;
  now: Date;
  window: { lo: Date; hi: Date; start: Date };
  resolve: (read: { facts: InvitationFacts; free: FreeTime }) => void;
  reject: (err: unknown) => void;
}

/**
 * Everything a booking decides on: the invitation's facts (talent's `vetting_invitations` and `vetting_cooldowns`,
 * as `CallsRepository.invitationFacts` reads them) and who is free in the invitation's category around the slot
 * (as `AvailabilityRepository.whoIsFree` reads it). The reads of the bookings that arrive together (one turn of the
 * event loop) go to PostgreSQL as one named prepared statement, issued after they arrived (so each sees every
 * change committed before its request), and a category's schedules are read and parsed once for all of them.
 */
@Injectable()
export class BookingReadRepository {
  private readonly batch = new TurnBatch<BookingReadRequest>((batch) =>
    this.readBatch(batch).catch((err) => batch.forEach((r) => r.reject(err))),
  );

  constructor(private readonly em: EntityManager) {}

  read(
    invitationId: string,
    freelancerId: string,
    now: DateTime,
    from: DateTime,
    to: DateTime,
  ): Promise<{ facts: InvitationFacts; free: FreeTime }> {
    return new Promise((resolve, reject) => {
      this.batch.add({
        // One malformed id must not fail the others' statement: it reads as no invitation.
        invitationId: UUID.test(invitationId) ? invitationId : null,
        freelancerId,
        now: now.toJSDate(),
        window: bookedWindow(from, to),
        resolve,
        reject,
      });
    });
  }

  private async readBatch(batch: BookingReadRequest[]): Promise<void> {
    const [row] = await onPooledConnection(
      this.em,
      async (connection) =>
        (
          await connection.query({
            name: 'calendar.booking-read',
            text: BOOKING_READ_SQL,
            values: [
              batch.map((r) => r.invitationId),
              batch.map((r) => r.freelancerId),
              batch.map((r) => r.now),
              batch.map((r) => r.window.lo),
              batch.map((r) => r.window.hi),
              batch.map((r) => r.window.start),
              ACTIVE_SQL,
            ],
          })
        ).rows as { facts: unknown; categories: unknown }[],
    );
    const categories = new Map(
      fromJson<CategoryTuple[]>(row.categories).map(([slug, schedules, booked]) => [
        slug,
        toFreeTime({ schedules, booked }),
      ]),
    );
    for (const [i, invitation, cooldownUntil, hasActive, hasCancelled] of fromJson<FactsTuple[]>(row.facts)) {
      const req = batch[i - 1];
      const facts = toInvitationFacts({
        invitation,
        cooldown_until: cooldownUntil === null ? null : new Date(cooldownUntil),
        has_active: hasActive,
        has_cancelled: hasCancelled,
      });
      const free = categories.get(facts.categorySlug);
      const lo = req.window.lo.getTime();
      const hi = req.window.hi.getTime();
      const start = req.window.start.getTime();
      req.resolve({
        facts,
        free: {
          // Shared by the batch's requests of the category: read, never changed.
          schedules: free?.schedules ?? [],
          booked: (free?.booked ?? []).filter((b) => {
            const s = b.startsAt.toMillis();
            return s > lo && s < hi && b.endsAt.toMillis() > start;
          }),
        },
      });
    }
    // Every request has its element (unnest with ordinality, a primary-key join); a promise settles once.
    for (const r of batch) r.reject(new Error('booking read: no facts for the request'));
  }
}
