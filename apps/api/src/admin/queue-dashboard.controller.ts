import { Controller, HttpCode, Post, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiProperty, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { ApiErrors, AppConfig, Clock } from '@vetting/core';
import { CurrentUser, Roles, User } from '@vetting/identity';
import { QUEUE_DASHBOARD_COOKIE, QUEUE_DASHBOARD_PATH, QueueDashboardSessions } from './queue-dashboard.session';

export class QueueDashboardSession {
  @ApiProperty({
    example: QUEUE_DASHBOARD_PATH,
    description: 'open this in the same browser: the cookie is sent there only',
  })
  url!: string;
  @ApiProperty({ format: 'date-time' }) expiresAt!: string;
}

@ApiTags('admin')
@ApiBearerAuth()
@Controller('admin/queues')
export class QueueDashboardController {
  private readonly sessions: QueueDashboardSessions;

  constructor(
    private readonly config: AppConfig,
    private readonly clock: Clock,
  ) {
    this.sessions = new QueueDashboardSessions(config.jwtSecret);
  }

  @Roles('admin')
  @Post('session')
  @HttpCode(200)
  @ApiOperation({
    operationId: 'openQueueDashboardSession',
    summary: 'Set a short-lived HttpOnly cookie that opens the queue dashboard at /api/admin/queues',
  })
  @ApiOkResponse({
    type: QueueDashboardSession,
    headers: {
      'Set-Cookie': {
        description: `${QUEUE_DASHBOARD_COOKIE}; HttpOnly; SameSite=Strict; Path=${QUEUE_DASHBOARD_PATH}`,
        schema: { type: 'string' },
      },
    },
  })
  @ApiErrors(401, 403)
  open(@CurrentUser() admin: User, @Res({ passthrough: true }) res: Response): QueueDashboardSession {
    const ttl = this.config.env.QUEUE_DASHBOARD_SESSION_TTL;
    const expiresAt = this.clock.now().plus(ttl);
    res.cookie(QUEUE_DASHBOARD_COOKIE, this.sessions.issue(admin.id, expiresAt.toMillis()), {
      httpOnly: true,
      sameSite: 'strict',
      path: QUEUE_DASHBOARD_PATH,
      maxAge: ttl.toMillis(),
      secure: this.config.env.PUBLIC_URL.startsWith('https:'),
    });
    return { url: QUEUE_DASHBOARD_PATH, expiresAt: expiresAt.toUTC().toISO()! };
  }
}
