import { Injectable } from '@nestjs/common';
import { InjectQueue } from '@nestjs/bullmq';
import { EntityManager } from '@mikro-orm/postgresql';
import { Queue } from 'bullmq';
import { AppConfig, CREDENTIALS_QUEUE, Clock, expertVettedJobId } from '@vetting/core';
import { User } from '@vetting/identity';
import { NotificationsService } from '@vetting/notifications';
import { ALL_CATEGORY_SLUGS } from '@vetting/talent';
import { profileApproval } from '../domain/credentials.rules';
import {
  profileAlreadyApproved,
  profileIncomplete,
  profileNotPending,
  unknownCategories,
} from '../domain/credentials.errors';
import { FreelancerProfile } from '../data/credentials.entities';
import { ProfilesRepository } from '../data/profiles.repository';
import { VerifiedSkillsRepository } from '../data/verified-skills.repository';

export interface ProfileInput {
  title: string;
  overview?: string;
  categorySlugs: string[];
  skills: string[];
  portfolioLinks?: string[];
}

/** The freelancer's own profile, its submission for approval, and the human review of it. */
@Injectable()
export class ProfilesService {
  constructor(
    private readonly em: EntityManager,
    private readonly clock: Clock,
    private readonly config: AppConfig,
    private readonly notifications: NotificationsService,
    private readonly profiles: ProfilesRepository,
    private readonly skills: VerifiedSkillsRepository,
    @InjectQueue(CREDENTIALS_QUEUE) private readonly credentialsQueue: Queue,
  ) {}

  async myProfile(user: User) {
    const p = await this.profiles.findOrDraft(this.em, user.id, this.clock.now().toJSDate());
    return this.view(p, await this.skills.count(this.em, user.id));
  }

  async updateProfile(user: User, input: ProfileInput) {
    const unknown = input.categorySlugs.filter((c) => !ALL_CATEGORY_SLUGS.includes(c));
    if (unknown.length) throw unknownCategories(unknown);
    const p = await this.profiles.findOrDraft(this.em, user.id, this.clock.now().toJSDate());
    p.title = input.title.trim();
    p.overview = (input.overview ?? '').trim();
    p.categorySlugs = [...new Set(input.categorySlugs)];
    p.skills = [...new Set(input.skills.map((s) => s.trim()).filter(Boolean))];
    p.portfolioLinks = input.portfolioLinks ?? [];
    p.updatedAt = this.clock.now().toJSDate();
    // A changed profile goes back to being a draft until resubmitted, unless it was approved.
    if (p.approvalStatus === 'rejected') p.approvalStatus = 'draft';
    await this.profiles.save(this.em, p);
    // A fresh profile may complete the Expert-Vetted criteria: evaluated by a job (one per update).
    await this.credentialsQueue.add(
      'expert-vetted',
      { freelancerId: user.id },
      {
        jobId: expertVettedJobId(user.id, `profile-${p.updatedAt.getTime()}`),
        attempts: 3,
        backoff: { type: 'exponential', delay: 1000 },
        removeOnComplete: { age: 3600 },
      },
    );
    return this.view(p, await this.skills.count(this.em, user.id));
  }

  /** Submits the profile for approval: verified skills, then category supply, then a human. History is kept. */
  async submitProfile(user: User) {
    const p = await this.profiles.findOrDraft(this.em, user.id, this.clock.now().toJSDate());
    if (!p.title || p.categorySlugs.length === 0) throw profileIncomplete();
    if (p.approvalStatus === 'approved') throw profileAlreadyApproved();
    const verified = await this.skills.count(this.em, user.id);
    const category = p.categorySlugs[0];
    const limit = await this.profiles.supplyLimit(this.em, category);
    let supply = null;
    if (limit) {
      const approvedFreelancers = await this.profiles.approvedIn(this.em, category);
      supply = { approvedFreelancers, openJobs: limit.openJobs, maxFreelancersPerJob: limit.maxFreelancersPerJob };
    }
    const outcome = profileApproval(verified, this.config.policy.profileMinVerifiedSkills, supply);
    const now = this.clock.now().toJSDate();
    const advice = outcome.status === 'rejected' ? outcome.advice : undefined;
    // The decision, its review row and the notification it owes commit together (or not at all).
    await this.em.transactional(async (tem) => {
      // Locked and read again: a reviewer's decision taken meanwhile is not overwritten by this submission.
      if ((await this.profiles.findForDecision(tem as EntityManager, user.id))?.approvalStatus === 'approved')
        throw profileAlreadyApproved();
      p.approvalStatus = outcome.status;
      p.approvalReason = outcome.reason;
      p.submittedAt = now;
      tem.persist(p);
      this.profiles.addReview(tem as EntityManager, {
        userId: user.id,
        at: now,
        outcome: outcome.status,
        code: outcome.status === 'rejected' ? outcome.code : null,
        reason: outcome.reason,
        advice: outcome.status === 'rejected' ? outcome.advice : null,
        verifiedSkills: verified,
        reviewerId: null,
        snapshot: { title: p.title, categorySlugs: p.categorySlugs, skills: p.skills, supply },
      });
      await tem.flush();
      await this.notifyApproval(tem as EntityManager, user.id, outcome.status, outcome.reason, advice);
    });
    return {
      status: outcome.status,
      reason: outcome.reason,
      verifiedSkills: verified,
      requiredVerifiedSkills: this.config.policy.profileMinVerifiedSkills,
      ...(outcome.status === 'rejected' ? { code: outcome.code, advice: outcome.advice } : {}),
    };
  }

  async reviews(userId: string) {
    const list = await this.profiles.reviews(this.em, userId);
    return {
      reviews: list.map((r) => ({
        at: r.at.toISOString(),
        outcome: r.outcome,
        code: r.code ?? null,
        reason: r.reason,
        advice: r.advice ?? null,
        verifiedSkills: r.verifiedSkills,
        reviewerId: r.reviewerId ?? null,
      })),
    };
  }

  async humanReview(reviewer: User, userId: string, decision: 'approved' | 'rejected', reason: string) {
    const now = this.clock.now().toJSDate();
    const verifiedSkills = await this.skills.count(this.em, userId);
    // The decision, its review row and the notification it owes commit together (or not at all); the profile's
    // row is locked first, so of two reviewers deciding at once the second finds it no longer pending.
    await this.em.transactional(async (tem) => {
      const p = await this.profiles.findForDecision(tem as EntityManager, userId);
      if (!p || p.approvalStatus !== 'pending_review') throw profileNotPending();
      p.approvalStatus = decision;
      p.approvalReason = reason;
      this.profiles.addReview(tem as EntityManager, {
        userId,
        at: now,
        outcome: decision,
        code: null,
        reason,
        advice: null,
        verifiedSkills,
        reviewerId: reviewer.id,
        snapshot: {},
      });
      await tem.flush();
      await this.notifyApproval(tem as EntityManager, userId, decision, reason);
    });
    return { status: decision, reason };
  }

  private async notifyApproval(tem: EntityManager, userId: string, status: string, reason: string, advice?: string) {
    if (status !== 'approved' && status !== 'rejected') return;
    await this.notifications.notify(
      {
        userId,
        type: status === 'approved' ? 'profile.approved' : 'profile.rejected',
        title: status === 'approved' ? 'Your profile is approved' : 'Your profile was not approved',
        body: advice ? `${reason} ${advice}` : reason,
        data: { status, reason, ...(advice ? { advice } : {}) },
      },
      tem,
    );
  }

  private view(p: FreelancerProfile, verifiedSkills: number) {
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
