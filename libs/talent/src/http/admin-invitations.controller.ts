import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiErrors } from '@vetting/core';
import { Roles } from '@vetting/identity';
import { InvitationDirectory } from '../invitations/invitation-directory.service';
import { InvitationListQuery } from './talent.dto';
import { InvitationList } from './talent.responses';

@ApiTags('vetting')
@ApiBearerAuth()
@Controller('admin/invitations')
export class AdminInvitationsController {
  constructor(private readonly directory: InvitationDirectory) {}

  @Roles('admin')
  @Get()
  @ApiOperation({
    operationId: 'listInvitations',
    summary: 'All invitations, newest first (at most 500), by status, category or freelancer',
  })
  @ApiOkResponse({ type: InvitationList })
  @ApiErrors(400, 401, 403)
  list(@Query() query: InvitationListQuery) {
    return this.directory.list(query);
  }
}
