import { Injectable } from '@nestjs/common';
import { MikroORM } from '@mikro-orm/postgresql';
import { AppConfig, Clock, Outbox, forbidden, withContext } from '@vetting/core';
import { User } from '@vetting/identity';
import { TalentService } from '@vetting/talent';
import { cancellationCountsAsMiss, cooldownUntil } from '../domain/call.rules';
import { callState } from '../domain/call-state';
import { callChanged } from '../domain/calendar.errors';
import { historyEntry, toCallView } from '../data/call.entities';
import { CallsRepository } from '../data/calls.repository';
import { CallsService } from '../calls/calls.service';
import { cooldownExpiryEffect, unscheduleTimersEffect } from '../call-timers/call-timers.service';
import { CallNoticesService } from '../invites/call-notices.service';

/** The freelancer (or an admin) cancels a call that has not started; late, it is the freelancer's miss. */
@Injectable()
export class CancelService {
  constructor(
    private readonly orm: MikroORM,
    private readonly clock: Clock,
    private readonly config: AppConfig,
    private readonly talent: TalentService,
    private readonly reader: CallsService,
    private readonly calls: CallsRepository,
    private readonly notices: CallNoticesService,
    private readonly outbox: Outbox,
  ) {}

  async cancel(user: User, id: string, input: { reason?: string } = {}) {
    const call = await this.reader.findVisible(user, id);
    if (call.freelancerId !== user.id && user.role !== 'admin') {
      throw forbidden('Only the freelancer who booked the call can cancel it');
    }
    const now = this.clock.now();
    const policy = this.config.policy;
    const late = cancellationCountsAsMiss(callState(call), now, policy, user.role);
    const oldVersion = call.version;
    const result = await withContext(this.orm, (em) =>
      em.transactional(async (tem) => {
        const reason = late ? 'late_cancellation' : (input.reason ?? 'cancelled');
        if (!(await this.calls.cancelIfCurrent(tem, call, reason, now))) throw callChanged();
        const details = { countsAsMiss: late, reason: input.reason ?? null };
        const entry = historyEntry(
          call.id,
          now.toJSDate(),
          user.id,
          user.role,
          'cancelled',
          call.status,
          'cancelled',
          details,
        );
        this.calls.addHistory(tem, entry);
        let cooldown: { id: string; until: Date } | null = null;
        if (late) {
          const c = await this.talent.recordMiss(tem, {
            invitationId: call.invitationId,
            freelancerId: call.freelancerId,
            program: call.program,
            callId: call.id,
            reason: 'late_cancellation',
            until: cooldownUntil(callState(call), policy),
          });
          cooldown = { id: c.id, until: c.until };
        }
        await tem.flush();
        const fresh = await this.calls.reload(tem, call.id);
        const expiry = cooldown ? [cooldownExpiryEffect(cooldown.id, cooldown.until)] : [];
        await this.outbox.write(tem, [unscheduleTimersEffect(call.id, oldVersion), ...expiry]);
        const body = late
          ? `The call was cancelled with less than ${policy.rescheduleNotice.toISO()} notice; ` +
            `this counts as a missed call. You can be reconsidered from ${cooldown!.until.toISOString()}.`
          : 'The vetting call was cancelled.';
        const data = cooldown ? { eligibleAt: cooldown.until.toISOString() } : {};
        await this.notices.notifyParticipants(
          fresh,
          'call.cancelled',
          'Vetting call cancelled',
          body,
          data,
          undefined,
          tem,
        );
        return { fresh, cooldown };
      }),
    );
    const eligibleAt = result.cooldown ? { eligibleAt: result.cooldown.until.toISOString() } : {};
    return { ...toCallView(result.fresh), countsAsMiss: late, ...eligibleAt };
  }
}
