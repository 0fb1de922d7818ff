import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  IsArray,
  IsIn,
  IsInt,
  IsNumber,
  IsOptional,
  IsString,
  IsUrl,
  Max,
  MaxLength,
  Min,
  MinLength,
  ValidateIf,
} from 'class-validator';
import { PG_INT_MAX } from '@vetting/core';
import { APPROVAL_STATUSES, ApprovalStatus } from '../data/credentials.entities';

export class ProfileDto {
  @ApiProperty() @IsString() @MinLength(1) @MaxLength(200) title!: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(5000) overview?: string;
  @ApiProperty({ type: [String] }) @IsArray() @ArrayMaxSize(5) @IsString({ each: true }) categorySlugs!: string[];
  @ApiProperty({ type: [String] })
  @IsArray()
  @ArrayMaxSize(50)
  @IsString({ each: true })
  @MaxLength(100, { each: true })
  skills!: string[];
  @ApiPropertyOptional({ type: [String], format: 'uri' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(20)
  @IsUrl({ require_protocol: true }, { each: true })
  portfolioLinks?: string[];
}

export class StatsDto {
  @ApiProperty({ type: 'integer', nullable: true, minimum: 0, maximum: 100 })
  @ValidateIf((_o, v) => v !== null)
  @IsInt()
  @Min(0)
  @Max(100)
  jobSuccessScore!: number | null;
  @ApiProperty({ minimum: 0 }) @IsNumber() @Min(0) earnings12m!: number;
}

export class SupplyDto {
  @ApiProperty({ type: 'integer', minimum: 0, maximum: PG_INT_MAX })
  @IsInt()
  @Min(0)
  @Max(PG_INT_MAX)
  openJobs!: number;
  @ApiProperty({ minimum: 0.01 }) @IsNumber() @Min(0.01) maxFreelancersPerJob!: number;
}

export class ReviewDto {
  @ApiProperty({ enum: ['approved', 'rejected'] }) @IsIn(['approved', 'rejected']) decision!: 'approved' | 'rejected';
  @ApiProperty() @IsString() @MinLength(1) @MaxLength(2000) reason!: string;
}

export class RevokeDto {
  @ApiProperty() @IsString() @MinLength(1) @MaxLength(2000) reason!: string;
}

export class FreelancerListQuery {
  @ApiPropertyOptional({ enum: APPROVAL_STATUSES, description: 'pending_review: the profile reviews queue' })
  @IsOptional()
  @IsIn(APPROVAL_STATUSES)
  approvalStatus?: ApprovalStatus;
  @ApiPropertyOptional({ description: 'part of the email or name, case-insensitive' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  q?: string;
}
