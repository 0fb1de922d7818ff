import { readFileSync } from 'node:fs';
import { DateTime } from 'luxon';
import type { Browser, Locator, Page } from 'playwright-core';
import { TestApp, startTestApp } from '../support/test-app';
import { adminToken, bearer, talentManager } from '../support/calendar-fixtures';
import { launchBrowser, newPage, signIn, traced } from '../support/browser';

const CATEGORY = 'web-mobile-software-dev';
const ZONE = 'Europe/Berlin';

/** Picks `time` on `day` (YYYY-MM-DD in the freelancer's zone) in a slot calendar. */
async function pickSlot(scope: Page | Locator, day: DateTime, time: string): Promise<void> {
  const label = new RegExp(`^${day.toFormat('d MMMM yyyy')},`);
  const dayButton = scope.getByRole('button', { name: label }).first();
  if (!(await dayButton.isVisible())) await scope.getByRole('button', { name: 'Next month' }).first().click();
  await dayButton.click();
  await scope.getByRole('button', { name: time, exact: true }).click();
}

describe('browser: a freelancer books, reschedules once and joins the call room', () => {
  let t: TestApp;
  let browser: Browser;

  beforeAll(async () => {
    // The room opens days ahead here, so one booked slot can both be rescheduled (24 h notice) and joined.
    [t, browser] = await Promise.all([startTestApp({ env: { VETTING_JOIN_EARLY: 'P4D' } }), launchBrowser()]);
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  it('signs up, books a slot in their zone, downloads the .ics, reschedules once, and the talent manager sees them present', async () => {
    const admin = await adminToken(t);
    const tm = await talentManager(t, admin, CATEGORY);
    const { page } = await newPage(browser, t.baseUrl, { timezoneId: ZONE });
    await traced(page, 'freelancer-booking', async () => {
      // Sign up through the page.
      const email = `fl-${Date.now()}@example.com`;
      await page.goto('/sign-up');
      await page.getByLabel('Name').fill('Ada Freelancer');
      await page.getByLabel('Email').fill(email);
      await page.getByLabel('Password').fill('password-123');
      expect(await page.getByLabel('Time zone').inputValue()).toBe(ZONE);
      await page.getByRole('button', { name: 'Sign up' }).click();
      await page.getByRole('heading', { name: 'Welcome, Ada Freelancer' }).waitFor();
      await page.getByText('Not invited yet').waitFor();

      // An admin invites them (the admin's own page has its own journey).
      const login = await t.http().post('/api/auth/login').send({ email, password: 'password-123' }).expect(200);
      await t
        .http()
        .post('/api/vetting/invitations')
        .set(bearer(admin))
        .send({ freelancerId: login.body.user.id, program: 'expert-vetted', categorySlug: CATEGORY })
        .expect(201);
      await page.reload();
      await page.getByText('Eligible', { exact: true }).waitFor();

      // Book: the calendar is in the freelancer's zone, named on the page.
      await page.getByRole('link', { name: 'Book a call' }).first().click();
      await page.getByText(`Times are in your time zone: ${ZONE.replace('_', ' ')}`).waitFor();
      const today = DateTime.now().setZone(ZONE).startOf('day');
      await pickSlot(page, today.plus({ days: 2 }), '12:00');
      await page.getByRole('button', { name: 'Book' }).click();
      await page.waitForURL(/\/calls\/[0-9a-f-]{36}$/);
      const callId = page.url().split('/').pop()!;
      const booked = await t.http().get(`/api/vetting/calls/${callId}`).set(bearer(login.body.accessToken)).expect(200);
      expect(booked.body.startsAt).toBe(
        today.plus({ days: 2 }).set({ hour: 12 }).toUTC().toISO({ suppressMilliseconds: true })!.replace('Z', '.000Z'),
      );
      await page.getByRole('timer').filter({ hasText: 'Starts in' }).waitFor();

      // The .ics invite downloads through the page.
      const [download] = await Promise.all([
        page.waitForEvent('download'),
        page.getByRole('button', { name: 'Download invite (.ics)' }).click(),
      ]);
      const ics = readFileSync((await download.path())!, 'utf8');
      expect(ics).toContain('BEGIN:VCALENDAR');
      expect(ics).toContain('METHOD:REQUEST');

      // Reschedule once.
      await page.getByRole('button', { name: 'Reschedule', exact: true }).click();
      const dialog = page.getByRole('dialog', { name: 'Reschedule the call' });
      await pickSlot(dialog, today.plus({ days: 3 }), '14:30');
      await dialog.getByRole('button', { name: 'Confirm reschedule' }).click();
      await page.getByText('Rescheduled 1 time(s).').waitFor();
      await dialog.waitFor({ state: 'hidden' });
      const moved = await t.http().get(`/api/vetting/calls/${callId}`).set(bearer(login.body.accessToken)).expect(200);
      expect(moved.body.rescheduleCount).toBe(1);
      expect(Date.parse(moved.body.startsAt)).toBe(today.plus({ days: 3 }).set({ hour: 14, minute: 30 }).toMillis());

      // A second reschedule is refused, with the reason on the page (the page's own and the api's).
      await page.getByRole('button', { name: 'Reschedule', exact: true }).click();
      await dialog.getByText('This call was already rescheduled once').waitFor();
      await pickSlot(dialog, today.plus({ days: 4 }), '10:00');
      await dialog.getByRole('button', { name: 'Confirm reschedule' }).click();
      await dialog.getByRole('alert').filter({ hasText: 'A booking may be rescheduled 1 time(s)' }).waitFor();
      await dialog.getByRole('button', { name: 'Keep the current time' }).click();
      const still = await t.http().get(`/api/vetting/calls/${callId}`).set(bearer(login.body.accessToken)).expect(200);
      expect(still.body.startsAt).toBe(moved.body.startsAt);

      // The talent manager opens the call from the agenda and joins; then the freelancer joins and is seen present.
      const tmSession = await newPage(browser, t.baseUrl, { timezoneId: 'America/New_York' });
      await signIn(tmSession.page, tm.user.email, 'password-123');
      await tmSession.page.getByRole('heading', { name: 'Agenda' }).waitFor();
      await tmSession.page.locator(`a[href="/calls/${callId}"]`).click();
      await tmSession.page.getByRole('button', { name: 'Join call' }).click();
      await tmSession.page.getByText('Talent manager present').waitFor();
      await tmSession.page.getByText('Freelancer not present').waitFor();

      await page.getByRole('button', { name: 'Join call' }).click();
      await page.getByRole('button', { name: 'Leave call' }).waitFor();
      await tmSession.page.getByText('Freelancer present', { exact: true }).waitFor({ timeout: 5000 });
      const joined = await t.http().get(`/api/vetting/calls/${callId}`).set(bearer(login.body.accessToken)).expect(200);
      expect(joined.body.freelancerJoinedAt).not.toBeNull();
      await tmSession.context.close();
    });
  }, 120_000);
});
