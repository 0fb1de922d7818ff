import { Injectable } from '@nestjs/common';
import { RequiredEntityData } from '@mikro-orm/core';
import { EntityManager, UniqueConstraintViolationException } from '@mikro-orm/postgresql';
import { TrackInvitation } from './attempt.entities';

/** The `track_invitations` table: freelancers invited to certification tracks. */
@Injectable()
export class TrackInvitationsRepository {
  /** Stores an invitation; null when the freelancer is already invited to the track (after clearing `em`). */
  async insert(em: EntityManager, fields: RequiredEntityData<TrackInvitation>): Promise<TrackInvitation | null> {
    const inv = em.create(TrackInvitation, fields);
    try {
      await em.persistAndFlush(inv);
    } catch (err) {
      if (err instanceof UniqueConstraintViolationException) {
        em.clear();
        return null;
      }
      throw err;
    }
    return inv;
  }

  /** Whether the freelancer is invited to any of these tracks. */
  async invitedToAny(em: EntityManager, freelancerId: string, trackSlugs: string[]): Promise<boolean> {
    if (trackSlugs.length === 0) return false;
    return (await em.count(TrackInvitation, { freelancerId, trackSlug: { $in: trackSlugs } })) > 0;
  }
}
