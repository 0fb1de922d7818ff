import { Injectable } from '@nestjs/common';
import { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import { AppConfig, Clock, Outbox, OutboxMessage, withContext } from '@vetting/core';
import { LivePublisher, liveCloseRoom, liveEmit, userRoom } from '@vetting/live';
import { NotificationsService, NotifyInput } from '@vetting/notifications';
import { TalentService } from '@vetting/talent';
import { CallState, cooldownUntil, endOutcome, graceOutcome, settledCallTimerIds } from '../domain/call.rules';
import { callState } from '../domain/call-state';
import { VettingCall, toCallView } from '../data/call.entities';
import { CallsRepository } from '../data/calls.repository';
import { callRoom } from '../call-room/call-room.service';
import { CallTimersService, cooldownExpiryEffect } from './call-timers.service';

type Outcome = 'missed' | 'interviewer_absent' | 'completed';

/** The timer-driven transitions: every step re-reads the call and acts only if it still applies. */
@Injectable()
export class CallLifecycleService {
  constructor(
    private readonly orm: MikroORM,
    private readonly clock: Clock,
    private readonly config: AppConfig,
    private readonly live: LivePublisher,
    private readonly notifications: NotificationsService,
    private readonly talent: TalentService,
    private readonly timers: CallTimersService,
    private readonly calls: CallsRepository,
    private readonly outbox: Outbox,
  ) {}

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
   * sweeps share the work. A job whose call is no longer active at its version (a sweep settled it) stops at
   * one read, without a transaction: every due call still has its own job (and the reconciliation sweep).
   */
  async onGrace(callId: string, version: number): Promise<void> {
    if (!(await this.calls.isActiveAtVersion(callId, version))) return;
    await this.settleGrace({ id: callId, version });
  }

  /**
   * The grace sweep: `timer`'s call if it still applies, and every call whose grace period has passed. After
   * commit, the settled calls' later timers (ending-soon, end) are taken off the queue at once, so thousands of
   * them do not fall due for nothing right before the next grace moment. Best effort, not an owed effect: a timer
   * that is not removed (Redis away, the process gone) still fires, re-reads its call and does nothing.
   */
  private async settleGrace(timer: { id: string; version: number } | null): Promise<number> {
    const dueBefore = this.clock.now().minus(this.config.policy.gracePeriod).toJSDate();
    const settled = await withContext(this.orm, (em) =>
      em.transactional(async (tem) => {
        const calls = await this.calls.lockDueForGrace(tem, timer, dueBefore);
        const decided = calls
          .map((call) => ({ call, to: graceOutcome(callState(call)) }))
          .filter((d): d is { call: VettingCall; to: 'missed' | 'interviewer_absent' } => d.to !== null);
        const outcomes = await this.finishAll(tem, decided);
        await tem.flush();
        await this.writeEffects(tem, outcomes);
        return outcomes.map((o) => o.call);
      }),
    );
    if (settled.length) void this.timers.drop(settled.flatMap((c) => settledCallTimerIds(c.id, c.version)));
    return settled.length;
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
    const over = await this.calls.overdue(now);
    for (const call of over) await this.onEnd(call.id, call.version);
    const active = await this.calls.active();
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

  /** Locks the call at this version if still active, asks the rule what it becomes, and finishes it if anything. */
  private async settle(callId: string, version: number, decide: (c: CallState) => Outcome | null): Promise<void> {
    await withContext(this.orm, (em) =>
      em.transactional(async (tem) => {
        const call = await this.calls.lockActiveAtVersion(tem, callId, version);
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
        const c = await this.talent.markCooldownExpiryTold(tem, cooldownId, this.clock.now().toJSDate());
        if (!c) return;
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

  private current(callId: string, version: number): Promise<VettingCall | null> {
    return this.calls.findFresh(callId, version);
  }

  /**
   * Applies the outcomes: one statement for the calls' statuses and history, one update closing the invitations of
   * missed calls with their cooldowns (stored on the caller's flush), one granting free rebookings, one closing the
   * invitations of completed calls. The calls are
   * answered as settled copies (a managed one is left as read: the statement has written it).
   */
  private async finishAll(tem: EntityManager, outcomes: { call: VettingCall; to: Outcome }[]) {
    const now = this.clock.now().toJSDate();
    await this.calls.settle(
      tem,
      outcomes.map(({ call, to }) => ({ id: call.id, from: call.status, to })),
      now,
    );
    const decided = outcomes.map(({ call, to }) => ({
      call: Object.assign(new VettingCall(), call, { status: to, endedAt: now, updatedAt: now }),
      to,
    }));
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
    await this.talent.grantFreeRebookings(tem, absent);
    // A call held uses its invitation up: no second vetting call (and scorecard) on the same invitation.
    const held = decided.filter((d) => d.to === 'completed').map((d) => d.call.invitationId);
    await this.talent.recordCompletedCalls(tem, held);
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
  private async writeEffects(
    tem: EntityManager,
    outcomes: { call: ReturnType<typeof toCallView>; cooldown: { id: string; until: Date } | null }[],
  ) {
    const effects: OutboxMessage[] = [];
    const notes: NotifyInput[] = [];
    for (const { call, cooldown } of outcomes) {
      const room = callRoom(call.id);
      const key = `call:${call.id}:${call.status}`;
      if (call.status === 'missed') {
        const eligibleAt = cooldown!.until.toISOString();
        const payload = { callId: call.id, call, eligibleAt };
        effects.push(
          cooldownExpiryEffect(cooldown!.id, cooldown!.until),
          liveEmit(`${key}:room`, room, 'call:missed', payload),
          liveEmit(`${key}:user`, userRoom(call.freelancerId), 'call:missed', payload),
        );
        notes.push({
          userId: call.freelancerId,
          type: 'call.missed',
          title: 'You missed your vetting call',
          body: `You were not present within the grace period, so you are no longer considered for now. You can be reconsidered from ${eligibleAt}.`,
          data: { callId: call.id, eligibleAt },
          dedupeKey: `call.missed:${call.id}`,
        });
      } else if (call.status === 'interviewer_absent') {
        effects.push(
          liveEmit(`${key}:room`, room, 'call:interviewer-absent', { callId: call.id, call, freeRebooking: true }),
        );
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
