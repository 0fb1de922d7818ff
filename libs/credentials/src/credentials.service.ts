import { Injectable } from '@nestjs/common';
import { InjectQueue } from '@nestjs/bullmq';
import { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import { Queue } from 'bullmq';
import { DateTime, Duration } from 'luxon';
import { AppConfig, AppError, CREDENTIALS_QUEUE, Clock, Outbox, badRequest, expertVettedJobId, notFound, withContext } from '@vetting/core';
import { Assessment, AssessmentCatalog, Attempt, TrackStates } from '@vetting/assessments';
import { Scorecard, VettingCall } from '@vetting/calendar';
import { User } from '@vetting/identity';
import { NotificationsService, NotifyInput, fanoutStartEffect } from '@vetting/notifications';
import { ALL_CATEGORY_SLUGS } from '@vetting/talent';
import { Badge, CategorySupplyLimit, Certification, FreelancerProfile, ProfileReview, VerifiedSkill } from './credentials.entities';
import {
  BADGE_LABELS,
  BadgeKind,
  BadgeThreshold,
  ExpertVettedPolicy,
  StatBadge,
  Viewer,
  certificationDecision,
  expertVettedDecision,
  profileApproval,
  statBadgesEarned,
  visibleBadge,
} from './credentials.rules';
import { percentileBand } from './grading.rules';

const utc = (d: Date) => DateTime.fromJSDate(d, { zone: 'utc' });

export interface ProfileInput {
  title: string;
  overview?: string;
  categorySlugs: string[];
  skills: string[];
  portfolioLinks?: string[];
}

@Injectable()
export class CredentialsService {
  constructor(
    private readonly orm: MikroORM,
    private readonly em: EntityManager,
    private readonly clock: Clock,
    private readonly config: AppConfig,
    private readonly catalog: AssessmentCatalog,
    private readonly trackStates: TrackStates,
    private readonly notifications: NotificationsService,
    private readonly outbox: Outbox,
    @InjectQueue(CREDENTIALS_QUEUE) private readonly credentialsQueue: Queue,
  ) {}

  private get evPolicy(): ExpertVettedPolicy {
    const e = this.config.env;
    return { minHardSkillAverage: e.EXPERT_VETTED_MIN_HARD_AVG, minSoftSkill: e.EXPERT_VETTED_MIN_SOFT, profileFreshness: e.EXPERT_VETTED_PROFILE_FRESHNESS };
  }

  private get badgeThresholds(): Record<StatBadge, BadgeThreshold> {
    const e = this.config.env;
    return {
      rising_talent: { minJobSuccess: e.BADGE_RISING_TALENT_MIN_JSS, minEarnings12m: e.BADGE_RISING_TALENT_MIN_EARNINGS, minAccountAge: e.BADGE_RISING_TALENT_MIN_AGE },
      top_rated: { minJobSuccess: e.BADGE_TOP_RATED_MIN_JSS, minEarnings12m: e.BADGE_TOP_RATED_MIN_EARNINGS, minAccountAge: e.BADGE_TOP_RATED_MIN_AGE },
      top_rated_plus: { minJobSuccess: e.BADGE_TOP_RATED_PLUS_MIN_JSS, minEarnings12m: e.BADGE_TOP_RATED_PLUS_MIN_EARNINGS, minAccountAge: e.BADGE_TOP_RATED_PLUS_MIN_AGE },
    };
  }

  // ---- results → credentials ----------------------------------------------------------------

  /**
   * A pass verifies the test's skill and may complete a certification track. Runs inside the grading
   * transaction (`em`), so the attempt is never `graded` without them; answers the notifications owed.
   */
  async recordPass(em: EntityManager, attempt: Attempt, assessment: Assessment, score: number, band: string | null, normGroupSize: number, now: DateTime): Promise<NotifyInput[]> {
    const notes: NotifyInput[] = [];
    if (assessment.skill) {
      await em.execute(
        `insert into verified_skills (id, freelancer_id, skill, assessment_slug, attempt_id, score, band, norm_group_size, band_computed_at, verified_at)
         values (gen_random_uuid(), ?, ?, ?, ?, ?, ?, ?, ?, ?)
         on conflict (freelancer_id, skill) do update set assessment_slug = excluded.assessment_slug, attempt_id = excluded.attempt_id,
           score = excluded.score, band = excluded.band, norm_group_size = excluded.norm_group_size,
           band_computed_at = excluded.band_computed_at, verified_at = excluded.verified_at`,
        [attempt.freelancerId, assessment.skill, assessment.slug, attempt.id, score, band, normGroupSize, now.toJSDate(), now.toJSDate()],
      );
      notes.push({
        userId: attempt.freelancerId,
        type: 'skill.verified',
        title: `${assessment.skill} verified`,
        body: `Your ${assessment.skill} skill is verified${band ? ` (${band})` : ''}.`,
        data: { skill: assessment.skill, attemptId: attempt.id, band },
        dedupeKey: `skill.verified:${attempt.id}`,
      });
    }
    notes.push(...(await this.checkCertifications(em, attempt.freelancerId, assessment.slug)));
    return notes;
  }

  /** Awards every track this test completes (in `em`'s transaction); answers the award notifications. */
  async checkCertifications(em: EntityManager, freelancerId: string, assessmentSlug: string): Promise<NotifyInput[]> {
    const notes: NotifyInput[] = [];
    // Each track with its effective status: a track an admin closed (legacy) makes no new awards.
    for (const track of await this.trackStates.using(assessmentSlug)) {
      const passes = await em.find(Attempt, { freelancerId, assessmentSlug: { $in: track.assessments }, status: 'graded', passed: true });
      const existing = await em.count(Certification, { freelancerId, trackSlug: track.slug });
      const decision = certificationDecision(
        { slug: track.slug, assessments: track.assessments, validityWindow: Duration.fromISO(track.validityWindow), status: track.status },
        passes.map((p) => ({ assessmentSlug: p.assessmentSlug, attemptId: p.id, passedAt: utc(p.gradedAt!) })),
        existing > 0,
      );
      if (!decision.award) continue;
      const rows = await em.execute<{ id: string }[]>(
        `insert into certifications (id, freelancer_id, track_slug, parts, awarded_at) values (gen_random_uuid(), ?, ?, ?::jsonb, ?)
         on conflict (freelancer_id, track_slug) do nothing returning id`,
        [freelancerId, track.slug, JSON.stringify(decision.parts.map((p) => ({ assessmentSlug: p.assessmentSlug, attemptId: p.attemptId, passedAt: p.passedAt.toISO() }))), this.clock.now().toJSDate()],
      );
      const award = rows[0]?.id;
      if (!award) continue;
      notes.push({
        userId: freelancerId,
        type: 'certification.awarded',
        title: `Certified: ${track.title}`,
        body: `You passed every part of the ${track.title} certification.`,
        data: { trackSlug: track.slug, certificationId: award },
        dedupeKey: `certification.awarded:${award}`,
      });
    }
    return notes;
  }

  /** Re-bands every verified skill against today's norm group; attempt reports keep the band they had. */
  async recomputeBands(): Promise<{ updated: number }> {
    return withContext(this.orm, async (em) => {
      const now = this.clock.now();
      const windowStart = now.minus(this.config.env.GRADING_NORM_WINDOW).toJSDate();
      const skills = await em.find(VerifiedSkill, {});
      const groups = new Map<string, number[]>();
      let updated = 0;
      for (const s of skills) {
        if (!groups.has(s.assessmentSlug)) {
          const rows = await em.execute<{ score: number }[]>(
            `select score from attempts where assessment_slug = ? and status = 'graded' and score is not null and graded_at >= ?`,
            [s.assessmentSlug, windowStart],
          );
          groups.set(s.assessmentSlug, rows.map((r) => Number(r.score)));
        }
        const group = groups.get(s.assessmentSlug)!;
        const b = percentileBand(s.score, group.length ? group : [s.score], this.config.env.BAND_MIN_NORM_GROUP);
        if (b.band !== (s.band ?? null) || b.normGroupSize !== s.normGroupSize) updated++;
        s.band = b.band;
        s.normGroupSize = b.normGroupSize;
        s.bandComputedAt = now.toJSDate();
      }
      await em.flush();
      return { updated };
    });
  }

  // ---- profile ------------------------------------------------------------------------------

  private async profileOf(em: EntityManager, userId: string): Promise<FreelancerProfile> {
    return (
      (await em.findOne(FreelancerProfile, { userId })) ??
      em.create(FreelancerProfile, { userId, title: '', overview: '', categorySlugs: [], skills: [], portfolioLinks: [], earnings12m: 0, approvalStatus: 'draft', updatedAt: this.clock.now().toJSDate() })
    );
  }

  async myProfile(user: User) {
    const p = await this.profileOf(this.em, user.id);
    return this.profileView(p, await this.em.count(VerifiedSkill, { freelancerId: user.id }));
  }

  async updateProfile(user: User, input: ProfileInput) {
    const unknown = input.categorySlugs.filter((c) => !ALL_CATEGORY_SLUGS.includes(c));
    if (unknown.length) {
      throw badRequest('VALIDATION_FAILED', `Unknown categories: ${unknown.join(', ')}`, { fields: unknown.map(() => ({ field: 'categorySlugs', problems: ['unknown category'] })) });
    }
    const p = await this.profileOf(this.em, user.id);
    p.title = input.title.trim();
    p.overview = (input.overview ?? '').trim();
    p.categorySlugs = [...new Set(input.categorySlugs)];
    p.skills = [...new Set(input.skills.map((s) => s.trim()).filter(Boolean))];
    p.portfolioLinks = input.portfolioLinks ?? [];
    p.updatedAt = this.clock.now().toJSDate();
    // A changed profile goes back to being a draft until resubmitted, unless it was approved.
    if (p.approvalStatus === 'rejected') p.approvalStatus = 'draft';
    await this.em.persistAndFlush(p);
    // A fresh profile may complete the Expert-Vetted criteria: evaluated by a job (one per update).
    await this.credentialsQueue.add('expert-vetted', { freelancerId: user.id }, { jobId: expertVettedJobId(user.id, `profile-${p.updatedAt.getTime()}`), attempts: 3, backoff: { type: 'exponential', delay: 1000 }, removeOnComplete: { age: 3600 } });
    return this.profileView(p, await this.em.count(VerifiedSkill, { freelancerId: user.id }));
  }

  /** Submits the profile for approval: verified skills, then category supply, then a human. History is kept. */
  async submitProfile(user: User) {
    const p = await this.profileOf(this.em, user.id);
    if (!p.title || p.categorySlugs.length === 0) {
      throw badRequest('PROFILE_INCOMPLETE', 'Add a title and at least one category before submitting', { fields: [{ field: 'title', problems: ['required'] }, { field: 'categorySlugs', problems: ['at least one'] }] });
    }
    if (p.approvalStatus === 'approved') throw new AppError(409, 'PROFILE_ALREADY_APPROVED', 'The profile is already approved');
    const verified = await this.em.count(VerifiedSkill, { freelancerId: user.id });
    const category = p.categorySlugs[0];
    const limit = await this.em.findOne(CategorySupplyLimit, { categorySlug: category });
    let supply = null;
    if (limit) {
      const approved = await this.em.execute<{ n: string }[]>(
        `select count(*) as n from freelancer_profiles where approval_status = 'approved' and category_slugs @> ?::jsonb`,
        [JSON.stringify([category])],
      );
      supply = { approvedFreelancers: Number(approved[0].n), openJobs: limit.openJobs, maxFreelancersPerJob: limit.maxFreelancersPerJob };
    }
    const outcome = profileApproval(verified, this.config.policy.profileMinVerifiedSkills, supply);
    const now = this.clock.now().toJSDate();
    p.approvalStatus = outcome.status;
    p.approvalReason = outcome.reason;
    p.submittedAt = now;
    this.em.persist(p);
    this.em.persist(
      this.em.create(ProfileReview, {
        userId: user.id,
        at: now,
        outcome: outcome.status,
        code: outcome.status === 'rejected' ? outcome.code : null,
        reason: outcome.reason,
        advice: outcome.status === 'rejected' ? outcome.advice : null,
        verifiedSkills: verified,
        reviewerId: null,
        snapshot: { title: p.title, categorySlugs: p.categorySlugs, skills: p.skills, supply },
      }),
    );
    await this.em.flush();
    await this.notifyApproval(user.id, outcome.status, outcome.reason, outcome.status === 'rejected' ? outcome.advice : undefined);
    return {
      status: outcome.status,
      reason: outcome.reason,
      verifiedSkills: verified,
      requiredVerifiedSkills: this.config.policy.profileMinVerifiedSkills,
      ...(outcome.status === 'rejected' ? { code: outcome.code, advice: outcome.advice } : {}),
    };
  }

  async reviews(userId: string) {
    const list = await this.em.find(ProfileReview, { userId }, { orderBy: { at: 'asc' } });
    return { reviews: list.map((r) => ({ at: r.at.toISOString(), outcome: r.outcome, code: r.code ?? null, reason: r.reason, advice: r.advice ?? null, verifiedSkills: r.verifiedSkills, reviewerId: r.reviewerId ?? null })) };
  }

  async humanReview(reviewer: User, userId: string, decision: 'approved' | 'rejected', reason: string) {
    const p = await this.em.findOne(FreelancerProfile, { userId });
    if (!p || p.approvalStatus !== 'pending_review') throw new AppError(409, 'PROFILE_NOT_PENDING', 'Only a profile pending review can be reviewed');
    const now = this.clock.now().toJSDate();
    p.approvalStatus = decision;
    p.approvalReason = reason;
    this.em.persist(this.em.create(ProfileReview, { userId, at: now, outcome: decision, code: null, reason, advice: null, verifiedSkills: await this.em.count(VerifiedSkill, { freelancerId: userId }), reviewerId: reviewer.id, snapshot: {} }));
    await this.em.flush();
    await this.notifyApproval(userId, decision, reason);
    return { status: decision, reason };
  }

  private async notifyApproval(userId: string, status: string, reason: string, advice?: string) {
    if (status !== 'approved' && status !== 'rejected') return;
    await this.notifications.notify({
      userId,
      type: status === 'approved' ? 'profile.approved' : 'profile.rejected',
      title: status === 'approved' ? 'Your profile is approved' : 'Your profile was not approved',
      body: advice ? `${reason} ${advice}` : reason,
      data: { status, reason, ...(advice ? { advice } : {}) },
    });
  }

  async setSupply(categorySlug: string, openJobs: number, maxFreelancersPerJob: number) {
    if (!ALL_CATEGORY_SLUGS.includes(categorySlug)) throw notFound('Category', { categorySlug });
    const row = (await this.em.findOne(CategorySupplyLimit, { categorySlug })) ?? this.em.create(CategorySupplyLimit, { categorySlug, openJobs, maxFreelancersPerJob, updatedAt: this.clock.now().toJSDate() });
    row.openJobs = openJobs;
    row.maxFreelancersPerJob = maxFreelancersPerJob;
    row.updatedAt = this.clock.now().toJSDate();
    await this.em.persistAndFlush(row);
    return { categorySlug, openJobs, maxFreelancersPerJob };
  }

  async setStats(freelancerId: string, stats: { jobSuccessScore: number | null; earnings12m: number }) {
    await this.requireFreelancer(freelancerId);
    const p = await this.profileOf(this.em, freelancerId);
    p.jobSuccessScore = stats.jobSuccessScore;
    p.earnings12m = stats.earnings12m;
    await this.em.persistAndFlush(p);
    await this.evaluateStatBadges([freelancerId]);
    return { freelancerId, ...stats };
  }

  /** An admin, or the talent manager of one of the freelancer's calls (any other freelancer: 404 NOT_FOUND). */
  async verifyIdentity(staff: User, freelancerId: string) {
    await this.requireFreelancer(freelancerId);
    if (staff.role !== 'admin' && !(await this.em.count(VettingCall, { freelancerId, talentManagerId: staff.id }))) {
      throw notFound('Freelancer', { id: freelancerId });
    }
    const p = await this.profileOf(this.em, freelancerId);
    p.identityVerifiedAt ??= this.clock.now().toJSDate();
    p.identityVerifiedById ??= staff.id;
    await this.em.persistAndFlush(p);
    return { freelancerId, identityVerifiedAt: p.identityVerifiedAt.toISOString(), expertVetted: await this.evaluateExpertVetted(freelancerId) };
  }

  private async requireFreelancer(id: string): Promise<User> {
    const u = await this.em.findOne(User, { id });
    if (!u || u.role !== 'freelancer') throw notFound('Freelancer', { id });
    return u;
  }

  // ---- Expert-Vetted ------------------------------------------------------------------------

  /** The Expert-Vetted criteria as they stand now, and the badge held (reads only). */
  private async expertVettedFacts(em: EntityManager, freelancerId: string, now: DateTime) {
    const card = await em.findOne(Scorecard, { freelancerId }, { orderBy: { submittedAt: 'desc' } });
    const profile = await em.findOne(FreelancerProfile, { userId: freelancerId });
    const decision = expertVettedDecision(
      {
        scorecard: card ? { decision: card.decision, hardSkills: card.hardSkills, softSkills: card.softSkills } : null,
        identityVerified: Boolean(profile?.identityVerifiedAt),
        profileUpdatedAt: profile ? utc(profile.updatedAt) : null,
      },
      now,
      this.evPolicy,
    );
    const active = await em.findOne(Badge, { freelancerId, kind: 'expert_vetted', revokedAt: null });
    return { card, decision, active };
  }

  /**
   * The caller's Expert-Vetted status, read only (GET never writes): the badge held, whether every criterion
   * holds now, and which do not. The badge is granted by the events that change the criteria (scorecard,
   * identity verification, profile update) and by the re-evaluation job, never by this read.
   */
  async expertVettedStatus(freelancerId: string) {
    return withContext(this.orm, async (em) => {
      const { decision, active } = await this.expertVettedFacts(em, freelancerId, this.clock.now());
      return { expertVetted: Boolean(active), granted: false, criteriaMet: decision.grant, reasons: active ? [] : decision.reasons, hardSkillAverage: decision.hardSkillAverage };
    });
  }

  /** Grants Expert-Vetted when every criterion holds (idempotent); otherwise says which do not. Only events and jobs call it. */
  async evaluateExpertVetted(freelancerId: string) {
    // The badge, its notification and the vetted-talent alert's fan-out commit together.
    return withContext(this.orm, (ctx) => ctx.transactional(async (tem) => {
      const em = tem as EntityManager;
      const now = this.clock.now();
      const { card, decision, active } = await this.expertVettedFacts(em, freelancerId, now);
      let granted: { id: string; categorySlug: string | null } | null = null;
      if (decision.grant && !active) {
        const call = card ? await em.findOne(VettingCall, { id: card.callId }) : null;
        const rows = await em.execute<{ id: string }[]>(
          `insert into badges (id, freelancer_id, kind, granted_at, evidence) values (gen_random_uuid(), ?, 'expert_vetted', ?, ?::jsonb)
           on conflict (freelancer_id, kind) where revoked_at is null do nothing returning id`,
          [freelancerId, now.toJSDate(), JSON.stringify({ callId: card?.callId, categorySlug: call?.categorySlug ?? null, hardSkillAverage: decision.hardSkillAverage })],
        );
        if (rows.length) granted = { id: rows[0].id, categorySlug: call?.categorySlug ?? null };
      }
      if (granted) {
        const user = await em.findOneOrFail(User, { id: freelancerId });
        if (granted.categorySlug) await this.outbox.write(em, [fanoutStartEffect({ alertId: granted.id, freelancerId, freelancerName: user.name, categorySlug: granted.categorySlug })]);
        await this.notifications.notify(
          {
            userId: freelancerId,
            type: 'badge.awarded',
            title: 'You are Expert-Vetted',
            body: 'Your Expert-Vetted badge is visible to Business Plus and Enterprise clients.',
            data: { badge: 'expert_vetted' },
            dedupeKey: `badge.awarded:expert_vetted:${freelancerId}:${now.toISODate()}`,
          },
          em,
        );
      }
      return { expertVetted: decision.grant || Boolean(active), granted: Boolean(granted), criteriaMet: decision.grant, reasons: active ? [] : decision.reasons, hardSkillAverage: decision.hardSkillAverage };
    }));
  }

  /**
   * The re-evaluation job's part for Expert-Vetted: everyone with a passing scorecard who never held the badge
   * is evaluated again (a badge an admin revoked is not granted back by the sweep).
   */
  async evaluateExpertVettedAll(): Promise<{ evaluated: number; granted: number }> {
    const candidates = await withContext(this.orm, async (em) => {
      const cards = await em.find(Scorecard, { decision: 'pass' }, { fields: ['freelancerId'] });
      const ids = [...new Set(cards.map((c) => c.freelancerId))];
      if (!ids.length) return [];
      const holders = await em.find(Badge, { freelancerId: { $in: ids }, kind: 'expert_vetted' }, { fields: ['freelancerId'] });
      const held = new Set(holders.map((b) => b.freelancerId));
      return ids.filter((id) => !held.has(id));
    });
    let granted = 0;
    for (const id of candidates) if ((await this.evaluateExpertVetted(id)).granted) granted++;
    return { evaluated: candidates.length, granted };
  }

  async revokeBadge(freelancerId: string, kind: BadgeKind, reason: string) {
    await withContext(this.orm, (ctx) =>
      ctx.transactional(async (tem) => {
        const rows = await tem.execute<{ id: string }[]>(`update badges set revoked_at = ?, revoked_reason = ? where freelancer_id = ? and kind = ? and revoked_at is null returning id`, [
          this.clock.now().toJSDate(),
          reason,
          freelancerId,
          kind,
        ]);
        if (!rows.length) throw notFound('Badge', { freelancerId, kind });
        const note = { userId: freelancerId, type: 'badge.revoked', title: `${BADGE_LABELS[kind]} badge removed`, body: reason, data: { badge: kind, reason }, dedupeKey: `badge.revoked:${rows[0].id}` };
        await this.notifications.notify(note, tem as EntityManager);
      }),
    );
    return { freelancerId, kind, revoked: true, reason };
  }

  /** Grants the statistics badges whose criteria hold and revokes those that lapsed (repeatable job). */
  async evaluateStatBadges(only?: string[]): Promise<{ granted: number; revoked: number }> {
    // Awards, revocations and their notifications commit together (notifications keyed by badge: once each).
    return withContext(this.orm, (ctx) => ctx.transactional(async (tem) => {
      const em = tem as EntityManager;
      const notes: NotifyInput[] = [];
      const now = this.clock.now();
      const profiles = await em.find(FreelancerProfile, only ? { userId: { $in: only } } : {});
      let granted = 0;
      let revoked = 0;
      for (const p of profiles) {
        const user = await em.findOne(User, { id: p.userId });
        if (!user) continue;
        const earned = new Set(
          statBadgesEarned({ jobSuccessScore: p.jobSuccessScore ?? null, earnings12m: p.earnings12m, accountCreatedAt: utc(user.createdAt), approved: p.approvalStatus === 'approved' }, this.badgeThresholds, now),
        );
        const active = await em.find(Badge, { freelancerId: p.userId, revokedAt: null, kind: { $in: ['rising_talent', 'top_rated', 'top_rated_plus'] } });
        for (const b of active) {
          if (!earned.has(b.kind as StatBadge)) {
            b.revokedAt = now.toJSDate();
            b.revokedReason = 'criteria no longer met';
            revoked++;
            notes.push({ userId: p.userId, type: 'badge.revoked', title: `${BADGE_LABELS[b.kind as BadgeKind]} badge removed`, body: 'Its criteria are no longer met.', data: { badge: b.kind }, dedupeKey: `badge.revoked:${b.id}` });
          }
        }
        for (const kind of earned) {
          if (active.some((b) => b.kind === kind)) continue;
          const badge = em.create(Badge, { freelancerId: p.userId, kind, grantedAt: now.toJSDate(), evidence: { jobSuccessScore: p.jobSuccessScore, earnings12m: p.earnings12m } });
          em.persist(badge);
          granted++;
          notes.push({ userId: p.userId, type: 'badge.awarded', title: `You earned ${BADGE_LABELS[kind]}`, body: 'Congratulations!', data: { badge: kind }, dedupeKey: `badge.awarded:${badge.id}` });
        }
      }
      await em.flush();
      await this.notifications.notifyMany(notes, em);
      return { granted, revoked };
    }));
  }

  // ---- public profile -----------------------------------------------------------------------

  /** The profile as the caller may see it: one badge chosen by the viewer's plan; skills and certifications for all. */
  async publicProfile(viewer: User, freelancerId: string) {
    const user = await this.em.findOne(User, { id: freelancerId });
    if (!user || user.role !== 'freelancer') throw notFound('Freelancer', { id: freelancerId });
    const [profile, skills, certs, badges, tracks] = await Promise.all([
      this.em.findOne(FreelancerProfile, { userId: freelancerId }),
      this.em.find(VerifiedSkill, { freelancerId }, { orderBy: { skill: 'asc' } }),
      this.em.find(Certification, { freelancerId }, { orderBy: { awardedAt: 'asc' } }),
      this.em.find(Badge, { freelancerId, revokedAt: null }),
      this.trackStates.all(),
    ]);
    const trackBySlug = new Map(tracks.map((t) => [t.slug, t]));
    const v: Viewer = { role: viewer.role, plan: viewer.plan ?? null, isOwner: viewer.id === freelancerId };
    const badge = visibleBadge(badges.map((b) => b.kind as BadgeKind), v);
    return {
      id: user.id,
      name: user.name,
      timeZone: user.timeZone,
      title: profile?.title ?? '',
      overview: profile?.overview ?? '',
      categorySlugs: profile?.categorySlugs ?? [],
      skills: (profile?.skills ?? []).map((name) => {
        const v = skills.find((s) => s.skill.toLowerCase() === name.toLowerCase());
        return { name, verified: Boolean(v) };
      }),
      verifiedSkills: skills.map((s) => ({
        skill: s.skill,
        verified: true,
        test: s.assessmentSlug,
        score: v.isOwner || viewer.role === 'admin' ? s.score : undefined,
        band: s.band ?? null,
        normGroup: { test: s.assessmentSlug, size: s.normGroupSize, window: this.config.env.GRADING_NORM_WINDOW.toISO() },
        verifiedAt: s.verifiedAt.toISOString(),
      })),
      certifications: certs.map((c) => {
        // A certification stays valid and listed whether its track is open or closed (legacy) today.
        const track = trackBySlug.get(c.trackSlug);
        return { trackSlug: c.trackSlug, title: track?.title ?? c.trackSlug, status: track?.status ?? 'legacy', awardedAt: c.awardedAt.toISOString() };
      }),
      badge: badge ? { kind: badge, label: BADGE_LABELS[badge] } : null,
      ...(v.isOwner || viewer.role === 'admin' ? { badgesHeld: badges.map((b) => ({ kind: b.kind, label: BADGE_LABELS[b.kind as BadgeKind], grantedAt: b.grantedAt.toISOString() })) } : {}),
      approvalStatus: v.isOwner || viewer.role === 'admin' ? (profile?.approvalStatus ?? 'draft') : undefined,
    };
  }

  private profileView(p: FreelancerProfile, verifiedSkills: number) {
    return {
      userId: p.userId,
      title: p.title,
      overview: p.overview,
      categorySlugs: p.categorySlugs,
      skills: p.skills,
      portfolioLinks: p.portfolioLinks,
      jobSuccessScore: p.jobSuccessScore ?? null,
      earnings12m: p.earnings12m,
      identityVerified: Boolean(p.identityVerifiedAt),
      approvalStatus: p.approvalStatus,
      approvalReason: p.approvalReason ?? null,
      verifiedSkills,
      requiredVerifiedSkills: this.config.policy.profileMinVerifiedSkills,
      updatedAt: p.updatedAt.toISOString(),
      submittedAt: p.submittedAt?.toISOString() ?? null,
    };
  }
}
