import { Injectable } from '@nestjs/common';
import { EntityManager } from '@mikro-orm/postgresql';
import { Clock } from '@vetting/core';
import { User } from '@vetting/identity';
import { AssessmentCatalog } from '../catalog/assessment-catalog';
import { TrackInvitationsRepository } from '../data/track-invitations.repository';
import { UsersRepository } from '../data/users.repository';
import { freelancerNotFound, invitationExists, trackNotFound } from '../domain/assessments.errors';

/** An admin invites a freelancer to a certification track (its invited-only tests open to them). */
@Injectable()
export class TrackInvitations {
  constructor(
    private readonly em: EntityManager,
    private readonly clock: Clock,
    private readonly catalog: AssessmentCatalog,
    private readonly invitations: TrackInvitationsRepository,
    private readonly users: UsersRepository,
  ) {}

  async invite(admin: User, trackSlug: string, freelancerId: string) {
    if (!this.catalog.tracks.has(trackSlug)) throw trackNotFound({ trackSlug });
    const freelancer = await this.users.findById(this.em, freelancerId);
    if (!freelancer || freelancer.role !== 'freelancer') throw freelancerNotFound(freelancerId);
    const inv = await this.invitations.insert(this.em, {
      freelancerId,
      trackSlug,
      invitedById: admin.id,
      createdAt: this.clock.now().toJSDate(),
    });
    if (!inv) throw invitationExists();
    return { id: inv.id, trackSlug, freelancerId, createdAt: inv.createdAt.toISOString() };
  }
}
