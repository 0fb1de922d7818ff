import { Entity, Enum, Index, PrimaryKey, Property } from '@mikro-orm/core';
import { randomUUID } from 'node:crypto';
import type { AvailabilityException, WeeklyWindow } from '../domain/availability.rules';

export const CALL_STATUSES = [
  'scheduled',
  'rescheduled',
  'in_progress',
  'completed',
  'missed',
  'interviewer_absent',
  'cancelled',
] as const;
export type CallStatus = (typeof CALL_STATUSES)[number];
/** Statuses that hold the talent manager's time (covered by the exclusion constraint). */
export const ACTIVE_CALL_STATUSES: readonly CallStatus[] = ['scheduled', 'rescheduled', 'in_progress'];

@Entity({ tableName: 'talent_manager_availability' })
export class TalentManagerAvailability {
  @PrimaryKey({ type: 'uuid' }) talentManagerId!: string;
  @Property({ type: 'string' }) timeZone!: string;
  @Property({ type: 'json' }) weekly: WeeklyWindow[] = [];
  @Property({ type: 'json' }) exceptions: AvailabilityException[] = [];
  @Property({ type: 'json' }) categorySlugs: string[] = [];
  @Property({ type: 'integer' }) dailyCap!: number;
  @Property({ type: 'datetime' }) updatedAt!: Date;
}

@Entity({ tableName: 'vetting_calls' })
export class VettingCall {
  @PrimaryKey({ type: 'uuid' }) id: string = randomUUID();
  @Property({ type: 'uuid' }) @Index() invitationId!: string;
  @Property({ type: 'uuid' }) freelancerId!: string;
  @Property({ type: 'uuid' }) talentManagerId!: string;
  @Property({ type: 'string' }) program!: string;
  @Property({ type: 'string' }) categorySlug!: string;
  @Enum({ items: () => CALL_STATUSES, type: 'string' }) status: CallStatus = 'scheduled';
  @Property({ type: 'datetime' }) startsAt!: Date;
  @Property({ type: 'datetime' }) endsAt!: Date;
  @Property({ type: 'integer' }) rescheduleCount: number = 0;
  /** Raised on every change of time or status; timer job ids carry it so stale jobs do nothing. */
  @Property({ type: 'integer' }) version: number = 1;
  /** The .ics SEQUENCE: raised on every change including cancellation. */
  @Property({ type: 'integer' }) icsSequence: number = 0;
  @Property({ type: 'datetime', nullable: true }) freelancerJoinedAt?: Date | null;
  @Property({ type: 'datetime', nullable: true }) talentManagerJoinedAt?: Date | null;
  @Property({ type: 'datetime', nullable: true }) endedAt?: Date | null;
  @Property({ type: 'string', nullable: true }) cancelReason?: string | null;
  /** This call was the free rebooking owed after a talent manager's absence. */
  @Property({ type: 'boolean' }) freeRebooking: boolean = false;
  @Property({ type: 'datetime' }) createdAt!: Date;
  @Property({ type: 'datetime' }) updatedAt!: Date;
}

/** Append-only audit of every call state change. */
@Entity({ tableName: 'call_history' })
export class CallHistoryEntry {
  @PrimaryKey({ type: 'uuid' }) id: string = randomUUID();
  @Property({ type: 'uuid' }) @Index() callId!: string;
  @Property({ type: 'datetime' }) at!: Date;
  /** null for the system (timers). */
  @Property({ type: 'uuid', nullable: true }) actorId?: string | null;
  @Property({ type: 'string' }) actorRole!: string;
  @Property({ type: 'string' }) action!: string;
  @Property({ type: 'string', nullable: true }) fromStatus?: string | null;
  @Property({ type: 'string', nullable: true }) toStatus?: string | null;
  @Property({ type: 'json' }) details: Record<string, unknown> = {};
}

/** A history entry, persisted in the transaction of the change it records. */
export function historyEntry(
  callId: string,
  at: Date,
  actorId: string | null,
  actorRole: string,
  action: string,
  fromStatus: string | null,
  toStatus: string | null,
  details: Record<string, unknown> = {},
): CallHistoryEntry {
  const e = new CallHistoryEntry();
  Object.assign(e, { callId, at, actorId, actorRole, action, fromStatus, toStatus, details });
  return e;
}

export interface SkillScore {
  skill: string;
  score: number;
}

@Entity({ tableName: 'scorecards' })
export class Scorecard {
  @PrimaryKey({ type: 'uuid' }) callId!: string;
  @Property({ type: 'uuid' }) talentManagerId!: string;
  @Property({ type: 'uuid' }) freelancerId!: string;
  @Property({ type: 'json' }) hardSkills: SkillScore[] = [];
  @Property({ type: 'json' }) softSkills: Record<string, number> = {};
  @Property({ type: 'string' }) decision!: 'pass' | 'fail';
  @Property({ type: 'text', nullable: true }) notes?: string | null;
  @Property({ type: 'datetime' }) submittedAt!: Date;
}

export function toCallView(c: VettingCall) {
  return {
    id: c.id,
    invitationId: c.invitationId,
    status: c.status,
    program: c.program,
    categorySlug: c.categorySlug,
    startsAt: c.startsAt.toISOString(),
    endsAt: c.endsAt.toISOString(),
    rescheduleCount: c.rescheduleCount,
    talentManagerId: c.talentManagerId,
    freelancerId: c.freelancerId,
    freelancerJoinedAt: c.freelancerJoinedAt ? c.freelancerJoinedAt.toISOString() : null,
    talentManagerJoinedAt: c.talentManagerJoinedAt ? c.talentManagerJoinedAt.toISOString() : null,
    version: c.version,
    freeRebooking: c.freeRebooking,
  };
}
export type CallView = ReturnType<typeof toCallView>;
