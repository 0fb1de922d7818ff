import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { APPROVAL_STATUSES } from '../data/credentials.entities';
import { BADGES } from '../domain/credentials.rules';

const EXPERT_VETTED_REASONS = [
  'NO_SCORECARD',
  'DECISION_FAIL',
  'HARD_SKILLS_BELOW_THRESHOLD',
  'SOFT_SKILL_BELOW_THRESHOLD',
  'IDENTITY_NOT_VERIFIED',
  'PROFILE_OUTDATED',
];
const BAND_LABELS = ['Top 10%', 'Top 20%', 'Top 30%'];

/** The freelancer's own profile. */
export class ProfileView {
  @ApiProperty({ format: 'uuid' }) userId!: string;
  @ApiProperty() title!: string;
  @ApiProperty() overview!: string;
  @ApiProperty({ type: [String] }) categorySlugs!: string[];
  @ApiProperty({ type: [String] }) skills!: string[];
  @ApiProperty({ type: [String], format: 'uri' }) portfolioLinks!: string[];
  @ApiProperty({ nullable: true, type: Number }) jobSuccessScore!: number | null;
  @ApiProperty() earnings12m!: number;
  @ApiProperty() identityVerified!: boolean;
  @ApiProperty({ enum: APPROVAL_STATUSES }) approvalStatus!: (typeof APPROVAL_STATUSES)[number];
  @ApiProperty({ nullable: true, type: String }) approvalReason!: string | null;
  @ApiProperty({ description: 'verified skills held' }) verifiedSkills!: number;
  @ApiProperty({ description: 'PROFILE_MIN_VERIFIED_SKILLS' }) requiredVerifiedSkills!: number;
  @ApiProperty({ format: 'date-time' }) updatedAt!: string;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) submittedAt!: string | null;
}

export class ProfileSubmission {
  @ApiProperty({ enum: APPROVAL_STATUSES }) status!: (typeof APPROVAL_STATUSES)[number];
  @ApiProperty() reason!: string;
  @ApiProperty() verifiedSkills!: number;
  @ApiProperty() requiredVerifiedSkills!: number;
  @ApiPropertyOptional({ enum: ['SKILL_CATEGORY_OVERSUPPLIED'], description: 'when rejected' }) code?: string;
  @ApiPropertyOptional({ description: 'when rejected: what to do before resubmitting' }) advice?: string;
}

export class ProfileReviewView {
  @ApiProperty({ format: 'date-time' }) at!: string;
  @ApiProperty({ enum: APPROVAL_STATUSES }) outcome!: string;
  @ApiProperty({ nullable: true, type: String }) code!: string | null;
  @ApiProperty() reason!: string;
  @ApiProperty({ nullable: true, type: String }) advice!: string | null;
  @ApiProperty() verifiedSkills!: number;
  @ApiProperty({ format: 'uuid', nullable: true, type: String, description: 'null for the automatic review' })
  reviewerId!: string | null;
}

export class ProfileReviewList {
  @ApiProperty({ type: [ProfileReviewView], description: 'oldest first' }) reviews!: ProfileReviewView[];
}

export class ExpertVettedStatus {
  @ApiProperty() expertVetted!: boolean;
  @ApiProperty({ description: 'granted by this evaluation (always false on the read-only GET)' }) granted!: boolean;
  @ApiProperty({ description: 'every criterion holds now' }) criteriaMet!: boolean;
  @ApiProperty({ enum: EXPERT_VETTED_REASONS, isArray: true, description: 'criteria not met' }) reasons!: string[];
  @ApiProperty({ nullable: true, type: Number }) hardSkillAverage!: number | null;
}

export class ProfileSkill {
  @ApiProperty() name!: string;
  @ApiProperty() verified!: boolean;
}

export class NormGroup {
  @ApiProperty({ description: 'assessment slug' }) test!: string;
  @ApiProperty() size!: number;
  @ApiProperty({ example: 'P1Y' }) window!: string;
}

