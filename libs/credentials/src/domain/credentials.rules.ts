import { DateTime, Duration } from 'luxon';

// ---- certifications -------------------------------------------------------------------------

export interface TrackRule {
  slug: string;
  assessments: string[];
  validityWindow: Duration;
  status: 'active' | 'legacy';
}

export interface Pass {
  assessmentSlug: string;
  attemptId: string;
  passedAt: DateTime;
}

export type CertificationDecision =
  | { award: true; parts: Pass[] }
  | { award: false; reason: 'legacy' | 'already_awarded' | 'missing_parts' | 'outside_window'; missing?: string[] };

/**
 * A track is awarded once, when every part has a pass and the passes lie within the validity window of
 * each other (the latest pass of each part is used). A legacy track makes no new awards.
 */
export function certificationDecision(
  track: TrackRule,
  passes: readonly Pass[],
  alreadyAwarded: boolean,
): CertificationDecision {
  if (alreadyAwarded) return { award: false, reason: 'already_awarded' };
  if (track.status === 'legacy') return { award: false, reason: 'legacy' };
  const latest = new Map<string, Pass>();
  for (const p of passes) {
    if (!track.assessments.includes(p.assessmentSlug)) continue;
    const cur = latest.get(p.assessmentSlug);
    if (!cur || p.passedAt > cur.passedAt) latest.set(p.assessmentSlug, p);
  }
  const missing = track.assessments.filter((a) => !latest.has(a));
  if (missing.length) return { award: false, reason: 'missing_parts', missing };
  const parts = track.assessments.map((a) => latest.get(a)!);
  const times = parts.map((p) => p.passedAt.toMillis());
  const earliest = DateTime.fromMillis(Math.min(...times), { zone: 'utc' });
  if (earliest.plus(track.validityWindow).toMillis() < Math.max(...times))
    return { award: false, reason: 'outside_window' };
  return { award: true, parts };
}

// ---- Expert-Vetted --------------------------------------------------------------------------

export interface ExpertVettedPolicy {
  minHardSkillAverage: number;
  minSoftSkill: number;
  profileFreshness: Duration;
}

export interface ExpertVettedInput {
  scorecard: {
    decision: 'pass' | 'fail';
    hardSkills: { skill: string; score: number }[];
    softSkills: Record<string, number>;
  } | null;
  identityVerified: boolean;
  profileUpdatedAt: DateTime | null;
}

export type ExpertVettedReason =
  | 'NO_SCORECARD'
  | 'DECISION_FAIL'
  | 'HARD_SKILLS_BELOW_THRESHOLD'
  | 'SOFT_SKILL_BELOW_THRESHOLD'
  | 'IDENTITY_NOT_VERIFIED'
  | 'PROFILE_OUTDATED';

/** Granted when the call's scorecard passes every threshold, identity is verified and the profile is recent. */
export function expertVettedDecision(
  input: ExpertVettedInput,
  now: DateTime,
  policy: ExpertVettedPolicy,
): { grant: boolean; reasons: ExpertVettedReason[]; hardSkillAverage: number | null } {
  const reasons: ExpertVettedReason[] = [];
  let avg: number | null = null;
  const card = input.scorecard;
  if (!card) reasons.push('NO_SCORECARD');
  else {
    if (card.decision !== 'pass') reasons.push('DECISION_FAIL');
    avg = card.hardSkills.length ? card.hardSkills.reduce((a, h) => a + h.score, 0) / card.hardSkills.length : 0;
    if (avg < policy.minHardSkillAverage) reasons.push('HARD_SKILLS_BELOW_THRESHOLD');
    if (Object.values(card.softSkills).some((v) => v < policy.minSoftSkill)) reasons.push('SOFT_SKILL_BELOW_THRESHOLD');
  }
  if (!input.identityVerified) reasons.push('IDENTITY_NOT_VERIFIED');
  if (!input.profileUpdatedAt || input.profileUpdatedAt.plus(policy.profileFreshness) < now)
    reasons.push('PROFILE_OUTDATED');
  return { grant: reasons.length === 0, reasons, hardSkillAverage: avg };
}

// ---- profile approval -----------------------------------------------------------------------

export interface CategorySupply {
  approvedFreelancers: number;
  openJobs: number;
  /** Most approved freelancers per open job before the category counts as oversupplied. */
  maxFreelancersPerJob: number;
}

