import { lookup as dnsLookup, LookupAddress, LookupOptions } from 'node:dns';
import { request as httpRequest, RequestOptions } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { isIP, LookupFunction } from 'node:net';
import { isPublicAddress } from '../domain/webhook-target.rules';

/** A webhook whose host is (or resolves to) a non-public address: refused before any connection. */
export class WebhookTargetRefused extends Error {
  readonly code = 'WEBHOOK_TARGET_REFUSED';
  constructor() {
    super('target address not allowed');
  }
}

type Resolver = (
  hostname: string,
  options: LookupOptions & { all: true },
  cb: (err: NodeJS.ErrnoException | null, addresses: LookupAddress[]) => void,
) => void;

/**
 * A `lookup` for sockets that resolves every address of the host and refuses the connection when any of
 * them is not public: the check happens at connect time, on the address actually dialled, so DNS
 * rebinding (public at registration, loopback at delivery) gains nothing.
 */
export function publicOnlyLookup(resolve: Resolver = dnsLookup as unknown as Resolver): LookupFunction {
  return (hostname, options, callback) => {
    resolve(hostname, { ...options, all: true }, (err, addresses) => {
      if (err) return (callback as (e: Error) => void)(err);
      if (!addresses.length || addresses.some((a) => !isPublicAddress(a.address)))
        return (callback as (e: Error) => void)(new WebhookTargetRefused());
      if ((options as LookupOptions).all) return (callback as (e: null, a: LookupAddress[]) => void)(null, addresses);
      (callback as (e: null, a: string, f: number) => void)(null, addresses[0].address, addresses[0].family);
    });
  };
}

export interface WebhookPost {
  url: string;
  headers: Record<string, string>;
  body: string;
  timeoutMs: number;
  /** WEBHOOK_ALLOW_PRIVATE: skip the address check (tests on loopback). */
  allowPrivate: boolean;
  /** For tests: how host names resolve (default: the system resolver). */
  resolve?: Resolver;
}

/**
 * One POST without following redirects (a 3xx is an answer like any other); resolves with the status.
 * Failures reject with a short, address-free reason, so the delivery log cannot map internal services.
 */
export function postWebhook(p: WebhookPost): Promise<number> {
  const url = new URL(p.url);
  const host = url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname;
  if (!p.allowPrivate && isIP(host) && !isPublicAddress(host)) return Promise.reject(new WebhookTargetRefused());
  const options: RequestOptions = {
    method: 'POST',
    headers: { ...p.headers, 'content-length': Buffer.byteLength(p.body) },
    signal: AbortSignal.timeout(p.timeoutMs),
    ...(p.allowPrivate ? {} : { lookup: publicOnlyLookup(p.resolve) }),
  };
  return new Promise<number>((resolve, reject) => {
    const req = (url.protocol === 'https:' ? httpsRequest : httpRequest)(url, options, (res) => {
      // the answer's body is not needed: drop it (and its socket) rather than drain an endless stream
      res.on('error', () => undefined);
      res.destroy();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', (err) => reject(err instanceof WebhookTargetRefused ? err : new Error(deliveryFailureReason(err))));
    req.end(p.body);
  });
}

/** A delivery failure as the webhook owner may see it: its kind, never an address or port. */
export function deliveryFailureReason(err: unknown): string {
  const e = err as { code?: string; name?: string } | undefined;
  if (e instanceof WebhookTargetRefused) return e.message;
  if (e?.name === 'AbortError' || e?.name === 'TimeoutError' || e?.code === 'ABORT_ERR') return 'timed out';
  switch (e?.code) {
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
    case 'EAI_NODATA':
    case 'EAI_NONAME':
      return 'host not found';
    case 'ECONNREFUSED':
    case 'ECONNRESET':
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
    case 'EPIPE':
    case 'ETIMEDOUT':
      return 'connection failed';
  }
  if (typeof e?.code === 'string' && /CERT|TLS|SSL/.test(e.code)) return 'TLS error';
  return 'request failed';
}
