import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { TestApp, ADMIN, createStaff, registerUser, startTestApp } from '../support/test-app';
import { adminToken, bearer, invitedFreelancer, nextGridStart, talentManager } from '../support/calendar-fixtures';
import { launchBrowser, newPage, seriousViolations, signIn } from '../support/browser';

// Runs inside the page (page.evaluate); the node-side program has no DOM types.
declare const document: any;

/**
 * Every page, per role, with data on it: axe finds no serious or critical violation, the page loads
 * (no blank page) and fits 375 px without a horizontal scroll. With WRITE_SCREENSHOTS=1 the main pages
 * are saved at 1440 px into docs/screenshots/ (`npm run screenshots`).
 */
const CATEGORY = 'web-mobile-software-dev';
const SHOTS = process.env.WRITE_SCREENSHOTS === '1' ? join(__dirname, '..', '..', 'docs', 'screenshots') : null;

interface Visit {
  path: string;
  ready: string;
  shot?: string;
}

async function audit(page: Page, visits: Visit[]): Promise<Record<string, string[]>> {
  const problems: Record<string, string[]> = {};
  for (const v of visits) {
    await page.setViewportSize({ width: 1440, height: 900 });
    await page.goto(v.path);
    await page.getByText(v.ready, { exact: false }).first().waitFor({ timeout: 20_000 });
    await page.waitForFunction(() => !document.querySelector('.mantine-Loader-root'), undefined, { timeout: 15_000 });
    const found = await seriousViolations(page);
    if (SHOTS && v.shot) await page.screenshot({ path: join(SHOTS, `${v.shot}.png`) });
    await page.setViewportSize({ width: 375, height: 800 });
    // Measured until the layout has settled after the resize (a persistent overflow fails).
    let overflow = 0;
    for (let i = 0; i < 5; i++) {
      await page.waitForTimeout(200);
      overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
      if (overflow <= 1) break;
    }
    if (overflow > 1) {
      // Name the outermost elements sticking out, to find the culprit.
      const culprits = await page.evaluate(() =>
        [...document.querySelectorAll('body *')]
          .filter(
            (el) =>
              el.getBoundingClientRect().right > document.documentElement.clientWidth + 1 &&
              !(
                el.parentElement &&
                el.parentElement.getBoundingClientRect().right > document.documentElement.clientWidth + 1
              ),
          )
          .slice(0, 3)
          .map((el) => `${el.tagName.toLowerCase()}.${[...el.classList].join('.')}`),
      );
      found.push(`horizontal scroll of ${overflow}px at 375 px wide (${culprits.join(', ')})`);
    }
    if (found.length) problems[v.path] = found;
  }
  return problems;
}

