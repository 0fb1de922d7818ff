import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { TestApp, createStaff, registerUser, startTestApp } from '../support/test-app';
import { adminToken, bearer } from '../support/calendar-fixtures';
import { launchBrowser, newPage, signIn, traced } from '../support/browser';

// Runs inside the page (page.evaluate); the node-side program has no DOM types.
declare const navigator: any;

const TEST_SECONDS = 40;

/** The fixture catalog with the open quiz shortened, so the browser sees its timer expire. */
function shortCatalog(): string {
  const dir = mkdtempSync(join(tmpdir(), 'vt-catalog-'));
  const catalog = JSON.parse(readFileSync(join(__dirname, '..', 'fixtures', 'assessments', 'catalog.json'), 'utf8'));
  for (const a of catalog.assessments) if (a.slug === 'quiz-open') a.duration = `PT${TEST_SECONDS}S`;
  writeFileSync(join(dir, 'catalog.json'), JSON.stringify(catalog));
  return dir;
}

describe('browser: a proctored test watched live', () => {
  let t: TestApp;
  let browser: Browser;
  const catalogDir = shortCatalog();

  beforeAll(async () => {
    [t, browser] = await Promise.all([startTestApp({ env: { ASSESSMENT_CATALOG_DIR: catalogDir } }), launchBrowser()]);
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
    rmSync(catalogDir, { recursive: true, force: true });
  });

  it("shows the candidate's paste and tab switch on the proctor's timeline within a second, the warning on the candidate's page, and the timer expires the test", async () => {
    const admin = await adminToken(t);
    const proctor = await createStaff(t, admin, 'proctor');
    const candidate = await registerUser(t, { name: 'Casey Candidate', password: 'password-123' });

    const p = await newPage(browser, t.baseUrl, { timezoneId: 'UTC' });
    const c = await newPage(browser, t.baseUrl);
    await c.context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: t.baseUrl });
    await traced(c.page, 'proctoring', async () => {
      await signIn(p.page, proctor.user.email, 'password-123');
      await p.page.getByRole('heading', { name: 'Live attempts' }).waitFor();
      await p.page.getByText('No attempt is running.').waitFor();

      await signIn(c.page, candidate.user.email, 'password-123');
      await c.page.getByRole('link', { name: 'Tests' }).click();
      const card = c.page.getByRole('article', { name: 'Open quiz' });
      await card.getByRole('button', { name: 'Start test' }).click();
      await c.page.getByText('This test is proctored').waitFor();
      await c.page.getByRole('button', { name: 'Start test', exact: true }).click();
      await c.page.getByRole('region', { name: 'Question 1' }).waitFor();

      // The proctor's list updates without a reload (lobby event), then the proctor watches.
      const row = p.page.getByRole('row').filter({ hasText: 'Casey Candidate' });
      await row.waitFor({ timeout: 5000 });
      await row.getByRole('button', { name: 'Watch', exact: true }).click();
      await p.page.getByRole('table', { name: 'Integrity timeline' }).waitFor();

      // Autosave per item.
      const q1 = c.page.getByRole('region', { name: 'Question 1' });
      await q1.getByRole('radio').first().check();
      await q1.getByText(/^Saved/).waitFor();

      // A paste in the candidate's page reaches the proctor's timeline within a second.
      await c.page.evaluate(() => navigator.clipboard.writeText('pasted answer text'));
      await c.page.locator('body').click({ position: { x: 5, y: 300 } });
      await c.page.keyboard.press('Control+V');
      await p.page
        .locator('tr[data-signal-type="paste"]')
        .filter({ hasText: '18 characters' })
        .waitFor({ timeout: 1000 });

      // A tab switch: another tab of the candidate's browser comes to the front. Headless Chromium keeps
      // every tab "visible" (no visibilitychange), but with focus emulation off the page loses and regains
      // window focus as in a real switch, and reports both (the time away with the return).
      const cdp = await c.context.newCDPSession(c.page);
      await cdp.send('Emulation.setFocusEmulationEnabled', { enabled: false });
      const other = await c.context.newPage();
      await other.bringToFront();
      await p.page.locator('tr[data-signal-type="focus_lost"]').waitFor({ timeout: 1000 });
      await c.page.bringToFront();
      await p.page
        .locator('tr[data-signal-type="focus_regained"]')
        .filter({ hasText: 'away' })
        .waitFor({ timeout: 1000 });
      await other.close();

      // The proctor warns; the candidate sees it.
      await p.page.getByLabel('Warning message').fill('Stay on the test tab, please.');
      await p.page.getByRole('button', { name: 'Warn' }).click();
      await c.page.getByRole('alert').filter({ hasText: 'Stay on the test tab, please.' }).waitFor({ timeout: 3000 });
      await p.page.locator('tr[data-signal-type="proctor_warning"]').waitFor();

      // The stored timeline agrees with what the proctor saw live (merged by id, no duplicates).
      const stored = await t
        .http()
        .get(`/api/proctoring/attempts/${c.page.url().split('/').pop()}/timeline`)
        .set(bearer(proctor.token))
        .expect(200);
      const types: string[] = stored.body.timeline.map((s: { type: string }) => s.type);
      expect(types).toEqual(expect.arrayContaining(['paste', 'focus_lost', 'focus_regained', 'proctor_warning']));
      expect(await p.page.locator('tr[data-signal-type="paste"]').count()).toBe(1);

      // The server's timer expires the test on both pages.
      await c.page
        .getByText('Time is up: your answers were submitted.')
        .waitFor({ timeout: (TEST_SECONDS + 15) * 1000 });
      await p.page.getByText(/The attempt ended: expired/).waitFor({ timeout: 5000 });
      await c.page.getByText(/^(expired|graded)$/).waitFor({ timeout: 15_000 });
    });
    await p.context.close();
    await c.context.close();
  }, 150_000);

  it('the runner survives a dropped connection: it shows it, keeps the answer given offline, rejoins and saves it', async () => {
    const candidate = await registerUser(t, { name: 'Rae Reconnect', password: 'password-123' });
    const c = await newPage(browser, t.baseUrl);
    await traced(c.page, 'reconnect', async () => {
      await signIn(c.page, candidate.user.email, 'password-123');
      await c.page.getByRole('link', { name: 'Tests' }).click();
      await c.page.getByRole('article', { name: 'Open quiz' }).getByRole('button', { name: 'Start test' }).click();
      await c.page.getByText('This test is proctored').waitFor();
      await c.page.getByRole('button', { name: 'Start test', exact: true }).click();
      const attemptId = c.page.url().split('/').pop()!;
      const q1 = c.page.getByRole('region', { name: 'Question 1' });
      await q1.getByRole('radio').first().check();
      await q1.getByText(/^Saved/).waitFor();

      await c.context.setOffline(true);
      await c.page.getByText('Connection lost').waitFor({ timeout: 30_000 });
      const q2 = c.page.getByRole('region', { name: 'Question 2' });
      await q2.getByRole('radio').nth(1).check();
      await c.context.setOffline(false);
      await c.page.getByText('Your test resumed where you left it.').waitFor({ timeout: 30_000 });
      // Saved right after the rejoin's ack; as generous as the reconnect itself on a loaded machine.
      await q2.getByText(/^Saved/).waitFor({ timeout: 30_000 });
      const state = await t.http().get(`/api/attempts/${attemptId}`).set(bearer(candidate.token)).expect(200);
      expect(state.body.status).toBe('in_progress');
      expect(state.body.answers).toHaveLength(2);
      const q2Id = state.body.items[1].id;
      expect(state.body.answers.find((a: { itemId: string }) => a.itemId === q2Id).answer).toEqual({
        optionIds: [state.body.items[1].options[1].id],
      });
      const admin = await adminToken(t);
      const timeline = await t
        .http()
        .get(`/api/proctoring/attempts/${attemptId}/timeline`)
        .set(bearer(admin))
        .expect(200);
      expect(timeline.body.timeline.map((s: { type: string }) => s.type)).toEqual(
        expect.arrayContaining(['disconnect', 'reconnect']),
      );
    });
    await c.context.close();
  }, 120_000);
});
