import { Injectable } from '@nestjs/common';
import { toInvitationView } from '../data/talent.entities';
import { TalentRepository } from '../data/talent.repository';

/** Every invitation, for the admin pages. */
@Injectable()
export class InvitationDirectory {
  constructor(private readonly repository: TalentRepository) {}

  async list(query: { status?: string; categorySlug?: string; freelancerId?: string }) {
    const where: { status?: string; categorySlug?: string; freelancerId?: string } = {};
    if (query.status) where.status = query.status;
    if (query.categorySlug) where.categorySlug = query.categorySlug;
    if (query.freelancerId) where.freelancerId = query.freelancerId;
    const list = await this.repository.listInvitations(where);
    return { invitations: list.map(toInvitationView) };
  }
}
