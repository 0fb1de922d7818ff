import { Injectable } from '@nestjs/common';
import { EntityManager, UniqueConstraintViolationException } from '@mikro-orm/postgresql';
import { DateTime } from 'luxon';
import { Clock, forbidden, notFound } from '@vetting/core';
import { User } from '@vetting/identity';
import { NotificationsService } from '@vetting/notifications';
import { isEligibleCategory } from '../domain/categories';
import { categoryNotEligible, cooldownActive, invitationExists, notInvited } from '../domain/talent.errors';
import { Cooldown, Invitation, toInvitationView, toWindowView } from '../data/talent.entities';
import { TalentRepository } from '../data/talent.repository';

export interface MissInput {
  invitationId: string;
  freelancerId: string;
  program: string;
  callId: string;
  reason: 'missed' | 'late_cancellation';
  until: DateTime;
}

export interface Eligibility {
  eligible: boolean;
  reason?: 'COOLDOWN_ACTIVE' | 'NOT_INVITED';
  message?: string;
  eligibleAt?: string;
  invitations: ReturnType<typeof toInvitationView>[];
  openApplicationWindows: { id: string; program: string; categorySlug: string; closesAt: string }[];
}

@Injectable()
export class TalentService {
  constructor(
    private readonly repository: TalentRepository,
    private readonly clock: Clock,
    private readonly notifications: NotificationsService,
  ) {}

  async invite(adminId: string, input: { freelancerId: string; program: string; categorySlug: string }) {
    if (!isEligibleCategory(input.categorySlug)) throw categoryNotEligible(input.categorySlug);
    const freelancer = await this.repository.user(input.freelancerId);
    if (!freelancer || freelancer.role !== 'freelancer')
      throw notFound('Freelancer', { freelancerId: input.freelancerId });
    // The invitation and the notice it owes commit together.
    return this.repository.transaction(async (tem) => {
      const invitation = await this.createInvitation({ ...input, source: 'invitation', invitedById: adminId }, tem);
      await this.notifications.notify(
        {
          userId: freelancer.id,
          type: 'vetting.invited',
          title: 'You are invited to Expert-Vetted',
          body: `You are invited to the Expert-Vetted program in ${input.categorySlug}. Book your 30-minute pre-vetting call.`,
          data: { invitationId: invitation.id, categorySlug: input.categorySlug },
          dedupeKey: `invitation:${invitation.id}:sent`,
        },
        tem,
      );
      return invitation;
    });
  }

  /** A freelancer applies in an open window: they get an invitation of source "application". */
  async apply(freelancerId: string, input: { program: string; categorySlug: string }) {
    if (!isEligibleCategory(input.categorySlug)) throw categoryNotEligible(input.categorySlug);
    const now = this.clock.now().toJSDate();
    const window = await this.repository.openWindowFor(input.program, input.categorySlug, now);
    if (!window) throw notInvited('Applications are not open for this category: you need an invitation');
    return this.createInvitation({ freelancerId, ...input, source: 'application', invitedById: null });
  }

  async invitationsOf(freelancerId: string) {
    const list = await this.repository.invitationsOf(freelancerId);
    return list.map(toInvitationView);
  }

  /** The active cooldown of a freelancer in a program, if any. */
  async activeCooldown(freelancerId: string, program = 'expert-vetted', em?: EntityManager): Promise<Cooldown | null> {
    return this.repository.activeCooldown(freelancerId, program, this.clock.now().toJSDate(), em);
  }

  /**
   * The invitation a freelancer books with: theirs and open, and no cooldown running.
   * The cooldown is checked first so a freelancer who missed a call learns when they can come back.
   */
  async requireBookableInvitation(freelancerId: string, invitationId: string, em?: EntityManager): Promise<Invitation> {
    const invitation = await this.repository.findInvitation(invitationId, em);
    if (invitation && invitation.freelancerId !== freelancerId) throw notInvited('This invitation is not yours');
    const cooldown = await this.activeCooldown(freelancerId, invitation?.program ?? 'expert-vetted', em);
    if (cooldown) throw cooldownActive(cooldown.until);
    if (!invitation || invitation.status !== 'open') throw notInvited();
    return invitation;
  }

