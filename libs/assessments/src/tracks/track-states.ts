import { Injectable } from '@nestjs/common';
import { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import { Clock, notFound, withContext } from '@vetting/core';
import { TrackState } from '../data/attempt.entities';
import { AssessmentCatalog } from '../attempts/assessments.service';
import { Track } from '../catalog/catalog.schema';

export type TrackStatus = Track['status'];

/** A track's status: the admin's stored state when there is one, else the catalog's default. */
export const effectiveTrackStatus = (track: Track, stored: TrackStatus | null | undefined): TrackStatus => stored ?? track.status;

/**
 * Tracks closed to new awards ("legacy") or open ("active"), set by admins and stored over the catalog's
 * default, so closing a track needs no catalog edit or restart. Awards already made stay valid and visible.
 */
@Injectable()
export class TrackStates {
  constructor(
    private readonly orm: MikroORM,
    private readonly clock: Clock,
    private readonly catalog: AssessmentCatalog,
  ) {}

  /** Every track of the catalog with its effective status. */
  async all(em?: EntityManager): Promise<Track[]> {
    const rows = await (em ? em.find(TrackState, {}) : withContext(this.orm, (e) => e.find(TrackState, {})));
    const stored = new Map(rows.map((r) => [r.slug, r.status]));
    return [...this.catalog.tracks.values()].map((t) => ({ ...t, status: effectiveTrackStatus(t, stored.get(t.slug)) }));
  }

  /** The tracks that use a test, with their effective status (read in the caller's transaction when given). */
  async using(assessmentSlug: string, em?: EntityManager): Promise<Track[]> {
    return (await this.all(em)).filter((t) => t.assessments.includes(assessmentSlug));
  }

  /** Closes (legacy) or reopens (active) a track; idempotent. 404 for a slug the catalog does not know. */
  async set(slug: string, status: TrackStatus, adminId: string) {
    const track = this.catalog.tracks.get(slug);
    if (!track) throw notFound('Track', { slug });
    const now = this.clock.now().toJSDate();
    await withContext(this.orm, (em) =>
      em.execute(
        `insert into track_states (slug, status, changed_at, changed_by) values (?, ?, ?, ?)
         on conflict (slug) do update set status = excluded.status, changed_at = excluded.changed_at, changed_by = excluded.changed_by`,
        [slug, status, now, adminId],
      ),
    );
    return { slug, status, catalogStatus: track.status, changedAt: now.toISOString(), changedBy: adminId };
  }
}
