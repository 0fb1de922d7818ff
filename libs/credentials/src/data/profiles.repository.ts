import { Injectable } from '@nestjs/common';
import { EntityManager, LockMode } from '@mikro-orm/postgresql';
import { ApprovalStatus, CategorySupplyLimit, FreelancerProfile, ProfileReview } from './credentials.entities';

export type ProfileReviewRow = Omit<ProfileReview, 'id'>;

/** Freelancer profiles, their approval history and the categories' supply limits. */
@Injectable()
export class ProfilesRepository {
  find(em: EntityManager, userId: string): Promise<FreelancerProfile | null> {
    return em.findOne(FreelancerProfile, { userId });
  }

  /** The profile, its row locked until the transaction ends (a decision on it is taken once). */
  findForDecision(tem: EntityManager, userId: string): Promise<FreelancerProfile | null> {
    return tem.findOne(FreelancerProfile, { userId }, { lockMode: LockMode.PESSIMISTIC_WRITE, refresh: true });
  }

  /** The profile, or a new draft (persisted with the next flush) when the freelancer has none yet. */
  async findOrDraft(em: EntityManager, userId: string, now: Date): Promise<FreelancerProfile> {
    return (
      (await em.findOne(FreelancerProfile, { userId })) ??
      em.create(FreelancerProfile, {
        userId,
        title: '',
        overview: '',
        categorySlugs: [],
        skills: [],
        portfolioLinks: [],
        earnings12m: 0,
        approvalStatus: 'draft',
        updatedAt: now,
      })
    );
  }

  findMany(em: EntityManager, userIds: string[]): Promise<FreelancerProfile[]> {
    return em.find(FreelancerProfile, { userId: { $in: userIds } });
  }

  /** Ids of the profiles in a status, or (`not`) in any other status. */
  async idsByStatus(em: EntityManager, status: ApprovalStatus, not = false): Promise<string[]> {
    const approvalStatus = not ? { $ne: status } : status;
    const rows = await em.find(FreelancerProfile, { approvalStatus }, { fields: ['userId'] });
    return rows.map((p) => p.userId);
  }

  /** Approved freelancers listing a category (the supply side of the oversupply rule). */
  async approvedIn(em: EntityManager, categorySlug: string): Promise<number> {
    const rows = await em.execute<{ n: string }[]>(
      `select count(*) as n from freelancer_profiles where approval_status = 'approved' and category_slugs @> ?::jsonb`,
      [JSON.stringify([categorySlug])],
    );
    return Number(rows[0].n);
  }

  async save(em: EntityManager, profile: FreelancerProfile): Promise<void> {
    await em.persistAndFlush(profile);
  }

  /** A review row, persisted with the next flush. */
  addReview(em: EntityManager, review: ProfileReviewRow): void {
    em.persist(em.create(ProfileReview, review));
  }

  reviews(em: EntityManager, userId: string): Promise<ProfileReview[]> {
    return em.find(ProfileReview, { userId }, { orderBy: { at: 'asc' } });
  }

  supplyLimit(em: EntityManager, categorySlug: string): Promise<CategorySupplyLimit | null> {
    return em.findOne(CategorySupplyLimit, { categorySlug });
  }

  supplyLimits(em: EntityManager): Promise<CategorySupplyLimit[]> {
    return em.find(CategorySupplyLimit, {}, { orderBy: { categorySlug: 'asc' } });
  }

  async setSupplyLimit(
    em: EntityManager,
    categorySlug: string,
    openJobs: number,
    maxFreelancersPerJob: number,
    now: Date,
  ): Promise<void> {
    const row =
      (await em.findOne(CategorySupplyLimit, { categorySlug })) ??
      em.create(CategorySupplyLimit, { categorySlug, openJobs, maxFreelancersPerJob, updatedAt: now });
    row.openJobs = openJobs;
    row.maxFreelancersPerJob = maxFreelancersPerJob;
    row.updatedAt = now;
    await em.persistAndFlush(row);
  }
}
