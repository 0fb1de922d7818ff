import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  Max,
  MaxLength,
  Min,
  MinLength,
} from 'class-validator';
import { NOTIFICATION_TYPES } from '../domain/notification-types';

export class InboxQuery {
  @ApiPropertyOptional({ description: 'nextCursor of the previous page' }) @IsOptional() @IsString() cursor?: string;
  @ApiPropertyOptional({ type: 'integer', default: 20, minimum: 1, maximum: 100 })
  @IsOptional()
  @Transform(({ value }) => (value === undefined ? undefined : Number(value)))
  @IsInt()
  @Min(1)
  @Max(100)
  limit?: number;
  @ApiPropertyOptional({ type: Boolean, description: 'only unread notifications' })
  @IsOptional()
  @Transform(({ value }) => (value === 'true' ? true : value === 'false' ? false : value))
  @IsBoolean()
  unread?: boolean;
}

export class PreferencesDto {
  @ApiPropertyOptional() @IsOptional() @IsBoolean() push?: boolean;
  @ApiPropertyOptional() @IsOptional() @IsBoolean() email?: boolean;
  @ApiPropertyOptional() @IsOptional() @IsBoolean() webhook?: boolean;
  @ApiPropertyOptional({ type: [String] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(100)
  @IsString({ each: true })
  mutedTypes?: string[];
}
export class WebhookDto {
  @ApiProperty({ format: 'uri', example: 'https://example.com/hooks/vetting' })
  @IsString()
  @MaxLength(2000)
  url!: string;
  @ApiPropertyOptional({ description: 'generated when omitted; shown once' })
  @IsOptional()
  @IsString()
  @MinLength(16)
  @MaxLength(200)
  secret?: string;
  @ApiPropertyOptional({ type: [String], enum: NOTIFICATION_TYPES, description: 'event types; empty = all' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(50)
  @IsIn(NOTIFICATION_TYPES, {
    each: true,
    message: `each value in events must be one of: ${NOTIFICATION_TYPES.join(', ')}`,
  })
  events?: string[];
}
export class TalentAlertsDto {
  @ApiProperty({ type: [String] }) @IsArray() @ArrayMaxSize(20) @IsString({ each: true }) categorySlugs!: string[];
}
