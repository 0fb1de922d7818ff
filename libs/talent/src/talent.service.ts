import { Injectable } from '@nestjs/common';
import { EntityManager, UniqueConstraintViolationException } from '@mikro-orm/postgresql';
import { DateTime } from 'luxon';
import { AppError, Clock, conflict, forbidden, notFound } from '@vetting/core';
import { User } from '@vetting/identity';
import { NotificationsService } from '@vetting/notifications';
import { isEligibleCategory } from './categories';
import { ApplicationWindow, Cooldown, Invitation } from './talent.entities';

export const notInvited = (message = 'You need an open invitation to this vetting program') =>
  new AppError(403, 'NOT_INVITED', message);
export const categoryNotEligible = (slug: string) =>
  new AppError(422, 'CATEGORY_NOT_ELIGIBLE', `The category "${slug}" is not eligible for Expert-Vetted`, { categorySlug: slug });
export const cooldownActive = (until: Date) =>
  new AppError(409, 'COOLDOWN_ACTIVE', 'You missed a vetting call and can be reconsidered later', { eligibleAt: until.toISOString() });

export function toInvitationView(i: Invitation) {
  return {
    id: i.id,
    freelancerId: i.freelancerId,
    program: i.program,
    categorySlug: i.categorySlug,
    status: i.status,
    source: i.source,
    reschedulesUsed: i.reschedulesUsed,
    freeRebooking: i.freeRebooking,
    createdAt: i.createdAt.toISOString(),
    closedAt: i.closedAt ? i.closedAt.toISOString() : null,
    closedReason: i.closedReason ?? null,
  };
}

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
    private readonly em: EntityManager,
    private readonly clock: Clock,
    private readonly notifications: NotificationsService,
  ) {}

  async invite(adminId: string, input: { freelancerId: string; program: string; categorySlug: string }) {
    if (!isEligibleCategory(input.categorySlug)) throw categoryNotEligible(input.categorySlug);
    const freelancer = await this.em.findOne(User, { id: input.freelancerId });
    if (!freelancer || freelancer.role !== 'freelancer') throw notFound('Freelancer', { freelancerId: input.freelancerId });
    const invitation = await this.createInvitation({ ...input, source: 'invitation', invitedById: adminId });
    await this.notifications.notify({
      userId: freelancer.id,
      type: 'vetting.invited',
      title: 'You are invited to Expert-Vetted',
      body: `You are invited to the Expert-Vetted program in ${input.categorySlug}. Book your 30-minute pre-vetting call.`,
      data: { invitationId: invitation.id, categorySlug: input.categorySlug },
      dedupeKey: `invitation:${invitation.id}:sent`,
    });
    return invitation;
  }

  async openWindow(adminId: string, input: { program: string; categorySlug: string; opensAt?: string; closesAt: string }) {
    if (!isEligibleCategory(input.categorySlug)) throw categoryNotEligible(input.categorySlug);
    const now = this.clock.now();
    const opensAt = input.opensAt ? DateTime.fromISO(input.opensAt) : now;
    const closesAt = DateTime.fromISO(input.closesAt);
    if (closesAt <= opensAt || closesAt <= now) {
      throw new AppError(400, 'VALIDATION_FAILED', 'closesAt must be after opensAt and in the future', {
        fields: [{ field: 'closesAt', problems: ['closesAt must be after opensAt and in the future'] }],
      });
    }
    const window = this.em.create(ApplicationWindow, {
      program: input.program,
      categorySlug: input.categorySlug,
      opensAt: opensAt.toJSDate(),
      closesAt: closesAt.toJSDate(),
      createdById: adminId,
      createdAt: now.toJSDate(),
    });
    await this.em.persistAndFlush(window);
    return windowView(window);
  }

  async closeWindow(id: string) {
    const window = await this.em.findOne(ApplicationWindow, { id });
    if (!window) throw notFound('Application window', { id });
    const now = this.clock.now().toJSDate();
    if (window.closesAt > now) window.closesAt = now;
    await this.em.flush();
    return windowView(window);
  }

  async openWindows() {
    const now = this.clock.now().toJSDate();
    const windows = await this.em.find(ApplicationWindow, { opensAt: { $lte: now }, closesAt: { $gt: now } }, { orderBy: { closesAt: 'asc' } });
    return windows.map(windowView);
  }

  /** A freelancer applies in an open window: they get an invitation of source "application". */
  async apply(freelancerId: string, input: { program: string; categorySlug: string }) {
    if (!isEligibleCategory(input.categorySlug)) throw categoryNotEligible(input.categorySlug);
    const now = this.clock.now().toJSDate();
    const window = await this.em.findOne(ApplicationWindow, {
      program: input.program,
      categorySlug: input.categorySlug,
      opensAt: { $lte: now },
      closesAt: { $gt: now },
    });
    if (!window) throw notInvited('Applications are not open for this category: you need an invitation');
    return this.createInvitation({ freelancerId, ...input, source: 'application', invitedById: null });
  }

  async invitationsOf(freelancerId: string) {
    const list = await this.em.find(Invitation, { freelancerId }, { orderBy: { createdAt: 'desc' } });
    return list.map(toInvitationView);
  }

  /** The active cooldown of a freelancer in a program, if any. */
  async activeCooldown(freelancerId: string, program = 'expert-vetted', em: EntityManager = this.em): Promise<Cooldown | null> {
    return em.findOne(Cooldown, { freelancerId, program, until: { $gt: this.clock.now().toJSDate() } }, { orderBy: { until: 'desc' } });
  }

  /**
   * The invitation a freelancer books with: theirs and open, and no cooldown running.
   * The cooldown is checked first so a freelancer who missed a call learns when they can come back.
   */
  async requireBookableInvitation(freelancerId: string, invitationId: string, em: EntityManager = this.em): Promise<Invitation> {
    const invitation = await em.findOne(Invitation, { id: invitationId });
    if (invitation && invitation.freelancerId !== freelancerId) throw notInvited('This invitation is not yours');
    const cooldown = await this.activeCooldown(freelancerId, invitation?.program ?? 'expert-vetted', em);
    if (cooldown) throw cooldownActive(cooldown.until);
    if (!invitation || invitation.status !== 'open') throw notInvited();
    return invitation;
  }

  async eligibility(freelancerId: string): Promise<Eligibility> {
    const [cooldown, invitations, windows] = await Promise.all([
      this.activeCooldown(freelancerId),
      this.em.find(Invitation, { freelancerId, status: 'open' }, { orderBy: { createdAt: 'desc' } }),
      this.openWindows(),
    ]);
    const base = { invitations: invitations.map(toInvitationView), openApplicationWindows: windows.map((w) => ({ id: w.id, program: w.program, categorySlug: w.categorySlug, closesAt: w.closesAt })) };
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
      return { eligible: false, reason: 'NOT_INVITED', message: 'Expert-Vetted is by invitation; no application window is open', ...base };
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
      await em.nativeUpdate(Invitation, { id: { $in: ids }, status: 'open' }, { status: 'closed', closedAt: now, closedReason: reason });
    }
    return inputs.map((input) => {
      const cooldown = em.create(Cooldown, {
        freelancerId: input.freelancerId,
        program: input.program,
        reason: input.reason,
        callId: input.callId,
        startsAt: now,
        until: input.until.toJSDate(),
        expiredNotifiedAt: null,
      });
      em.persist(cooldown);
      return cooldown;
    });
  }

  /** An invitation by id (it exists: a call refers to it). */
  invitation(id: string, em: EntityManager = this.em): Promise<Invitation> {
    return em.findOneOrFail(Invitation, { id });
  }

  /** After a talent manager's absence the freelancer may book again at no cost (in the caller's transaction). */
  async grantFreeRebookings(em: EntityManager, invitationIds: string[]): Promise<void> {
    if (invitationIds.length) await em.nativeUpdate(Invitation, { id: { $in: invitationIds } }, { freeRebooking: true });
  }

  /**
   * A cooldown that has run out is marked as told, once: the cooldown, or null when it is still running,
   * gone, or already told (a concurrent or repeated job).
   */
  async markCooldownExpiryTold(em: EntityManager, cooldownId: string, now: Date): Promise<Cooldown | null> {
    const c = await em.findOne(Cooldown, { id: cooldownId });
    if (!c || c.until > now) return null;
    const updated = await em.nativeUpdate(Cooldown, { id: cooldownId, expiredNotifiedAt: null }, { expiredNotifiedAt: now });
    return updated ? c : null;
  }

  private async createInvitation(input: { freelancerId: string; program: string; categorySlug: string; source: 'invitation' | 'application'; invitedById: string | null }) {
    const invitation = this.em.create(Invitation, {
      freelancerId: input.freelancerId,
      program: input.program,
      categorySlug: input.categorySlug,
      status: 'open',
      source: input.source,
      invitedById: input.invitedById,
      reschedulesUsed: 0,
      freeRebooking: false,
      createdAt: this.clock.now().toJSDate(),
    });
    try {
      await this.em.persistAndFlush(invitation);
    } catch (err) {
      if (err instanceof UniqueConstraintViolationException) {
        this.em.clear();
        throw conflict('INVITATION_EXISTS', 'This freelancer already has an open invitation to this program');
      }
      throw err;
    }
    return toInvitationView(invitation);
  }

  requireFreelancer(user: User): void {
    if (user.role !== 'freelancer') throw forbidden('Only freelancers can do this');
  }
}

function windowView(w: ApplicationWindow) {
  return { id: w.id, program: w.program, categorySlug: w.categorySlug, opensAt: w.opensAt.toISOString(), closesAt: w.closesAt.toISOString() };
}
