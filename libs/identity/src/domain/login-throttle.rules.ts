import { createHash } from 'node:crypto';
import { isIPv6 } from 'node:net';

/** The key a client is counted under: its IPv4 address, or its IPv6 /64 (one subscriber's whole range). */
export function clientKey(ip: string | undefined): string {
  if (!ip) return 'unknown';
  const v4 = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip);
  if (v4) return v4[1];
  if (!isIPv6(ip)) return ip;
  const [head, tail = ''] = ip.toLowerCase().split('::');
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const groups = ip.includes('::') ? [...left, ...Array(8 - left.length - right.length).fill('0'), ...right] : left;
  return `${groups
    .slice(0, 4)
    .map((g) => g.replace(/^0+(?=.)/, ''))
    .join(':')}::/64`;
}

/** The key an account is counted under (a digest: no email in Redis). */
export const accountKey = (email: string) =>
  createHash('sha256').update(email.trim().toLowerCase()).digest('hex').slice(0, 32);

/** Whole seconds until a window of `ms` left ends (at least 1): the `Retry-After` of a refusal. */
export const retryAfterSeconds = (ms: number) => Math.max(1, Math.ceil(ms / 1000));
