import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, IsUUID, MaxLength } from 'class-validator';
import { IsInstant } from '@vetting/core';
import { PROGRAMS } from '../domain/categories';
import { INVITATION_STATUSES, InvitationStatus } from '../data/talent.entities';

export class CreateInvitationDto {
  @ApiProperty({ format: 'uuid' }) @IsUUID() freelancerId!: string;
  @ApiProperty({ enum: PROGRAMS }) @IsIn(PROGRAMS) program!: string;
  @ApiProperty({ example: 'web-mobile-software-dev' }) @IsString() @MaxLength(100) categorySlug!: string;
}

export class OpenWindowDto {
  @ApiProperty({ enum: PROGRAMS }) @IsIn(PROGRAMS) program!: string;
  @ApiProperty() @IsString() @MaxLength(100) categorySlug!: string;
  @ApiPropertyOptional({ format: 'date-time', description: 'default now' }) @IsOptional() @IsInstant() opensAt?: string;
  @ApiProperty({ format: 'date-time' }) @IsInstant() closesAt!: string;
}

export class ApplyDto {
  @ApiPropertyOptional({ enum: PROGRAMS, default: 'expert-vetted' }) @IsOptional() @IsIn(PROGRAMS) program?: string;
  @ApiProperty() @IsString() @MaxLength(100) categorySlug!: string;
}

export class InvitationListQuery {
  @ApiPropertyOptional({ enum: INVITATION_STATUSES })
  @IsOptional()
  @IsIn(INVITATION_STATUSES)
  status?: InvitationStatus;
  @ApiPropertyOptional({ example: 'writing' }) @IsOptional() @IsString() @MaxLength(100) categorySlug?: string;
  @ApiPropertyOptional({ format: 'uuid' }) @IsOptional() @IsUUID() freelancerId?: string;
}
