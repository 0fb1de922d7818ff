import { Body, Controller, Get, HttpCode, Param, Post, Put } from '@nestjs/common';
import { InjectQueue } from '@nestjs/bullmq';
import { ApiAcceptedResponse, ApiBearerAuth, ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { Queue } from 'bullmq';
import { ApiErrors, CREDENTIALS_QUEUE, notFound, parseId } from '@vetting/core';
import { CurrentUser, Roles, User } from '@vetting/identity';
import { BADGES, BadgeKind } from '../domain/credentials.rules';
import { badgeNotFound } from '../domain/credentials.errors';
import { ProfilesService } from '../profiles/profiles.service';
import { PublicProfileService } from '../profiles/public-profile.service';
import { ExpertVettedService } from '../badges/expert-vetted.service';
import { StatBadgesService } from '../badges/stat-badges.service';
import { FreelancerAdminService } from '../admin/freelancer-admin.service';
import { ProfileDto, ReviewDto, RevokeDto, StatsDto, SupplyDto } from './credentials.dto';
import {
  CategorySupply,
  ExpertVettedStatus,
  FreelancerProfileView,
  FreelancerStats,
  IdentityVerification,
  ProfileReviewDecision,
  ProfileReviewList,
  ProfileSubmission,
  ProfileView,
  QueuedJob,
  RevokedBadge,
} from './credentials.responses';

/** The repeatable re-evaluations an admin may run now. */
const CREDENTIALS_JOBS: string[] = ['recompute-bands', 'evaluate-badges'];

@ApiTags('credentials')
@ApiBearerAuth()
@ApiErrors(401)
@Controller()
export class CredentialsController {
  constructor(
    private readonly profiles: ProfilesService,
    private readonly publicProfiles: PublicProfileService,
    private readonly expertVettedBadge: ExpertVettedService,
    private readonly statBadges: StatBadgesService,
    private readonly admin: FreelancerAdminService,
    @InjectQueue(CREDENTIALS_QUEUE) private readonly queue: Queue,
  ) {}

  @Roles('freelancer')
  @Get('freelancers/me/profile')
  @ApiOperation({ operationId: 'getMyProfile', summary: 'The caller’s profile and approval status' })
  @ApiOkResponse({ type: ProfileView })
  @ApiErrors(403)
  myProfile(@CurrentUser() user: User) {
    return this.profiles.myProfile(user);
  }

  @Roles('freelancer')
  @Put('freelancers/me/profile')
  @ApiOperation({
    operationId: 'updateMyProfile',
    summary: 'Edit the profile (a rejected profile becomes a draft again)',
  })
  @ApiOkResponse({ type: ProfileView })
  @ApiErrors(400, 403)
  update(@CurrentUser() user: User, @Body() dto: ProfileDto) {
    return this.profiles.updateProfile(user, dto);
  }

  @Roles('freelancer')
  @Post('freelancers/me/profile/submit')
  @HttpCode(200)
  @ApiOperation({ operationId: 'submitMyProfile', summary: 'Submit the profile for approval' })
  @ApiOkResponse({ type: ProfileSubmission })
  @ApiErrors([400, 'PROFILE_INCOMPLETE'], 403, [409, 'PROFILE_ALREADY_APPROVED'])
  submit(@CurrentUser() user: User) {
    return this.profiles.submitProfile(user);
  }

  @Roles('freelancer')
  @Get('freelancers/me/profile/reviews')
  @ApiOperation({ operationId: 'listMyProfileReviews', summary: 'The caller’s approval history' })
  @ApiOkResponse({ type: ProfileReviewList })
  @ApiErrors(403)
  myReviews(@CurrentUser() user: User) {
    return this.profiles.reviews(user.id);
  }

  @Roles('freelancer')
  @Get('freelancers/me/expert-vetted')
  @ApiOperation({
    operationId: 'getMyExpertVetted',
    summary: 'Whether the caller is Expert-Vetted, and which criteria are missing',
  })
  @ApiOkResponse({ type: ExpertVettedStatus })
  @ApiErrors(403)
  expertVetted(@CurrentUser() user: User) {
    return this.expertVettedBadge.status(user.id);
  }

  @Get('freelancers/:id')
  @ApiOperation({
    operationId: 'getFreelancerProfile',
    summary: 'A freelancer’s public profile, badge as the caller may see it',
  })
  @ApiOkResponse({ type: FreelancerProfileView })
  @ApiErrors(404)
  profile(@CurrentUser() viewer: User, @Param('id', parseId()) id: string) {
    return this.publicProfiles.publicProfile(viewer, id);
  }

  @Roles('admin', 'talent_manager')
  @Post('admin/freelancers/:id/identity-verification')
  @HttpCode(200)
  @ApiOperation({ operationId: 'verifyFreelancerIdentity', summary: 'Mark the freelancer’s identity verified' })
  @ApiOkResponse({ type: IdentityVerification })
  @ApiErrors(403, 404)
  verifyIdentity(@CurrentUser() staff: User, @Param('id', parseId()) id: string) {
    return this.admin.verifyIdentity(staff, id);
  }

  @Roles('admin')
  @Put('admin/freelancers/:id/stats')
  @ApiOperation({ operationId: 'setFreelancerStats', summary: 'Set profile statistics (badges are re-evaluated)' })
  @ApiOkResponse({ type: FreelancerStats })
  @ApiErrors(400, 403, 404)
  stats(@Param('id', parseId()) id: string, @Body() dto: StatsDto) {
    return this.admin.setStats(id, dto);
  }

  @Roles('admin')
  @Put('admin/categories/:slug/supply')
  @ApiOperation({ operationId: 'setCategorySupply', summary: 'Set a category’s supply limit' })
  @ApiOkResponse({ type: CategorySupply })
  @ApiErrors(400, 403, 404)
  supply(@Param('slug') slug: string, @Body() dto: SupplyDto) {
    return this.admin.setSupply(slug, dto.openJobs, dto.maxFreelancersPerJob);
  }

  @Roles('admin')
  @Post('admin/profiles/:id/review')
  @HttpCode(200)
  @ApiOperation({ operationId: 'reviewProfile', summary: 'Approve or reject a profile pending review' })
  @ApiOkResponse({ type: ProfileReviewDecision })
  @ApiErrors(400, 403, 404, [409, 'PROFILE_NOT_PENDING'])
  review(@CurrentUser() reviewer: User, @Param('id', parseId()) id: string, @Body() dto: ReviewDto) {
    return this.profiles.humanReview(reviewer, id, dto.decision, dto.reason);
  }

  @Roles('admin')
  @Get('admin/profiles/:id/reviews')
  @ApiOperation({ operationId: 'listProfileReviews', summary: 'A freelancer’s approval history' })
  @ApiOkResponse({ type: ProfileReviewList })
  @ApiErrors(403, 404)
  reviews(@Param('id', parseId()) id: string) {
    return this.profiles.reviews(id);
  }

  @Roles('admin')
  @Post('admin/freelancers/:id/badges/:kind/revoke')
  @HttpCode(200)
  @ApiOperation({ operationId: 'revokeBadge', summary: 'Revoke a badge' })
  @ApiParam({ name: 'kind', enum: BADGES })
  @ApiOkResponse({ type: RevokedBadge })
  @ApiErrors(400, 403, 404)
  revoke(
    @CurrentUser() admin: User,
    @Param('id', parseId()) id: string,
    @Param('kind') kind: string,
    @Body() dto: RevokeDto,
  ) {
    if (!(BADGES as readonly string[]).includes(kind)) throw badgeNotFound({ kind });
    return this.statBadges.revoke(admin, id, kind as BadgeKind, dto.reason);
  }

  /** Runs the repeatable re-evaluations now (they also run on their schedule in the worker). */
  @Roles('admin')
  @Post('admin/jobs/:name')
  @HttpCode(202)
  @ApiOperation({ operationId: 'runCredentialsJob', summary: 'Run recompute-bands or evaluate-badges now' })
  @ApiParam({ name: 'name', enum: CREDENTIALS_JOBS })
  @ApiAcceptedResponse({ type: QueuedJob })
  @ApiErrors(403, 404)
  async runJob(@Param('name') name: string) {
    if (!CREDENTIALS_JOBS.includes(name)) throw notFound('Job', { name, known: CREDENTIALS_JOBS });
    const job = await this.queue.add(name, {}, { removeOnComplete: { age: 3600 } });
    return { queued: true, jobId: job.id };
  }
}
