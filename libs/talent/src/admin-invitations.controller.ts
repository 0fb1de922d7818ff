import { Controller, Get, Injectable, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { EntityManager } from '@mikro-orm/postgresql';
import { IsIn, IsOptional, IsString, IsUUID, MaxLength } from 'class-validator';
import { ApiErrors } from '@vetting/core';
import { Roles } from '@vetting/identity';
import { INVITATION_STATUSES, Invitation, InvitationStatus } from './talent.entities';
import { InvitationList } from './talent.responses';
import { toInvitationView } from './talent.service';

export class InvitationListQuery {
  @ApiPropertyOptional({ enum: INVITATION_STATUSES }) @IsOptional() @IsIn(INVITATION_STATUSES) status?: InvitationStatus;
  @ApiPropertyOptional({ example: 'writing' }) @IsOptional() @IsString() @MaxLength(100) categorySlug?: string;
  @ApiPropertyOptional({ format: 'uuid' }) @IsOptional() @IsUUID() freelancerId?: string;
}

/** Every invitation, for the admin pages. */
@Injectable()
export class InvitationDirectory {
  constructor(private readonly em: EntityManager) {}

  async list(query: InvitationListQuery) {
    const where: Record<string, unknown> = {};
    if (query.status) where.status = query.status;
    if (query.categorySlug) where.categorySlug = query.categorySlug;
    if (query.freelancerId) where.freelancerId = query.freelancerId;
    const list = await this.em.find(Invitation, where, { orderBy: { createdAt: 'desc', id: 'desc' }, limit: 500 });
    return { invitations: list.map(toInvitationView) };
  }
}

@ApiTags('vetting')
@ApiBearerAuth()
@Controller('admin/invitations')
export class AdminInvitationsController {
  constructor(private readonly directory: InvitationDirectory) {}

  @Roles('admin')
  @Get()
  @ApiOperation({ operationId: 'listInvitations', summary: 'All invitations, newest first (at most 500), by status, category or freelancer' })
  @ApiOkResponse({ type: InvitationList })
  @ApiErrors(400, 401, 403)
  list(@Query() query: InvitationListQuery) {
    return this.directory.list(query);
  }
}