  async eligibility(freelancerId: string): Promise<Eligibility> {
    const [cooldown, invitations, windows] = await Promise.all([
      this.activeCooldown(freelancerId),
      this.repository.invitationsOf(freelancerId, 'open'),
      this.repository.openWindows(this.clock.now().toJSDate()),
    ]);
    const base = {
      invitations: invitations.map(toInvitationView),
      openApplicationWindows: windows
        .map(toWindowView)
        .map((w) => ({ id: w.id, program: w.program, categorySlug: w.categorySlug, closesAt: w.closesAt })),
    };
    if (cooldown) {
      return {
        eligible: false,
        reason: 'COOLDOWN_ACTIVE',
        message: 'You missed a vetting call; you can be reconsidered after the cooldown',
        eligibleAt: cooldown.until.toISOString(),
        ...base,
      };
    }
    if (invitations.length === 0 && windows.length === 0) {
      return {
        eligible: false,
        reason: 'NOT_INVITED',
        message: 'Expert-Vetted is by invitation; no application window is open',
        ...base,
      };
    }
    return { eligible: true, ...base };
  }

  /** Writes the cooldown a missed call (or a late cancellation) costs, and closes the invitation. */
  async recordMiss(em: EntityManager, input: MissInput): Promise<Cooldown> {
    return (await this.recordMisses(em, [input]))[0];
  }

  /** The batch form (a grace sweep): one update closes every invitation, the cooldowns are inserted on flush. */
  async recordMisses(em: EntityManager, inputs: MissInput[]): Promise<Cooldown[]> {
    if (inputs.length === 0) return [];
    const now = this.clock.now().toJSDate();
    const reasons = new Set(inputs.map((i) => i.reason));
    for (const reason of reasons) {
      const ids = inputs.filter((i) => i.reason === reason).map((i) => i.invitationId);
      await this.repository.closeInvitations(em, ids, reason, now);
    }
    return inputs.map((input) =>
      this.repository.addCooldown(em, {
        freelancerId: input.freelancerId,
        program: input.program,
        reason: input.reason,
        callId: input.callId,
        startsAt: now,
        until: input.until.toJSDate(),
        expiredNotifiedAt: null,
      }),
    );
  }

  /**
   * A vetting call was held (completed): its invitation has been used and is closed (in the caller's transaction),
   * so it cannot book another call. A new attempt at Expert-Vetted needs a new invitation.
   */
  async recordCompletedCalls(em: EntityManager, invitationIds: string[]): Promise<void> {
    if (invitationIds.length === 0) return;
    await this.repository.closeInvitations(em, invitationIds, 'call_completed', this.clock.now().toJSDate());
  }

  /** An invitation by id (it exists: a call refers to it). */
  invitation(id: string, em?: EntityManager): Promise<Invitation> {
    return this.repository.invitation(id, em);
  }

  /** After a talent manager's absence the freelancer may book again at no cost (in the caller's transaction). */
  grantFreeRebookings(em: EntityManager, invitationIds: string[]): Promise<void> {
    return this.repository.grantFreeRebookings(em, invitationIds);
  }

  /**
   * A cooldown that has run out is marked as told, once: the cooldown, or null when it is still running,
   * gone, or already told (a concurrent or repeated job).
   */
  markCooldownExpiryTold(em: EntityManager, cooldownId: string, now: Date): Promise<Cooldown | null> {
    return this.repository.markCooldownExpiryTold(em, cooldownId, now);
  }

  private async createInvitation(
    input: {
      freelancerId: string;
      program: string;
      categorySlug: string;
      source: 'invitation' | 'application';
      invitedById: string | null;
    },
    em?: EntityManager,
  ) {
    const data = {
      freelancerId: input.freelancerId,
      program: input.program,
      categorySlug: input.categorySlug,
      status: 'open' as const,
      source: input.source,
      invitedById: input.invitedById,
      reschedulesUsed: 0,
      freeRebooking: false,
      createdAt: this.clock.now().toJSDate(),
    };
    try {
      return toInvitationView(await this.repository.insertInvitation(data, em));
    } catch (err) {
      if (err instanceof UniqueConstraintViolationException) {
        this.repository.forget();
        throw invitationExists();
      }
      throw err;
    }
  }

  requireFreelancer(user: User): void {
    if (user.role !== 'freelancer') throw forbidden('Only freelancers can do this');
  }
}