export class VerifiedSkillView {
  @ApiProperty() skill!: string;
  @ApiProperty({ enum: [true] }) verified!: true;
  @ApiProperty({ description: 'assessment slug' }) test!: string;
  @ApiPropertyOptional({ description: 'owner and admins only' }) score?: number;
  @ApiProperty({ enum: BAND_LABELS, nullable: true, type: String }) band!: string | null;
  @ApiProperty({ type: NormGroup }) normGroup!: NormGroup;
  @ApiProperty({ format: 'date-time' }) verifiedAt!: string;
}

export class CertificationView {
  @ApiProperty() trackSlug!: string;
  @ApiProperty() title!: string;
  @ApiProperty({ enum: ['active', 'legacy'] }) status!: string;
  @ApiProperty({ format: 'date-time' }) awardedAt!: string;
}

export class BadgeView {
  @ApiProperty({ enum: BADGES }) kind!: (typeof BADGES)[number];
  @ApiProperty({ example: 'Expert-Vetted' }) label!: string;
}

export class HeldBadge extends BadgeView {
  @ApiProperty({ format: 'date-time' }) grantedAt!: string;
}

/** A freelancer's public profile, with the one badge the viewer's plan may see. */
export class FreelancerProfileView {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() name!: string;
  @ApiProperty() timeZone!: string;
  @ApiProperty() title!: string;
  @ApiProperty() overview!: string;
  @ApiProperty({ type: [String] }) categorySlugs!: string[];
  @ApiProperty({ type: [ProfileSkill] }) skills!: ProfileSkill[];
  @ApiProperty({ type: [VerifiedSkillView] }) verifiedSkills!: VerifiedSkillView[];
  @ApiProperty({ type: [CertificationView] }) certifications!: CertificationView[];
  @ApiProperty({ type: BadgeView, nullable: true }) badge!: BadgeView | null;
  @ApiPropertyOptional({ type: [HeldBadge], description: 'owner and admins only' }) badgesHeld?: HeldBadge[];
  @ApiPropertyOptional({ enum: APPROVAL_STATUSES, description: 'owner and admins only' })
  approvalStatus?: (typeof APPROVAL_STATUSES)[number];
}

export class IdentityVerification {
  @ApiProperty({ format: 'uuid' }) freelancerId!: string;
  @ApiProperty({ format: 'date-time' }) identityVerifiedAt!: string;
  @ApiProperty({ type: ExpertVettedStatus }) expertVetted!: ExpertVettedStatus;
}

export class FreelancerStats {
  @ApiProperty({ format: 'uuid' }) freelancerId!: string;
  @ApiProperty({ nullable: true, type: Number }) jobSuccessScore!: number | null;
  @ApiProperty() earnings12m!: number;
}

export class CategorySupply {
  @ApiProperty() categorySlug!: string;
  @ApiProperty() openJobs!: number;
  @ApiProperty() maxFreelancersPerJob!: number;
}

export class ProfileReviewDecision {
  @ApiProperty({ enum: ['approved', 'rejected'] }) status!: 'approved' | 'rejected';
  @ApiProperty() reason!: string;
}

export class RevokedBadge {
  @ApiProperty({ format: 'uuid' }) freelancerId!: string;
  @ApiProperty({ enum: BADGES }) kind!: string;
  @ApiProperty({ enum: [true] }) revoked!: true;
  @ApiProperty() reason!: string;
}

export class QueuedJob {
  @ApiProperty({ enum: [true] }) queued!: true;
  @ApiPropertyOptional() jobId?: string;
}

export class FreelancerSummary {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() email!: string;
  @ApiProperty() name!: string;
  @ApiProperty() timeZone!: string;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty() title!: string;
  @ApiProperty({ type: [String] }) categorySlugs!: string[];
  @ApiProperty({ enum: APPROVAL_STATUSES }) approvalStatus!: (typeof APPROVAL_STATUSES)[number];
  @ApiProperty({ nullable: true, type: String }) approvalReason!: string | null;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) submittedAt!: string | null;
  @ApiProperty() identityVerified!: boolean;
}

export class FreelancerList {
  @ApiProperty({ type: [FreelancerSummary], description: 'oldest account first, at most 500' })
  freelancers!: FreelancerSummary[];
}

export class CategorySupplyList {
  @ApiProperty({ type: [CategorySupply], description: 'categories with a supply limit set' }) limits!: CategorySupply[];
}
