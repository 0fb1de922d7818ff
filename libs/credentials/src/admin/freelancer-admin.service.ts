import { Injectable } from '@nestjs/common';
import { EntityManager } from '@mikro-orm/postgresql';
import { Clock } from '@vetting/core';
import { User } from '@vetting/identity';
import { ALL_CATEGORY_SLUGS } from '@vetting/talent';
import { categoryNotFound, freelancerNotFound } from '../domain/credentials.errors';
import { ProfilesRepository } from '../data/profiles.repository';
import { VettingFactsRepository } from '../data/vetting-facts.repository';
import { ExpertVettedService } from '../badges/expert-vetted.service';
import { StatBadgesService } from '../badges/stat-badges.service';

/** Staff writes: category supply limits, a freelancer's statistics, identity verification. */
@Injectable()
export class FreelancerAdminService {
  constructor(
    private readonly em: EntityManager,
    private readonly clock: Clock,
    private readonly profiles: ProfilesRepository,
    private readonly facts: VettingFactsRepository,
    private readonly statBadges: StatBadgesService,
    private readonly expertVetted: ExpertVettedService,
  ) {}

  async setSupply(categorySlug: string, openJobs: number, maxFreelancersPerJob: number) {
    if (!ALL_CATEGORY_SLUGS.includes(categorySlug)) throw categoryNotFound(categorySlug);
    const now = this.clock.now().toJSDate();
    await this.profiles.setSupplyLimit(this.em, categorySlug, openJobs, maxFreelancersPerJob, now);
    return { categorySlug, openJobs, maxFreelancersPerJob };
  }

  async setStats(freelancerId: string, stats: { jobSuccessScore: number | null; earnings12m: number }) {
    await this.requireFreelancer(freelancerId);
    const p = await this.profiles.findOrDraft(this.em, freelancerId, this.clock.now().toJSDate());
    p.jobSuccessScore = stats.jobSuccessScore;
    p.earnings12m = stats.earnings12m;
    await this.profiles.save(this.em, p);
    await this.statBadges.evaluate([freelancerId]);
    return { freelancerId, ...stats };
  }

  /** An admin, or the talent manager of one of the freelancer's calls (any other freelancer: 404 NOT_FOUND). */
  async verifyIdentity(staff: User, freelancerId: string) {
    await this.requireFreelancer(freelancerId);
    if (staff.role !== 'admin' && !(await this.facts.managesCallsOf(this.em, staff.id, freelancerId))) {
      throw freelancerNotFound(freelancerId);
    }
    const p = await this.profiles.findOrDraft(this.em, freelancerId, this.clock.now().toJSDate());
    p.identityVerifiedAt ??= this.clock.now().toJSDate();
    p.identityVerifiedById ??= staff.id;
    await this.profiles.save(this.em, p);
    return {
      freelancerId,
      identityVerifiedAt: p.identityVerifiedAt.toISOString(),
      expertVetted: await this.expertVetted.evaluate(freelancerId),
    };
  }

  private async requireFreelancer(id: string): Promise<User> {
    const u = await this.facts.user(this.em, id);
    if (!u || u.role !== 'freelancer') throw freelancerNotFound(id);
    return u;
  }
}
