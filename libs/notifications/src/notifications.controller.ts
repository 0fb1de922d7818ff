import { Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { parseId } from '@vetting/core';
import { ApiBearerAuth, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsBoolean, IsInt, IsOptional, IsString, Max, Min } from 'class-validator';
import { CurrentUser, User } from '@vetting/identity';
import { NotificationsService } from './notifications.service';

export class InboxQuery {
  @ApiPropertyOptional() @IsOptional() @IsString() cursor?: string;
  @ApiPropertyOptional({ default: 20, maximum: 100 })
  @IsOptional()
  @Transform(({ value }) => (value === undefined ? undefined : Number(value)))
  @IsInt()
  @Min(1)
  @Max(100)
  limit?: number;
  @ApiPropertyOptional()
  @IsOptional()
  @Transform(({ value }) => (value === 'true' ? true : value === 'false' ? false : value))
  @IsBoolean()
  unread?: boolean;
}

@ApiTags('notifications')
@ApiBearerAuth()
@Controller('notifications')
export class NotificationsController {
  constructor(private readonly notifications: NotificationsService) {}

  @Get()
  inbox(@CurrentUser() user: User, @Query() q: InboxQuery) {
    return this.notifications.inbox(user.id, { cursor: q.cursor, limit: q.limit ?? 20, unreadOnly: q.unread ?? false });
  }

  @Post('read-all')
  @HttpCode(200)
  readAll(@CurrentUser() user: User) {
    return this.notifications.markAllRead(user.id);
  }

  @Post(':id/read')
  @HttpCode(200)
  read(@CurrentUser() user: User, @Param('id', parseId()) id: string) {
    return this.notifications.markRead(user.id, id);
  }
}
