import type { Page } from 'playwright-core';
import { signIn } from './browser';
import { adminToken, bearer, invitedFreelancer, nextGridStart, talentManager } from './calendar-fixtures';
import type { TestApp } from './test-app';

// Runs inside the page (page.evaluate); the node-side program has no DOM types.
declare const window: any;

export interface InboundStats {
  video?: { framesDecoded: number; bytesReceived: number };
  audio?: { bytesReceived: number; packetsReceived: number };
  /** The candidate types of the selected pair ("host", "srflx", "relay"). */
  pair?: { local: string; remote: string };
  connectionState?: string;
}

/** The page's peer connection named `<room>|<peer>` (window.__vettingMedia): inbound-rtp per kind and the selected pair, from getStats(). */
export function inboundStats(page: Page, key: string): Promise<InboundStats> {
  return page.evaluate(async (k: string) => {
    const pc = window.__vettingMedia?.connections?.[k];
    if (!pc) return {};
    const out: any = { connectionState: pc.connectionState };
    const stats = await pc.getStats();
    const byId = new Map<string, any>();
    stats.forEach((s: any) => byId.set(s.id, s));
    stats.forEach((s: any) => {
      if (s.type === 'inbound-rtp' && s.kind === 'video')
        out.video = { framesDecoded: s.framesDecoded ?? 0, bytesReceived: s.bytesReceived ?? 0 };
      if (s.type === 'inbound-rtp' && s.kind === 'audio')
        out.audio = { bytesReceived: s.bytesReceived ?? 0, packetsReceived: s.packetsReceived ?? 0 };
      if (s.type === 'transport' && s.selectedCandidatePairId) {
        const pair = byId.get(s.selectedCandidatePairId);
        if (pair)
          out.pair = {
            local: byId.get(pair.localCandidateId)?.candidateType,
            remote: byId.get(pair.remoteCandidateId)?.candidateType,
          };
      }
    });
    return out;
  }, key);
}

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Waits until the connection decodes video (and receives audio when asked), then checks both keep growing over `windowMs`. */
export async function expectMediaFlowing(
  page: Page,
  key: string,
  opts: { audio: boolean; timeoutMs?: number; windowMs?: number },
): Promise<{ before: InboundStats; after: InboundStats }> {
  const until = Date.now() + (opts.timeoutMs ?? 20_000);
  let before: InboundStats;
  for (;;) {
    before = await inboundStats(page, key);
    if ((before.video?.framesDecoded ?? 0) > 0 && (!opts.audio || (before.audio?.bytesReceived ?? 0) > 0)) break;
    if (Date.now() > until) {
      const log = await page.evaluate(() => window.__vettingMedia?.log ?? []);
      throw new Error(`no media decoded on ${key} within the timeout: ${JSON.stringify(before)}\n${log.join('\n')}`);
    }
    await pause(250);
  }
  await pause(opts.windowMs ?? 2000);
  const after = await inboundStats(page, key);
  return { before, after };
}

/** A free loopback port (TCP, or UDP for a TURN server). */
export async function freePort(kind: 'tcp' | 'udp' = 'tcp'): Promise<number> {
  if (kind === 'udp') {
    const dgram = await import('node:dgram');
    const sock = dgram.createSocket('udp4');
    await new Promise<void>((r) => sock.bind(0, '127.0.0.1', () => r()));
    const port = sock.address().port;
    await new Promise<void>((r) => sock.close(() => r()));
    return port;
  }
  const net = await import('node:net');
  const server = net.createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const port = (server.address() as { port: number }).port;
  await new Promise<void>((r) => server.close(() => r()));
  return port;
}

/** Env and port for an api the browser talks to: its page origin must be in CORS_ORIGINS for the /live handshake. */
export async function browserOrigin(): Promise<{ port: number; env: Record<string, string> }> {
  const port = await freePort();
  return { port, env: { CORS_ORIGINS: `http://127.0.0.1:${port}` } };
}

/**
 * The start of every media call test: a talent manager and an invited freelancer of one category, and a
 * call booked on the next grid start of `callSeconds` (the app runs with VETTING_CALL_LENGTH of that length).
 */
export async function bookedMediaCall(t: TestApp, callSeconds: number, categorySlug = 'web-mobile-software-dev') {
  const admin = await adminToken(t);
  const tm = await talentManager(t, admin, categorySlug);
  const f = await invitedFreelancer(t, admin, categorySlug);
  const startsAt = nextGridStart(callSeconds * 1000, 3000);
  const booked = await t
    .http()
    .post('/api/vetting/calls')
    .set(bearer(f.token))
    .send({ invitationId: f.invitationId, startsAt: startsAt.toISO() });
  if (booked.status !== 201) throw new Error(`book: ${booked.status} ${JSON.stringify(booked.body)}`);
  const callId: string = booked.body.id;
  return { admin, tm, f, booked, callId, room: `call:${callId}`, startsAt };
}

/** Both participants sign in on their pages, open the call page and press "Join call". */
export async function joinCallInPages(
  pages: { freelancer: Page; talentManager: Page },
  users: { freelancer: string; talentManager: string },
  callId: string,
): Promise<void> {
  await signIn(pages.freelancer, users.freelancer, 'password-123');
  await signIn(pages.talentManager, users.talentManager, 'password-123');
  await pages.freelancer.goto(`/calls/${callId}`);
  await pages.talentManager.goto(`/calls/${callId}`);
  await pages.freelancer.getByRole('button', { name: 'Join call' }).click();
  await pages.talentManager.getByRole('button', { name: 'Join call' }).click();
}
