import { Injectable } from '@nestjs/common';
import { EntityManager } from '@mikro-orm/postgresql';
import { AppConfig } from '@vetting/core';
import { TrackStates } from '@vetting/assessments';
import { User } from '@vetting/identity';
import { BADGE_LABELS, BadgeKind, Viewer, visibleBadge } from '../domain/credentials.rules';
import { freelancerNotFound } from '../domain/credentials.errors';
import { BadgesRepository } from '../data/badges.repository';
import { ProfilesRepository } from '../data/profiles.repository';
import { VerifiedSkillsRepository } from '../data/verified-skills.repository';
import { VettingFactsRepository } from '../data/vetting-facts.repository';

/** A freelancer's profile as a viewer may see it. */
@Injectable()
export class PublicProfileService {
  constructor(
    private readonly em: EntityManager,
    private readonly config: AppConfig,
    private readonly trackStates: TrackStates,
    private readonly profiles: ProfilesRepository,
    private readonly skills: VerifiedSkillsRepository,
    private readonly badges: BadgesRepository,
    private readonly facts: VettingFactsRepository,
  ) {}

  /** The profile as the caller may see it: one badge chosen by the viewer's plan; skills and certifications for all. */
  async publicProfile(viewer: User, freelancerId: string) {
    const user = await this.facts.user(this.em, freelancerId);
    if (!user || user.role !== 'freelancer') throw freelancerNotFound(freelancerId);
    const [profile, skills, certs, badges, tracks] = await Promise.all([
      this.profiles.find(this.em, freelancerId),
      this.skills.of(this.em, freelancerId),
      this.skills.certificationsOf(this.em, freelancerId),
      this.badges.active(this.em, freelancerId),
      this.trackStates.all(),
    ]);
    const trackBySlug = new Map(tracks.map((t) => [t.slug, t]));
    const v: Viewer = { role: viewer.role, plan: viewer.plan ?? null, isOwner: viewer.id === freelancerId };
    const privileged = v.isOwner || viewer.role === 'admin';
    const normWindow = this.config.env.GRADING_NORM_WINDOW.toISO();
    const badge = visibleBadge(
      badges.map((b) => b.kind as BadgeKind),
      v,
    );
    return {
      id: user.id,
      name: user.name,
      timeZone: user.timeZone,
      title: profile?.title ?? '',
      overview: profile?.overview ?? '',
      categorySlugs: profile?.categorySlugs ?? [],
      skills: (profile?.skills ?? []).map((name) => {
        const verified = skills.find((s) => s.skill.toLowerCase() === name.toLowerCase());
        return { name, verified: Boolean(verified) };
      }),
      verifiedSkills: skills.map((s) => ({
        skill: s.skill,
        verified: true,
        test: s.assessmentSlug,
        score: privileged ? s.score : undefined,
        band: s.band ?? null,
        normGroup: { test: s.assessmentSlug, size: s.normGroupSize, window: normWindow },
        verifiedAt: s.verifiedAt.toISOString(),
      })),
      certifications: certs.map((c) => {
        // A certification stays valid and listed whether its track is open or closed (legacy) today.
        const track = trackBySlug.get(c.trackSlug);
        return {
          trackSlug: c.trackSlug,
          title: track?.title ?? c.trackSlug,
          status: track?.status ?? 'legacy',
          awardedAt: c.awardedAt.toISOString(),
        };
      }),
      badge: badge ? { kind: badge, label: BADGE_LABELS[badge] } : null,
      ...(privileged
        ? {
            badgesHeld: badges.map((b) => ({
              kind: b.kind,
              label: BADGE_LABELS[b.kind as BadgeKind],
              grantedAt: b.grantedAt.toISOString(),
            })),
          }
        : {}),
      approvalStatus: privileged ? (profile?.approvalStatus ?? 'draft') : undefined,
    };
  }
}
