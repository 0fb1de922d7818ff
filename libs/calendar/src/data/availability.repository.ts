import { Injectable } from '@nestjs/common';
import { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import { DateTime } from 'luxon';
import { MAX_VETTING_CALL_LENGTH, TurnBatch, onPooledConnection, withContext } from '@vetting/core';
import { BookedInterval, TalentManagerSchedule, utcFactory } from '../domain/slot-grid.rules';
import { SlotListFacts } from '../domain/slot-cache.rules';
import { ACTIVE_CALL_STATUSES, TalentManagerAvailability } from './call.entities';

/** The active statuses as a PostgreSQL text[] literal. */
export const ACTIVE_SQL = `{${ACTIVE_CALL_STATUSES.join(',')}}`;
/**
 * Daily caps are counted on the talent managers' local days: calls this far either side of a slot can count. A
 * local day lasts at most 25 h (a DST change) and contains the slot, so calls starting more than 25 h away from
 * it are on other days; 27 h leaves room. (The database's day-load trigger enforces the cap whatever was read.)
 */
const CAP_MARGIN_MS = 27 * 3_600_000;
const MAX_CALL_MS = MAX_VETTING_CALL_LENGTH.toMillis();
/** A jsonb value, whether the driver handed it over parsed or as text. */
export const fromJson = <T>(v: unknown): T => (typeof v === 'string' ? JSON.parse(v) : v) as T;

/** A talent manager's schedule, with the name and address their invites carry. */
export type NamedSchedule = TalentManagerSchedule & { name: string; email: string };

/** Who is free: the category's talent managers' schedules and their active calls around the asked range. */
export interface FreeTime {
  schedules: NamedSchedule[];
  booked: BookedInterval[];
}

/** Whose category: a slug, or the category of an invitation (read in the same statement). */
export type CategoryOf = { categorySlug: string } | { invitationId: string };

/** A batch's ids are checked first: one malformed id must not fail the others' statement. */
export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** One row per request of the batch (`i`: its 1-based position), see `slotListFacts`. */
const SLOT_LIST_FACTS_SQL = `select r.i, inv.freelancer_id, inv.status, inv.category_slug,
       (select max(c.until) from vetting_cooldowns c
         where c.freelancer_id = r.freelancer_id and c.program = coalesce(inv.program, 'expert-vetted')
           and c.until > r.now) as cooldown_until,
       (select coalesce(sum(v.version), 0)::text from slot_versions v
         where v.category_slug = inv.category_slug) as category_version
  from unnest($1::uuid[], $2::uuid[], $3::timestamptz[]) with ordinality as r(invitation_id, freelancer_id, now, i)
  left join vetting_invitations inv on inv.id = r.invitation_id`;

interface FactsRow {
  i: string | number;
  freelancer_id: string | null;
  status: string | null;
  category_slug: string | null;
  cooldown_until: Date | string | null;
  category_version: string | null;
}

interface FactsRequest {
  invitationId: string | null;
  freelancerId: string;
  now: Date;
  resolve: (facts: SlotListFacts & { categoryVersion: string }) => void;
  reject: (err: unknown) => void;
}

interface ScheduleRow {
  talent_manager_id: string;
  time_zone: string;
  weekly: unknown;
  exceptions: unknown;
  daily_cap: number;
  name: string;
  email: string;
}

/**
 * THE "who is free" statement (`whoIsFree`), in two parts: the `sched` CTE (parameters: the category slug, else the
 * invitation whose category it is) and the two columns over it (parameters: `freeTimeParams`). Booking reads the
 * same for a batch of bookings at once (BookingReadRepository).
 */
export const SCHED_CTE = `sched as (
         select a.talent_manager_id, a.time_zone, a.weekly, a.exceptions, a.daily_cap, u.name, u.email
           from talent_manager_availability a join users u on u.id = a.talent_manager_id and u.role = 'talent_manager'
          where a.category_slugs @> jsonb_build_array(
                  coalesce(?::text, (select category_slug from vetting_invitations where id = ?::uuid)))
       )`;
export const FREE_TIME_COLUMNS = `(select coalesce(json_agg(sched), '[]') from sched) as schedules,
              (select coalesce(json_agg(json_build_array(c.talent_manager_id,
                        round(date_part('epoch', c.starts_at) * 1000), round(date_part('epoch', c.ends_at) * 1000))), '[]')
                 from vetting_calls c
                where c.talent_manager_id in (select talent_manager_id from sched) and c.status = any(?::text[])
                  and c.starts_at > ? and c.starts_at < ? and c.ends_at > ? and c.id is distinct from ?::uuid) as booked`;

/**
 * The parameters of FREE_TIME_COLUMNS: the active statuses, the range widened by the cap margin (calls ending after
 * its start and starting before its end), the call moved. No call lasts longer than MAX_VETTING_CALL_LENGTH, so
 * those calls also start less than that before the range: the bound lets the read walk the (talent manager,
 * start) index over the range instead of every call of each talent manager (a third of the read's cost, measured
 * with bench/booking.ts's database). `status = any(?)` keeps the generic plan on that index.
 */
export const freeTimeParams = (from: DateTime, to: DateTime, excludeCallId: string | null) => {
  const { lo, hi, start } = bookedWindow(from, to);
  return [ACTIVE_SQL, lo, hi, start, excludeCallId];
};

/**
 * The calls a read around [from, to) needs: those starting after `lo` and before `hi` and ending after `start` (the
 * range widened by the cap margin; `lo` a maximum call length before it). Hours are absolute time, so epoch
 * arithmetic is luxon's plus/minus without its cost on the booking path.
 */
export const bookedWindow = (from: DateTime, to: DateTime) => {
  const start = from.toMillis() - CAP_MARGIN_MS;
  return { lo: new Date(start - MAX_CALL_MS), hi: new Date(to.toMillis() + CAP_MARGIN_MS), start: new Date(start) };
};

export interface FreeTimeRow {
  schedules: unknown;
  booked: unknown;
}

export function toFreeTime(row: FreeTimeRow): FreeTime {
  const schedules = fromJson<ScheduleRow[]>(row.schedules).map((r) => ({
    talentManagerId: r.talent_manager_id,
    timeZone: r.time_zone,
    weekly: fromJson<TalentManagerSchedule['weekly']>(r.weekly),
    exceptions: fromJson<TalentManagerSchedule['exceptions']>(r.exceptions),
    dailyCap: r.daily_cap,
    name: r.name,
    email: r.email,
  }));
  const toDateTime = utcFactory(); // back-to-back calls share an instant
  const booked = fromJson<[string, number, number][]>(row.booked).map(([talentManagerId, s, e]) => ({
    talentManagerId,
    startsAt: toDateTime(Number(s)),
    endsAt: toDateTime(Number(e)),
  }));
  return { schedules, booked };
}

/** Talent managers' weekly hours, and the reads of who is free when. */
@Injectable()
export class AvailabilityRepository {
  constructor(
    private readonly em: EntityManager,
    private readonly orm: MikroORM,
  ) {}

  find(talentManagerId: string): Promise<TalentManagerAvailability | null> {
    return this.em.findOne(TalentManagerAvailability, { talentManagerId });
  }

  draft(talentManagerId: string, timeZone: string, dailyCap: number): TalentManagerAvailability {
    const init = {
      talentManagerId,
      timeZone,
      weekly: [],
      exceptions: [],
      categorySlugs: [],
      dailyCap,
      updatedAt: new Date(0),
    };
    return this.em.create(TalentManagerAvailability, init);
  }

  save(row: TalentManagerAvailability): Promise<void> {
    return this.em.persistAndFlush(row);
  }

  /**
   * THE "who is free" read, for the slot list, booking and rescheduling alike: the schedules of the
   * category's talent managers (identity's `users` gives their role, name and address; talent's
   * `vetting_invitations` the invitation's category) and their active calls from `from` to `to`, widened by
   * the margin the local-day cap needs. `excludeCallId`: the call being moved does not hold its own time.
   */
  async whoIsFree(
    category: CategoryOf,
    from: DateTime,
    to: DateTime,
    excludeCallId: string | null = null,
    em: EntityManager = this.em,
  ): Promise<FreeTime> {
    const slug = 'categorySlug' in category ? category.categorySlug : null;
    const invitationId = 'invitationId' in category ? category.invitationId : null;
    const [row] = await em.execute<FreeTimeRow[]>(
      `with ${SCHED_CTE}
       select ${FREE_TIME_COLUMNS}`,
      [slug, invitationId, ...freeTimeParams(from, to, excludeCallId)],
    );
    return toFreeTime(row);
  }

  /**
   * The slot list's read per request: the invitation (talent's `vetting_invitations`), the freelancer's running
   * cooldown in its program (`vetting_cooldowns`), and the version of the invitation's category's slot list —
   * the sum of its `slot_versions` rows, which the triggers of migrations/…_slot_versions.ts raise with every
   * change that moves a slot (a bigint, as text). Never cached: the reads of the requests that arrive together
   * (one turn of the event loop) go to PostgreSQL as one named prepared statement, issued after they arrived,
   * so each sees every change committed before its request.
   */
  slotListFacts(
    invitationId: string,
    freelancerId: string,
    now: DateTime,
  ): Promise<SlotListFacts & { categoryVersion: string }> {
    return new Promise((resolve, reject) => {
      this.factsBatch.add({
        invitationId: UUID.test(invitationId) ? invitationId : null,
        freelancerId,
        now: now.toJSDate(),
        resolve,
        reject,
      });
    });
  }

  private readonly factsBatch = new TurnBatch<FactsRequest>((batch) =>
    this.readFacts(batch).catch((err) => batch.forEach((r) => r.reject(err))),
  );

  private async readFacts(batch: FactsRequest[]): Promise<void> {
    const rows: FactsRow[] = await onPooledConnection(
      this.em,
      async (connection) =>
        (
          await connection.query({
            name: 'calendar.slot-list-facts',
            text: SLOT_LIST_FACTS_SQL,
            values: [batch.map((r) => r.invitationId), batch.map((r) => r.freelancerId), batch.map((r) => r.now)],
          })
        ).rows,
    );
    for (const row of rows) {
      const req = batch[Number(row.i) - 1];
      req.resolve({
        invitation: row.freelancer_id
          ? { freelancerId: row.freelancer_id, status: row.status!, categorySlug: row.category_slug! }
          : null,
        cooldownUntil: row.cooldown_until ? DateTime.fromJSDate(new Date(row.cooldown_until), { zone: 'utc' }) : null,
        categoryVersion: String(row.category_version ?? '0'),
      });
    }
    // Every request has its row (unnest with ordinality, a primary-key join); a promise settles once.
    for (const r of batch) r.reject(new Error('slot list facts: no row for the request'));
  }

  /**
   * After a change of time zone, the talent manager's active calls belong to the local days of the new zone:
   * their day and the per-day counts the daily cap is enforced on are computed again. Locks are taken in the
   * order bookings and reschedules take them (the calls, then the counts), so none can deadlock with this.
   * The counts are those the `vetting_calls_day_load` trigger keeps (see migrations/…_daily_cap.ts).
   */
  async recountDays(talentManagerId: string, timeZone: string, dailyCap: number): Promise<void> {
    await withContext(this.orm, (em) =>
      em.transactional(async (tem) => {
        const active = ACTIVE_SQL;
        await tem.execute(
          `select id from vetting_calls where talent_manager_id = ? and status = any(?::text[]) for update`,
          [talentManagerId, active],
        );
        await tem.execute(`lock table talent_manager_day_load in share row exclusive mode`);
        await tem.execute(
          `update vetting_calls set tm_local_day = (starts_at at time zone ?)::date
            where talent_manager_id = ? and status = any(?::text[])`,
          [timeZone, talentManagerId, active],
        );
        await tem.execute(`delete from talent_manager_day_load where talent_manager_id = ?`, [talentManagerId]);
        await tem.execute(
          `insert into talent_manager_day_load (talent_manager_id, day, calls, cap)
           select talent_manager_id, tm_local_day, count(*), greatest(count(*), ?) from vetting_calls
            where talent_manager_id = ? and status = any(?::text[]) group by talent_manager_id, tm_local_day`,
          [dailyCap, talentManagerId, active],
        );
      }),
    );
  }
}
