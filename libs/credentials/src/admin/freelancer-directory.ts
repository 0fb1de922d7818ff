import { Injectable } from '@nestjs/common';
import { EntityManager } from '@mikro-orm/postgresql';
import { ApprovalStatus } from '../data/credentials.entities';
import { ProfilesRepository } from '../data/profiles.repository';
import { VettingFactsRepository } from '../data/vetting-facts.repository';

export interface FreelancerFilter {
  approvalStatus?: ApprovalStatus;
  /** Part of the email or name, case-insensitive. */
  q?: string;
}

const likePattern = (q: string) => `%${q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

/** Reads for the admin pages: freelancers with their approval state, category supply limits. */
@Injectable()
export class FreelancerDirectory {
  constructor(
    private readonly em: EntityManager,
    private readonly profiles: ProfilesRepository,
    private readonly facts: VettingFactsRepository,
  ) {}

  async freelancers(query: FreelancerFilter) {
    const where: Record<string, unknown> = { role: 'freelancer' };
    if (query.q?.trim()) {
      const pattern = likePattern(query.q.trim());
      where.$or = [{ email: { $ilike: pattern } }, { name: { $ilike: pattern } }];
    }
    if (query.approvalStatus === 'draft') {
      // A freelancer without a profile row is a draft too.
      const others = await this.profiles.idsByStatus(this.em, 'draft', true);
      if (others.length) where.id = { $nin: others };
    } else if (query.approvalStatus) {
      const ids = await this.profiles.idsByStatus(this.em, query.approvalStatus);
      if (ids.length === 0) return { freelancers: [] };
      where.id = { $in: ids };
    }
    const users = await this.facts.users(this.em, where);
    const profiles = new Map(
      (
        await this.profiles.findMany(
          this.em,
          users.map((u) => u.id),
        )
      ).map((p) => [p.userId, p]),
    );
    return {
      freelancers: users.map((u) => {
        const p = profiles.get(u.id);
        return {
          id: u.id,
          email: u.email,
          name: u.name,
          timeZone: u.timeZone,
          createdAt: u.createdAt.toISOString(),
          title: p?.title ?? '',
          categorySlugs: p?.categorySlugs ?? [],
          approvalStatus: p?.approvalStatus ?? 'draft',
          approvalReason: p?.approvalReason ?? null,
          submittedAt: p?.submittedAt?.toISOString() ?? null,
          identityVerified: Boolean(p?.identityVerifiedAt),
        };
      }),
    };
  }

  async supplyLimits() {
    const rows = await this.profiles.supplyLimits(this.em);
    return {
      limits: rows.map((r) => ({
        categorySlug: r.categorySlug,
        openJobs: r.openJobs,
        maxFreelancersPerJob: r.maxFreelancersPerJob,
      })),
    };
  }
}
