import { Injectable } from '@nestjs/common';
import { EntityManager } from '@mikro-orm/postgresql';
import { Duration } from 'luxon';
import { randomInt } from 'node:crypto';
import { AppConfig, Clock } from '@vetting/core';
import { User } from '@vetting/identity';
import { AssessmentCatalog } from '../catalog/assessment-catalog';
import { AttemptsRepository } from '../data/attempts.repository';
import { TrackInvitationsRepository } from '../data/track-invitations.repository';
import { attemptInProgress } from '../domain/assessments.errors';
import { assertCanStart, drawItems, hasLapsed, startByOf } from '../domain/attempt.rules';
import { AbandonAttempt } from './abandon-attempt';
import { AttemptJobs } from './attempt-jobs';
import { AttemptViews, dt } from './attempt-views';

const randomUnit = () => randomInt(0, 2 ** 32) / 2 ** 32;

/** A freelancer creates an attempt at a test: eligibility, the items drawn, the start-window job. */
@Injectable()
export class CreateAttempt {
  constructor(
    private readonly em: EntityManager,
    private readonly clock: Clock,
    private readonly config: AppConfig,
    private readonly catalog: AssessmentCatalog,
    private readonly attempts: AttemptsRepository,
    private readonly invitations: TrackInvitationsRepository,
    private readonly abandoning: AbandonAttempt,
    private readonly jobs: AttemptJobs,
    private readonly views: AttemptViews,
  ) {}

  /**
   * Draws the items and creates the attempt; the clock starts with `begin` (or the first join). The answer
   * shows the test's name, duration and item count and `startBy`, never an item. A created attempt of the
   * freelancer that has lapsed is abandoned first, so it does not block this one.
   */
  async start(freelancer: User, slug: string) {
    const assessment = this.catalog.get(slug);
    const now = this.clock.now();
    const window = this.config.env.ATTEMPT_START_WINDOW;
    const tracks = this.catalog.tracksUsing(slug).map((t) => t.slug);
    const invited = await this.invitations.invitedToAny(this.em, freelancer.id, tracks);
    let open = 0;
    for (const o of await this.attempts.openOf(this.em, freelancer.id)) {
      if (hasLapsed({ status: o.status, createdAt: dt(o.createdAt)! }, now, window)) {
        await this.abandoning.abandonCreated(o.id, 'start_window_passed');
      } else open++;
    }
    const last = await this.attempts.lastCountedEnd(this.em, freelancer.id, slug);
    assertCanStart(
      {
        access: assessment.access,
        invitedToTrack: invited,
        hasOpenAttempt: open > 0,
        lastEndedAt: dt(last?.endedAt),
        retakeCooldown: Duration.fromISO(assessment.retakeCooldown),
      },
      now,
    );
    const items = drawItems(
      assessment.pool.map((i) => i.id),
      assessment.draw,
      randomUnit,
    );
    const attempt = await this.attempts.insert(this.em, {
      assessmentSlug: slug,
      freelancerId: freelancer.id,
      status: 'created',
      itemIds: items,
      createdAt: now.toJSDate(),
      integrityPoints: 0,
      integrityTier: 'none',
    });
    if (!attempt) throw attemptInProgress();
    await this.jobs.queueStartWindow(attempt.id, startByOf(now, window), now);
    return this.views.view(attempt, assessment, []);
  }
}
