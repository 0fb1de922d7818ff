import { Injectable } from '@nestjs/common';
import { EntityManager, RequiredEntityData } from '@mikro-orm/postgresql';
import { User } from '@vetting/identity';
import { ApplicationWindow, Cooldown, Invitation } from './talent.entities';

/** Invitations, application windows and cooldowns. With `em`: in the caller's transaction. */
@Injectable()
export class TalentRepository {
  constructor(private readonly em: EntityManager) {}

  /** A user by id (identity's `users`: is the one invited a freelancer?). */
  user(id: string): Promise<User | null> {
    return this.em.findOne(User, { id });
  }

  // ---- invitations

  findInvitation(id: string, em: EntityManager = this.em): Promise<Invitation | null> {
    return em.findOne(Invitation, { id });
  }

  invitation(id: string, em: EntityManager = this.em): Promise<Invitation> {
    return em.findOneOrFail(Invitation, { id });
  }

  invitationsOf(freelancerId: string, status?: Invitation['status']): Promise<Invitation[]> {
    const where = status ? { freelancerId, status } : { freelancerId };
    return this.em.find(Invitation, where, { orderBy: { createdAt: 'desc' } });
  }

  /** Every invitation matching `where`, newest first, at most 500 (the admin directory). */
  listInvitations(where: { status?: string; categorySlug?: string; freelancerId?: string }): Promise<Invitation[]> {
    return this.em.find(Invitation, where as object, { orderBy: { createdAt: 'desc', id: 'desc' }, limit: 500 });
  }

  /** Stores a new invitation; throws UniqueConstraintViolationException when one is already open. */
  async insertInvitation(data: RequiredEntityData<Invitation>, em: EntityManager = this.em): Promise<Invitation> {
    const invitation = em.create(Invitation, data);
    await em.persistAndFlush(invitation);
    return invitation;
  }

  /** Runs `work` in one transaction (a change and the effects it owes commit together). */
  transaction<T>(work: (tem: EntityManager) => Promise<T>): Promise<T> {
    return this.em.transactional((tem) => work(tem as EntityManager));
  }

  /** Closes the open invitations among `ids`. */
  async closeInvitations(em: EntityManager, ids: string[], reason: string, at: Date): Promise<void> {
    await em.nativeUpdate(
      Invitation,
      { id: { $in: ids }, status: 'open' },
      { status: 'closed', closedAt: at, closedReason: reason },
    );
  }

  async grantFreeRebookings(em: EntityManager, ids: string[]): Promise<void> {
    if (ids.length) await em.nativeUpdate(Invitation, { id: { $in: ids } }, { freeRebooking: true });
  }

  // ---- application windows

  async insertWindow(data: RequiredEntityData<ApplicationWindow>): Promise<ApplicationWindow> {
    const window = this.em.create(ApplicationWindow, data);
    await this.em.persistAndFlush(window);
    return window;
  }

  findWindow(id: string): Promise<ApplicationWindow | null> {
    return this.em.findOne(ApplicationWindow, { id });
  }

  /** Writes the changes made to loaded windows. */
  flush(): Promise<void> {
    return this.em.flush();
  }

  openWindows(now: Date): Promise<ApplicationWindow[]> {
    return this.em.find(
      ApplicationWindow,
      { opensAt: { $lte: now }, closesAt: { $gt: now } },
      { orderBy: { closesAt: 'asc' } },
    );
  }

  openWindowFor(program: string, categorySlug: string, now: Date): Promise<ApplicationWindow | null> {
    return this.em.findOne(ApplicationWindow, {
      program,
      categorySlug,
      opensAt: { $lte: now },
      closesAt: { $gt: now },
    });
  }

  // ---- cooldowns

  /** The latest cooldown of a freelancer in a program still running at `now`. */
  activeCooldown(
    freelancerId: string,
    program: string,
    now: Date,
    em: EntityManager = this.em,
  ): Promise<Cooldown | null> {
    return em.findOne(Cooldown, { freelancerId, program, until: { $gt: now } }, { orderBy: { until: 'desc' } });
  }

  /** A cooldown to insert on the caller's flush. */
  addCooldown(em: EntityManager, data: RequiredEntityData<Cooldown>): Cooldown {
    const cooldown = em.create(Cooldown, data);
    em.persist(cooldown);
    return cooldown;
  }

  /** Marks an ended cooldown as told, once: the cooldown, or null (running, gone, or told already). */
  async markCooldownExpiryTold(em: EntityManager, cooldownId: string, now: Date): Promise<Cooldown | null> {
    const c = await em.findOne(Cooldown, { id: cooldownId });
    if (!c || c.until > now) return null;
    const updated = await em.nativeUpdate(
      Cooldown,
      { id: cooldownId, expiredNotifiedAt: null },
      { expiredNotifiedAt: now },
    );
    return updated ? c : null;
  }

  /** After a failed write: forget the unit of work's pending changes. */
  forget(): void {
    this.em.clear();
  }
}
