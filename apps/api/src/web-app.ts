import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { INestApplication } from '@nestjs/common';
import express, { NextFunction, Request, Response } from 'express';
import { AppConfig } from '@vetting/core';

/** The built web app (`npm run build:web`): beside the sources, or three levels up from `dist/apps/api/src`. */
export function webAppDir(): string | null {
  const candidates = [
    join(__dirname, '..', '..', 'web', 'dist'),
    join(__dirname, '..', '..', '..', '..', 'apps', 'web', 'dist'),
  ];
  return candidates.find((dir) => existsSync(join(dir, 'index.html'))) ?? null;
}

/** What the pages need to explain the rules before the api refuses (the api still decides). */
export function webPolicy(config: AppConfig) {
  const p = config.policy;
  return {
    callLengthMs: p.callLength.toMillis(),
    gracePeriodMs: p.gracePeriod.toMillis(),
    rescheduleNoticeMs: p.rescheduleNotice.toMillis(),
    maxReschedules: p.maxReschedules,
    joinEarlyMs: p.joinEarly.toMillis(),
    missedCooldown: p.missedCooldown.toISO(),
    minBookingLeadMs: p.minBookingLead.toMillis(),
    bookingHorizonMs: p.bookingHorizon.toMillis(),
  };
}

const isApiPath = (path: string) => /^\/(api|live|socket\.io)(\/|$)/.test(path);

/**
 * Serves the single-page app at `/`: hashed assets cached for good, `/app-config.json` (policy for the pages),
 * and index.html for every other GET that is not the api or the socket (client-side routes).
 */
export function serveWebApp(app: INestApplication, config: AppConfig, dir = webAppDir()): void {
  const policy = JSON.stringify({ policy: webPolicy(config) });
  app.use('/app-config.json', (req: Request, res: Response, next: NextFunction) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return next();
    res.type('application/json').set('cache-control', 'no-store').send(policy);
  });
  if (!dir) return;
  const index = readFileSync(join(dir, 'index.html'));
  app.use(
    '/assets',
    express.static(join(dir, 'assets'), { immutable: true, maxAge: '365d' }),
    (req: Request, res: Response) => {
      res.status(404).json({ statusCode: 404, code: 'NOT_FOUND', message: `No asset ${req.path}` });
    },
  );
  // Not for the api and the socket paths: it would cost every api request a file lookup (a stat on disk).
  const files = express.static(dir, { index: false, maxAge: '1h' });
  app.use((req: Request, res: Response, next: NextFunction) => (isApiPath(req.path) ? next() : files(req, res, next)));
  app.use((req: Request, res: Response, next: NextFunction) => {
    if ((req.method !== 'GET' && req.method !== 'HEAD') || isApiPath(req.path)) return next();
    res.type('html').set('cache-control', 'no-cache').send(index);
  });
}
