import { Entity, PrimaryKey, Property } from '@mikro-orm/core';
import { randomUUID } from 'node:crypto';

export const APPROVAL_STATUSES = ['draft', 'pending_review', 'approved', 'rejected'] as const;
export type ApprovalStatus = (typeof APPROVAL_STATUSES)[number];

@Entity({ tableName: 'freelancer_profiles' })
export class FreelancerProfile {
  @PrimaryKey({ type: 'uuid' }) userId!: string;
  @Property({ type: 'string' }) title: string = '';
  @Property({ type: 'text' }) overview: string = '';
  @Property({ type: 'json' }) categorySlugs: string[] = [];
  @Property({ type: 'json' }) skills: string[] = [];
  @Property({ type: 'json' }) portfolioLinks: string[] = [];
  /** Statistics behind Rising Talent / Top Rated / Top Rated Plus (set by the marketplace, here by admins). */
  @Property({ type: 'integer', nullable: true }) jobSuccessScore?: number | null;
  @Property({ type: 'double' }) earnings12m: number = 0;
  @Property({ type: 'datetime', nullable: true }) identityVerifiedAt?: Date | null;
  @Property({ type: 'uuid', nullable: true }) identityVerifiedById?: string | null;
  @Property({ type: 'string' }) approvalStatus: ApprovalStatus = 'draft';
  @Property({ type: 'text', nullable: true }) approvalReason?: string | null;
  @Property({ type: 'datetime' }) updatedAt!: Date;
  @Property({ type: 'datetime', nullable: true }) submittedAt?: Date | null;
}

@Entity({ tableName: 'profile_reviews' })
export class ProfileReview {
  @PrimaryKey({ type: 'uuid' }) id: string = randomUUID();
  @Property({ type: 'uuid' }) userId!: string;
  @Property({ type: 'datetime' }) at!: Date;
  @Property({ type: 'string' }) outcome!: ApprovalStatus;
  @Property({ type: 'string', nullable: true }) code?: string | null;
  @Property({ type: 'text' }) reason!: string;
  @Property({ type: 'text', nullable: true }) advice?: string | null;
  @Property({ type: 'integer' }) verifiedSkills!: number;
  @Property({ type: 'uuid', nullable: true }) reviewerId?: string | null;
  @Property({ type: 'json' }) snapshot: Record<string, unknown> = {};
}

@Entity({ tableName: 'category_supply' })
export class CategorySupplyLimit {
  @PrimaryKey({ type: 'string' }) categorySlug!: string;
  @Property({ type: 'integer' }) openJobs!: number;
  @Property({ type: 'double' }) maxFreelancersPerJob!: number;
  @Property({ type: 'datetime' }) updatedAt!: Date;
}

@Entity({ tableName: 'verified_skills' })
export class VerifiedSkill {
  @PrimaryKey({ type: 'uuid' }) id: string = randomUUID();
  @Property({ type: 'uuid' }) freelancerId!: string;
  @Property({ type: 'string' }) skill!: string;
  @Property({ type: 'string' }) assessmentSlug!: string;
  @Property({ type: 'uuid' }) attemptId!: string;
  @Property({ type: 'double' }) score!: number;
  /** Current band, recomputed as the norm group grows; the attempt's report keeps the band it had when graded. */
  @Property({ type: 'string', nullable: true }) band?: string | null;
  @Property({ type: 'integer' }) normGroupSize: number = 0;
  @Property({ type: 'datetime' }) bandComputedAt!: Date;
  @Property({ type: 'datetime' }) verifiedAt!: Date;
}

@Entity({ tableName: 'certifications' })
export class Certification {
  @PrimaryKey({ type: 'uuid' }) id: string = randomUUID();
  @Property({ type: 'uuid' }) freelancerId!: string;
  @Property({ type: 'string' }) trackSlug!: string;
  @Property({ type: 'json' }) parts: { assessmentSlug: string; attemptId: string; passedAt: string }[] = [];
  @Property({ type: 'datetime' }) awardedAt!: Date;
}

@Entity({ tableName: 'badges' })
export class Badge {
  @PrimaryKey({ type: 'uuid' }) id: string = randomUUID();
  @Property({ type: 'uuid' }) freelancerId!: string;
  @Property({ type: 'string' }) kind!: string;
  @Property({ type: 'datetime' }) grantedAt!: Date;
  @Property({ type: 'datetime', nullable: true }) revokedAt?: Date | null;
  @Property({ type: 'text', nullable: true }) revokedReason?: string | null;
  /** The admin who revoked it (null when its criteria lapsed, or the admin's account is gone). */
  @Property({ type: 'uuid', nullable: true }) revokedBy?: string | null;
  /** Revoked by an admin: the statistics re-evaluation never grants this kind back. */
  @Property({ type: 'boolean' }) revokedByAdmin: boolean = false;
  @Property({ type: 'json' }) evidence: Record<string, unknown> = {};
}
