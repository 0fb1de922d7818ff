import { Injectable } from '@nestjs/common';
import { EntityManager } from '@mikro-orm/postgresql';
import { Certification, VerifiedSkill } from './credentials.entities';

export interface VerifiedSkillRow {
  freelancerId: string;
  skill: string;
  assessmentSlug: string;
  attemptId: string;
  score: number;
  band: string | null;
  normGroupSize: number;
  at: Date;
}

export interface CertificationPart {
  assessmentSlug: string;
  attemptId: string;
  passedAt: string;
}

/** Verified skills and certifications. */
@Injectable()
export class VerifiedSkillsRepository {
  /** One verified skill per freelancer and skill: a later pass replaces the earlier one. */
  async upsert(em: EntityManager, s: VerifiedSkillRow): Promise<void> {
    await em.execute(
      `insert into verified_skills (id, freelancer_id, skill, assessment_slug, attempt_id, score, band, norm_group_size,
         band_computed_at, verified_at)
       values (gen_random_uuid(), ?, ?, ?, ?, ?, ?, ?, ?, ?)
       on conflict (freelancer_id, skill) do update set assessment_slug = excluded.assessment_slug,
         attempt_id = excluded.attempt_id, score = excluded.score, band = excluded.band,
         norm_group_size = excluded.norm_group_size, band_computed_at = excluded.band_computed_at,
         verified_at = excluded.verified_at`,
      [s.freelancerId, s.skill, s.assessmentSlug, s.attemptId, s.score, s.band, s.normGroupSize, s.at, s.at],
    );
  }

  all(em: EntityManager): Promise<VerifiedSkill[]> {
    return em.find(VerifiedSkill, {});
  }

  of(em: EntityManager, freelancerId: string): Promise<VerifiedSkill[]> {
    return em.find(VerifiedSkill, { freelancerId }, { orderBy: { skill: 'asc' } });
  }

  count(em: EntityManager, freelancerId: string): Promise<number> {
    return em.count(VerifiedSkill, { freelancerId });
  }

  async hasCertification(em: EntityManager, freelancerId: string, trackSlug: string): Promise<boolean> {
    return (await em.count(Certification, { freelancerId, trackSlug })) > 0;
  }

  /** Awards a track once (a concurrent award does nothing): the new certification's id, or null. */
  async award(
    em: EntityManager,
    freelancerId: string,
    trackSlug: string,
    parts: CertificationPart[],
    at: Date,
  ): Promise<string | null> {
    const rows = await em.execute<{ id: string }[]>(
      `insert into certifications (id, freelancer_id, track_slug, parts, awarded_at)
       values (gen_random_uuid(), ?, ?, ?::jsonb, ?)
       on conflict (freelancer_id, track_slug) do nothing returning id`,
      [freelancerId, trackSlug, JSON.stringify(parts), at],
    );
    return rows[0]?.id ?? null;
  }

  certificationsOf(em: EntityManager, freelancerId: string): Promise<Certification[]> {
    return em.find(Certification, { freelancerId }, { orderBy: { awardedAt: 'asc' } });
  }
}
