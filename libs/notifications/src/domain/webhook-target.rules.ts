import { isIP } from 'node:net';

/**
 * Where webhooks may go (DESIGN, Security baseline): public addresses only. Loopback, private, link-local
 * (cloud metadata), CGNAT, unique-local, multicast, reserved and documentation ranges are refused, also
 * when embedded in IPv4-mapped / NAT64 / 6to4 IPv6 addresses.
 */

/** [network, prefix length] of every IPv4 range that is not publicly routable. */
const NON_PUBLIC_V4: [string, number][] = [
  ['0.0.0.0', 8], // "this network", 0.0.0.0
  ['10.0.0.0', 8], // private
  ['100.64.0.0', 10], // CGNAT
  ['127.0.0.0', 8], // loopback
  ['169.254.0.0', 16], // link-local, cloud metadata (169.254.169.254)
  ['172.16.0.0', 12], // private
  ['192.0.0.0', 24], // IETF protocol assignments
  ['192.0.2.0', 24], // TEST-NET-1
  ['192.88.99.0', 24], // 6to4 relay anycast
  ['192.168.0.0', 16], // private
  ['198.18.0.0', 15], // benchmarking
  ['198.51.100.0', 24], // TEST-NET-2
  ['203.0.113.0', 24], // TEST-NET-3
  ['224.0.0.0', 4], // multicast
  ['240.0.0.0', 4], // reserved, broadcast
];

function v4ToInt(ip: string): number | null {
  const parts = ip.split('.');
  if (parts.length !== 4) return null;
  let n = 0;
  for (const p of parts) {
    if (!/^\d{1,3}$/.test(p) || Number(p) > 255) return null;
    n = n * 256 + Number(p);
  }
  return n;
}

const V4_RANGES = NON_PUBLIC_V4.map(([net, bits]) => ({ base: v4ToInt(net)!, size: 2 ** (32 - bits) }));

function isPublicV4(n: number): boolean {
  return !V4_RANGES.some((r) => n >= r.base && n < r.base + r.size);
}

/** The 8 hextets of an IPv6 address (with `::` and a trailing dotted IPv4 expanded), or null. */
function v6Hextets(ip: string): number[] | null {
  let text = ip.toLowerCase();
  const zone = text.indexOf('%');
  if (zone >= 0) text = text.slice(0, zone);
  const lastColon = text.lastIndexOf(':');
  const tail = text.slice(lastColon + 1);
  if (tail.includes('.')) {
    const n = v4ToInt(tail);
    if (n === null) return null;
    text = `${text.slice(0, lastColon + 1)}${(n >>> 16).toString(16)}:${(n & 0xffff).toString(16)}`;
  }
  const halves = text.split('::');
  if (halves.length > 2) return null;
  const parse = (s: string) =>
    s === '' ? [] : s.split(':').map((h) => (/^[0-9a-f]{1,4}$/.test(h) ? parseInt(h, 16) : NaN));
  const head = parse(halves[0]);
  const rest = halves.length === 2 ? parse(halves[1]) : [];
  const missing = 8 - head.length - rest.length;
  if (halves.length === 1 ? head.length !== 8 : missing < 1) return null;
  const all = [...head, ...Array(halves.length === 2 ? missing : 0).fill(0), ...rest];
  return all.some((h) => Number.isNaN(h)) ? null : all;
}

function isPublicV6(h: number[]): boolean {
  const embeddedV4 = (hi: number, lo: number) => hi * 65536 + lo;
  const zeros = (from: number, to: number) => h.slice(from, to).every((x) => x === 0);
  // ::ffff:a.b.c.d (IPv4-mapped) and ::a.b.c.d (IPv4-compatible, deprecated; includes :: and ::1)
  if (zeros(0, 5) && h[5] === 0xffff) return isPublicV4(embeddedV4(h[6], h[7]));
  if (zeros(0, 6)) return false;
  // 64:ff9b::/96 (NAT64): the IPv4 address decides
  if (h[0] === 0x64 && h[1] === 0xff9b && zeros(2, 6)) return isPublicV4(embeddedV4(h[6], h[7]));
  // 2002::/16 (6to4): the embedded IPv4 address decides
  if (h[0] === 0x2002) return isPublicV4(embeddedV4(h[1], h[2]));
  // Only global unicast (2000::/3) is public; fc00::/7 (unique-local, e.g. fd00:ec2::254 metadata),
  // fe80::/10 (link-local), ff00::/8 (multicast), 64:ff9b:1::/48 and 100::/64 all fall outside it.
  if ((h[0] & 0xe000) !== 0x2000) return false;
  if (h[0] === 0x2001 && h[1] < 0x0200) return false; // 2001::/23 IETF protocol assignments (Teredo, ORCHID, ...)
  if (h[0] === 0x2001 && h[1] === 0x0db8) return false; // documentation
  if (h[0] === 0x3fff && h[1] < 0x1000) return false; // 3fff::/20 documentation
  return true;
}

/** True when `ip` (an IPv4 or IPv6 literal, as returned by DNS) is a public address; false for anything else. */
export function isPublicAddress(ip: string): boolean {
  const family = isIP(ip.split('%')[0]);
  if (family === 4) {
    const n = v4ToInt(ip);
    return n !== null && isPublicV4(n);
  }
  if (family === 6) {
    const h = v6Hextets(ip);
    return h !== null && isPublicV6(h);
  }
  return false;
}

/** Names that are private by definition (resolved or not). */
function isPrivateName(host: string): boolean {
  const name = host.toLowerCase().replace(/\.+$/, '');
  if (!name.includes('.')) return true; // single-label: localhost, docker service names, "metadata", ...
  return (
    /(^|\.)(localhost|internal|local|localdomain|home\.arpa|intranet|corp|lan)$/.test(name) ||
    name === 'instance-data.ec2.internal'
  );
}

export type WebhookUrlCheck =
  { ok: true; url: URL } | { ok: false; code: 'VALIDATION_FAILED' | 'WEBHOOK_URL_NOT_ALLOWED'; problem: string };

/**
 * Registration check of a webhook URL. WHATWG parsing normalises numeric hosts first (2130706433,
 * 0x7f.1, 0177.0.0.1 all become 127.0.0.1), so the literal check sees the address a client would dial.
 * `allowPrivate` (WEBHOOK_ALLOW_PRIVATE) lifts the address rules, never the scheme or credential rules.
 */
export function checkWebhookUrl(raw: string, allowPrivate: boolean): WebhookUrlCheck {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return { ok: false, code: 'VALIDATION_FAILED', problem: 'must be an http(s) URL' };
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    return { ok: false, code: 'VALIDATION_FAILED', problem: 'must be an http(s) URL' };
  if (url.username || url.password)
    return { ok: false, code: 'WEBHOOK_URL_NOT_ALLOWED', problem: 'must not carry credentials' };
  if (allowPrivate) return { ok: true, url };
  const host = url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname;
  if (isIP(host)) {
    return isPublicAddress(host)
      ? { ok: true, url }
      : { ok: false, code: 'WEBHOOK_URL_NOT_ALLOWED', problem: 'must point to a public address' };
  }
  if (isPrivateName(host)) return { ok: false, code: 'WEBHOOK_URL_NOT_ALLOWED', problem: 'must name a public host' };
  return { ok: true, url };
}
