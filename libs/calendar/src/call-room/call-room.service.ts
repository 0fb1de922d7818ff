import { Injectable } from '@nestjs/common';
import { MikroORM } from '@mikro-orm/postgresql';
import { AppConfig, Clock, notFound, withContext } from '@vetting/core';
import { Participant, assertCanJoin } from '../domain/call.rules';
import { callState } from '../domain/call-state';
import { VettingCall, historyEntry } from '../data/call.entities';
import { CallsRepository } from '../data/calls.repository';

/** The Socket.IO room of a call (`call:<id>`). */
export const callRoom = (callId: string) => `call:${callId}`;

/** Joining a call's room: the window and grace period are checked, the first join is recorded. */
@Injectable()
export class CallRoomService {
  constructor(
    private readonly orm: MikroORM,
    private readonly clock: Clock,
    private readonly config: AppConfig,
    private readonly calls: CallsRepository,
  ) {}

  async join(user: { id: string; role: string }, callId: string): Promise<VettingCall> {
    return withContext(this.orm, async (em) => {
      const call = await this.calls.find(callId, em);
      const who: Participant | null = !call
        ? null
        : call.freelancerId === user.id
          ? 'freelancer'
          : call.talentManagerId === user.id
            ? 'talent_manager'
            : null;
      // Someone else's call is answered as if it did not exist, like GET /vetting/calls/:id.
      if (!call || !who) throw notFound('Call', { id: callId });
      const now = this.clock.now();
      assertCanJoin(callState(call), who, now, this.config.policy);

      const joined = await this.calls.markJoined(em, callId, who, now);
      if (joined?.first) {
        const to = joined.prevStatus === 'in_progress' ? null : 'in_progress';
        this.calls.addHistory(em, historyEntry(callId, now.toJSDate(), user.id, who, 'joined', joined.prevStatus, to));
        await em.flush();
      }
      return this.calls.reload(em, callId);
    });
  }

  find(callId: string): Promise<VettingCall | null> {
    return this.calls.findFresh(callId);
  }
}
