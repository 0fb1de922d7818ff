import { Injectable } from '@nestjs/common';
import { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import { DateTime } from 'luxon';
import { AppConfig, Clock, Outbox, withContext } from '@vetting/core';
import { NotificationsService, fanoutStartEffect } from '@vetting/notifications';
import { ExpertVettedPolicy, expertVettedDecision } from '../domain/credentials.rules';
import { BadgesRepository } from '../data/badges.repository';
import { ProfilesRepository } from '../data/profiles.repository';
import { VettingFactsRepository } from '../data/vetting-facts.repository';

const utc = (d: Date) => DateTime.fromJSDate(d, { zone: 'utc' });

/** The Expert-Vetted badge: its criteria, the read-only status, and the grants by events and the sweep. */
@Injectable()
export class ExpertVettedService {
  constructor(
    private readonly orm: MikroORM,
    private readonly clock: Clock,
    private readonly config: AppConfig,
    private readonly notifications: NotificationsService,
    private readonly outbox: Outbox,
    private readonly badges: BadgesRepository,
    private readonly profiles: ProfilesRepository,
    private readonly facts: VettingFactsRepository,
  ) {}

  private get policy(): ExpertVettedPolicy {
    const e = this.config.env;
    return {
      minHardSkillAverage: e.EXPERT_VETTED_MIN_HARD_AVG,
      minSoftSkill: e.EXPERT_VETTED_MIN_SOFT,
      profileFreshness: e.EXPERT_VETTED_PROFILE_FRESHNESS,
    };
  }

  /** The Expert-Vetted criteria as they stand now, and the badge held (reads only). */
  private async criteria(em: EntityManager, freelancerId: string, now: DateTime) {
    const card = await this.facts.latestScorecard(em, freelancerId);
    const profile = await this.profiles.find(em, freelancerId);
    const decision = expertVettedDecision(
      {
        scorecard: card ? { decision: card.decision, hardSkills: card.hardSkills, softSkills: card.softSkills } : null,
        identityVerified: Boolean(profile?.identityVerifiedAt),
        profileUpdatedAt: profile ? utc(profile.updatedAt) : null,
      },
      now,
      this.policy,
    );
    const [active] = await this.badges.active(em, freelancerId, 'expert_vetted');
    return { card, decision, active: active ?? null };
  }

  /**
   * The caller's Expert-Vetted status, read only (GET never writes): the badge held, whether every criterion
   * holds now, and which do not. The badge is granted by the events that change the criteria (scorecard,
   * identity verification, profile update) and by the re-evaluation job, never by this read.
   */
  async status(freelancerId: string) {
    return withContext(this.orm, async (em) => {
      const { decision, active } = await this.criteria(em, freelancerId, this.clock.now());
      return {
        expertVetted: Boolean(active),
        granted: false,
        criteriaMet: decision.grant,
        reasons: active ? [] : decision.reasons,
        hardSkillAverage: decision.hardSkillAverage,
      };
    });
  }

  /**
   * Grants Expert-Vetted when every criterion holds (idempotent); otherwise says which do not.
   * Only events and jobs call it.
   */
  async evaluate(freelancerId: string) {
    // The badge, its notification and the vetted-talent alert's fan-out commit together.
    return withContext(this.orm, (ctx) =>
      ctx.transactional(async (tem) => {
        const em = tem as EntityManager;
        const now = this.clock.now();
        const { card, decision, active } = await this.criteria(em, freelancerId, now);
        let granted: { id: string; categorySlug: string | null } | null = null;
        // An admin's revocation sticks until a new vetting: only a scorecard submitted after it may grant again
        // (a profile edit or identity check re-evaluates with the old scorecard and grants nothing).
        const revokedAt =
          decision.grant && !active ? await this.badges.lastRevokedByAdmin(em, freelancerId, 'expert_vetted') : null;
        const revocationHolds = revokedAt !== null && (!card || card.submittedAt <= revokedAt);
        if (decision.grant && !active && !revocationHolds) {
          const call = card ? await this.facts.call(em, card.callId) : null;
          const categorySlug = call?.categorySlug ?? null;
          const evidence = { callId: card?.callId, categorySlug, hardSkillAverage: decision.hardSkillAverage };
          const id = await this.badges.grantExpertVetted(em, freelancerId, now.toJSDate(), evidence);
          if (id) granted = { id, categorySlug };
        }
        if (granted) await this.announce(em, freelancerId, granted, now);
        return {
          expertVetted: (decision.grant && !revocationHolds) || Boolean(active),
          granted: Boolean(granted),
          criteriaMet: decision.grant,
          reasons: active ? [] : decision.reasons,
          hardSkillAverage: decision.hardSkillAverage,
        };
      }),
    );
  }

  /** A new grant's vetted-talent alert (outbox) and the freelancer's notification, in the grant's transaction. */
  private async announce(
    em: EntityManager,
    freelancerId: string,
    granted: { id: string; categorySlug: string | null },
    now: DateTime,
  ) {
    const user = await this.facts.userOrFail(em, freelancerId);
    if (granted.categorySlug) {
      const { categorySlug } = granted;
      const effect = { alertId: granted.id, freelancerId, freelancerName: user.name, categorySlug };
      await this.outbox.write(em, [fanoutStartEffect(effect)]);
    }
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

  /**
   * The re-evaluation job's part for Expert-Vetted: everyone with a passing scorecard who never held the badge
   * is evaluated again (a badge an admin revoked is not granted back by the sweep).
   */
  async evaluateAll(): Promise<{ evaluated: number; granted: number }> {
    const candidates = await withContext(this.orm, async (em) => {
      const ids = await this.facts.passedScorecardHolders(em);
      if (!ids.length) return [];
      const held = await this.badges.everHeld(em, ids, 'expert_vetted');
      return ids.filter((id) => !held.has(id));
    });
    let granted = 0;
    for (const id of candidates) if ((await this.evaluate(id)).granted) granted++;
    return { evaluated: candidates.length, granted };
  }
}
