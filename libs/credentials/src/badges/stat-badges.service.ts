import { Injectable } from '@nestjs/common';
import { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import { DateTime } from 'luxon';
import { AppConfig, Clock, withContext } from '@vetting/core';
import { NotificationsService, NotifyInput } from '@vetting/notifications';
import { BADGE_LABELS, BadgeKind, BadgeThreshold, StatBadge, statBadgesEarned } from '../domain/credentials.rules';
import { badgeNotFound } from '../domain/credentials.errors';
import { BadgesRepository } from '../data/badges.repository';

const STAT_BADGES: readonly StatBadge[] = ['rising_talent', 'top_rated', 'top_rated_plus'];
const utc = (d: Date) => DateTime.fromJSDate(d, { zone: 'utc' });

/** Rising Talent, Top Rated and Top Rated Plus (earned from statistics), and an admin's revocation of any badge. */
@Injectable()
export class StatBadgesService {
  constructor(
    private readonly orm: MikroORM,
    private readonly clock: Clock,
    private readonly config: AppConfig,
    private readonly notifications: NotificationsService,
    private readonly badges: BadgesRepository,
  ) {}

  private get thresholds(): Record<StatBadge, BadgeThreshold> {
    const e = this.config.env;
    return {
      rising_talent: {
        minJobSuccess: e.BADGE_RISING_TALENT_MIN_JSS,
        minEarnings12m: e.BADGE_RISING_TALENT_MIN_EARNINGS,
        minAccountAge: e.BADGE_RISING_TALENT_MIN_AGE,
      },
      top_rated: {
        minJobSuccess: e.BADGE_TOP_RATED_MIN_JSS,
        minEarnings12m: e.BADGE_TOP_RATED_MIN_EARNINGS,
        minAccountAge: e.BADGE_TOP_RATED_MIN_AGE,
      },
      top_rated_plus: {
        minJobSuccess: e.BADGE_TOP_RATED_PLUS_MIN_JSS,
        minEarnings12m: e.BADGE_TOP_RATED_PLUS_MIN_EARNINGS,
        minAccountAge: e.BADGE_TOP_RATED_PLUS_MIN_AGE,
      },
    };
  }

  /** Grants the statistics badges whose criteria hold and revokes those that lapsed (repeatable job). */
  async evaluate(only?: string[]): Promise<{ granted: number; revoked: number }> {
    // Awards, revocations and their notifications commit together (notifications keyed by badge: once each).
    return withContext(this.orm, (ctx) =>
      ctx.transactional(async (tem) => {
        const em = tem as EntityManager;
        const notes: NotifyInput[] = [];
        const now = this.clock.now();
        const lapsed: string[] = [];
        let granted = 0;
        // One set-based read: every profile with its account's age and the statistics badges held.
        for (const f of await this.badges.statBadgeFacts(em, STAT_BADGES, only)) {
          const stats = {
            jobSuccessScore: f.jobSuccessScore,
            earnings12m: f.earnings12m,
            accountCreatedAt: utc(f.accountCreatedAt),
            approved: f.approvalStatus === 'approved',
          };
          const earned = new Set(statBadgesEarned(stats, this.thresholds, now));
          for (const b of f.active) {
            if (earned.has(b.kind as StatBadge)) continue;
            lapsed.push(b.id);
            notes.push({
              userId: f.freelancerId,
              type: 'badge.revoked',
              title: `${BADGE_LABELS[b.kind as BadgeKind]} badge removed`,
              body: 'Its criteria are no longer met.',
              data: { badge: b.kind },
              dedupeKey: `badge.revoked:${b.id}`,
            });
          }
          for (const kind of earned) {
            // Held already, or revoked by an admin: an admin's revocation is not undone by the statistics.
            if (f.active.some((b) => b.kind === kind) || f.revokedByAdmin.includes(kind)) continue;
            const evidence = { jobSuccessScore: f.jobSuccessScore, earnings12m: f.earnings12m };
            const badge = this.badges.add(em, f.freelancerId, kind, now.toJSDate(), evidence);
            granted++;
            notes.push({
              userId: f.freelancerId,
              type: 'badge.awarded',
              title: `You earned ${BADGE_LABELS[kind]}`,
              body: 'Congratulations!',
              data: { badge: kind },
              dedupeKey: `badge.awarded:${badge.id}`,
            });
          }
        }
        await this.badges.revokeMany(em, lapsed, now.toJSDate(), 'criteria no longer met');
        await em.flush();
        await this.notifications.notifyMany(notes, em);
        return { granted, revoked: lapsed.length };
      }),
    );
  }

  /**
   * An admin's revocation of an active badge, with its notification, in one transaction. It sticks: the statistics
   * re-evaluation does not grant that kind back to this freelancer (nor the Expert-Vetted sweep, see ExpertVettedService).
   */
  async revoke(admin: { id: string }, freelancerId: string, kind: BadgeKind, reason: string) {
    await withContext(this.orm, (ctx) =>
      ctx.transactional(async (tem) => {
        const now = this.clock.now().toJSDate();
        const id = await this.badges.revoke(tem as EntityManager, freelancerId, kind, now, reason, admin.id);
        if (!id) throw badgeNotFound({ freelancerId, kind });
        const note = {
          userId: freelancerId,
          type: 'badge.revoked',
          title: `${BADGE_LABELS[kind]} badge removed`,
          body: reason,
          data: { badge: kind, reason },
          dedupeKey: `badge.revoked:${id}`,
        };
        await this.notifications.notify(note, tem as EntityManager);
      }),
    );
    return { freelancerId, kind, revoked: true, reason };
  }
}
