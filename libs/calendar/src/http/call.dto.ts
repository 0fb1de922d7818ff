import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsIn,
  IsInt,
  IsObject,
  IsOptional,
  IsString,
  IsUUID,
  Max,
  MaxLength,
  Min,
  MinLength,
  ValidateNested,
} from 'class-validator';
import { IsInstant, IsTimeZone } from '@vetting/core';

export class WeeklyWindowDto {
  @ApiProperty({ type: 'integer', minimum: 1, maximum: 7, description: 'ISO weekday, Monday 1' })
  @IsInt()
  weekday!: number;
  @ApiProperty({ example: '09:00', pattern: '^\\d{2}:\\d{2}$', description: 'local time in the availability’s zone' })
  @IsString()
  start!: string;
  @ApiProperty({ example: '17:00', pattern: '^\\d{2}:\\d{2}$', description: '24:00 for the end of the day' })
  @IsString()
  end!: string;
}

export class AvailabilityExceptionDto {
  @ApiProperty({ format: 'date', example: '2026-12-24' }) @IsString() date!: string;
  @ApiProperty({ enum: [false] }) @IsIn([false]) available!: false;
}

export class AvailabilityDto {
  @ApiProperty({ example: 'Europe/Berlin' }) @IsString() timeZone!: string;
  @ApiProperty({ type: [WeeklyWindowDto] })
  @IsArray()
  @ArrayMaxSize(100)
  @ValidateNested({ each: true })
  @Type(() => WeeklyWindowDto)
  weekly!: WeeklyWindowDto[];
  @ApiProperty({ type: [AvailabilityExceptionDto] })
  @IsArray()
  @ArrayMaxSize(1000)
  @ValidateNested({ each: true })
  @Type(() => AvailabilityExceptionDto)
  exceptions!: AvailabilityExceptionDto[];
  @ApiPropertyOptional({ type: [String] }) @IsOptional() @IsArray() @IsString({ each: true }) categorySlugs?: string[];
  @ApiPropertyOptional({
    type: 'integer',
    minimum: 1,
    description: 'at most the calls of VETTING_CALL_LENGTH that fit in a day (48 for 30-minute calls)',
  })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(86_400)
  dailyCap?: number;
}

export class SlotsQuery {
  @ApiProperty({ format: 'uuid' }) @IsUUID() invitationId!: string;
  @ApiPropertyOptional({ format: 'date-time', description: 'default now' }) @IsOptional() @IsInstant() from?: string;
  @ApiPropertyOptional({ format: 'date-time', description: 'default now + VETTING_BOOKING_HORIZON' })
  @IsOptional()
  @IsInstant()
  to?: string;
  @ApiPropertyOptional({ example: 'Europe/Berlin' }) @IsOptional() @IsTimeZone() timeZone?: string;
}

/** Filters of GET /vetting/calls: an admin's view of every call; others see their own calls only. */
export class ListCallsQuery {
  @ApiPropertyOptional({ description: 'admin: only this freelancer’s calls' })
  @IsOptional()
  @IsUUID()
  freelancerId?: string;
  @ApiPropertyOptional({ description: 'admin: only this talent manager’s calls' })
  @IsOptional()
  @IsUUID()
  talentManagerId?: string;
}

export class BookCallDto {
  @ApiProperty({ format: 'uuid' }) @IsUUID() invitationId!: string;
  @ApiProperty({ format: 'date-time', example: '2026-12-01T09:00:00Z' }) @IsInstant() startsAt!: string;
}

export class RescheduleCallDto {
  @ApiProperty({ format: 'date-time', example: '2026-12-02T09:00:00Z' }) @IsInstant() startsAt!: string;
}

export class CancelCallDto {
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(500) reason?: string;
}

export class HardSkillScoreDto {
  @ApiProperty({ example: 'TypeScript' }) @IsString() @MinLength(1) @MaxLength(100) skill!: string;
  @ApiProperty({ type: 'integer', minimum: 1, maximum: 5 }) @IsInt() @Min(1) @Max(5) score!: number;
}

export class ScorecardDto {
  @ApiProperty({ type: [HardSkillScoreDto] })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(50)
  @ValidateNested({ each: true })
  @Type(() => HardSkillScoreDto)
  hardSkills!: HardSkillScoreDto[];
  @ApiProperty({
    type: 'object',
    additionalProperties: { type: 'integer', minimum: 1, maximum: 5 },
    example: { reliability: 4, communication: 5 },
    description: 'at least reliability and communication, each 1-5',
  })
  @IsObject()
  softSkills!: Record<string, number>;
  @ApiProperty({ enum: ['pass', 'fail'] }) @IsIn(['pass', 'fail']) decision!: 'pass' | 'fail';
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(5000) notes?: string;
}
