import { Injectable, Logger } from '@nestjs/common';
import { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import { randomUUID } from 'node:crypto';
import { DateTime } from 'luxon';
import { AppConfig, AppError, Clock, Outbox, badRequest, forbidden, notFound, sqlState, withContext } from '@vetting/core';
import { User } from '@vetting/identity';
import { NotificationsService } from '@vetting/notifications';
import { ELIGIBLE_CATEGORY_SLUGS, Invitation, TalentService } from '@vetting/talent';
import { AvailabilityInput, dailyCapProblem, validateAvailability } from './availability.rules';
import { ACTIVE_CALL_STATUSES, CallHistoryEntry, TalentManagerAvailability, VettingCall, toCallView } from './call.entities';
import { callState } from './call-state';
import { BookingEntitlement, BookingFacts, assertCanReschedule, bookingEntitlement, cancellationOutcome, cooldownUntil } from './call.rules';
import { CallTimersService, callPolicy, cooldownExpiryEffect, scheduleTimersEffect, unscheduleTimersEffect } from './call-timers.service';
import { callInvite } from './call-invite';
import { BookedInterval, SlotPolicy, TalentManagerSchedule, availableSlots, offersSlot, rankTalentManagers } from './slot.rules';

export const slotUnavailable = (startsAt: string) =>
  new AppError(409, 'SLOT_UNAVAILABLE', 'This slot is not available (taken, outside availability or too soon)', { startsAt });

/** The active statuses as a PostgreSQL text[] literal. */
const ACTIVE_SQL = `{${ACTIVE_CALL_STATUSES.join(',')}}`;
/** Daily caps are counted on the talent managers' local days: calls this far either side of a slot can count. */
const CAP_MARGIN = { days: 2 };
/** A jsonb value, whether the driver handed it over parsed or as text. */
const fromJson = <T>(v: unknown): T => (typeof v === 'string' ? JSON.parse(v) : v) as T;

interface ScheduleRow {
  talent_manager_id: string;
  time_zone: string;
  weekly: unknown;
  exceptions: unknown;
  daily_cap: number;
}
const toSchedule = (r: ScheduleRow): TalentManagerSchedule => ({
  talentManagerId: r.talent_manager_id,
  timeZone: r.time_zone,
  weekly: fromJson(r.weekly),
  exceptions: fromJson(r.exceptions),
  dailyCap: r.daily_cap,
});

export function parseInstant(field: string, value: string): DateTime {
  const d = DateTime.fromISO(value, { setZone: true });
  if (!d.isValid) throw badRequest('VALIDATION_FAILED', `${field} must be an ISO-8601 instant`, { fields: [{ field, problems: [`${field} must be an ISO-8601 instant`] }] });
  return d.toUTC();
}

@Injectable()
export class CallsService {
  private readonly logger = new Logger('Calls');

  constructor(
    private readonly em: EntityManager,
    private readonly orm: MikroORM,
    private readonly clock: Clock,
    private readonly config: AppConfig,
    private readonly talent: TalentService,
    private readonly timers: CallTimersService,
    private readonly notifications: NotificationsService,
    private readonly outbox: Outbox,
  ) {}

  private get slotPolicy(): SlotPolicy {
    const p = this.config.policy;
    return { callLength: p.callLength, minBookingLead: p.minBookingLead, bookingHorizon: p.bookingHorizon };
  }

  // ---- availability -------------------------------------------------------------------------

  async setAvailability(tm: User, input: AvailabilityInput & { categorySlugs?: string[]; dailyCap?: number }) {
    const problems = validateAvailability(input);
    const capProblem = dailyCapProblem(input.dailyCap, this.config.policy.maxDailyCap);
    if (capProblem) problems.push(capProblem);
    for (const [i, slug] of (input.categorySlugs ?? []).entries()) {
      if (!ELIGIBLE_CATEGORY_SLUGS.includes(slug)) problems.push({ field: `categorySlugs[${i}]`, problem: `"${slug}" is not an Expert-Vetted category` });
    }
    if (problems.length) {
      throw badRequest('VALIDATION_FAILED', `Invalid availability: ${problems.map((p) => p.field).join(', ')}`, {
        fields: problems.map((p) => ({ field: p.field, problems: [p.problem] })),
      });
    }
    const existing = await this.em.findOne(TalentManagerAvailability, { talentManagerId: tm.id });
    const zoneChanged = existing !== null && existing.timeZone !== input.timeZone;
    const row =
      existing ??
      this.em.create(TalentManagerAvailability, { talentManagerId: tm.id, timeZone: input.timeZone, weekly: [], exceptions: [], categorySlugs: [], dailyCap: this.config.policy.dailyCap, updatedAt: new Date(0) });
    row.timeZone = input.timeZone;
    row.weekly = input.weekly.map((w) => ({ weekday: w.weekday, start: w.start, end: w.end }));
    row.exceptions = input.exceptions.map((e) => ({ date: e.date, available: false as const }));
    row.categorySlugs = [...new Set(input.categorySlugs ?? ELIGIBLE_CATEGORY_SLUGS)];
    row.dailyCap = input.dailyCap ?? this.config.policy.dailyCap;
    row.updatedAt = this.clock.now().toJSDate();
    await this.em.persistAndFlush(row);
    if (zoneChanged) await this.recountDays(tm.id, row.timeZone, row.dailyCap);
    return availabilityView(row);
  }

  /**
   * After a change of time zone, the talent manager's active calls belong to the local days of the new zone:
   * their day and the per-day counts the daily cap is enforced on are computed again. Locks are taken in the
   * order bookings and reschedules take them (the calls, then the counts), so none can deadlock with this.
   */
  private async recountDays(talentManagerId: string, timeZone: string, dailyCap: number): Promise<void> {
    await withContext(this.orm, (em) =>
      em.transactional(async (tem) => {
        const active = ACTIVE_SQL;
        await tem.execute(`select id from vetting_calls where talent_manager_id = ? and status = any(?::text[]) for update`, [talentManagerId, active]);
        await tem.execute(`lock table talent_manager_day_load in share row exclusive mode`);
        await tem.execute(`update vetting_calls set tm_local_day = (starts_at at time zone ?)::date where talent_manager_id = ? and status = any(?::text[])`, [
          timeZone,
          talentManagerId,
          active,
        ]);
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

  async getAvailability(tm: User) {
    const row = await this.em.findOne(TalentManagerAvailability, { talentManagerId: tm.id });
    if (!row) throw notFound('Availability');
    return availabilityView(row);
  }

  // ---- slots --------------------------------------------------------------------------------

  private async schedulesFor(em: EntityManager, categorySlug: string): Promise<TalentManagerSchedule[]> {
    const rows = await em.execute<ScheduleRow[]>(
      `select a.talent_manager_id, a.time_zone, a.weekly, a.exceptions, a.daily_cap
         from talent_manager_availability a join users u on u.id = a.talent_manager_id and u.role = 'talent_manager'
        where a.category_slugs @> ?::jsonb`,
      [JSON.stringify([categorySlug])],
    );
    return rows.map(toSchedule);
  }

  private async bookedFor(em: EntityManager, tmIds: string[], from: DateTime, to: DateTime, excludeCallId?: string): Promise<BookedInterval[]> {
    if (tmIds.length === 0) return [];
    const rows = await em.execute<{ talent_manager_id: string; starts_at: Date; ends_at: Date }[]>(
      `select talent_manager_id, starts_at, ends_at from vetting_calls
        where talent_manager_id = any(?::uuid[]) and status = any(?::text[])
          and ends_at > ? and starts_at < ? ${excludeCallId ? 'and id <> ?' : ''}`,
      [`{${tmIds.join(',')}}`, ACTIVE_SQL, from.minus(CAP_MARGIN).toJSDate(), to.plus(CAP_MARGIN).toJSDate(), ...(excludeCallId ? [excludeCallId] : [])],
    );
    return rows.map((r) => ({
      talentManagerId: r.talent_manager_id,
      startsAt: DateTime.fromJSDate(new Date(r.starts_at), { zone: 'utc' }),
      endsAt: DateTime.fromJSDate(new Date(r.ends_at), { zone: 'utc' }),
    }));
  }

  async slots(freelancer: User, q: { invitationId: string; from?: string; to?: string; timeZone?: string }) {
    const invitation = await this.talent.requireBookableInvitation(freelancer.id, q.invitationId);
    const now = this.clock.now();
    const from = q.from ? parseInstant('from', q.from) : now;
    const to = q.to ? parseInstant('to', q.to) : now.plus(this.config.policy.bookingHorizon);
    if (to <= from) throw badRequest('VALIDATION_FAILED', 'to must be after from', { fields: [{ field: 'to', problems: ['to must be after from'] }] });
    const schedules = await this.schedulesFor(this.em, invitation.categorySlug);
    const booked = await this.bookedFor(this.em, schedules.map((s) => s.talentManagerId), from, to);
    const zone = q.timeZone ?? freelancer.timeZone;
    const slots = availableSlots(schedules, booked, this.slotPolicy, now, from, to);
    return {
      timeZone: zone,
      slots: slots.map((s) => ({
        startsAt: s.startsAt.toUTC().toISO(),
        endsAt: s.endsAt.toUTC().toISO(),
        localStartsAt: s.startsAt.setZone(zone).toISO(),
      })),
    };
  }

  // ---- booking ------------------------------------------------------------------------------

  /**
   * Books the least-loaded talent manager offering the slot. One statement reads everything the decision
   * needs, one statement books (the exclusion constraint decides races: a conflict moves on to the next
   * talent manager, and when none is left the answer is SLOT_UNAVAILABLE).
   */
  async book(freelancer: User, input: { invitationId: string; startsAt: string }) {
    const startsAt = parseInstant('startsAt', input.startsAt);
    const endsAt = startsAt.plus(this.config.policy.callLength);
    await this.timers.assertAvailable();
    // A second round only when the invitation changed between reading and booking.
    for (let round = 0; round < 3; round++) {
      const now = this.clock.now();
      const facts = await this.bookingFacts(freelancer.id, input.invitationId, startsAt, endsAt, now);
      const entitlement = bookingEntitlement(facts, freelancer.id, now, this.config.policy);
      const offering = facts.schedules.filter((s) => offersSlot(s, facts.booked, this.slotPolicy, now, startsAt)).map((s) => s.talentManagerId);
      const ranked = rankTalentManagers(offering, facts.schedules, facts.booked, now, startsAt);
      if (ranked.length === 0) throw slotUnavailable(startsAt.toISO()!);

      let changed = false;
      for (const tmId of ranked) {
        const tm = facts.schedules.find((s) => s.talentManagerId === tmId)!;
        const participants = { talentManager: { name: tm.name, email: tm.email }, freelancer: { name: freelancer.name, email: freelancer.email } };
        const outcome = await this.insertCall(freelancer.id, input.invitationId, tmId, startsAt, endsAt, facts, entitlement, now, participants);
        if (outcome === 'taken') continue;
        if (outcome === 'changed') {
          changed = true;
          break;
        }
        return toCallView(outcome);
      }
      if (!changed) throw slotUnavailable(startsAt.toISO()!);
    }
    throw new AppError(409, 'CALL_CHANGED', 'The invitation changed meanwhile; try again');
  }

  /**
   * The invitation (whoever it belongs to), the freelancer's running cooldown, whether the invitation has
   * active or cancelled calls, the schedules of the category's talent managers and their calls around the
   * slot, in one round trip (booking is the hot path).
   */
  private async bookingFacts(freelancerId: string, invitationId: string, startsAt: DateTime, endsAt: DateTime, now: DateTime) {
    const [row] = await this.em.execute<
      {
        invitation: { freelancer_id: string; program: string; category_slug: string; status: string; reschedules_used: number; free_rebooking: boolean } | null;
        cooldown_until: Date | null;
        has_active: boolean | null;
        has_cancelled: boolean | null;
        schedules: (ScheduleRow & { name: string; email: string })[];
        booked: [string, number, number][];
      }[]
    >(
      `with inv as (
         select freelancer_id, program, category_slug, status, reschedules_used, free_rebooking from vetting_invitations where id = ?
       ), sched as (
         select a.talent_manager_id, a.time_zone, a.weekly, a.exceptions, a.daily_cap, u.name, u.email
           from talent_manager_availability a join users u on u.id = a.talent_manager_id and u.role = 'talent_manager'
          where a.category_slugs @> (select jsonb_build_array(category_slug) from inv)
       )
       select (select row_to_json(inv) from inv) as invitation,
              (select max(until) from vetting_cooldowns
                where freelancer_id = ? and program = coalesce((select program from inv), 'expert-vetted') and until > ?) as cooldown_until,
              (select bool_or(status = any(?::text[])) from vetting_calls where invitation_id = ?) as has_active,
              (select bool_or(status = 'cancelled') from vetting_calls where invitation_id = ?) as has_cancelled,
              (select coalesce(json_agg(sched), '[]') from sched) as schedules,
              (select coalesce(json_agg(json_build_array(c.talent_manager_id, extract(epoch from c.starts_at) * 1000, extract(epoch from c.ends_at) * 1000)), '[]')
                 from vetting_calls c
                where c.talent_manager_id in (select talent_manager_id from sched) and c.status = any(?::text[])
                  and c.ends_at > ? and c.starts_at < ?) as booked`,
      [
        invitationId,
        freelancerId,
        now.toJSDate(),
        ACTIVE_SQL,
        invitationId,
        invitationId,
        ACTIVE_SQL,
        startsAt.minus(CAP_MARGIN).toJSDate(),
        endsAt.plus(CAP_MARGIN).toJSDate(),
      ],
    );
    const inv = fromJson<(typeof row)['invitation']>(row.invitation);
    const facts: BookingFacts = {
      invitation: inv ? { freelancerId: inv.freelancer_id, status: inv.status, reschedulesUsed: inv.reschedules_used, freeRebooking: inv.free_rebooking } : null,
      cooldownUntil: row.cooldown_until ? DateTime.fromJSDate(new Date(row.cooldown_until), { zone: 'utc' }) : null,
      hasActiveCall: row.has_active === true,
      hasCancelledCall: row.has_cancelled === true,
    };
    const schedules = fromJson<(typeof row)['schedules']>(row.schedules).map((r) => ({ ...toSchedule(r), name: r.name, email: r.email }));
    const booked: BookedInterval[] = fromJson<(typeof row)['booked']>(row.booked).map(([talentManagerId, s, e]) => ({
      talentManagerId,
      startsAt: DateTime.fromMillis(Number(s), { zone: 'utc' }),
      endsAt: DateTime.fromMillis(Number(e), { zone: 'utc' }),
    }));
    return { ...facts, program: inv?.program ?? 'expert-vetted', categorySlug: inv?.category_slug ?? '', schedules, booked };
  }

  /**
   * Books in one statement: the invitation is updated only if it is still as read (open, same counters, no
   * cooldown or cancellation since), and the call and its history entry are inserted with it.
   * 'taken': the talent manager's time went meanwhile; 'changed': the invitation did.
   */
  private async insertCall(
    freelancerId: string,
    invitationId: string,
    tmId: string,
    startsAt: DateTime,
    endsAt: DateTime,
    facts: BookingFacts & { program: string; categorySlug: string },
    entitlement: BookingEntitlement,
    now: DateTime,
    participants: CallParticipants,
  ): Promise<VettingCall | 'taken' | 'changed'> {
    const inv = facts.invitation!;
    const call = Object.assign(new VettingCall(), {
      invitationId,
      freelancerId,
      talentManagerId: tmId,
      program: facts.program,
      categorySlug: facts.categorySlug,
      status: 'scheduled',
      startsAt: startsAt.toJSDate(),
      endsAt: endsAt.toJSDate(),
      rescheduleCount: entitlement.reschedulesUsed,
      version: 1,
      icsSequence: 0,
      freeRebooking: entitlement.freeRebooking,
      createdAt: now.toJSDate(),
      updatedAt: now.toJSDate(),
    });
    const details = { startsAt: startsAt.toISO(), talentManagerId: tmId, freeRebooking: entitlement.freeRebooking };
    try {
      return await withContext(this.orm, (em) =>
        em.transactional(async (tem) => {
          const rows = await tem.execute<{ id: string }[]>(
            `with inv as (
               update vetting_invitations i set reschedules_used = ?::int, free_rebooking = false
                where i.id = ?::uuid and i.freelancer_id = ?::uuid and i.status = 'open' and i.reschedules_used = ?::int and i.free_rebooking = ?::boolean
                  and not exists (select 1 from vetting_cooldowns d where d.freelancer_id = i.freelancer_id and d.program = i.program and d.until > ?::timestamptz)
                  and (?::boolean or not exists (select 1 from vetting_calls x where x.invitation_id = i.id and x.status = 'cancelled'))
               returning i.id
             ), c as (
               insert into vetting_calls (id, invitation_id, freelancer_id, talent_manager_id, program, category_slug, status, starts_at, ends_at,
                                          reschedule_count, version, ics_sequence, free_rebooking, created_at, updated_at)
               select ?::uuid, inv.id, ?::uuid, ?::uuid, ?::text, ?::text, 'scheduled', ?::timestamptz, ?::timestamptz, ?::int, 1, 0, ?::boolean, ?::timestamptz, ?::timestamptz from inv
               returning id
             ), h as (
               insert into call_history (id, call_id, at, actor_id, actor_role, action, from_status, to_status, details)
               select ?::uuid, c.id, ?::timestamptz, ?::uuid, 'freelancer', 'booked', null, 'scheduled', ?::jsonb from c
             )
             select id from c`,
            [
              entitlement.reschedulesUsed,
              invitationId,
              freelancerId,
              inv.reschedulesUsed,
              inv.freeRebooking,
              now.toJSDate(),
              facts.hasCancelledCall,
              call.id,
              freelancerId,
              tmId,
              call.program,
              call.categorySlug,
              call.startsAt,
              call.endsAt,
              call.rescheduleCount,
              call.freeRebooking,
              call.createdAt,
              call.updatedAt,
              randomUUID(),
              call.createdAt,
              freelancerId,
              JSON.stringify(details),
            ],
          );
          if (!rows.length) return 'changed' as const;
          // The booking's timers and notifications commit with it (the outbox relay delivers them).
          await this.outbox.write(tem, [scheduleTimersEffect(call.id, call.version)]);
          await this.notifyParticipants(call, 'call.booked', 'Vetting call booked', `Your vetting call is booked for ${call.startsAt.toISOString()}.`, {}, participants, tem);
          return call;
        }),
      );
    } catch (err) {
      const state = sqlState(err);
      if (state === '23P01' || isDayFull(err)) return 'taken';
      if (state === '23505') throw new AppError(409, 'CALL_ALREADY_BOOKED', 'This invitation already has a booked call; reschedule it instead');
      if (isRetryable(err)) throw callChanged();
      throw err;
    }
  }

  // ---- reading ------------------------------------------------------------------------------

  async findVisible(user: User, id: string, em: EntityManager = this.em): Promise<VettingCall> {
    const call = await em.findOne(VettingCall, { id });
    if (!call) throw notFound('Call', { id });
    const participant = call.freelancerId === user.id || call.talentManagerId === user.id;
    if (!participant && user.role !== 'admin') throw notFound('Call', { id });
    return call;
  }

  async get(user: User, id: string) {
    return toCallView(await this.findVisible(user, id));
  }

  /** The caller's calls (an admin: every call), newest first; the filters narrow it. */
  async listMine(user: User, filter: { freelancerId?: string; talentManagerId?: string } = {}) {
    const where: { freelancerId?: string; talentManagerId?: string } = {
      ...(filter.freelancerId ? { freelancerId: filter.freelancerId } : {}),
      ...(filter.talentManagerId ? { talentManagerId: filter.talentManagerId } : {}),
    };
    if (user.role === 'talent_manager') where.talentManagerId = user.id;
    else if (user.role !== 'admin') where.freelancerId = user.id;
    const calls = await this.em.find(VettingCall, where, { orderBy: { startsAt: 'desc' }, limit: 200 });
    return { calls: calls.map(toCallView) };
  }

  async history(user: User, id: string) {
    await this.findVisible(user, id);
    const entries = await this.em.find(CallHistoryEntry, { callId: id }, { orderBy: { at: 'asc', id: 'asc' } });
    return {
      history: entries.map((e) => ({ at: e.at.toISOString(), actorId: e.actorId ?? null, actorRole: e.actorRole, action: e.action, fromStatus: e.fromStatus ?? null, toStatus: e.toStatus ?? null, details: e.details })),
    };
  }

  // ---- reschedule and cancel ----------------------------------------------------------------

  async reschedule(freelancer: User, id: string, input: { startsAt: string }) {
    const startsAt = parseInstant('startsAt', input.startsAt);
    const call = await this.findVisible(freelancer, id);
    if (call.freelancerId !== freelancer.id) throw forbidden('Only the freelancer who booked the call can reschedule it');
    const invitation = await this.em.findOneOrFail(Invitation, { id: call.invitationId });
    const now = this.clock.now();
    const policy = this.config.policy;
    assertCanReschedule(callState(call), now, policy, invitation.reschedulesUsed);
    if (startsAt.toMillis() === call.startsAt.getTime()) throw slotUnavailable(startsAt.toISO()!);

    const schedules = await this.schedulesFor(this.em, call.categorySlug);
    const booked = await this.bookedFor(this.em, schedules.map((s) => s.talentManagerId), startsAt, startsAt.plus(policy.callLength), call.id);
    const offering = schedules.filter((s) => offersSlot(s, booked, this.slotPolicy, now, startsAt)).map((s) => s.talentManagerId);
    // Keep the same talent manager when they can take the new time.
    const ranked = rankTalentManagers(offering, schedules, booked, now, startsAt);
    const order = offering.includes(call.talentManagerId) ? [call.talentManagerId, ...ranked.filter((t) => t !== call.talentManagerId)] : ranked;
    if (order.length === 0) throw slotUnavailable(startsAt.toISO()!);

    for (const tmId of order) {
      const outcome = await this.tryReschedule(call, invitation.id, tmId, startsAt, freelancer.id);
      if (outcome === 'conflict') continue;
      if (outcome === 'lost') {
        // Someone else changed the call first (a concurrent reschedule or cancel): re-read and explain.
        const fresh = await withContext(this.orm, (em) => em.findOneOrFail(VettingCall, { id }));
        const inv = await withContext(this.orm, (em) => em.findOneOrFail(Invitation, { id: call.invitationId }));
        assertCanReschedule(callState(fresh), this.clock.now(), policy, inv.reschedulesUsed);
        throw callChanged();
      }
      return toCallView(outcome);
    }
    throw slotUnavailable(startsAt.toISO()!);
  }

  /**
   * The conditional update that decides concurrent reschedules: it applies only to the version
   * that was read, while the notice and the limit still hold, so at most one wins.
   */
  private async tryReschedule(call: VettingCall, invitationId: string, tmId: string, startsAt: DateTime, actorId: string): Promise<VettingCall | 'conflict' | 'lost'> {
    const policy = this.config.policy;
    const now = this.clock.now();
    try {
      return await withContext(this.orm, (em) =>
        em.transactional(async (tem) => {
          const inv = await tem.execute<{ reschedules_used: number }[]>(
            `update vetting_invitations set reschedules_used = reschedules_used + 1
              where id = ? and reschedules_used < ? returning reschedules_used`,
            [invitationId, policy.maxReschedules],
          );
          if (inv.length === 0) return 'lost' as const;
          const rows = await tem.execute<{ id: string }[]>(
            `update vetting_calls
                set starts_at = ?, ends_at = ?, talent_manager_id = ?, status = 'rescheduled',
                    reschedule_count = ?, version = version + 1, ics_sequence = ics_sequence + 1, updated_at = ?
              where id = ? and version = ? and status in ('scheduled', 'rescheduled') and starts_at >= ?
              returning id`,
            [
              startsAt.toJSDate(),
              startsAt.plus(policy.callLength).toJSDate(),
              tmId,
              inv[0].reschedules_used,
              now.toJSDate(),
              call.id,
              call.version,
              now.plus(policy.rescheduleNotice).toJSDate(),
            ],
          );
          if (rows.length === 0) throw new LostRace();
          tem.persist(
            history(call.id, now.toJSDate(), actorId, 'freelancer', 'rescheduled', call.status, 'rescheduled', {
              from: call.startsAt.toISOString(),
              to: startsAt.toISO(),
              talentManagerId: tmId,
            }),
          );
          await tem.flush();
          const fresh = await tem.findOneOrFail(VettingCall, { id: call.id }, { refresh: true });
          await this.outbox.write(tem, [unscheduleTimersEffect(call.id, call.version), scheduleTimersEffect(call.id, fresh.version)]);
          await this.notifyParticipants(fresh, 'call.rescheduled', 'Vetting call rescheduled', `Your vetting call moved to ${fresh.startsAt.toISOString()}.`, {}, undefined, tem);
          return fresh;
        }),
      );
    } catch (err) {
      if (err instanceof LostRace) return 'lost';
      if (sqlState(err) === '23P01' || isDayFull(err)) return 'conflict';
      if (isRetryable(err)) throw callChanged();
      throw err;
    }
  }

  async cancel(user: User, id: string, input: { reason?: string } = {}) {
    const call = await this.findVisible(user, id);
    if (call.freelancerId !== user.id && user.role !== 'admin') throw forbidden('Only the freelancer who booked the call can cancel it');
    const now = this.clock.now();
    // An admin cancelling is never the freelancer's miss.
    const { countsAsMiss } = cancellationOutcome(callState(call), now, this.config.policy);
    const late = countsAsMiss && user.role !== 'admin';
    const oldVersion = call.version;
    const result = await withContext(this.orm, (em) =>
      em.transactional(async (tem) => {
        const rows = await tem.execute<{ id: string }[]>(
          `update vetting_calls set status = 'cancelled', version = version + 1, ics_sequence = ics_sequence + 1,
                  cancel_reason = ?, ended_at = ?, updated_at = ?
            where id = ? and version = ? and status in ('scheduled', 'rescheduled') returning id`,
          [late ? 'late_cancellation' : (input.reason ?? 'cancelled'), now.toJSDate(), now.toJSDate(), call.id, call.version],
        );
        if (rows.length === 0) throw callChanged();
        tem.persist(history(call.id, now.toJSDate(), user.id, user.role, 'cancelled', call.status, 'cancelled', { countsAsMiss: late, reason: input.reason ?? null }));
        let cooldown: { id: string; until: Date } | null = null;
        if (late) {
          const c = await this.talent.recordMiss(tem, {
            invitationId: call.invitationId,
            freelancerId: call.freelancerId,
            program: call.program,
            callId: call.id,
            reason: 'late_cancellation',
            until: cooldownUntil(callState(call), this.config.policy),
          });
          cooldown = { id: c.id, until: c.until };
        }
        await tem.flush();
        const fresh = await tem.findOneOrFail(VettingCall, { id: call.id }, { refresh: true });
        await this.outbox.write(tem, [unscheduleTimersEffect(call.id, oldVersion), ...(cooldown ? [cooldownExpiryEffect(cooldown.id, cooldown.until)] : [])]);
        await this.notifyParticipants(
          fresh,
          'call.cancelled',
          'Vetting call cancelled',
          late
            ? `The call was cancelled with less than ${this.config.policy.rescheduleNotice.toISO()} notice; this counts as a missed call. You can be reconsidered from ${cooldown!.until.toISOString()}.`
            : 'The vetting call was cancelled.',
          cooldown ? { eligibleAt: cooldown.until.toISOString() } : {},
          undefined,
          tem,
        );
        return { fresh, cooldown };
      }),
    );
    return { ...toCallView(result.fresh), countsAsMiss: late, ...(result.cooldown ? { eligibleAt: result.cooldown.until.toISOString() } : {}) };
  }

  /** The call's iTIP invite (REQUEST while it stands, CANCEL once cancelled). */
  async icsFor(call: VettingCall, participants?: CallParticipants): Promise<string> {
    const people = participants ?? (await this.participantsOf(call));
    return callInvite({
      callId: call.id,
      status: call.status,
      startsAt: call.startsAt,
      endsAt: call.endsAt,
      sequence: call.icsSequence,
      createdAt: call.createdAt,
      updatedAt: call.updatedAt,
      categorySlug: call.categorySlug,
      joinUrl: `${this.config.env.PUBLIC_URL.replace(/\/$/, '')}/calls/${call.id}`,
      organizer: people.talentManager,
      freelancer: people.freelancer,
      stamp: this.clock.now().toJSDate(),
    });
  }

  /** With `em`, read in the caller's transaction (the embedded database has a single connection). */
  private async participantsOf(call: VettingCall, em?: EntityManager): Promise<CallParticipants> {
    const where = { id: { $in: [call.talentManagerId, call.freelancerId] } };
    const users = em ? await em.find(User, where) : await withContext(this.orm, (ctx) => ctx.find(User, where));
    const tm = users.find((u) => u.id === call.talentManagerId)!;
    const freelancer = users.find((u) => u.id === call.freelancerId)!;
    return { talentManager: { name: tm.name, email: tm.email }, freelancer: { name: freelancer.name, email: freelancer.email } };
  }

  /** Booked/rescheduled/cancelled: inbox + push + email with the .ics attached + webhooks. */
  async notifyParticipants(call: VettingCall, type: string, title: string, body: string, data: Record<string, unknown> = {}, participants?: CallParticipants, em?: EntityManager) {
    const people = participants ?? (await this.participantsOf(call, em));
    const ics = await this.icsFor(call, people).catch(() => null);
    const attachments = ics ? [{ filename: 'vetting-call.ics', contentType: 'text/calendar; charset=utf-8', content: ics }] : [];
    const sent = this.notifications
      .notifyMany(
        [call.freelancerId, call.talentManagerId].map((userId) => ({
          userId,
          type,
          title,
          body,
          data: { callId: call.id, startsAt: call.startsAt.toISOString(), endsAt: call.endsAt.toISOString(), ...data },
          dedupeKey: `${type}:${call.id}:v${call.version}:${userId}`,
          attachments,
        })),
        em,
      );
    // Inside the caller's transaction a failure undoes the change; on its own it is only logged.
    await (em ? sent : sent.catch((err) => this.logger.warn(`notification ${type} for call ${call.id} failed: ${err}`)));
  }
}

class LostRace extends Error {}

/** A deadlock or serialization failure: nothing was written, the client may simply try again. */
const isRetryable = (err: unknown) => sqlState(err) === '40P01' || sqlState(err) === '40001';
const callChanged = () => new AppError(409, 'CALL_CHANGED', 'The call changed meanwhile; load it and try again');

/** The talent manager's daily cap, enforced by `talent_manager_day_load_cap` (a concurrent booking took the day's last place). */
const isDayFull = (err: unknown) => sqlState(err) === '23514' && String((err as Error)?.message).includes('talent_manager_day_load_cap');

interface CallParticipants {
  talentManager: { name: string; email: string };
  freelancer: { name: string; email: string };
}

export function history(callId: string, at: Date, actorId: string | null, actorRole: string, action: string, fromStatus: string | null, toStatus: string | null, details: Record<string, unknown> = {}) {
  const e = new CallHistoryEntry();
  Object.assign(e, { callId, at, actorId, actorRole, action, fromStatus, toStatus, details });
  return e;
}

function availabilityView(a: TalentManagerAvailability) {
  return {
    talentManagerId: a.talentManagerId,
    timeZone: a.timeZone,
    weekly: a.weekly,
    exceptions: a.exceptions,
    categorySlugs: a.categorySlugs,
    dailyCap: a.dailyCap,
    updatedAt: a.updatedAt.toISOString(),
  };
}
