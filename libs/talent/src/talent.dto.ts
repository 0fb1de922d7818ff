import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsISO8601, IsOptional, IsString, IsUUID, MaxLength } from 'class-validator';
import { PROGRAMS } from './categories';

export class CreateInvitationDto {
  @ApiProperty({ format: 'uuid' }) @IsUUID() freelancerId!: string;
  @ApiProperty({ enum: PROGRAMS }) @IsIn(PROGRAMS) program!: string;
  @ApiProperty({ example: 'web-mobile-software-dev' }) @IsString() @MaxLength(100) categorySlug!: string;
}

export class OpenWindowDto {
  @ApiProperty({ enum: PROGRAMS }) @IsIn(PROGRAMS) program!: string;
  @ApiProperty() @IsString() @MaxLength(100) categorySlug!: string;
  @ApiPropertyOptional({ format: 'date-time', description: 'default now' }) @IsOptional() @IsISO8601({ strict: true }) opensAt?: string;
  @ApiProperty({ format: 'date-time' }) @IsISO8601({ strict: true }) closesAt!: string;
}

export class ApplyDto {
  @ApiPropertyOptional({ enum: PROGRAMS, default: 'expert-vetted' }) @IsOptional() @IsIn(PROGRAMS) program?: string;
  @ApiProperty() @IsString() @MaxLength(100) categorySlug!: string;
}
