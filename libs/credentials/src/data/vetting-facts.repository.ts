import { Injectable } from '@nestjs/common';
import { EntityManager } from '@mikro-orm/postgresql';
import { Scorecard, VettingCall } from '@vetting/calendar';
import { User } from '@vetting/identity';

/** Reads of other domains' tables that credentials decides on (read only). */
@Injectable()
export class VettingFactsRepository {
  // touches identity's users: a profile's owner (name, time zone, role, account age)
  user(em: EntityManager, id: string): Promise<User | null> {
    return em.findOne(User, { id });
  }

  // touches identity's users: the name a vetted-talent alert shows (the badge's foreign key guarantees the row)
  userOrFail(em: EntityManager, id: string): Promise<User> {
    return em.findOneOrFail(User, { id });
  }

  // touches identity's users: the admin pages' freelancer list (filtered by the caller, at most 500)
  users(em: EntityManager, where: Record<string, unknown>): Promise<User[]> {
    return em.find(User, where, { orderBy: { createdAt: 'asc', id: 'asc' }, limit: 500 });
  }

  // touches calendar's scorecards: the latest scorecard decides the Expert-Vetted criteria
  latestScorecard(em: EntityManager, freelancerId: string): Promise<Scorecard | null> {
    return em.findOne(Scorecard, { freelancerId }, { orderBy: { submittedAt: 'desc' } });
  }

  // touches calendar's scorecards: freelancers with a passing scorecard (the Expert-Vetted sweep's candidates)
  async passedScorecardHolders(em: EntityManager): Promise<string[]> {
    const cards = await em.find(Scorecard, { decision: 'pass' }, { fields: ['freelancerId'] });
    return [...new Set(cards.map((c) => c.freelancerId))];
  }

  // touches calendar's vetting_calls: the category a scorecard's call was for (the vetted-talent alert)
  call(em: EntityManager, id: string): Promise<VettingCall | null> {
    return em.findOne(VettingCall, { id });
  }

  // touches calendar's vetting_calls: whether a talent manager holds (or held) a call with the freelancer
  async managesCallsOf(em: EntityManager, talentManagerId: string, freelancerId: string): Promise<boolean> {
    return (await em.count(VettingCall, { freelancerId, talentManagerId })) > 0;
  }
}
