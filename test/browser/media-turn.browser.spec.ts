import type { Browser } from 'playwright-core';
import { mintTurnCredential } from '@vetting/live';
import { TestApp, connected, emitAck, startTestApp } from '../support/test-app';
import { launchBrowser, newPage, traced } from '../support/browser';
import { bookedMediaCall, browserOrigin, expectMediaFlowing, inboundStats, joinCallInPages } from '../support/media';
import { Turn, startTurn } from '../support/turn';

// Runs inside the page (page.evaluate); the node-side program has no DOM types.
declare const RTCPeerConnection: any;

const CALL_SECONDS = 120;
const SECRET = 'turn-test-secret-0123456789abcdef';

describe('browser: the call through TURN (coturn, REST API credentials)', () => {
  let t: TestApp;
  let browser: Browser;
  let turn: Turn;

  beforeAll(async () => {
    turn = await startTurn(SECRET);
    const origin = await browserOrigin();
    [t, browser] = await Promise.all([
      startTestApp({
        port: origin.port,
        env: {
          ...origin.env,
          VETTING_CALL_LENGTH: `PT${CALL_SECONDS}S`,
          VETTING_GRACE_PERIOD: 'PT60S',
          VETTING_MIN_BOOKING_LEAD: 'PT1S',
          VETTING_ENDING_SOON: 'PT10S',
          TURN_URLS: turn.url,
          TURN_SECRET: SECRET,
          RTC_ICE_TRANSPORT_POLICY: 'relay',
        },
      }),
      launchBrowser(),
    ]);
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
    await turn?.stop();
  });

  it('media flows through the relay with the credentials minted in the join ack; an expired credential is refused; a lost relay is recovered by an ICE restart', async () => {
    const { tm, f, booked, callId, room } = await bookedMediaCall(t, CALL_SECONDS);

    // The join ack: TURN with "<room close unix>:<userId>" and its HMAC, relay only.
    const s = t.socket(f.token);
    await connected(s);
    const joined = await emitAck(s, 'call:join', { callId });
    s.disconnect();
    const endsAt = new Date(booked.body.endsAt);
    const expected = mintTurnCredential(SECRET, f.user.id, endsAt);
    expect(joined).toMatchObject({
      ok: true,
      iceTransportPolicy: 'relay',
      iceServers: [
        { urls: [turn.url], username: `${endsAt.getTime() / 1000}:${f.user.id}`, credential: expected.credential },
      ],
    });

    const fp = await newPage(browser, t.baseUrl);
    const tp = await newPage(browser, t.baseUrl, { timezoneId: 'UTC' });
    await traced(fp.page, 'media-turn', async () => {
      await joinCallInPages(
        { freelancer: fp.page, talentManager: tp.page },
        { freelancer: f.user.email, talentManager: tm.user.email },
        callId,
      );
      for (const [page, peer] of [
        [fp.page, tm.user.id],
        [tp.page, f.user.id],
      ] as const) {
        const { before, after } = await expectMediaFlowing(page, `${room}|${peer}`, { audio: true, timeoutMs: 30_000 });
        expect(after.video!.framesDecoded - before.video!.framesDecoded).toBeGreaterThanOrEqual(10);
        expect(after.audio!.bytesReceived).toBeGreaterThan(before.audio!.bytesReceived);
        // Through the relay, both ends.
        expect(after.pair).toEqual({ local: 'relay', remote: 'relay' });
      }

      // Against the same coturn: a valid minted credential allocates a relay; an expired one is refused (401).
      const gather = (username: string, credential: string) =>
        fp.page.evaluate(
          async ({ url, username, credential }) => {
            const pc = new RTCPeerConnection({
              iceServers: [{ urls: [url], username, credential }],
              iceTransportPolicy: 'relay',
            });
            const candidates: string[] = [];
            const errors: number[] = [];
            pc.onicecandidate = (e: any) => e.candidate && candidates.push(e.candidate.type);
            pc.onicecandidateerror = (e: any) => errors.push(e.errorCode);
            pc.createDataChannel('probe');
            await pc.setLocalDescription(await pc.createOffer());
            await new Promise<void>((resolve) => {
              const done = () => pc.iceGatheringState === 'complete' && resolve();
              pc.onicegatheringstatechange = done;
              setTimeout(resolve, 10_000);
              done();
            });
            pc.close();
            return { candidates, errors };
          },
          { url: turn.url, username, credential },
        );
      const valid = mintTurnCredential(SECRET, f.user.id, new Date(Date.now() + 60_000));
      const ok = await gather(valid.username, valid.credential);
      expect(ok.candidates).toContain('relay');
      const expired = mintTurnCredential(SECRET, f.user.id, new Date(Date.now() - 60_000));
      const refused = await gather(expired.username, expired.credential);
      expect(refused.candidates).toEqual([]);
      expect(refused.errors).toContain(401);
      const forged = mintTurnCredential('another-secret-0123456789abcdef', f.user.id, new Date(Date.now() + 60_000));
      expect((await gather(forged.username, forged.credential)).candidates).toEqual([]);

      // Network loss: the relay goes away; both pages say so, and once it is back an ICE restart
      // (with the same minted credentials, still valid while the room is open) brings the media back.
      await turn.stop();
      for (const page of [fp.page, tp.page])
        await page.getByText('connection lost, reconnecting…').waitFor({ timeout: 30_000 });
      turn = await startTurn(SECRET, turn.port);
      for (const [page, peer] of [
        [fp.page, tm.user.id],
        [tp.page, f.user.id],
      ] as const) {
        await page
          .getByRole('group', { name: 'Video call' })
          .getByText('connected', { exact: true })
          .waitFor({ timeout: 30_000 });
        // The restarted path may report connected a moment before frames arrive again: wait (bounded) until
        // at least 10 more frames are decoded, through the relay.
        const key = `${room}|${peer}`;
        const before = await inboundStats(page, key);
        let after = before;
        for (const until = Date.now() + 30_000; Date.now() < until; await new Promise((r) => setTimeout(r, 500))) {
          after = await inboundStats(page, key);
          if ((after.video?.framesDecoded ?? 0) - (before.video?.framesDecoded ?? 0) >= 10) break;
        }
        expect((after.video?.framesDecoded ?? 0) - (before.video?.framesDecoded ?? 0)).toBeGreaterThanOrEqual(10);
        expect((after.audio?.bytesReceived ?? 0) - (before.audio?.bytesReceived ?? 0)).toBeGreaterThan(0);
        expect(after.pair).toEqual({ local: 'relay', remote: 'relay' });
      }
      // It went through the ICE restart path: one side's signalling log shows the recovery (the side whose
      // timer fires first restarts, or asks the offerer to; the other may come back before its own fires).
      const logs: string[][] = await Promise.all(
        [fp.page, tp.page].map((p) => p.evaluate(() => (globalThis as any).__vettingMedia.log as string[])),
      );
      expect(logs.flat().some((l) => l.startsWith('recover') || l.includes(' recover '))).toBe(true);
    });
    await fp.context.close();
    await tp.context.close();
  }, 200_000);
});
