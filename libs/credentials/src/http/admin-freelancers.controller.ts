import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiErrors } from '@vetting/core';
import { Roles } from '@vetting/identity';
import { FreelancerDirectory } from '../admin/freelancer-directory';
import { FreelancerListQuery } from './credentials.dto';
import { CategorySupplyList, FreelancerList } from './credentials.responses';

@ApiTags('credentials')
@ApiBearerAuth()
@Controller('admin')
export class AdminFreelancersController {
  constructor(private readonly directory: FreelancerDirectory) {}

  @Roles('admin', 'talent_manager')
  @Get('freelancers')
  @ApiOperation({
    operationId: 'listFreelancers',
    summary: 'Freelancers with approval and identity state (profile reviews, identity verification, invitations)',
  })
  @ApiOkResponse({ type: FreelancerList })
  @ApiErrors(400, 401, 403)
  freelancers(@Query() query: FreelancerListQuery) {
    return this.directory.freelancers(query);
  }

  @Roles('admin')
  @Get('categories/supply')
  @ApiOperation({ operationId: 'listCategorySupply', summary: 'The categories’ supply limits' })
  @ApiOkResponse({ type: CategorySupplyList })
  @ApiErrors(401, 403)
  supply() {
    return this.directory.supplyLimits();
  }
}
