import { INestApplication } from '@nestjs/common';
import { getQueueToken } from '@nestjs/bullmq';
import { MikroORM } from '@mikro-orm/postgresql';
import type { Queue } from 'bullmq';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import {
  AppConfig,
  CREDENTIALS_QUEUE,
  Clock,
  forbidden,
  toErrorBody,
  unauthenticated,
  withContext,
} from '@vetting/core';
import { User } from '@vetting/identity';
import { CALL_TIMERS_QUEUE } from '@vetting/calendar';
import { ATTEMPT_DEADLINES_QUEUE, GRADING_QUEUE } from '@vetting/assessments';
import { DELIVERY_QUEUE, FANOUT_QUEUE } from '@vetting/notifications';
import {
  QUEUE_DASHBOARD_COOKIE,
  QUEUE_DASHBOARD_PATH,
  QueueDashboardSessions,
  readCookie,
} from './queue-dashboard.session';

export const DASHBOARD_QUEUES = [
  CALL_TIMERS_QUEUE,
  ATTEMPT_DEADLINES_QUEUE,
  GRADING_QUEUE,
  CREDENTIALS_QUEUE,
  DELIVERY_QUEUE,
  FANOUT_QUEUE,
];

/**
 * Serves bull-board at /api/admin/queues for admins holding a dashboard session cookie
 * (POST /api/admin/queues/session sets it). Every request re-checks the session and that its user is still an admin.
 */
export function mountQueueDashboard(app: INestApplication, config: AppConfig): void {
  // bull-board is loaded on the first admin visit, not at every start.
  let router: RequestHandler | undefined;
  const board = (): RequestHandler => {
    if (router) return router;
    const { createBullBoard } = require('@bull-board/api') as typeof import('@bull-board/api');
    const { BullMQAdapter } =
      require('@bull-board/api/bullMQAdapter') as typeof import('@bull-board/api/bullMQAdapter');
    const { ExpressAdapter } = require('@bull-board/express') as typeof import('@bull-board/express');
    const adapter = new ExpressAdapter();
    adapter.setBasePath(QUEUE_DASHBOARD_PATH);
    const queues = DASHBOARD_QUEUES.map(
      (name) => new BullMQAdapter(app.get<Queue>(getQueueToken(name), { strict: false })),
    );
    createBullBoard({ queues, serverAdapter: adapter, options: { uiConfig: { boardTitle: 'Vetting queues' } } });
    return (router = adapter.getRouter() as RequestHandler);
  };

  const sessions = new QueueDashboardSessions(config.jwtSecret);
  const clock = app.get(Clock, { strict: false });
  const orm = app.get<MikroORM>(MikroORM, { strict: false });
  const refuse = (res: Response, err: unknown) => {
    const { body } = toErrorBody(err);
    res.status(body.statusCode).json(body);
  };

  const guard = async (req: Request, res: Response, next: NextFunction) => {
    // The exchange itself is a Nest route (bearer-authenticated) under the same path.
    if (req.method === 'POST' && req.path === '/session') return next('router');
    try {
      const userId = sessions.verify(readCookie(req.headers.cookie, QUEUE_DASHBOARD_COOKIE), clock.nowMillis());
      if (!userId)
        return refuse(
          res,
          unauthenticated('Open the queue dashboard from the admin pages (POST /api/admin/queues/session first)'),
        );
      const user = await withContext(orm, (em) => em.findOne(User, { id: userId }));
      if (!user) return refuse(res, unauthenticated('The account of this session no longer exists'));
      if (user.role !== 'admin') return refuse(res, forbidden('The queue dashboard is for admins'));
      next();
    } catch (err) {
      refuse(res, err);
    }
  };
  app.use(QUEUE_DASHBOARD_PATH, (req: Request, res: Response, next: NextFunction) => {
    void guard(req, res, (arg?: unknown) => (arg === 'router' ? next() : board()(req, res, next)));
  });
}
