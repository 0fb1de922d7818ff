import { Injectable } from '@nestjs/common';
import { EntityManager, LockMode, MikroORM } from '@mikro-orm/postgresql';
import { DateTime } from 'luxon';
import { SqlPart, executePrepared, withContext } from '@vetting/core';
import { User } from '@vetting/identity';
import { ACTIVE_SQL } from './availability.repository';
import { BOOKINGS_SQL, BookingRow, bookingArrays } from './bookings-insert.repository';
import {
  FACTS_COLUMNS,
  FactsRow,
  INVITATION_CTE,
  InvitationFacts,
  factsParams,
  toInvitationFacts,
} from './invitation-facts.repository';
import { ACTIVE_CALL_STATUSES, CallHistoryEntry, VettingCall } from './call.entities';

export type { InvitationFacts } from './invitation-facts.repository';
export type { BookingRow } from './bookings-insert.repository';

type CallRow = {
  id: string;
  invitation_id: string;
  freelancer_id: string;
  talent_manager_id: string;
  program: string;
  category_slug: string;
  status: VettingCall['status'];
  starts_at: Date;
  ends_at: Date;
  reschedule_count: number;
  version: number;
  ics_sequence: number;
  freelancer_joined_at: Date | null;
  talent_manager_joined_at: Date | null;
  ended_at: Date | null;
  cancel_reason: string | null;
  free_rebooking: boolean;
  created_at: Date;
  updated_at: Date;
};
const CALL_COLUMNS = `id, invitation_id, freelancer_id, talent_manager_id, program, category_slug, status, starts_at, ends_at,
  reschedule_count, version, ics_sequence, freelancer_joined_at, talent_manager_joined_at, ended_at, cancel_reason,
  free_rebooking, created_at, updated_at`;
const date = (d: Date | string | null) => (d === null ? null : new Date(d));

/** A call read with plain SQL, as an entity object outside any unit of work. */
function fromCallRow(r: CallRow): VettingCall {
  return Object.assign(new VettingCall(), {
    id: r.id,
    invitationId: r.invitation_id,
    freelancerId: r.freelancer_id,
    talentManagerId: r.talent_manager_id,
    program: r.program,
    categorySlug: r.category_slug,
    status: r.status,
    startsAt: date(r.starts_at)!,
    endsAt: date(r.ends_at)!,
    rescheduleCount: r.reschedule_count,
    version: r.version,
    icsSequence: r.ics_sequence,
    freelancerJoinedAt: date(r.freelancer_joined_at),
    talentManagerJoinedAt: date(r.talent_manager_joined_at),
    endedAt: date(r.ended_at),
    cancelReason: r.cancel_reason,
    freeRebooking: r.free_rebooking,
    createdAt: date(r.created_at)!,
    updatedAt: date(r.updated_at)!,
  });
}

/** The conditional reschedule found the call changed (another reschedule or a cancel won): roll back. */
export class StaleCall extends Error {}

/*
 * Rules this SQL enforces again, and their TypeScript twins (test/medium/calendar-*.medium.spec.ts pins them):
 *  - one booking per invitation, open, no cooldown, rebooking after a cancel costs a reschedule:
 *    `bookingEntitlement` (domain/call.rules.ts) ⇔ the `inv` CTE of `BOOKINGS_SQL` (data/bookings-insert.repository.ts);
 *  - the reschedule limit and notice: `assertCanReschedule` (domain/call.rules.ts) ⇔ `moveIfCurrent`;
 *  - no overlap and the daily cap: `offersSlot` (domain/slot-offers.rules.ts) ⇔ the exclusion constraint
 *    and `talent_manager_day_load_cap` (the `vetting_calls_day_load` trigger) on every insert and move.
 */
@Injectable()
export class CallsRepository {
  constructor(
    private readonly em: EntityManager,
    private readonly orm: MikroORM,
  ) {}

  find(id: string, em: EntityManager = this.em): Promise<VettingCall | null> {
    return em.findOne(VettingCall, { id });
  }

  /** A fresh read outside any request's identity map. */
  findFresh(id: string, version?: number): Promise<VettingCall | null> {
    return withContext(this.orm, (em) => em.findOne(VettingCall, version === undefined ? { id } : { id, version }));
  }

  reload(em: EntityManager, id: string): Promise<VettingCall> {
    return em.findOneOrFail(VettingCall, { id }, { refresh: true });
  }

  /** Newest start first, at most 200. */
  list(where: { freelancerId?: string; talentManagerId?: string }): Promise<VettingCall[]> {
    return this.em.find(VettingCall, where, { orderBy: { startsAt: 'desc' }, limit: 200 });
  }

  /** Adds history entries to `em`'s unit of work (written with the change they record, on its flush). */
  addHistory(em: EntityManager, ...entries: CallHistoryEntry[]): void {
    em.persist(entries);
  }

  historyOf(callId: string): Promise<CallHistoryEntry[]> {
    return this.em.find(CallHistoryEntry, { callId }, { orderBy: { at: 'asc', id: 'asc' } });
  }

