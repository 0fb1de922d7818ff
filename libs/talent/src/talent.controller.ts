import { Body, Controller, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { parseId } from '@vetting/core';
import { CurrentUser, Public, Roles, User } from '@vetting/identity';
import { ELIGIBLE_CATEGORIES, OTHER_CATEGORIES } from './categories';
import { ApplyDto, CreateInvitationDto, OpenWindowDto } from './talent.dto';
import { TalentService } from './talent.service';

@ApiTags('vetting')
@ApiBearerAuth()
@Controller()
export class TalentController {
  constructor(private readonly talent: TalentService) {}

  @Public()
  @Get('categories')
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
  invite(@CurrentUser() admin: User, @Body() dto: CreateInvitationDto) {
    return this.talent.invite(admin.id, dto);
  }

  @Roles('freelancer')
  @Get('vetting/invitations')
  async mine(@CurrentUser() user: User) {
    return { invitations: await this.talent.invitationsOf(user.id) };
  }

  @Roles('admin')
  @Post('vetting/application-windows')
  openWindow(@CurrentUser() admin: User, @Body() dto: OpenWindowDto) {
    return this.talent.openWindow(admin.id, dto);
  }

  @Roles('admin')
  @Post('vetting/application-windows/:id/close')
  @HttpCode(200)
  closeWindow(@Param('id', parseId()) id: string) {
    return this.talent.closeWindow(id);
  }

  @Get('vetting/application-windows')
  async windows() {
    return { windows: await this.talent.openWindows() };
  }

  @Roles('freelancer')
  @Post('vetting/applications')
  apply(@CurrentUser() user: User, @Body() dto: ApplyDto) {
    return this.talent.apply(user.id, { program: dto.program ?? 'expert-vetted', categorySlug: dto.categorySlug });
  }

  @Roles('freelancer')
  @Get('vetting/eligibility')
  eligibility(@CurrentUser() user: User) {
    return this.talent.eligibility(user.id);
  }
}
