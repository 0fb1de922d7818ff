import { Injectable } from '@nestjs/common';
import { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import { DateTime, Duration } from 'luxon';
import { AppConfig, Clock, withContext } from '@vetting/core';
import { Assessment, Attempt, TrackStates } from '@vetting/assessments';
import { NotifyInput } from '@vetting/notifications';
import { certificationDecision } from '../domain/credentials.rules';
import { percentileBand } from '../domain/grading.rules';
import { GradedAttemptsRepository } from '../data/graded-attempts.repository';
import { VerifiedSkillsRepository } from '../data/verified-skills.repository';

const utc = (d: Date) => DateTime.fromJSDate(d, { zone: 'utc' });

/** Results → credentials: verified skills on a pass, certification tracks, bands against today's norm groups. */
@Injectable()
export class VerifiedSkillsService {
  constructor(
    private readonly orm: MikroORM,
    private readonly clock: Clock,
    private readonly config: AppConfig,
    private readonly trackStates: TrackStates,
    private readonly skills: VerifiedSkillsRepository,
    private readonly attempts: GradedAttemptsRepository,
  ) {}

  /**
   * A pass verifies the test's skill and may complete a certification track. Runs inside the grading
   * transaction (`em`), so the attempt is never `graded` without them; answers the notifications owed.
   */
  async recordPass(
    em: EntityManager,
    attempt: Attempt,
    assessment: Assessment,
    score: number,
    band: string | null,
    normGroupSize: number,
    now: DateTime,
  ): Promise<NotifyInput[]> {
    const notes: NotifyInput[] = [];
    if (assessment.skill) {
      await this.skills.upsert(em, {
        freelancerId: attempt.freelancerId,
        skill: assessment.skill,
        assessmentSlug: assessment.slug,
        attemptId: attempt.id,
        score,
        band,
        normGroupSize,
        at: now.toJSDate(),
      });
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
      const passes = await this.attempts.passes(em, freelancerId, track.assessments);
      const existing = await this.skills.hasCertification(em, freelancerId, track.slug);
      const decision = certificationDecision(
        {
          slug: track.slug,
          assessments: track.assessments,
          validityWindow: Duration.fromISO(track.validityWindow),
          status: track.status,
        },
        passes.map((p) => ({ assessmentSlug: p.assessmentSlug, attemptId: p.id, passedAt: utc(p.gradedAt!) })),
        existing,
      );
      if (!decision.award) continue;
      const parts = decision.parts.map((p) => ({
        assessmentSlug: p.assessmentSlug,
        attemptId: p.attemptId,
        passedAt: p.passedAt.toISO()!,
      }));
      const award = await this.skills.award(em, freelancerId, track.slug, parts, this.clock.now().toJSDate());
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
      const skills = await this.skills.all(em);
      const groups = new Map<string, number[]>();
      let updated = 0;
      for (const s of skills) {
        if (!groups.has(s.assessmentSlug)) {
          groups.set(s.assessmentSlug, await this.attempts.normGroupScores(em, s.assessmentSlug, windowStart));
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
}
