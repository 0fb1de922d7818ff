import { createHmac, timingSafeEqual } from 'node:crypto';

/** Where the queue dashboard (bull-board) is served; its session cookie is scoped to this path. */
export const QUEUE_DASHBOARD_PATH = '/api/admin/queues';
export const QUEUE_DASHBOARD_COOKIE = 'vetting_queue_dashboard';

/**
 * A short-lived dashboard session: `v1.<userId>.<expiresAtMs>.<hmac>`. Browsers cannot send a bearer header when
 * they navigate, so an admin exchanges the bearer token for this cookie. Its key is derived from JWT_SECRET for this
 * purpose only: a session is never a bearer token, nor a bearer token a session.
 */
export class QueueDashboardSessions {
  private readonly key: Buffer;

  constructor(jwtSecret: string) {
    this.key = createHmac('sha256', jwtSecret).update('queue-dashboard-session').digest();
  }

  issue(userId: string, expiresAtMs: number): string {
    const body = `v1.${userId}.${expiresAtMs}`;
    return `${body}.${this.sign(body)}`;
  }

  /** The session's user, or null when the token is malformed, forged or expired at `nowMs`. */
  verify(token: string | undefined, nowMs: number): string | null {
    if (!token) return null;
    const parts = token.split('.');
    if (parts.length !== 4 || parts[0] !== 'v1') return null;
    const body = parts.slice(0, 3).join('.');
    const given = Buffer.from(parts[3]);
    const expected = Buffer.from(this.sign(body));
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
    const expiresAt = Number(parts[2]);
    if (!Number.isSafeInteger(expiresAt) || nowMs >= expiresAt) return null;
    return parts[1];
  }

  private sign(body: string): string {
    return createHmac('sha256', this.key).update(body).digest('base64url');
  }
}

/** One cookie's value from a Cookie header (no dependency for one name). */
export function readCookie(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) {
      try {
        return decodeURIComponent(part.slice(eq + 1).trim());
      } catch {
        return undefined;
      }
    }
  }
  return undefined;
}