  /** The two people of a call (identity's `users`): with `em`, read in the caller's transaction. */
  people(ids: string[], em?: EntityManager): Promise<User[]> {
    const where = { id: { $in: ids } };
    return em ? em.find(User, where) : withContext(this.orm, (ctx) => ctx.find(User, where));
  }

  /**
   * What booking needs to know about the invitation (talent's `vetting_invitations` and `vetting_cooldowns`):
   * the invitation whoever it belongs to, the freelancer's running cooldown in its program, and whether it
   * has active or cancelled calls.
   */
  async invitationFacts(invitationId: string, freelancerId: string, now: DateTime): Promise<InvitationFacts> {
    const [row] = await this.em.execute<FactsRow[]>(`with ${INVITATION_CTE} select ${FACTS_COLUMNS}`, [
      invitationId,
      ...factsParams(invitationId, freelancerId, now),
    ]);
    return toInvitationFacts(row);
  }

  /**
   * Books in one statement: the invitation is updated only if it is still as read (open, same counters, no
   * cooldown or cancellation since), and the call and its history entry are inserted with it. It writes
   * talent's `vetting_invitations` and reads `vetting_cooldowns` because the check and the insert must be one
   * atomic statement (a cooldown or another booking between them would otherwise slip through).
   * `effects`: CTEs gated on the call's CTE `c` (the outbox rows and notifications the booking owes), stored
   * by this same statement, so that no transaction is needed.
   * false: the invitation changed. Throws the database's error when the talent manager's time went
   * (23P01 overlap, 23514 `talent_manager_day_load_cap`) or the invitation already has a call (23505).
   */
  async insertBooking(
    tem: EntityManager,
    call: VettingCall,
    read: BookingRow['read'],
    now: DateTime,
    details: Record<string, unknown>,
    effects: readonly SqlPart[] = [],
  ): Promise<boolean> {
    // The batched statement with one row: one text of the booking SQL to keep, and one shape to plan.
    const booked = await this.insertBookings(tem, [{ call, read, now, details }], effects);
    return booked.has(call.id);
  }

  /**
   * Several bookings (of distinct invitations) in one statement, each as `insertBooking` books it; the calls are
   * inserted in (talent manager, start) order, so concurrent batches lock talent managers' rows in the same order.
   * `effects`: CTEs whose rows are each gated on their own call's id being among those of CTE `c`. Atomic as one:
   * any refusal (overlap, cap, a second active call) writes none of them, and the caller books them one by one.
   * Answers the ids of the calls booked (a booking whose invitation changed is not among them).
   */
  async insertBookings(
    em: EntityManager,
    rows: readonly BookingRow[],
    effects: readonly SqlPart[],
  ): Promise<Set<string>> {
    const booked = await executePrepared<{ id: string }>(
      em,
      `${BOOKINGS_SQL}${effects.map((e) => `, ${e.sql}`).join('')}
       select id from c`,
      [...bookingArrays(rows), ...effects.flatMap((e) => e.params)],
    );
    return new Set(booked.map((r) => r.id));
  }

  /**
   * The conditional reschedule that decides concurrent ones: talent's `vetting_invitations` counts the
   * reschedule (still under the limit) in the same transaction as the move, which applies only to the
   * version that was read while the notice still holds. Returns null when no reschedule is left (nothing
   * written); throws StaleCall (the caller's transaction rolls the count back) when the call changed.
   */
  async moveIfCurrent(
    tem: EntityManager,
    move: {
      call: VettingCall;
      talentManagerId: string;
      startsAt: DateTime;
      endsAt: DateTime;
      now: DateTime;
      noticeDeadline: DateTime;
      maxReschedules: number;
    },
  ): Promise<{ reschedulesUsed: number } | null> {
    const inv = await tem.execute<{ reschedules_used: number }[]>(
      `update vetting_invitations set reschedules_used = reschedules_used + 1
        where id = ? and reschedules_used < ? returning reschedules_used`,
      [move.call.invitationId, move.maxReschedules],
    );
    if (inv.length === 0) return null;
    const rows = await tem.execute<{ id: string }[]>(
      `update vetting_calls
          set starts_at = ?, ends_at = ?, talent_manager_id = ?, status = 'rescheduled',
              reschedule_count = ?, version = version + 1, ics_sequence = ics_sequence + 1, updated_at = ?
        where id = ? and version = ? and status in ('scheduled', 'rescheduled') and starts_at >= ?
        returning id`,
      [
        move.startsAt.toJSDate(),
        move.endsAt.toJSDate(),
        move.talentManagerId,
        inv[0].reschedules_used,
        move.now.toJSDate(),
        move.call.id,
        move.call.version,
        move.noticeDeadline.toJSDate(),
      ],
    );
    if (rows.length === 0) throw new StaleCall();
    return { reschedulesUsed: inv[0].reschedules_used };
  }

  /** Cancels the version that was read, if it has not started: false when the call changed meanwhile. */
  async cancelIfCurrent(tem: EntityManager, call: VettingCall, reason: string, now: DateTime): Promise<boolean> {
    const rows = await tem.execute<{ id: string }[]>(
      `update vetting_calls set status = 'cancelled', version = version + 1, ics_sequence = ics_sequence + 1,
              cancel_reason = ?, ended_at = ?, updated_at = ?
        where id = ? and version = ? and status in ('scheduled', 'rescheduled') returning id`,
      [reason, now.toJSDate(), now.toJSDate(), call.id, call.version],
    );
    return rows.length > 0;
  }

