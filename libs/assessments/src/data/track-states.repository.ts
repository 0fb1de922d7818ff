import { Injectable } from '@nestjs/common';
import { EntityManager } from '@mikro-orm/postgresql';
import { TrackState } from './attempt.entities';

/** The `track_states` table: an admin's open/closed state of a track, over the catalog's default. */
@Injectable()
export class TrackStatesRepository {
  all(em: EntityManager): Promise<TrackState[]> {
    return em.find(TrackState, {});
  }

  /** Sets a track's state (one row per track; idempotent). */
  async upsert(em: EntityManager, slug: string, status: TrackState['status'], changedAt: Date, changedBy: string) {
    await em.execute(
      `insert into track_states (slug, status, changed_at, changed_by) values (?, ?, ?, ?)
       on conflict (slug) do update
         set status = excluded.status, changed_at = excluded.changed_at, changed_by = excluded.changed_by`,
      [slug, status, changedAt, changedBy],
    );
  }
}
