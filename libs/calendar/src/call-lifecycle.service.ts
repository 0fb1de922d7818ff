import { Injectable, Logger } from '@nestjs/common';
import { EntityManager, FilterQuery, LockMode, MikroORM } from '@mikro-orm/postgresql';
import { AppConfig, Clock, Outbox, OutboxMessage, notFound, withContext } from '@vetting/core';
import { LivePublisher, liveCloseRoom, liveEmit, userRoom } from '@vetting/live';
import { NotificationsService, NotifyInput } from '@vetting/notifications';
import { Cooldown, Invitation, TalentService } from '@vetting/talent';
import { ACTIVE_CALL_STATUSES, VettingCall, toCallView } from './call.entities';
import { callState } from './call-state';
import { CallState, Participant, assertCanJoin, cooldownUntil, endOutcome, graceOutcome } from './call.rules';
import { CallTimersService, cooldownExpiryEffect } from './call-timers.service';
import { history } from './calls.service';

export const callRoom = (callId: string) => `call:${callId}`;

/** Attendance and the timer-driven transitions: every step re-reads the call and acts only if it still applies. */
@Injectable()
export class CallLifecycleService {
  private readonly logger = new Logger('CallLifecycle');

  constructor(
    private readonly orm: MikroORM,
    private readonly clock: Clock,
    private readonly config: AppConfig,
    private readonly live: LivePublisher,
    private readonly notifications: NotificationsService,
    private readonly talent: TalentService,
    private readonly timers: CallTimersService,
    private readonly outbox: Outbox,
  ) {}

  /** A participant joins the room: checks the window and grace period, records the first join. */
  async join(user: { id: string; role: string }, callId: string): Promise<VettingCall> {
    return withContext(this.orm, async (em) => {
      const call = await em.findOne(VettingCall, { id: callId });
      const who: Participant | null = !call ? null : call.freelancerId === user.id ? 'freelancer' : call.talentManagerId === user.id ? 'talent_manager' : null;
      // Someone else's call is answered as if it did not exist, like GET /vetting/calls/:id.
      if (!call || !who) throw notFound('Call', { id: callId });
      const now = this.clock.now();
      assertCanJoin(callState(call), who, now, this.config.policy);

      const column = who === 'freelancer' ? 'freelancer_joined_at' : 'talent_manager_joined_at';
      const rows = await em.execute<{ id: string; first: boolean; prev_status: string }[]>(
        `update vetting_calls c
            set ${column} = coalesce(c.${column}, ?),
                status = case when c.status in ('scheduled', 'rescheduled') then 'in_progress' else c.status end,
                updated_at = ?
           from (select id, ${column} is null as first, status as prev_status from vetting_calls where id = ? for update) old
          where c.id = old.id and c.status in ('scheduled', 'rescheduled', 'in_progress')
          returning c.id, old.first, old.prev_status`,
        [now.toJSDate(), now.toJSDate(), callId],
      );
      if (rows.length && rows[0].first) {
        const entries = [history(callId, now.toJSDate(), user.id, who, 'joined', rows[0].prev_status, rows[0].prev_status === 'in_progress' ? null : 'in_progress')];
        await em.persistAndFlush(entries);
      }
      return em.findOneOrFail(VettingCall, { id: callId }, { refresh: true });
    });
  }

  async onReminder(callId: string, version: number, lead: string): Promise<void> {
    const call = await this.current(callId, version);
    if (!call || !['scheduled', 'rescheduled'].includes(call.status)) return;
    for (const userId of [call.freelancerId, call.talentManagerId]) {
      await this.notifications.notify({
        userId,
        type: 'call.reminder',
        title: 'Vetting call reminder',
        body: `Your vetting call starts at ${call.startsAt.toISOString()}. Be on time: after ${this.config.policy.gracePeriod.toISO()} the call counts as missed.`,
        data: { callId, startsAt: call.startsAt.toISOString(), lead },
        dedupeKey: `call.reminder:${callId}:v${version}:${lead}:${userId}`,
      });
    }
  }

  /**
   * start + grace: the freelancer absent → missed + cooldown; the talent manager absent →
   * interviewer_absent + free rebooking. One job settles every call whose grace period has passed (this
   * one if it still applies, and any other due), so timers falling due together cost one transaction
   * instead of a queue of jobs; the others' jobs then find nothing to do. SKIP LOCKED lets concurrent
   * sweeps share the work.
   */
  async onGrace(callId: string, version: number): Promise<void> {
    await this.settleGrace({ id: callId, version });
  }

