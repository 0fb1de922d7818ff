import { Body, Controller, Get, HttpCode, Param, Post, Put } from '@nestjs/common';
import { InjectQueue } from '@nestjs/bullmq';
import { ApiBearerAuth, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { Queue } from 'bullmq';
import { ArrayMaxSize, IsArray, IsIn, IsInt, IsNumber, IsOptional, IsString, IsUrl, Max, MaxLength, Min, MinLength, ValidateIf } from 'class-validator';
import { CREDENTIALS_QUEUE, PG_INT_MAX, notFound, parseId } from '@vetting/core';
import { CurrentUser, Roles, User } from '@vetting/identity';
import { CredentialsService } from './credentials.service';
import { BADGES, BadgeKind } from './credentials.rules';

export class ProfileDto {
  @ApiProperty() @IsString() @MinLength(1) @MaxLength(200) title!: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(5000) overview?: string;
  @ApiProperty({ type: [String] }) @IsArray() @ArrayMaxSize(5) @IsString({ each: true }) categorySlugs!: string[];
  @ApiProperty({ type: [String] }) @IsArray() @ArrayMaxSize(50) @IsString({ each: true }) @MaxLength(100, { each: true }) skills!: string[];
  @ApiPropertyOptional({ type: [String] }) @IsOptional() @IsArray() @ArrayMaxSize(20) @IsUrl({ require_protocol: true }, { each: true }) portfolioLinks?: string[];
}
export class StatsDto {
  @ApiProperty({ nullable: true }) @ValidateIf((_o, v) => v !== null) @IsInt() @Min(0) @Max(100) jobSuccessScore!: number | null;
  @ApiProperty() @IsNumber() @Min(0) earnings12m!: number;
}
export class SupplyDto {
  @ApiProperty() @IsInt() @Min(0) @Max(PG_INT_MAX) openJobs!: number;
  @ApiProperty() @IsNumber() @Min(0.01) maxFreelancersPerJob!: number;
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
@Controller()
export class CredentialsController {
  constructor(
    private readonly credentials: CredentialsService,
    @InjectQueue(CREDENTIALS_QUEUE) private readonly queue: Queue,
  ) {}

  @Roles('freelancer')
  @Get('freelancers/me/profile')
  myProfile(@CurrentUser() user: User) {
    return this.credentials.myProfile(user);
  }

  @Roles('freelancer')
  @Put('freelancers/me/profile')
  update(@CurrentUser() user: User, @Body() dto: ProfileDto) {
    return this.credentials.updateProfile(user, dto);
  }

  @Roles('freelancer')
  @Post('freelancers/me/profile/submit')
  @HttpCode(200)
  submit(@CurrentUser() user: User) {
    return this.credentials.submitProfile(user);
  }

  @Roles('freelancer')
  @Get('freelancers/me/profile/reviews')
  myReviews(@CurrentUser() user: User) {
    return this.credentials.reviews(user.id);
  }

  @Roles('freelancer')
  @Get('freelancers/me/expert-vetted')
  expertVetted(@CurrentUser() user: User) {
    return this.credentials.expertVettedStatus(user.id);
  }

  @Get('freelancers/:id')
  profile(@CurrentUser() viewer: User, @Param('id', parseId()) id: string) {
    return this.credentials.publicProfile(viewer, id);
  }

  @Roles('admin', 'talent_manager')
  @Post('admin/freelancers/:id/identity-verification')
  @HttpCode(200)
  verifyIdentity(@CurrentUser() staff: User, @Param('id', parseId()) id: string) {
    return this.credentials.verifyIdentity(staff, id);
  }

  @Roles('admin')
  @Put('admin/freelancers/:id/stats')
  stats(@Param('id', parseId()) id: string, @Body() dto: StatsDto) {
    return this.credentials.setStats(id, dto);
  }

  @Roles('admin')
  @Put('admin/categories/:slug/supply')
  supply(@Param('slug') slug: string, @Body() dto: SupplyDto) {
    return this.credentials.setSupply(slug, dto.openJobs, dto.maxFreelancersPerJob);
  }

  @Roles('admin')
  @Post('admin/profiles/:id/review')
  @HttpCode(200)
  review(@CurrentUser() reviewer: User, @Param('id', parseId()) id: string, @Body() dto: ReviewDto) {
    return this.credentials.humanReview(reviewer, id, dto.decision, dto.reason);
  }

  @Roles('admin')
  @Get('admin/profiles/:id/reviews')
  reviews(@Param('id', parseId()) id: string) {
    return this.credentials.reviews(id);
  }

  @Roles('admin')
  @Post('admin/freelancers/:id/badges/:kind/revoke')
  @HttpCode(200)
  revoke(@Param('id', parseId()) id: string, @Param('kind') kind: string, @Body() dto: RevokeDto) {
    if (!(BADGES as readonly string[]).includes(kind)) throw notFound('Badge', { kind });
    return this.credentials.revokeBadge(id, kind as BadgeKind, dto.reason);
  }

  /** Runs the repeatable re-evaluations now (they also run on their schedule in the worker). */
  @Roles('admin')
  @Post('admin/jobs/:name')
  @HttpCode(202)
  async runJob(@Param('name') name: string) {
    if (!['recompute-bands', 'evaluate-badges'].includes(name)) return { queued: false };
    const job = await this.queue.add(name, {}, { removeOnComplete: { age: 3600 } });
    return { queued: true, jobId: job.id };
  }
}
