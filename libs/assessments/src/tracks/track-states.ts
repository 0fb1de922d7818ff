import { Injectable } from '@nestjs/common';
import { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import { Clock, withContext } from '@vetting/core';
import { AssessmentCatalog } from '../catalog/assessment-catalog';
import { Track } from '../catalog/catalog.schema';
import { TrackStatesRepository } from '../data/track-states.repository';
import { trackNotFound } from '../domain/assessments.errors';

export type TrackStatus = Track['status'];

/** A track's status: the admin's stored state when there is one, else the catalog's default. */
export const effectiveTrackStatus = (track: Track, stored: TrackStatus | null | undefined): TrackStatus =>
  stored ?? track.status;

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
    private readonly states: TrackStatesRepository,
  ) {}

  /** Every track of the catalog with its effective status. */
  async all(em?: EntityManager): Promise<Track[]> {
    const rows = await (em ? this.states.all(em) : withContext(this.orm, (e) => this.states.all(e)));
    const stored = new Map(rows.map((r) => [r.slug, r.status]));
    return [...this.catalog.tracks.values()].map((t) => ({
      ...t,
      status: effectiveTrackStatus(t, stored.get(t.slug)),
    }));
  }

  /** The tracks that use a test, with their effective status (read in the caller's transaction when given). */
  async using(assessmentSlug: string, em?: EntityManager): Promise<Track[]> {
    return (await this.all(em)).filter((t) => t.assessments.includes(assessmentSlug));
  }

  /** Closes (legacy) or reopens (active) a track; idempotent. 404 for a slug the catalog does not know. */
  async set(slug: string, status: TrackStatus, adminId: string) {
    const track = this.catalog.tracks.get(slug);
    if (!track) throw trackNotFound({ slug });
    const now = this.clock.now().toJSDate();
    await withContext(this.orm, (em) => this.states.upsert(em, slug, status, now, adminId));
    return { slug, status, catalogStatus: track.status, changedAt: now.toISOString(), changedBy: adminId };
  }
}