  /** The grace sweep: `timer`'s call if it still applies, and every call whose grace period has passed. */
  private async settleGrace(timer: { id: string; version: number } | null): Promise<number> {
    const dueBefore = this.clock.now().minus(this.config.policy.gracePeriod).toJSDate();
    const due = { status: { $in: ['scheduled', 'rescheduled', 'in_progress'] }, startsAt: { $lte: dueBefore }, $or: [{ freelancerJoinedAt: null }, { talentManagerJoinedAt: null }] };
    return withContext(this.orm, (em) =>
      em.transactional(async (tem) => {
        const calls = await tem.find(
          VettingCall,
          (timer ? { $or: [timer, due] } : due) as FilterQuery<VettingCall>,
          { lockMode: LockMode.PESSIMISTIC_PARTIAL_WRITE, limit: 500, orderBy: { startsAt: 'asc' } },
        );
        const decided = calls.map((call) => ({ call, to: graceOutcome(callState(call)) })).filter((d) => d.to !== null);
        const settled = await this.finishAll(tem, decided as { call: VettingCall; to: 'missed' | 'interviewer_absent' }[]);
        await tem.flush();
        await this.writeEffects(tem, settled);
        return settled.length;
      }),
    );
  }

  /**
   * The reconciliation sweep, from the database alone: calls past their grace moment or their end that are
   * still active are settled by the same rules as their timers, and every active call's timers are added
   * again (deterministic ids: a timer already there is left as it is).
   */
  async reconcile(): Promise<{ graced: number; ended: number; timers: number }> {
    let graced = 0;
    for (let n = await this.settleGrace(null); n > 0; n = await this.settleGrace(null)) graced += n;
    const now = this.clock.now().toJSDate();
    const over = await withContext(this.orm, (em) => em.find(VettingCall, { status: { $in: ACTIVE_CALL_STATUSES as any }, endsAt: { $lte: now } }, { limit: 1000 }));
    for (const call of over) await this.onEnd(call.id, call.version);
    const active = await withContext(this.orm, (em) => em.find(VettingCall, { status: { $in: ACTIVE_CALL_STATUSES as any } }));
    for (const call of active) await this.timers.schedule(call);
    return { graced, ended: over.length, timers: active.length };
  }

  async onEndingSoon(callId: string, version: number): Promise<void> {
    const call = await this.current(callId, version);
    if (!call || call.status !== 'in_progress') return;
    await this.live.emit(callRoom(callId), 'call:ending-soon', { callId, endsAt: call.endsAt.toISOString() });
  }

  /** The hard end at start + length: completed when the freelancer attended; the room closes. */
  onEnd(callId: string, version: number): Promise<void> {
    return this.settle(callId, version, endOutcome);
  }

  /** Locks the call at this version, asks the rule what it becomes, and finishes it if anything. */
  private async settle(callId: string, version: number, decide: (c: CallState) => 'missed' | 'interviewer_absent' | 'completed' | null): Promise<void> {
    await withContext(this.orm, (em) =>
      em.transactional(async (tem) => {
        const call = await tem.findOne(VettingCall, { id: callId, version }, { lockMode: LockMode.PESSIMISTIC_WRITE });
        const result = call ? decide(callState(call)) : null;
        if (!call || !result) return;
        const finished = await this.finishAll(tem, [{ call, to: result }]);
        await tem.flush();
        await this.writeEffects(tem, finished);
      }),
    );
  }

  /** The cooldown is marked as told and the notification stored in one transaction. */
  async onCooldownExpired(cooldownId: string): Promise<void> {
    await withContext(this.orm, (em) =>
      em.transactional(async (tem) => {
        const c = await tem.findOne(Cooldown, { id: cooldownId });
        if (!c || c.until > this.clock.now().toJSDate()) return;
        const updated = await tem.nativeUpdate(Cooldown, { id: cooldownId, expiredNotifiedAt: null }, { expiredNotifiedAt: this.clock.now().toJSDate() });
        if (!updated) return;
        await this.notifications.notify(
          {
            userId: c.freelancerId,
            type: 'vetting.eligible-again',
            title: 'You can be reconsidered for Expert-Vetted',
            body: 'Your cooldown after a missed vetting call has ended. You can be invited or apply again.',
            data: { program: c.program, cooldownId },
            dedupeKey: `vetting.eligible-again:${cooldownId}`,
          },
          tem,
        );
      }),
    );
  }

