import { Injectable } from '@nestjs/common';
import { EntityManager } from '@mikro-orm/postgresql';
import { notFound } from '@vetting/core';
import { User } from '@vetting/identity';
import { VettingCall, toCallView } from '../data/call.entities';
import { CallsRepository } from '../data/calls.repository';

/** Reading calls: a participant's or an admin's; anyone else's call is answered as if it did not exist. */
@Injectable()
export class CallsService {
  constructor(private readonly calls: CallsRepository) {}

  async findVisible(user: User, id: string, em?: EntityManager): Promise<VettingCall> {
    const call = await this.calls.find(id, em);
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
    const calls = await this.calls.list(where);
    return { calls: calls.map(toCallView) };
  }

  async history(user: User, id: string) {
    await this.findVisible(user, id);
    const entries = await this.calls.historyOf(id);
    return {
      history: entries.map((e) => ({
        at: e.at.toISOString(),
        actorId: e.actorId ?? null,
        actorRole: e.actorRole,
        action: e.action,
        fromStatus: e.fromStatus ?? null,
        toStatus: e.toStatus ?? null,
        details: e.details,
      })),
    };
  }
}
