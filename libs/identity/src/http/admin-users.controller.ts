import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiErrors } from '@vetting/core';
import { UserDirectory } from '../accounts/user-directory.service';
import { Roles } from '../sessions/auth.decorators';
import { UserListQuery } from './identity.dto';
import { UserList } from './identity.responses';

@ApiTags('identity')
@ApiBearerAuth()
@Controller('admin/users')
export class AdminUsersController {
  constructor(private readonly directory: UserDirectory) {}

  @Roles('admin')
  @Get()
  @ApiOperation({
    operationId: 'listUsers',
    summary: 'Accounts, optionally by role (staff: talent_manager, proctor, admin) or search',
  })
  @ApiOkResponse({ type: UserList })
  @ApiErrors(400, 401, 403)
  list(@Query() query: UserListQuery) {
    return this.directory.list(query);
  }
}
