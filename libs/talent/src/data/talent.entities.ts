import { Entity, Enum, Index, PrimaryKey, Property } from '@mikro-orm/core';
import { randomUUID } from 'node:crypto';

export const INVITATION_STATUSES = ['open', 'closed', 'revoked'] as const;
export type InvitationStatus = (typeof INVITATION_STATUSES)[number];

/** A freelancer's ticket into a vetting program for one category (invited, or applied in an open window). */
@Entity({ tableName: 'vetting_invitations' })
export class Invitation {
  @PrimaryKey({ type: 'uuid' }) id: string = randomUUID();
  @Property({ type: 'uuid' }) @Index() freelancerId!: string;
  @Property({ type: 'string' }) program!: string;
  @Property({ type: 'string' }) categorySlug!: string;
  @Enum({ items: () => INVITATION_STATUSES, type: 'string' }) status: InvitationStatus = 'open';
  @Property({ type: 'string' }) source!: 'invitation' | 'application';
  @Property({ type: 'uuid', nullable: true }) invitedById?: string | null;
  /** Reschedules used across this invitation's calls (a cancel-and-rebook counts too). */
  @Property({ type: 'integer' }) reschedulesUsed: number = 0;
  /** A rebooking owed after the talent manager missed a call; it does not use up a reschedule. */
  @Property({ type: 'boolean' }) freeRebooking: boolean = false;
  @Property({ type: 'datetime' }) createdAt!: Date;
  @Property({ type: 'datetime', nullable: true }) closedAt?: Date | null;
  @Property({ type: 'string', nullable: true }) closedReason?: string | null;
}

/** An admin-opened window in which freelancers may apply without an invitation. */
@Entity({ tableName: 'vetting_application_windows' })
export class ApplicationWindow {
  @PrimaryKey({ type: 'uuid' }) id: string = randomUUID();
  @Property({ type: 'string' }) program!: string;
  @Property({ type: 'string' }) categorySlug!: string;
  @Property({ type: 'datetime' }) opensAt!: Date;
  @Property({ type: 'datetime' }) closesAt!: Date;
  @Property({ type: 'uuid' }) createdById!: string;
  @Property({ type: 'datetime' }) createdAt!: Date;
}

/** After a missed call the freelancer waits until `until` before being considered again. */
@Entity({ tableName: 'vetting_cooldowns' })
export class Cooldown {
  @PrimaryKey({ type: 'uuid' }) id: string = randomUUID();
  @Property({ type: 'uuid' }) @Index() freelancerId!: string;
  @Property({ type: 'string' }) program!: string;
  @Property({ type: 'string' }) reason!: 'missed' | 'late_cancellation';
  @Property({ type: 'uuid', nullable: true }) callId?: string | null;
  @Property({ type: 'datetime' }) startsAt!: Date;
  @Property({ type: 'datetime' }) until!: Date;
  /** Set by the expiry job once the freelancer was told they are eligible again. */
  @Property({ type: 'datetime', nullable: true }) expiredNotifiedAt?: Date | null;
}

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

export function toWindowView(w: ApplicationWindow) {
  return {
    id: w.id,
    program: w.program,
    categorySlug: w.categorySlug,
    opensAt: w.opensAt.toISOString(),
    closesAt: w.closesAt.toISOString(),
  };
}
