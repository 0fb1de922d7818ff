import type { Browser, Page } from 'playwright-core';
import { TestApp, connected, createStaff, emitAck, registerUser, startTestApp } from '../support/test-app';
import { adminToken, bearer } from '../support/calendar-fixtures';
import { launchBrowser, newPage, signIn, traced } from '../support/browser';
import { browserOrigin, expectMediaFlowing } from '../support/media';

// Runs inside the page (page.evaluate / addInitScript); the node-side program has no DOM types.
declare const window: any;
declare const navigator: any;
declare const DOMException: any;

async function startOpenQuiz(page: Page): Promise<void> {
  await page.getByRole('link', { name: 'Tests' }).click();
  await page.getByRole('article', { name: 'Open quiz' }).getByRole('button', { name: 'Start test' }).click();
  await page.getByText('This test is proctored').waitFor();
  await page.getByRole('button', { name: 'Start test', exact: true }).click();
}

describe("browser: the proctor sees the candidate's camera live", () => {
  let t: TestApp;
  let browser: Browser;

  beforeAll(async () => {
    const origin = await browserOrigin();
    [t, browser] = await Promise.all([startTestApp({ port: origin.port, env: origin.env }), launchBrowser()]);
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  it('a proctored test does not start without the camera', async () => {
    const candidate = await registerUser(t, { name: 'No Camera', password: 'password-123' });
    const c = await newPage(browser, t.baseUrl);
    // The browser refuses the camera, as when the person says no.
    await c.context.addInitScript(() => {
      navigator.mediaDevices.getUserMedia = () =>
        Promise.reject(new DOMException('Permission denied', 'NotAllowedError'));
    });
    await traced(c.page, 'camera-required', async () => {
      await signIn(c.page, candidate.user.email, 'password-123');
      await startOpenQuiz(c.page);
      await c.page.getByRole('alert').filter({ hasText: 'This test needs your camera' }).waitFor();
      expect(await c.page.getByRole('region', { name: 'Question 1' }).count()).toBe(0);
      // The server's clock never started: the attempt is still created.
      const attempts = await t.http().get('/api/attempts').set(bearer(candidate.token)).expect(200);
      expect(attempts.body.attempts.map((a: { status: string }) => a.status)).toEqual(['created']);
    });
    await c.context.close();
  }, 60_000);

  it('the dashboard thumbnail and the attempt view receive the camera; a stopped camera reaches the timeline as camera_off, and camera_on with how long it was off', async () => {
    const admin = await adminToken(t);
    const proctor = await createStaff(t, admin, 'proctor');
    const candidate = await registerUser(t, { name: 'Cam Candidate', password: 'password-123' });

    const p = await newPage(browser, t.baseUrl, { timezoneId: 'UTC' });
    const c = await newPage(browser, t.baseUrl);
    await traced(p.page, 'media-proctoring', async () => {
      await signIn(p.page, proctor.user.email, 'password-123');
      await p.page.getByRole('heading', { name: 'Live attempts' }).waitFor();
      await signIn(c.page, candidate.user.email, 'password-123');
      await startOpenQuiz(c.page);
      await c.page.getByRole('region', { name: 'Question 1' }).waitFor();
      await c.page.getByRole('img', { name: 'Your camera' }).or(c.page.getByLabel('Your camera')).first().waitFor();
      const attemptId = c.page.url().split('/').pop()!;
      const key = `attempt:${attemptId}|${candidate.user.id}`;

      // The dashboard shows a live thumbnail of the running attempt.
      const row = p.page.getByRole('row').filter({ hasText: 'Cam Candidate' });
      await row.waitFor({ timeout: 5000 });
      await row.getByLabel("Cam Candidate's camera").waitFor();
      const thumb = await expectMediaFlowing(p.page, key, { audio: false });
      expect(thumb.after.video!.framesDecoded - thumb.before.video!.framesDecoded).toBeGreaterThanOrEqual(10);

      // Watching the attempt: the camera beside the timeline.
      await row.getByRole('button', { name: 'Watch', exact: true }).click();
      await p.page.getByRole('table', { name: 'Integrity timeline' }).waitFor();
      const watched = await expectMediaFlowing(p.page, key, { audio: false });
      expect(watched.after.video!.framesDecoded - watched.before.video!.framesDecoded).toBeGreaterThanOrEqual(10);

      // A stranger cannot signal into the attempt's media room.
      const stranger = await registerUser(t, { name: 'Stranger' });
      const ss = t.socket(stranger.token);
      await connected(ss);
      const room = `attempt:${attemptId}`;
      expect(
        await emitAck(ss, 'rtc:signal', {
          room,
          to: candidate.user.id,
          state: { audio: false, video: false, hello: true },
        }),
      ).toMatchObject({ ok: false, code: 'RTC_NOT_ADMITTED' });
      expect(
        await emitAck(ss, 'rtc:signal', { room, to: proctor.user.id, description: { type: 'offer', sdp: 'v=0' } }),
      ).toMatchObject({ ok: false, code: 'RTC_NOT_ADMITTED' });
      ss.disconnect();

      // The candidate's camera stops: the proctor's timeline shows it live (the proctor's page has no polling, so
      // only the live path can show it; a track stopped by the page is noticed by a 1 s check, and a loaded CI
      // machine slows both browsers down, hence the generous wait).
      await c.page.evaluate(() => window.__vettingMedia.local.getVideoTracks()[0].stop());
      await p.page.locator('tr[data-signal-type="camera_off"]').waitFor({ timeout: 10_000 });
      await c.page.getByRole('alert').filter({ hasText: 'Your camera is off' }).waitFor();
      await new Promise((r) => setTimeout(r, 1500));
      await c.page.getByRole('button', { name: 'Camera on' }).click();
      const back = p.page.locator('tr[data-signal-type="camera_on"]');
      await back.waitFor({ timeout: 10_000 });
      expect(await back.textContent()).toMatch(/off 0?0:0[1-9]/);
      const stored = await t
        .http()
        .get(`/api/proctoring/attempts/${attemptId}/timeline`)
        .set(bearer(proctor.token))
        .expect(200);
      const cam = stored.body.timeline.filter((s: { type: string }) => s.type.startsWith('camera'));
      expect(cam.map((s: { type: string }) => s.type)).toEqual(['camera_off', 'camera_on']);
      expect(cam[1].data.durationMs).toBeGreaterThanOrEqual(1500);
      expect(cam[1].data.durationMs).toBeLessThan(20_000);

      // The new camera track reaches the proctor too.
      const again = await expectMediaFlowing(p.page, key, { audio: false });
      expect(again.after.video!.framesDecoded).toBeGreaterThan(again.before.video!.framesDecoded);
    });
    await p.context.close();
    await c.context.close();
  }, 150_000);
});