  /**
   * Records a participant's join (the first one's time is kept) and starts the call: the status it had,
   * and whether this was the participant's first join; null when the call is no longer active.
   */
  async markJoined(
    em: EntityManager,
    callId: string,
    who: 'freelancer' | 'talent_manager',
    now: DateTime,
  ): Promise<{ first: boolean; prevStatus: string } | null> {
    const column = who === 'freelancer' ? 'freelancer_joined_at' : 'talent_manager_joined_at';
    const rows = await em.execute<{ id: string; first: boolean; prev_status: string }[]>(
      `update vetting_calls c
          set ${column} = coalesce(c.${column}, ?),
              status = case when c.status in ('scheduled', 'rescheduled') then 'in_progress' else c.status end,
              updated_at = ?
         from (select id, ${column} is null as first, status as prev_status
                 from vetting_calls where id = ? for update) old
        where c.id = old.id and c.status in ('scheduled', 'rescheduled', 'in_progress')
        returning c.id, old.first, old.prev_status`,
      [now.toJSDate(), now.toJSDate(), callId],
    );
    return rows.length ? { first: rows[0].first, prevStatus: rows[0].prev_status } : null;
  }

  /**
   * Locks (skipping those another sweep holds) `timer`'s call if it is still active at that version, and every
   * active call whose grace period ended before `dueBefore` with someone absent, oldest first, at most `limit`.
   * A settled call is never locked: the thousands of grace jobs a sweep has made redundant then lock nothing,
   * so their transactions are read-only (no transaction id, no WAL flush at commit). One statement; the rows are
   * read as plain calls, outside the unit of work (`settle` writes their outcome).
   */
  async lockDueForGrace(
    tem: EntityManager,
    timer: { id: string; version: number } | null,
    dueBefore: Date,
    limit = 500,
  ): Promise<VettingCall[]> {
    const own = timer ? `(id = ? and version = ?) or ` : '';
    const rows = await tem.execute<CallRow[]>(
      `select ${CALL_COLUMNS} from vetting_calls
        where status = any(?::text[])
          and (${own}(starts_at <= ? and (freelancer_joined_at is null or talent_manager_joined_at is null)))
        order by starts_at limit ? for update skip locked`,
      [ACTIVE_SQL, ...(timer ? [timer.id, timer.version] : []), dueBefore, limit],
    );
    return rows.map(fromCallRow);
  }

  /**
   * The outcomes of timer-driven transitions in one statement: each call's status and end, and its history entry
   * (`ended` for a completed call, else the new status), recorded by the system at `now`. The calls are locked by
   * the caller's transaction.
   */
  async settle(tem: EntityManager, outcomes: { id: string; from: string; to: string }[], now: Date): Promise<void> {
    if (outcomes.length === 0) return;
    await tem.execute(
      `with s as (select * from jsonb_to_recordset(?::jsonb) as s(id uuid, from_status text, to_status text)),
            c as (update vetting_calls c set status = s.to_status, ended_at = ?, updated_at = ?
                    from s where c.id = s.id returning c.id)
       insert into call_history (id, call_id, at, actor_id, actor_role, action, from_status, to_status, details)
       select gen_random_uuid(), s.id, ?, null, 'system', case when s.to_status = 'completed' then 'ended' else s.to_status end,
              s.from_status, s.to_status, '{}'::jsonb
         from s join c on c.id = s.id`,
      [JSON.stringify(outcomes.map((o) => ({ id: o.id, from_status: o.from, to_status: o.to }))), now, now, now],
    );
  }

  /** Whether the call is still active at this version (one read, no lock, no transaction). */
  async isActiveAtVersion(id: string, version: number): Promise<boolean> {
    const rows = await withContext(this.orm, (em) =>
      em.execute(`select 1 from vetting_calls where id = ? and version = ? and status = any(?::text[])`, [
        id,
        version,
        ACTIVE_SQL,
      ]),
    );
    return rows.length > 0;
  }

  /** Locks the call at this version while it is active; null (nothing locked) once it is settled or moved on. */
  lockActiveAtVersion(tem: EntityManager, id: string, version: number): Promise<VettingCall | null> {
    return tem.findOne(
      VettingCall,
      { id, version, status: { $in: [...ACTIVE_CALL_STATUSES] } },
      { lockMode: LockMode.PESSIMISTIC_WRITE },
    );
  }

  /** Active calls past their end (the reconciliation sweep), at most 1000. */
  overdue(now: Date): Promise<VettingCall[]> {
    const status = { $in: [...ACTIVE_CALL_STATUSES] };
    return withContext(this.orm, (em) => em.find(VettingCall, { status, endsAt: { $lte: now } }, { limit: 1000 }));
  }

  active(): Promise<VettingCall[]> {
    return withContext(this.orm, (em) => em.find(VettingCall, { status: { $in: [...ACTIVE_CALL_STATUSES] } }));
  }
}