describe('browser: every page passes axe (no serious or critical violation) and fits 375 px', () => {
  let t: TestApp;
  let browser: Browser;
  let admin: string;
  const ids: Record<string, string> = {};
  let freelancer: { email: string; id: string };
  let tm: { email: string };
  let proctor: { email: string };
  let client: { email: string };

  beforeAll(async () => {
    if (SHOTS) mkdirSync(SHOTS, { recursive: true });
    [t, browser] = await Promise.all([startTestApp({ env: { BAND_MIN_NORM_GROUP: '3' } }), launchBrowser()]);
    admin = await adminToken(t);
    const tmAccount = await talentManager(t, admin, CATEGORY);
    tm = { email: tmAccount.user.email };
    proctor = { email: (await createStaff(t, admin, 'proctor')).user.email };
    const c = await registerUser(t, { role: 'client', plan: 'enterprise', name: 'Erin Enterprise' });
    client = { email: c.user.email };
    await t
      .http()
      .put('/api/clients/me/talent-alerts')
      .set(bearer(c.token))
      .send({ categorySlugs: [CATEGORY, 'design-creative'] })
      .expect(200);
    await t.http().post('/api/webhooks').set(bearer(c.token)).send({ url: 'https://hooks.example.com/vetting' });

    // Graded attempts of others form the norm group of the report's chart.
    const gradedAttempt = async (token: string, correct: number) => {
      const a = await t.http().post('/api/assessments/quick-open/attempts').set(bearer(token)).expect(201);
      const begun = await t.http().post(`/api/attempts/${a.body.id}/start`).set(bearer(token)).expect(200);
      for (const [i, item] of (begun.body.items as { id: string }[]).entries()) {
        await t
          .http()
          .put(`/api/attempts/${a.body.id}/answers/${item.id}`)
          .set(bearer(token))
          .send({ answer: { optionIds: [i < correct ? 'a' : 'b'] } })
          .expect(200);
      }
      await t.http().post(`/api/attempts/${a.body.id}/submit`).set(bearer(token)).expect(200);
      for (let i = 0; i < 100; i++) {
        const s = await t.http().get(`/api/attempts/${a.body.id}`).set(bearer(token));
        if (s.body.status === 'graded') return a.body.id as string;
        await new Promise((r) => setTimeout(r, 200));
      }
      throw new Error('not graded');
    };
    for (const correct of [0, 1, 1, 2]) await gradedAttempt((await registerUser(t)).token, correct);

    const f = await invitedFreelancer(t, admin, CATEGORY);
    freelancer = { email: f.user.email, id: f.user.id };
    ids.freelancer = f.user.id;
    await t
      .http()
      .put('/api/freelancers/me/profile')
      .set(bearer(f.token))
      .send({
        title: 'Senior TypeScript engineer',
        overview: 'APIs and real-time systems.',
        categorySlugs: [CATEGORY],
        skills: ['TypeScript', 'PostgreSQL'],
      })
      .expect(200);
    const call = await t
      .http()
      .post('/api/vetting/calls')
      .set(bearer(f.token))
      .send({ invitationId: f.invitationId, startsAt: nextGridStart(30 * 60_000, 50 * 3600_000).toISO() })
      .expect(201);
    ids.call = call.body.id;
    ids.graded = await gradedAttempt(f.token, 2);
    const running = await t.http().post('/api/assessments/quiz-open/attempts').set(bearer(f.token)).expect(201);
    await t.http().post(`/api/attempts/${running.body.id}/start`).set(bearer(f.token)).expect(200);
    ids.running = running.body.id;
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  const run = async (email: string | null, password: string, visits: Visit[]) => {
    const { context, page } = await newPage(browser, t.baseUrl);
    try {
      if (email) await signIn(page, email, password);
      return await audit(page, visits);
    } finally {
      await context.close();
    }
  };

  it('signed out', async () => {
    expect(
      await run(null, '', [
        { path: '/sign-in', ready: 'New here?', shot: 'sign-in' },
        { path: '/sign-up', ready: 'Create your account', shot: 'sign-up' },
      ]),
    ).toEqual({});
  }, 90_000);

  it('freelancer', async () => {
    expect(
      await run(freelancer.email, 'password-123', [
        { path: '/', ready: 'Next call', shot: 'freelancer-dashboard' },
        { path: '/book', ready: 'Book your pre-vetting call' },
        { path: '/calls', ready: 'My calls' },
        { path: `/calls/${ids.call}`, ready: 'Call room', shot: 'freelancer-call' },
        { path: '/tests', ready: 'My attempts', shot: 'freelancer-tests' },
        { path: `/attempts/${ids.graded}`, ready: 'Report', shot: 'freelancer-test-report' },
        { path: `/attempts/${ids.running}`, ready: 'Question 1', shot: 'freelancer-test-runner' },
        { path: '/profile', ready: 'Approval status', shot: 'freelancer-profile' },
        { path: '/inbox', ready: 'unread' },
        { path: '/nowhere', ready: 'Page not found' },
      ]),
    ).toEqual({});
  }, 180_000);

  it('talent manager', async () => {
    expect(
      await run(tm.email, 'password-123', [
        { path: '/', ready: 'Agenda', shot: 'talent-manager-agenda' },
        { path: '/availability', ready: 'Save availability', shot: 'talent-manager-availability' },
        { path: `/calls/${ids.call}`, ready: 'Scorecard', shot: 'talent-manager-call-scorecard' },
      ]),
    ).toEqual({});
  }, 120_000);

  it('proctor', async () => {
    expect(
      await run(proctor.email, 'password-123', [
        { path: '/', ready: 'Test User', shot: 'proctor-live' },
        { path: `/proctoring/attempts/${ids.running}`, ready: 'Timeline', shot: 'proctor-attempt' },
      ]),
    ).toEqual({});
  }, 120_000);

  it('client', async () => {
    expect(
      await run(client.email, 'password-123', [
        { path: '/', ready: 'Tell me when vetted talent appears', shot: 'client-followed-categories' },
        { path: '/inbox', ready: 'unread', shot: 'client-inbox' },
        { path: '/webhooks', ready: 'Endpoint URL', shot: 'client-webhooks' },
        { path: `/freelancers/${ids.freelancer}`, ready: 'Verified skills', shot: 'client-freelancer-profile' },
      ]),
    ).toEqual({});
  }, 120_000);

  it('admin', async () => {
    expect(
      await run(ADMIN.email, ADMIN.password, [
        { path: '/', ready: 'Invite a freelancer', shot: 'admin-invite' },
        { path: '/admin/windows', ready: 'Application windows' },
        { path: '/admin/staff', ready: 'Staff accounts' },
        { path: '/admin/supply', ready: 'Category supply' },
        { path: '/admin/tracks', ready: 'Certification tracks', shot: 'admin-tracks' },
        { path: '/admin/reviews', ready: 'Profile reviews' },
        { path: '/admin/identity', ready: 'Identity verification' },
      ]),
    ).toEqual({});
  }, 120_000);
});
