import { Entity, Enum, Index, PrimaryKey, Property } from '@mikro-orm/core';
import { randomUUID } from 'node:crypto';
import { ATTEMPT_STATUSES, AttemptStatus } from '../domain/attempt.rules';

@Entity({ tableName: 'attempts' })
@Index({ properties: ['freelancerId', 'assessmentSlug'] })
export class Attempt {
  @PrimaryKey({ type: 'uuid' }) id: string = randomUUID();
  @Property({ type: 'string' }) assessmentSlug!: string;
  @Property({ type: 'uuid' }) freelancerId!: string;
  @Enum({ items: () => ATTEMPT_STATUSES, type: 'string' }) status: AttemptStatus = 'created';
  /** The items drawn for this attempt, in the order shown. */
  @Property({ type: 'json' }) itemIds: string[] = [];
  @Property({ type: 'datetime' }) createdAt!: Date;
  @Property({ type: 'datetime', nullable: true }) startedAt?: Date | null;
  @Property({ type: 'datetime', nullable: true }) deadline?: Date | null;
  @Property({ type: 'datetime', nullable: true }) endedAt?: Date | null;
  @Property({ type: 'string', nullable: true }) endReason?: string | null;
  @Property({ type: 'integer' }) integrityPoints: number = 0;
  @Property({ type: 'string' }) integrityTier: string = 'none';
  @Property({ type: 'double', nullable: true }) score?: number | null;
  @Property({ type: 'boolean', nullable: true }) passed?: boolean | null;
  @Property({ type: 'json', nullable: true }) report?: Record<string, unknown> | null;
  @Property({ type: 'datetime', nullable: true }) gradedAt?: Date | null;
}

@Entity({ tableName: 'attempt_answers' })
export class AttemptAnswer {
  @PrimaryKey({ type: 'uuid' }) id: string = randomUUID();
  @Property({ type: 'uuid' }) attemptId!: string;
  @Property({ type: 'string' }) itemId!: string;
  @Property({ type: 'json' }) answer!: Record<string, unknown>;
  @Property({ type: 'datetime' }) savedAt!: Date;
  @Property({ type: 'integer' }) revision: number = 1;
}

/** The ordered, server-timestamped integrity timeline (ordered by `at`, then by `id`). */
@Entity({ tableName: 'integrity_signals' })
export class IntegritySignal {
  @PrimaryKey({ type: 'bigint', autoincrement: true }) id!: string;
  /** The id clients see, assigned when the signal arrives (before it is stored). */
  @Property({ type: 'uuid' }) signalId!: string;
  @Property({ type: 'uuid' }) @Index() attemptId!: string;
  @Property({ type: 'string' }) type!: string;
  @Property({ type: 'string' }) source!: 'candidate' | 'proctor' | 'system';
  @Property({ type: 'uuid', nullable: true }) actorId?: string | null;
  @Property({ type: 'json' }) data: Record<string, unknown> = {};
  @Property({ type: 'datetime' }) at!: Date;
}

/** A freelancer invited to a certification track may take its (invited-only) tests. */
@Entity({ tableName: 'track_invitations' })
export class TrackInvitation {
  @PrimaryKey({ type: 'uuid' }) id: string = randomUUID();
  @Property({ type: 'uuid' }) freelancerId!: string;
  @Property({ type: 'string' }) trackSlug!: string;
  @Property({ type: 'uuid' }) invitedById!: string;
  @Property({ type: 'datetime' }) createdAt!: Date;
}

export function toSignalView(s: IntegritySignal) {
  return {
    id: s.signalId,
    attemptId: s.attemptId,
    type: s.type,
    source: s.source,
    actorId: s.actorId ?? null,
    data: s.data,
    at: s.at.toISOString(),
  };
}

/** An admin's open/closed state of a certification track, over the catalog's default (no row: the catalog's). */
@Entity({ tableName: 'track_states' })
export class TrackState {
  @PrimaryKey({ type: 'string' }) slug!: string;
  @Property({ type: 'string' }) status!: 'active' | 'legacy';
  @Property({ type: 'datetime' }) changedAt!: Date;
  @Property({ type: 'uuid', nullable: true }) changedBy?: string | null;
}