export type ApprovalOutcome =
  | { status: 'approved'; reason: string }
  | { status: 'rejected'; code: 'SKILL_CATEGORY_OVERSUPPLIED'; reason: string; advice: string }
  | { status: 'pending_review'; reason: string };

export const OVERSUPPLIED_REASON =
  'There are already many freelancers with a similar skillset to yours and we cannot accept your registration at this time.';
export const OVERSUPPLIED_ADVICE =
  'Take the skill tests relevant to your skills to verify them (a check mark), add any other relevant skills or experience, then update and resubmit your profile.';

export const isOversupplied = (s: CategorySupply) =>
  s.approvedFreelancers / Math.max(s.openJobs, 1) > s.maxFreelancersPerJob;

/** Enough verified skills → approved; otherwise an oversupplied category → rejected with advice; otherwise human review. */
export function profileApproval(
  verifiedSkills: number,
  minVerifiedSkills: number,
  supply: CategorySupply | null,
): ApprovalOutcome {
  if (verifiedSkills >= minVerifiedSkills) return { status: 'approved', reason: `${verifiedSkills} verified skills` };
  if (supply && isOversupplied(supply))
    return {
      status: 'rejected',
      code: 'SKILL_CATEGORY_OVERSUPPLIED',
      reason: OVERSUPPLIED_REASON,
      advice: OVERSUPPLIED_ADVICE,
    };
  return {
    status: 'pending_review',
    reason: `${verifiedSkills} of ${minVerifiedSkills} verified skills: a reviewer will look at the profile`,
  };
}

// ---- badges ---------------------------------------------------------------------------------

export const BADGES = ['expert_vetted', 'top_rated_plus', 'top_rated', 'rising_talent'] as const;
export type BadgeKind = (typeof BADGES)[number];
export type StatBadge = Exclude<BadgeKind, 'expert_vetted'>;

export interface BadgeThreshold {
  minJobSuccess: number;
  minEarnings12m: number;
  minAccountAge: Duration;
}

export interface ProfileStats {
  jobSuccessScore: number | null;
  earnings12m: number;
  accountCreatedAt: DateTime;
  approved: boolean;
}

/** The statistics badges whose criteria hold now (a badge stays only while they do). */
export function statBadgesEarned(
  stats: ProfileStats,
  thresholds: Record<StatBadge, BadgeThreshold>,
  now: DateTime,
): StatBadge[] {
  if (!stats.approved || stats.jobSuccessScore === null) return [];
  return (['top_rated_plus', 'top_rated', 'rising_talent'] as StatBadge[]).filter((b) => {
    const t = thresholds[b];
    return (
      stats.jobSuccessScore! >= t.minJobSuccess &&
      stats.earnings12m >= t.minEarnings12m &&
      stats.accountCreatedAt.plus(t.minAccountAge) <= now
    );
  });
}

export interface Viewer {
  role: 'freelancer' | 'client' | 'talent_manager' | 'proctor' | 'admin' | 'anonymous';
  plan?: 'marketplace' | 'business_plus' | 'enterprise' | null;
  isOwner?: boolean;
}

/** Whether this viewer may see Expert-Vetted: Business Plus and Enterprise clients, staff and the freelancer. */
export function seesExpertVetted(v: Viewer): boolean {
  if (v.isOwner) return true;
  if (v.role === 'client') return v.plan === 'business_plus' || v.plan === 'enterprise';
  return v.role === 'admin' || v.role === 'talent_manager' || v.role === 'proctor';
}

/** One badge at a time: Expert-Vetted for those who may see it, else Top Rated Plus > Top Rated > Rising Talent. */
export function visibleBadge(held: readonly BadgeKind[], viewer: Viewer): BadgeKind | null {
  const has = new Set(held);
  if (has.has('expert_vetted') && seesExpertVetted(viewer)) return 'expert_vetted';
  for (const b of ['top_rated_plus', 'top_rated', 'rising_talent'] as const) if (has.has(b)) return b;
  return null;
}

export const BADGE_LABELS: Record<BadgeKind, string> = {
  expert_vetted: 'Expert-Vetted',
  top_rated_plus: 'Top Rated Plus',
  top_rated: 'Top Rated',
  rising_talent: 'Rising Talent',
};
