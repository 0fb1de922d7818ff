import { Injectable, Logger } from '@nestjs/common';
import { EntityManager } from '@mikro-orm/postgresql';
import { AppConfig, Clock } from '@vetting/core';
import { NotificationsService, NotifyInput } from '@vetting/notifications';
import { VettingCall } from '../data/call.entities';
import { CallsRepository } from '../data/calls.repository';
import { callInvite } from './call-invite';

export interface CallParticipants {
  talentManager: { name: string; email: string };
  freelancer: { name: string; email: string };
}

/** What participants are told about a call: its iTIP invite, and the notifications that carry it. */
@Injectable()
export class CallNoticesService {
  private readonly logger = new Logger('Calls');

  constructor(
    private readonly calls: CallsRepository,
    private readonly clock: Clock,
    private readonly config: AppConfig,
    private readonly notifications: NotificationsService,
  ) {}

  /** The call's iTIP invite (REQUEST while it stands, CANCEL once cancelled). */
  async icsFor(call: VettingCall, participants?: CallParticipants): Promise<string> {
    return this.icsSync(call, participants ?? (await this.participantsOf(call)));
  }

  private icsSync(call: VettingCall, people: CallParticipants): string {
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
    const users = await this.calls.people([call.talentManagerId, call.freelancerId], em);
    const tm = users.find((u) => u.id === call.talentManagerId)!;
    const freelancer = users.find((u) => u.id === call.freelancerId)!;
    return {
      talentManager: { name: tm.name, email: tm.email },
      freelancer: { name: freelancer.name, email: freelancer.email },
    };
  }

  /** Booked/rescheduled/cancelled: inbox + push + email with the .ics attached + webhooks. */
  async notifyParticipants(
    call: VettingCall,
    type: string,
    title: string,
    body: string,
    data: Record<string, unknown> = {},
    participants?: CallParticipants,
    em?: EntityManager,
  ) {
    const people = participants ?? (await this.participantsOf(call, em));
    const sent = this.notifications.notifyMany(this.participantNotices(call, type, title, body, data, people), em);
    // Inside the caller's transaction a failure undoes the change; on its own it is only logged.
    await (em
      ? sent
      : sent.catch((err) => this.logger.warn(`notification ${type} for call ${call.id} failed: ${err}`)));
  }

  /** What `notifyParticipants` stores: one notification per participant, with the call's .ics attached. */
  participantNotices(
    call: VettingCall,
    type: string,
    title: string,
    body: string,
    data: Record<string, unknown>,
    people: CallParticipants,
  ): NotifyInput[] {
    let ics: string | null;
    try {
      ics = this.icsSync(call, people);
    } catch {
      ics = null;
    }
    const attachments = ics
      ? [{ filename: 'vetting-call.ics', contentType: 'text/calendar; charset=utf-8', content: ics }]
      : [];
    const when = { callId: call.id, startsAt: call.startsAt.toISOString(), endsAt: call.endsAt.toISOString() };
    return [call.freelancerId, call.talentManagerId].map((userId) => ({
      userId,
      type,
      title,
      body,
      data: { ...when, ...data },
      dedupeKey: `${type}:${call.id}:v${call.version}:${userId}`,
      attachments,
    }));
  }
}