  async find(callId: string): Promise<VettingCall | null> {
    return withContext(this.orm, (em) => em.findOne(VettingCall, { id: callId }));
  }

  private async current(callId: string, version: number): Promise<VettingCall | null> {
    return withContext(this.orm, (em) => em.findOne(VettingCall, { id: callId, version }));
  }

  /**
   * Applies the outcomes in the unit of work (the caller flushes once): statuses and history, one update
   * closing the invitations of missed calls with their cooldowns, one granting free rebookings.
   */
  private async finishAll(tem: EntityManager, decided: { call: VettingCall; to: 'missed' | 'interviewer_absent' | 'completed' }[]) {
    const now = this.clock.now().toJSDate();
    for (const { call, to } of decided) {
      tem.persist(history(call.id, now, null, 'system', to === 'completed' ? 'ended' : to, call.status, to));
      call.status = to;
      call.endedAt = now;
      call.updatedAt = now;
    }
    const missed = decided.filter((d) => d.to === 'missed').map((d) => d.call);
    const cooldowns = await this.talent.recordMisses(
      tem,
      missed.map((call) => ({
        invitationId: call.invitationId,
        freelancerId: call.freelancerId,
        program: call.program,
        callId: call.id,
        reason: 'missed' as const,
        until: cooldownUntil(callState(call), this.config.policy),
      })),
    );
    const absent = decided.filter((d) => d.to === 'interviewer_absent').map((d) => d.call.invitationId);
    if (absent.length) await tem.nativeUpdate(Invitation, { id: { $in: absent } }, { freeRebooking: true });
    const cooldownOf = new Map(cooldowns.map((c) => [c.callId!, c]));
    return decided.map(({ call }) => {
      const c = cooldownOf.get(call.id);
      return { call: toCallView(call), cooldown: c ? { id: c.id, until: c.until } : null };
    });
  }

  /**
   * What the settled calls owe, written in their transaction: the notification (stored now), the socket
   * events, the room's closing and the cooldown-expiry job (delivered by the outbox relay after commit).
   */
  private async writeEffects(tem: EntityManager, outcomes: { call: ReturnType<typeof toCallView>; cooldown: { id: string; until: Date } | null }[]) {
    const effects: OutboxMessage[] = [];
    const notes: NotifyInput[] = [];
    for (const { call, cooldown } of outcomes) {
      const room = callRoom(call.id);
      const key = `call:${call.id}:${call.status}`;
      if (call.status === 'missed') {
        const eligibleAt = cooldown!.until.toISOString();
        const payload = { callId: call.id, call, eligibleAt };
        effects.push(cooldownExpiryEffect(cooldown!.id, cooldown!.until), liveEmit(`${key}:room`, room, 'call:missed', payload), liveEmit(`${key}:user`, userRoom(call.freelancerId), 'call:missed', payload));
        notes.push({
          userId: call.freelancerId,
          type: 'call.missed',
          title: 'You missed your vetting call',
          body: `You were not present within the grace period, so you are no longer considered for now. You can be reconsidered from ${eligibleAt}.`,
          data: { callId: call.id, eligibleAt },
          dedupeKey: `call.missed:${call.id}`,
        });
      } else if (call.status === 'interviewer_absent') {
        effects.push(liveEmit(`${key}:room`, room, 'call:interviewer-absent', { callId: call.id, call, freeRebooking: true }));
        notes.push({
          userId: call.freelancerId,
          type: 'call.interviewer-absent',
          title: 'Your talent manager could not attend',
          body: 'We are sorry: your talent manager was absent. Book a new time; it does not count as a reschedule.',
          data: { callId: call.id, invitationId: call.invitationId },
          dedupeKey: `call.interviewer-absent:${call.id}`,
        });
      } else {
        effects.push(liveEmit(`${key}:room`, room, 'call:ended', { callId: call.id, call }));
      }
      effects.push(liveCloseRoom(`${key}:close`, room));
    }
    await this.notifications.notifyMany(notes, tem);
    await this.outbox.write(tem, effects);
  }
}
