import { Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiErrors, parseId } from '@vetting/core';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentUser, User } from '@vetting/identity';
import { NotificationsService } from '../inbox/notifications.service';
import { InboxQuery } from './notifications.dto';
import { Inbox, MarkedRead, NotificationView } from './notifications.responses';

@ApiTags('notifications')
@ApiBearerAuth()
@ApiErrors(401)
@Controller('notifications')
export class NotificationsController {
  constructor(private readonly notifications: NotificationsService) {}

  @Get()
  @ApiOperation({
    operationId: 'listNotifications',
    summary: 'The caller’s inbox with cursor pagination and the unread count',
  })
  @ApiOkResponse({ type: Inbox })
  @ApiErrors(400)
  inbox(@CurrentUser() user: User, @Query() q: InboxQuery) {
    return this.notifications.inbox(user.id, { cursor: q.cursor, limit: q.limit ?? 20, unreadOnly: q.unread ?? false });
  }

  @Post('read-all')
  @HttpCode(200)
  @ApiOperation({ operationId: 'markAllNotificationsRead', summary: 'Mark every notification read' })
  @ApiOkResponse({ type: MarkedRead })
  readAll(@CurrentUser() user: User) {
    return this.notifications.markAllRead(user.id);
  }

  @Post(':id/read')
  @HttpCode(200)
  @ApiOperation({ operationId: 'markNotificationRead', summary: 'Mark one notification read' })
  @ApiOkResponse({ type: NotificationView })
  @ApiErrors(404)
  read(@CurrentUser() user: User, @Param('id', parseId()) id: string) {
    return this.notifications.markRead(user.id, id);
  }
}
