import { Body, Controller, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiErrors, parseId } from '@vetting/core';
import { CurrentUser, Public, Roles, User } from '@vetting/identity';
import { ELIGIBLE_CATEGORIES, OTHER_CATEGORIES } from '../domain/categories';
import { ApplicationWindowsService } from '../application-windows/application-windows.service';
import { TalentService } from '../invitations/talent.service';
import { ApplyDto, CreateInvitationDto, OpenWindowDto } from './talent.dto';
import {
  ApplicationWindowList,
  ApplicationWindowView,
  CategoryList,
  EligibilityView,
  InvitationList,
  InvitationView,
} from './talent.responses';

@ApiTags('vetting')
@ApiBearerAuth()
@Controller()
export class TalentController {
  constructor(
    private readonly talent: TalentService,
    private readonly applicationWindows: ApplicationWindowsService,
  ) {}

  @Public()
  @Get('categories')
  @ApiOperation({ operationId: 'listCategories', summary: 'Categories, and which are eligible for Expert-Vetted' })
  @ApiOkResponse({ type: CategoryList })
  @ApiErrors(500)
  categories() {
    return {
      categories: [
        ...ELIGIBLE_CATEGORIES.map((c) => ({ ...c, expertVettedEligible: true })),
        ...OTHER_CATEGORIES.map((c) => ({ ...c, expertVettedEligible: false })),
      ],
    };
  }

  @Roles('admin')
  @Post('vetting/invitations')
  @ApiOperation({
    operationId: 'inviteFreelancer',
    summary: 'Invite a freelancer to a vetting program in an eligible category',
  })
  @ApiCreatedResponse({ type: InvitationView })
  @ApiErrors(
    400,
    401,
    403,
    [404, 'NOT_FOUND: no such freelancer'],
    [409, 'INVITATION_EXISTS'],
    [422, 'CATEGORY_NOT_ELIGIBLE'],
  )
  invite(@CurrentUser() admin: User, @Body() dto: CreateInvitationDto) {
    return this.talent.invite(admin.id, dto);
  }

  @Roles('freelancer')
  @Get('vetting/invitations')
  @ApiOperation({ operationId: 'listMyInvitations', summary: 'The caller’s invitations, newest first' })
  @ApiOkResponse({ type: InvitationList })
  @ApiErrors(401, 403)
  async mine(@CurrentUser() user: User) {
    return { invitations: await this.talent.invitationsOf(user.id) };
  }

  @Roles('admin')
  @Post('vetting/application-windows')
  @ApiOperation({ operationId: 'openApplicationWindow', summary: 'Open applications for a category until closesAt' })
  @ApiCreatedResponse({ type: ApplicationWindowView })
  @ApiErrors(400, 401, 403, [422, 'CATEGORY_NOT_ELIGIBLE'])
  openWindow(@CurrentUser() admin: User, @Body() dto: OpenWindowDto) {
    return this.applicationWindows.openWindow(admin.id, dto);
  }

  @Roles('admin')
  @Post('vetting/application-windows/:id/close')
  @HttpCode(200)
  @ApiOperation({ operationId: 'closeApplicationWindow', summary: 'Close an application window now' })
  @ApiOkResponse({ type: ApplicationWindowView })
  @ApiErrors(401, 403, 404)
  closeWindow(@Param('id', parseId()) id: string) {
    return this.applicationWindows.closeWindow(id);
  }

  @Get('vetting/application-windows')
  @ApiOperation({ operationId: 'listOpenApplicationWindows', summary: 'Application windows open now' })
  @ApiOkResponse({ type: ApplicationWindowList })
  @ApiErrors(401)
  async windows() {
    return { windows: await this.applicationWindows.openWindows() };
  }

  @Roles('freelancer')
  @Post('vetting/applications')
  @ApiOperation({
    operationId: 'applyToProgram',
    summary: 'Apply while a window is open (creates an invitation of source "application")',
  })
  @ApiCreatedResponse({ type: InvitationView })
  @ApiErrors(
    400,
    401,
    [403, 'FORBIDDEN, NOT_INVITED (no window open)'],
    [409, 'INVITATION_EXISTS'],
    [422, 'CATEGORY_NOT_ELIGIBLE'],
  )
  apply(@CurrentUser() user: User, @Body() dto: ApplyDto) {
    return this.talent.apply(user.id, { program: dto.program ?? 'expert-vetted', categorySlug: dto.categorySlug });
  }

  @Roles('freelancer')
  @Get('vetting/eligibility')
  @ApiOperation({ operationId: 'getEligibility', summary: 'Whether the caller may book a vetting call, and why not' })
  @ApiOkResponse({ type: EligibilityView })
  @ApiErrors(401, 403)
  eligibility(@CurrentUser() user: User) {
    return this.talent.eligibility(user.id);
  }
}
