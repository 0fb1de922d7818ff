import { Body, Controller, Get, HttpCode, Param, Post, Put } from '@nestjs/common';
import { InjectQueue } from '@nestjs/bullmq';
import { ApiAcceptedResponse, ApiBearerAuth, ApiOkResponse, ApiOperation, ApiParam, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { Queue } from 'bullmq';
import { ArrayMaxSize, IsArray, IsIn, IsInt, IsNumber, IsOptional, IsString, IsUrl, Max, MaxLength, Min, MinLength, ValidateIf } from 'class-validator';
import { ApiErrors, CREDENTIALS_QUEUE, PG_INT_MAX, notFound, parseId } from '@vetting/core';
import { CurrentUser, Roles, User } from '@vetting/identity';
import { CredentialsService } from './credentials.service';
import { BADGES, BadgeKind } from './credentials.rules';
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

export class ProfileDto {
  @ApiProperty() @IsString() @MinLength(1) @MaxLength(200) title!: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(5000) overview?: string;
  @ApiProperty({ type: [String] }) @IsArray() @ArrayMaxSize(5) @IsString({ each: true }) categorySlugs!: string[];
  @ApiProperty({ type: [String] }) @IsArray() @ArrayMaxSize(50) @IsString({ each: true }) @MaxLength(100, { each: true }) skills!: string[];
  @ApiPropertyOptional({ type: [String], format: 'uri' }) @IsOptional() @IsArray() @ArrayMaxSize(20) @IsUrl({ require_protocol: true }, { each: true }) portfolioLinks?: string[];
}
export class StatsDto {
  @ApiProperty({ type: 'integer', nullable: true, minimum: 0, maximum: 100 }) @ValidateIf((_o, v) => v !== null) @IsInt() @Min(0) @Max(100) jobSuccessScore!: number | null;
  @ApiProperty({ minimum: 0 }) @IsNumber() @Min(0) earnings12m!: number;
}
export class SupplyDto {
  @ApiProperty({ type: 'integer', minimum: 0, maximum: PG_INT_MAX }) @IsInt() @Min(0) @Max(PG_INT_MAX) openJobs!: number;
  @ApiProperty({ minimum: 0.01 }) @IsNumber() @Min(0.01) maxFreelancersPerJob!: number;
}
export class ReviewDto {
  @ApiProperty({ enum: ['approved', 'rejected'] }) @IsIn(['approved', 'rejected']) decision!: 'approved' | 'rejected';
  @ApiProperty() @IsString() @MinLength(1) @MaxLength(2000) reason!: string;
}
export class RevokeDto {
  @ApiProperty() @IsString() @MinLength(1) @MaxLength(2000) reason!: string;
}

@ApiTags('credentials')
@ApiBearerAuth()
@ApiErrors(401)
@Controller()
export class CredentialsController {
  constructor(
    private readonly credentials: CredentialsService,
    @InjectQueue(CREDENTIALS_QUEUE) private readonly queue: Queue,
  ) {}

  @Roles('freelancer')
  @Get('freelancers/me/profile')
  @ApiOperation({ operationId: 'getMyProfile', summary: 'The caller’s profile and approval status' })
  @ApiOkResponse({ type: ProfileView })
  @ApiErrors(403)
  myProfile(@CurrentUser() user: User) {
    return this.credentials.myProfile(user);
  }

  @Roles('freelancer')
  @Put('freelancers/me/profile')
  @ApiOperation({ operationId: 'updateMyProfile', summary: 'Edit the profile (a rejected profile becomes a draft again)' })
  @ApiOkResponse({ type: ProfileView })
  @ApiErrors(400, 403)
  update(@CurrentUser() user: User, @Body() dto: ProfileDto) {
    return this.credentials.updateProfile(user, dto);
  }

  @Roles('freelancer')
  @Post('freelancers/me/profile/submit')
  @HttpCode(200)
  @ApiOperation({ operationId: 'submitMyProfile', summary: 'Submit the profile for approval' })
  @ApiOkResponse({ type: ProfileSubmission })
  @ApiErrors([400, 'PROFILE_INCOMPLETE'], 403, [409, 'PROFILE_ALREADY_APPROVED'])
  submit(@CurrentUser() user: User) {
    return this.credentials.submitProfile(user);
  }

  @Roles('freelancer')
  @Get('freelancers/me/profile/reviews')
  @ApiOperation({ operationId: 'listMyProfileReviews', summary: 'The caller’s approval history' })
  @ApiOkResponse({ type: ProfileReviewList })
  @ApiErrors(403)
  myReviews(@CurrentUser() user: User) {
    return this.credentials.reviews(user.id);
  }

  @Roles('freelancer')
  @Get('freelancers/me/expert-vetted')
  @ApiOperation({ operationId: 'getMyExpertVetted', summary: 'Whether the caller is Expert-Vetted, and which criteria are missing' })
  @ApiOkResponse({ type: ExpertVettedStatus })
  @ApiErrors(403)
  expertVetted(@CurrentUser() user: User) {
    return this.credentials.expertVettedStatus(user.id);
  }

  @Get('freelancers/:id')
  @ApiOperation({ operationId: 'getFreelancerProfile', summary: 'A freelancer’s public profile, badge as the caller may see it' })
  @ApiOkResponse({ type: FreelancerProfileView })
  @ApiErrors(404)
  profile(@CurrentUser() viewer: User, @Param('id', parseId()) id: string) {
    return this.credentials.publicProfile(viewer, id);
  }

  @Roles('admin', 'talent_manager')
  @Post('admin/freelancers/:id/identity-verification')
  @HttpCode(200)
  @ApiOperation({ operationId: 'verifyFreelancerIdentity', summary: 'Mark the freelancer’s identity verified' })
  @ApiOkResponse({ type: IdentityVerification })
  @ApiErrors(403, 404)
  verifyIdentity(@CurrentUser() staff: User, @Param('id', parseId()) id: string) {
    return this.credentials.verifyIdentity(staff, id);
  }

  @Roles('admin')
  @Put('admin/freelancers/:id/stats')
  @ApiOperation({ operationId: 'setFreelancerStats', summary: 'Set profile statistics (badges are re-evaluated)' })
  @ApiOkResponse({ type: FreelancerStats })
  @ApiErrors(400, 403, 404)
  stats(@Param('id', parseId()) id: string, @Body() dto: StatsDto) {
    return this.credentials.setStats(id, dto);
  }

  @Roles('admin')
  @Put('admin/categories/:slug/supply')
  @ApiOperation({ operationId: 'setCategorySupply', summary: 'Set a category’s supply limit' })
  @ApiOkResponse({ type: CategorySupply })
  @ApiErrors(400, 403, 404)
  supply(@Param('slug') slug: string, @Body() dto: SupplyDto) {
    return this.credentials.setSupply(slug, dto.openJobs, dto.maxFreelancersPerJob);
  }

  @Roles('admin')
  @Post('admin/profiles/:id/review')
  @HttpCode(200)
  @ApiOperation({ operationId: 'reviewProfile', summary: 'Approve or reject a profile pending review' })
  @ApiOkResponse({ type: ProfileReviewDecision })
  @ApiErrors(400, 403, 404, [409, 'PROFILE_NOT_PENDING'])
  review(@CurrentUser() reviewer: User, @Param('id', parseId()) id: string, @Body() dto: ReviewDto) {
    return this.credentials.humanReview(reviewer, id, dto.decision, dto.reason);
  }

  @Roles('admin')
  @Get('admin/profiles/:id/reviews')
  @ApiOperation({ operationId: 'listProfileReviews', summary: 'A freelancer’s approval history' })
  @ApiOkResponse({ type: ProfileReviewList })
  @ApiErrors(403, 404)
  reviews(@Param('id', parseId()) id: string) {
    return this.credentials.reviews(id);
  }

  @Roles('admin')
  @Post('admin/freelancers/:id/badges/:kind/revoke')
  @HttpCode(200)
  @ApiOperation({ operationId: 'revokeBadge', summary: 'Revoke a badge' })
  @ApiParam({ name: 'kind', enum: BADGES })
  @ApiOkResponse({ type: RevokedBadge })
  @ApiErrors(400, 403, 404)
  revoke(@Param('id', parseId()) id: string, @Param('kind') kind: string, @Body() dto: RevokeDto) {
    if (!(BADGES as readonly string[]).includes(kind)) throw notFound('Badge', { kind });
    return this.credentials.revokeBadge(id, kind as BadgeKind, dto.reason);
  }

  /** Runs the repeatable re-evaluations now (they also run on their schedule in the worker). */
  @Roles('admin')
  @Post('admin/jobs/:name')
  @HttpCode(202)
  @ApiOperation({ operationId: 'runCredentialsJob', summary: 'Run recompute-bands or evaluate-badges now' })
  @ApiParam({ name: 'name', enum: ['recompute-bands', 'evaluate-badges'] })
  @ApiAcceptedResponse({ type: QueuedJob })
  @ApiErrors(403)
  async runJob(@Param('name') name: string) {
    if (!['recompute-bands', 'evaluate-badges'].includes(name)) return { queued: false };
    const job = await this.queue.add(name, {}, { removeOnComplete: { age: 3600 } });
    return { queued: true, jobId: job.id };
  }
}
