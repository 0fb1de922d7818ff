import { Controller, Get, Injectable, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { EntityManager } from '@mikro-orm/postgresql';
import { IsIn, IsOptional, IsString, MaxLength } from 'class-validator';
import { ApiErrors } from '@vetting/core';
import { Roles, User } from '@vetting/identity';
import { APPROVAL_STATUSES, ApprovalStatus, CategorySupplyLimit, FreelancerProfile } from './credentials.entities';
import { CategorySupply } from './credentials.responses';

export class FreelancerListQuery {
  @ApiPropertyOptional({ enum: APPROVAL_STATUSES, description: 'pending_review: the profile reviews queue' }) @IsOptional() @IsIn(APPROVAL_STATUSES) approvalStatus?: ApprovalStatus;
  @ApiPropertyOptional({ description: 'part of the email or name, case-insensitive' }) @IsOptional() @IsString() @MaxLength(200) q?: string;
}

export class FreelancerSummary {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() email!: string;
  @ApiProperty() name!: string;
  @ApiProperty() timeZone!: string;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty() title!: string;
  @ApiProperty({ type: [String] }) categorySlugs!: string[];
  @ApiProperty({ enum: APPROVAL_STATUSES }) approvalStatus!: ApprovalStatus;
  @ApiProperty({ nullable: true, type: String }) approvalReason!: string | null;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) submittedAt!: string | null;
  @ApiProperty() identityVerified!: boolean;
}

export class FreelancerList {
  @ApiProperty({ type: [FreelancerSummary], description: 'oldest account first, at most 500' }) freelancers!: FreelancerSummary[];
}

export class CategorySupplyList {
  @ApiProperty({ type: [CategorySupply], description: 'categories with a supply limit set' }) limits!: CategorySupply[];
}

const likePattern = (q: string) => `%${q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

/** Reads for the admin pages: freelancers with their approval state, category supply limits. */
@Injectable()
export class FreelancerDirectory {
  constructor(private readonly em: EntityManager) {}

  async freelancers(query: FreelancerListQuery) {
    const where: Record<string, unknown> = { role: 'freelancer' };
    if (query.q?.trim()) where.$or = [{ email: { $ilike: likePattern(query.q.trim()) } }, { name: { $ilike: likePattern(query.q.trim()) } }];
    if (query.approvalStatus === 'draft') {
      // A freelancer without a profile row is a draft too.
      const others = (await this.em.find(FreelancerProfile, { approvalStatus: { $ne: 'draft' } }, { fields: ['userId'] })).map((p) => p.userId);
      if (others.length) where.id = { $nin: others };
    } else if (query.approvalStatus) {
      const ids = (await this.em.find(FreelancerProfile, { approvalStatus: query.approvalStatus }, { fields: ['userId'] })).map((p) => p.userId);
      if (ids.length === 0) return { freelancers: [] };
      where.id = { $in: ids };
    }
    const users = await this.em.find(User, where, { orderBy: { createdAt: 'asc', id: 'asc' }, limit: 500 });
    const profiles = new Map((await this.em.find(FreelancerProfile, { userId: { $in: users.map((u) => u.id) } })).map((p) => [p.userId, p]));
    return {
      freelancers: users.map((u) => {
        const p = profiles.get(u.id);
        return {
          id: u.id,
          email: u.email,
          name: u.name,
          timeZone: u.timeZone,
          createdAt: u.createdAt.toISOString(),
          title: p?.title ?? '',
          categorySlugs: p?.categorySlugs ?? [],
          approvalStatus: p?.approvalStatus ?? 'draft',
          approvalReason: p?.approvalReason ?? null,
          submittedAt: p?.submittedAt?.toISOString() ?? null,
          identityVerified: Boolean(p?.identityVerifiedAt),
        };
      }),
    };
  }

  async supplyLimits() {
    const rows = await this.em.find(CategorySupplyLimit, {}, { orderBy: { categorySlug: 'asc' } });
    return { limits: rows.map((r) => ({ categorySlug: r.categorySlug, openJobs: r.openJobs, maxFreelancersPerJob: r.maxFreelancersPerJob })) };
  }
}

@ApiTags('credentials')
@ApiBearerAuth()
@Controller('admin')
export class AdminFreelancersController {
  constructor(private readonly directory: FreelancerDirectory) {}

  @Roles('admin', 'talent_manager')
  @Get('freelancers')
  @ApiOperation({ operationId: 'listFreelancers', summary: 'Freelancers with approval and identity state (profile reviews, identity verification, invitations)' })
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
