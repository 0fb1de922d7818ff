import type { Browser } from 'playwright-core';
import { TestApp, connected, emitAck, nextEvent, registerUser, startTestApp } from '../support/test-app';
import { launchBrowser, newPage, traced } from '../support/browser';
import { bookedMediaCall, browserOrigin, expectMediaFlowing, inboundStats, joinCallInPages } from '../support/media';

// Runs inside the page (page.evaluate); the node-side program has no DOM types.
declare const window: any;

const CALL_SECONDS = 40;

describe('browser: the vetting call is a video call', () => {
  let t: TestApp;
  let browser: Browser;

  beforeAll(async () => {
    const origin = await browserOrigin();
    [t, browser] = await Promise.all([
      startTestApp({
        port: origin.port,
        env: {
          ...origin.env,
          VETTING_CALL_LENGTH: `PT${CALL_SECONDS}S`,
          VETTING_GRACE_PERIOD: 'PT20S',
          VETTING_MIN_BOOKING_LEAD: 'PT1S',
          VETTING_ENDING_SOON: 'PT10S',
        },
      }),
      launchBrowser(),
    ]);
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  it('both participants see and hear each other, see mute and camera-off, a stranger cannot signal into the room, and the hard end stops both', async () => {
    const { tm, f, callId, room, startsAt } = await bookedMediaCall(t, CALL_SECONDS);

    const fp = await newPage(browser, t.baseUrl);
    const tp = await newPage(browser, t.baseUrl, { timezoneId: 'UTC' });
    await traced(fp.page, 'media-call', async () => {
      await joinCallInPages(
        { freelancer: fp.page, talentManager: tp.page },
        { freelancer: f.user.email, talentManager: tm.user.email },
        callId,
      );

      // Both receive the other's video and audio: frames decoded and bytes received keep growing.
      for (const [page, peer] of [
        [fp.page, tm.user.id],
        [tp.page, f.user.id],
      ] as const) {
        const { before, after } = await expectMediaFlowing(page, `${room}|${peer}`, { audio: true });
        expect(after.video!.framesDecoded - before.video!.framesDecoded).toBeGreaterThanOrEqual(10);
        expect(after.video!.bytesReceived).toBeGreaterThan(before.video!.bytesReceived);
        expect(after.audio!.bytesReceived).toBeGreaterThan(before.audio!.bytesReceived);
      }
      await fp.page.getByRole('group', { name: 'Video call' }).getByText('connected', { exact: true }).waitFor();

      // Mute and camera off on one side are shown on the other.
      await tp.page.getByRole('button', { name: 'Mute' }).click();
      await tp.page.getByRole('button', { name: 'Unmute' }).waitFor();
      await fp.page.getByText('muted', { exact: true }).waitFor({ timeout: 3000 });
      await tp.page.getByRole('button', { name: 'Camera off' }).click();
      await tp.page.getByRole('button', { name: 'Camera on' }).waitFor();
      await fp.page.getByText('camera off', { exact: true }).waitFor({ timeout: 3000 });
      await tp.page.getByRole('button', { name: 'Unmute' }).click();
      await fp.page.getByText('muted', { exact: true }).waitFor({ state: 'detached', timeout: 3000 });

      // A stranger's signals into the room are refused and never reach a participant.
      const stranger = await registerUser(t, { name: 'Stranger' });
      const ss = t.socket(stranger.token);
      const spy = t.socket(f.token); // another socket of the freelancer: it would receive any relayed signal
      await Promise.all([connected(ss), connected(spy)]);
      const received: unknown[] = [];
      spy.on('rtc:signal', (s) => received.push(s));
      const offer = { room, to: f.user.id, description: { type: 'offer', sdp: 'v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\n' } };
      expect(await emitAck(ss, 'rtc:signal', offer)).toMatchObject({ ok: false, code: 'RTC_NOT_ADMITTED' });
      expect(
        await emitAck(ss, 'rtc:signal', {
          room,
          to: tm.user.id,
          candidate: { candidate: 'candidate:1 1 udp 1 10.0.0.1 9 typ host', sdpMid: '0', sdpMLineIndex: 0 },
        }),
      ).toMatchObject({ ok: false, code: 'RTC_NOT_ADMITTED' });
      // Even joining the room is refused (not a participant: 404), so the stranger is never in it.
      expect(await emitAck(ss, 'call:join', { callId })).toMatchObject({ ok: false, code: 'NOT_FOUND' });
      // A participant's socket that did not join the room may not signal either; one that did is relayed.
      expect(
        await emitAck(spy, 'rtc:signal', { room, to: tm.user.id, state: { audio: true, video: true } }),
      ).toMatchObject({ ok: false, code: 'RTC_NOT_ADMITTED' });
      const ts = t.socket(tm.token);
      await connected(ts);
      expect(await emitAck(ts, 'call:join', { callId })).toMatchObject({ ok: true, iceServers: [] });
      const relayed = nextEvent(spy, 'rtc:signal', 3000);
      expect(
        await emitAck(ts, 'rtc:signal', { room, to: f.user.id, state: { audio: true, video: true } }),
      ).toMatchObject({ ok: true });
      expect(await relayed).toMatchObject({
        room,
        from: tm.user.id,
        state: { audio: true, video: true, hello: false, restart: false },
      });
      expect(received.filter((s: any) => s.from === stranger.user.id)).toEqual([]);
      ts.disconnect();

      // The hard end: the server ends the call; both pages stop their tracks and say so.
      const endWait = Math.max(0, startsAt.toMillis() + CALL_SECONDS * 1000 - Date.now()) + 15_000;
      for (const page of [fp.page, tp.page]) await page.getByText('The call has ended.').waitFor({ timeout: endWait });
      for (const [page, peer] of [
        [fp.page, tm.user.id],
        [tp.page, f.user.id],
      ] as const) {
        const local = await page.evaluate(() =>
          window.__vettingMedia.local.getTracks().map((tr: any) => tr.readyState),
        );
        expect(local.length).toBe(2);
        expect(local.every((s: string) => s === 'ended')).toBe(true);
        expect((await inboundStats(page, `${room}|${peer}`)).connectionState).toBe('closed');
        expect(await page.getByRole('group', { name: 'Video call' }).count()).toBe(0);
      }
      // And signals after the end are refused.
      expect(
        await emitAck(spy, 'rtc:signal', { room, to: tm.user.id, state: { audio: true, video: true } }),
      ).toMatchObject({ ok: false, code: 'RTC_ROOM_CLOSED' });
      ss.disconnect();
      spy.disconnect();
    });
    await fp.context.close();
    await tp.context.close();
  }, 150_000);
});
