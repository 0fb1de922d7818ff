import type { NestExpressApplication } from '@nestjs/platform-express';
import helmet from 'helmet';
import { AppConfig } from '@vetting/core';

/**
 * HTTP hardening: security headers (helmet), no X-Powered-By, CORS from the CORS_ORIGINS allowlist, and
 * X-Forwarded-For trusted only from the proxies TRUST_PROXY names.
 */
export function applyHttpSecurity(app: NestExpressApplication, config: AppConfig): void {
  app.disable('x-powered-by');
  app.set('trust proxy', config.env.TRUST_PROXY);
  const https = config.publicHttps;
  app.use(
    helmet({
      // The web app is served from this origin: its own scripts, its styles (a component library injects
      // inline ones), data: images, and the /live socket on the same host.
      contentSecurityPolicy: {
        useDefaults: true,
        directives: {
          defaultSrc: ["'self'"],
          scriptSrc: ["'self'"],
          styleSrc: ["'self'", "'unsafe-inline'"],
          imgSrc: ["'self'", 'data:', 'blob:'],
          fontSrc: ["'self'", 'data:'],
          connectSrc: ["'self'", 'ws:', 'wss:'],
          mediaSrc: ["'self'", 'blob:'],
          frameAncestors: ["'none'"],
          upgradeInsecureRequests: https ? [] : null,
        },
      },
      frameguard: { action: 'deny' },
      referrerPolicy: { policy: 'no-referrer' },
      // Only a deployment reached over TLS may tell browsers to insist on it.
      strictTransportSecurity: https ? { maxAge: 31536000, includeSubDomains: true } : false,
    }),
  );
  const allowed = new Set(config.corsOrigins);
  app.enableCors({
    // An Origin not in the list gets no Access-Control-Allow-Origin; requests without one are untouched.
    origin: (origin: string | undefined, cb: (err: Error | null, allow?: boolean) => void) =>
      cb(null, origin !== undefined && allowed.has(origin)),
    credentials: true,
    exposedHeaders: ['Retry-After', 'X-Request-Id'],
    maxAge: 600,
  });
}
