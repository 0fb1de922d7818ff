import type { Browser } from 'playwright-core';
import { TestApp, createStaff, connected, emitAck, registerUser, startTestApp } from '../support/test-app';
import { adminToken, bearer, invitedFreelancer, makeExpertVetted, nextGridStart } from '../support/calendar-fixtures';
import { launchBrowser, newPage, signIn, traced } from '../support/browser';
import { ADMIN } from '../support/test-app';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const WEEKDAYS = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'];

describe('browser: talent manager, clients and admin', () => {
  let t: TestApp;
  let browser: Browser;
  let admin: string;
  let uiTalentManagerToken: string | undefined;

  beforeAll(async () => {
    [t, browser] = await Promise.all([
      startTestApp({
        env: {
          VETTING_CALL_LENGTH: 'PT20S',
          VETTING_GRACE_PERIOD: 'PT5S',
          VETTING_MIN_BOOKING_LEAD: 'PT1S',
          VETTING_ENDING_SOON: 'PT5S',
        },
      }),
      launchBrowser(),
    ]);
    admin = await adminToken(t);
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  it('a talent manager saves availability in their zone and submits a scorecard after the call', async () => {
    const tm = await createStaff(t, admin, 'talent_manager');
    uiTalentManagerToken = tm.token;
    const { context, page } = await newPage(browser, t.baseUrl);
    await traced(page, 'talent-manager', async () => {
      await signIn(page, tm.user.email, 'password-123');
      await page.getByRole('link', { name: 'Availability' }).click();
      await page.getByText('You have not published availability yet').waitFor();
      await page.getByLabel('Time zone').selectOption('Asia/Tokyo');
      for (const day of WEEKDAYS) {
        const box = page.getByRole('checkbox', { name: day });
        if (!(await box.isChecked())) await box.check();
        await page.getByLabel(`${day} from`).fill('00:00');
        await page.getByLabel(`${day} to`).fill('00:00');
      }
      await page.getByLabel('Daily cap (calls per day)').fill('40');
      await page.getByRole('button', { name: 'Save availability' }).click();
      await page.getByText('Your hours are in Asia/Tokyo.').waitFor();
      const saved = await t.http().get('/api/talent-managers/me/availability').set(bearer(tm.token)).expect(200);
      expect(saved.body).toMatchObject({ timeZone: 'Asia/Tokyo', dailyCap: 40 });
      expect(saved.body.weekly).toHaveLength(7);
      expect(saved.body.weekly[0]).toEqual({ weekday: 1, start: '00:00', end: '24:00' });

      // A freelancer books the next slot (20-second calls here) and is in the room before the start.
      const f = await invitedFreelancer(t, admin, 'web-mobile-software-dev');
      const startsAt = nextGridStart(20_000, 12_000);
      const call = await t
        .http()
        .post('/api/vetting/calls')
        .set(bearer(f.token))
        .send({ invitationId: f.invitationId, startsAt: startsAt.toISO() })
        .expect(201);
      expect(call.body.talentManagerId).toBe(tm.user.id);
      const fs = t.socket(f.token);
      await connected(fs);
      await emitAck(fs, 'call:join', { callId: call.body.id });

      await page.getByRole('link', { name: 'Agenda' }).click();
      await page.locator(`a[href="/calls/${call.body.id}"]`).click();
      await page.getByRole('button', { name: 'Join call' }).click();
      await page.getByText('Freelancer present', { exact: true }).waitFor();

      await page.getByLabel('Skill 1', { exact: true }).fill('TypeScript');
      await page.getByRole('radiogroup', { name: 'Skill 1 score' }).getByText('4', { exact: true }).click();
      await page.getByRole('radiogroup', { name: 'Reliability' }).getByText('5', { exact: true }).click();
      await page.getByRole('radiogroup', { name: 'Communication' }).getByText('4', { exact: true }).click();
      await page.getByRole('radio', { name: 'Pass' }).check();
      await page.getByLabel('Notes').fill('Clear, structured answers.');
      await sleep(Math.max(0, startsAt.toMillis() - Date.now() + 300));
      await page.getByRole('button', { name: 'Submit scorecard' }).click();
      await page.getByText('The scorecard for this call has been submitted.').waitFor();
      const card = await t.http().get(`/api/vetting/calls/${call.body.id}/scorecard`).set(bearer(tm.token)).expect(200);
      expect(JSON.stringify(card.body)).toContain('TypeScript');
      expect(card.body.scorecard).toMatchObject({ decision: 'pass' });
      fs.disconnect();
    });
    await context.close();
  }, 120_000);

  it('an enterprise client sees the vetted-talent toast live and a marketplace client does not', async () => {
    const password = 'password-123';
    const enterprise = await registerUser(t, { role: 'client', plan: 'enterprise', password, name: 'Erin Enterprise' });
    const marketplace = await registerUser(t, {
      role: 'client',
      plan: 'marketplace',
      password,
      name: 'Mo Marketplace',
    });
    const e = await newPage(browser, t.baseUrl);
    const m = await newPage(browser, t.baseUrl);
    await traced(e.page, 'clients', async () => {
      for (const [s, who] of [
        [e, enterprise],
        [m, marketplace],
      ] as const) {
        await signIn(s.page, who.user.email, password);
        await s.page.getByRole('heading', { name: 'Followed categories' }).waitFor();
        await s.page.getByRole('checkbox', { name: 'Design & Creative' }).check();
        await s.page.getByRole('button', { name: 'Save followed categories' }).click();
        await s.page.getByText('Following 1 categories.').waitFor();
      }
      await m.page.getByText('Alerts need Business Plus or Enterprise').waitFor();

      // The talent manager of the first journey covers every category around the clock: keep them to one, so
      // the vetting call below goes to the talent manager whose token makeExpertVetted holds.
      if (uiTalentManagerToken) {
        const { body } = await t
          .http()
          .get('/api/talent-managers/me/availability')
          .set(bearer(uiTalentManagerToken))
          .expect(200);
        await t
          .http()
          .put('/api/talent-managers/me/availability')
          .set(bearer(uiTalentManagerToken))
          .send({
            timeZone: body.timeZone,
            weekly: body.weekly,
            exceptions: body.exceptions ?? [],
            dailyCap: body.dailyCap,
            categorySlugs: ['web-mobile-software-dev'],
          })
          .expect(200);
      }
      const { freelancer } = await makeExpertVetted(t, admin, 'design-creative');

      const toast = e.page
        .locator('.mantine-Notification-root')
        .filter({ hasText: 'New Expert-Vetted talent in design-creative' });
      await toast.waitFor({ timeout: 30_000 });
      await e.page.getByRole('link', { name: 'Inbox, 1 unread' }).waitFor();
      // The marketplace client's page gets nothing (give it the same time again).
      await sleep(2000);
      expect(await m.page.locator('.mantine-Notification-root').filter({ hasText: 'Expert-Vetted' }).count()).toBe(0);
      expect(await m.page.getByRole('link', { name: /unread/ }).count()).toBe(0);

      // Inbox: the alert, a link to the profile with the badge the plan allows, mark all read.
      await e.page.getByRole('link', { name: 'Inbox, 1 unread' }).click();
      await e.page.getByText('1 unread', { exact: true }).waitFor();
      await e.page.getByRole('button', { name: 'Mark all read' }).click();
      await e.page.getByText('0 unread', { exact: true }).waitFor();
      await e.page.getByRole('banner').getByRole('link', { name: 'Inbox', exact: true }).waitFor();
      await e.page.getByRole('link', { name: "View the freelancer's profile" }).click();
      await e.page.getByText('Expert-Vetted', { exact: true }).waitFor();
      await m.page.goto(`/freelancers/${freelancer.user.id}`);
      await m.page.getByRole('heading', { name: 'Badge' }).waitFor();
      expect(await m.page.getByText('Expert-Vetted', { exact: true }).count()).toBe(0);
    });
    await e.context.close();
    await m.context.close();
  }, 150_000);

  it('an admin invites a freelancer', async () => {
    const f = await registerUser(t, { role: 'freelancer' });
    const { context, page } = await newPage(browser, t.baseUrl);
    await traced(page, 'admin-invite', async () => {
      await signIn(page, ADMIN.email, ADMIN.password);
      await page.getByRole('heading', { name: 'Invite a freelancer' }).waitFor();
      await page.getByLabel('Freelancer ID').fill(f.user.id);
      await page.getByLabel('Category').selectOption('data-science-analytics');
      await page.getByRole('button', { name: 'Invite' }).click();
      await page.getByText('Invitation sent (open).').waitFor();
      // Inviting again is refused with the api's message on the page.
      await page.getByRole('button', { name: 'Invite' }).click();
      await page.getByRole('alert').filter({ hasText: 'Could not invite' }).waitFor();
      await expect(page.getByRole('link', { name: 'Queue dashboard' }).getAttribute('href')).resolves.toBe(
        '/api/admin/queues',
      );
      // The link opens the dashboard itself (it asks the api for the dashboard's cookie first), not a 401 page.
      const [dashboard] = await Promise.all([
        page.waitForResponse((r) => new URL(r.url()).pathname.replace(/\/$/, '') === '/api/admin/queues'),
        page.getByRole('link', { name: 'Queue dashboard' }).click(),
      ]);
      expect(dashboard.status()).toBe(200);
      expect(await dashboard.headerValue('content-type')).toContain('text/html');
      await page.goBack();
    });
    const mine = await t.http().get('/api/vetting/invitations').set(bearer(f.token)).expect(200);
    expect(mine.body.invitations).toEqual([
      expect.objectContaining({ categorySlug: 'data-science-analytics', status: 'open' }),
    ]);
    await context.close();
  }, 60_000);
});
