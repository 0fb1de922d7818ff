import { getQueueToken } from '@nestjs/bullmq';
import { Queue } from 'bullmq';
import { Client } from 'pg';
import { CREDENTIALS_QUEUE, expertVettedJobId } from '@vetting/core';
import { TestApp, connected, emitAck, registerUser, startTestApp } from '../support/test-app';
import {
  adminToken,
  bearer,
  heldCall,
  invitedFreelancer,
  nextGridStart,
  talentManager,
} from '../support/calendar-fixtures';
import { SHORT_CALLS_ENV } from '../support/short-calls';

jest.setTimeout(120_000);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Grading runs as a BullMQ job in the worker: wait until the attempt is graded. */
async function graded(t: TestApp, token: string, attemptId: string, ms = 30_000) {
  const end = Date.now() + ms;
  for (;;) {
    const res = await t.http().get(`/api/attempts/${attemptId}`).set(bearer(token));
    if (res.body.status === 'graded') return res.body;
    if (Date.now() > end) throw new Error(`attempt ${attemptId} not graded: ${JSON.stringify(res.body.status)}`);
    await sleep(200);
  }
}

/** Starts, answers with `answerFor(item)` and submits an attempt over HTTP. */
async function takeTest(t: TestApp, token: string, slug: string, answerFor: (item: any) => unknown) {
  const created = await t.http().post(`/api/assessments/${slug}/attempts`).set(bearer(token));
  if (created.status !== 201) throw new Error(`start ${slug}: ${created.status} ${JSON.stringify(created.body)}`);
  const begun = await t.http().post(`/api/attempts/${created.body.id}/start`).set(bearer(token));
  for (const item of begun.body.items) {
    const answer = answerFor(item);
    if (answer === undefined) continue;
    const res = await t
      .http()
      .put(`/api/attempts/${created.body.id}/answers/${item.id}`)
      .set(bearer(token))
      .send({ answer });
    if (res.status !== 200) throw new Error(`answer: ${res.status} ${JSON.stringify(res.body)}`);
  }
  const submitted = await t.http().post(`/api/attempts/${created.body.id}/submit`).set(bearer(token));
  // Grading may already have finished by the time the answer is read back.
  expect(['submitted', 'graded']).toContain(submitted.body.status);
  return created.body.id as string;
}

const allRight = () => ({ optionIds: ['a'] });
const allWrong = () => ({ optionIds: ['b'] });

describe('grading and credentials (PostgreSQL + Redis + worker + code runner)', () => {
  let t: TestApp;
  let admin: string;
  beforeAll(async () => {
    t = await startTestApp({
      withWorker: true,
      env: {
        BAND_MIN_NORM_GROUP: '1',
        BADGE_RISING_TALENT_MIN_AGE: 'PT1S',
        ...SHORT_CALLS_ENV,
      },
    });
    admin = await adminToken(t);
  });
  afterAll(async () => t?.close());

  it('a passed skill test becomes a verified skill with a percentile band naming its norm group', async () => {
    const best = await registerUser(t);
    const id = await takeTest(t, best.token, 'quiz-open', allRight);
    const result = await graded(t, best.token, id);
    expect(result).toMatchObject({ score: 100, passed: true });
    expect(result.report.percentile).toMatchObject({
      band: 'Top 10%',
      normGroup: { test: 'quiz-open', size: expect.any(Number) },
    });
    expect(JSON.stringify(result.report)).not.toContain('"correct"');

    const weak = await registerUser(t);
    const weakId = await takeTest(t, weak.token, 'quiz-open', allWrong);
    const weakResult = await graded(t, weak.token, weakId);
    expect(weakResult).toMatchObject({ score: 0, passed: false });

    const viewer = await registerUser(t, { role: 'client', plan: 'marketplace' });
    const profile = await t.http().get(`/api/freelancers/${best.user.id}`).set(bearer(viewer.token));
    expect(profile.status).toBe(200);
    expect(profile.body.verifiedSkills).toEqual([
      expect.objectContaining({
        skill: 'Arithmetic',
        verified: true,
        band: 'Top 10%',
        normGroup: expect.objectContaining({ test: 'quiz-open', size: expect.any(Number) }),
      }),
    ]);
    expect(profile.body.verifiedSkills[0].score).toBeUndefined();
    const weakProfile = await t.http().get(`/api/freelancers/${weak.user.id}`).set(bearer(viewer.token));
    expect(weakProfile.body.verifiedSkills).toEqual([]);

    const inbox = await t.http().get('/api/notifications').set(bearer(best.token));
    expect(inbox.body.items.map((n: { type: string }) => n.type)).toEqual(
      expect.arrayContaining(['attempt.graded', 'skill.verified']),
    );

    // Bands are recomputed by a job as the norm group grows; the attempt's report keeps its original figures.
    const sizeAtGrading = result.report.percentile.normGroup.size;
    await t.http().post('/api/admin/jobs/recompute-bands').set(bearer(admin)).expect(202);
    let current: any;
    for (let i = 0; i < 50; i++) {
      current = (await t.http().get(`/api/freelancers/${best.user.id}`).set(bearer(viewer.token))).body
        .verifiedSkills[0];
      if (current.normGroup.size > sizeAtGrading) break;
      await sleep(100);
    }
    expect(current.normGroup.size).toBeGreaterThan(sizeAtGrading);
    expect(current.band).toBe('Top 10%');
    const again = await t.http().get(`/api/attempts/${id}`).set(bearer(best.token));
    expect(again.body.report.percentile.normGroup.size).toBe(sizeAtGrading);
  });

  it('grades a coding attempt per hidden test case with partial credit, and certifies once both parts pass', async () => {
    const f = await registerUser(t);
    await t
      .http()
      .post('/api/assessments/tracks/frontend-js/invitations')
      .set(bearer(admin))
      .send({ freelancerId: f.user.id })
      .expect(201);
    await t
      .http()
      .post('/api/assessments/tracks/old-track/invitations')
      .set(bearer(admin))
      .send({ freelancerId: f.user.id })
      .expect(201);
    const codingId = await takeTest(t, f.token, 'algo-invited', (item) =>
      item.id === 'sum'
        ? {
            language: 'javascript',
            code: "const n = require('fs').readFileSync(0, 'utf8').trim().split(/\\s+/).map(Number); console.log(n.reduce((a, b) => a + b, 0));",
          }
        : // Wrong on purpose: echoes the line, so only the palindrome case passes.
          { language: 'python', code: 'import sys\nprint(sys.stdin.read().strip())' },
    );
    const coding = await graded(t, f.token, codingId, 60_000);
    const byItem = Object.fromEntries(coding.report.coding.items.map((i: any) => [i.itemId, i]));
    expect(byItem.sum).toMatchObject({ score: 100, passedCases: 4, totalCases: 4, language: 'javascript' });
    expect(byItem.reverse).toMatchObject({ passedCases: 1, totalCases: 3, language: 'python' });
    expect(byItem.reverse.cases.map((c: any) => c.status)).toEqual(['wrong_answer', 'passed', 'wrong_answer']);
    expect(coding.score).toBeCloseTo((100 + 33.33) / 2, 1);
    expect(coding.passed).toBe(true);
    expect(JSON.stringify(coding.report)).not.toContain('racecar');

    const viewer = await registerUser(t);
    let profile = await t.http().get(`/api/freelancers/${f.user.id}`).set(bearer(viewer.token));
    expect(profile.body.certifications).toEqual([]);

    const part2 = await takeTest(t, f.token, 'js-part2', allRight);
    expect((await graded(t, f.token, part2)).passed).toBe(true);
    for (let i = 0; i < 50; i++) {
      profile = await t.http().get(`/api/freelancers/${f.user.id}`).set(bearer(viewer.token));
      if (profile.body.certifications.length) break;
      await sleep(100);
    }
    // The active track is awarded; the legacy one (js-part2 alone) makes no new awards.
    expect(profile.body.certifications).toEqual([
      expect.objectContaining({ trackSlug: 'frontend-js', status: 'active' }),
    ]);
    expect(profile.body.verifiedSkills.map((s: { skill: string }) => s.skill)).toEqual(['JavaScript']);
  });

  it('admins close and reopen tracks: a closed track makes no new awards, awards already made stay listed', async () => {
    const trackStatus = async (slug: string) =>
      (await t.http().get('/api/assessments').set(bearer(admin))).body.tracks.find(
        (x: { slug: string }) => x.slug === slug,
      ).status;
    const freelancer = await registerUser(t);
    expect((await t.http().post('/api/admin/tracks/old-track/reopen').set(bearer(freelancer.token))).status).toBe(403);
    const unknown = await t.http().post('/api/admin/tracks/no-such-track/close').set(bearer(admin));
    expect(unknown.status).toBe(404);
    expect(unknown.body.code).toBe('NOT_FOUND');

    // old-track is legacy in the catalog: reopened by an admin, a pass of its one part certifies.
    expect(await trackStatus('old-track')).toBe('legacy');
    const reopened = await t.http().post('/api/admin/tracks/old-track/reopen').set(bearer(admin));
    expect(reopened.status).toBe(200);
    expect(reopened.body).toMatchObject({ slug: 'old-track', status: 'active', catalogStatus: 'legacy' });
    expect(await trackStatus('old-track')).toBe('active');
    const certified = await registerUser(t);
    await t
      .http()
      .post('/api/assessments/tracks/old-track/invitations')
      .set(bearer(admin))
      .send({ freelancerId: certified.user.id })
      .expect(201);
    expect((await graded(t, certified.token, await takeTest(t, certified.token, 'js-part2', allRight))).passed).toBe(
      true,
    );
    const viewer = await registerUser(t, { role: 'client', plan: 'marketplace' });
    const certsOf = async (id: string) => (await t.http().get(`/api/freelancers/${id}`).set(bearer(viewer.token))).body;
    let profile = await certsOf(certified.user.id);
    for (let i = 0; i < 50 && profile.certifications.length === 0; i++) {
      await sleep(100);
      profile = await certsOf(certified.user.id);
    }
    expect(profile.certifications).toEqual([expect.objectContaining({ trackSlug: 'old-track', status: 'active' })]);

    // Closed again: a new pass verifies the skill but awards nothing; the award already made stays listed.
    const closed = await t.http().post('/api/admin/tracks/old-track/close').set(bearer(admin));
    expect(closed.body).toMatchObject({ slug: 'old-track', status: 'legacy' });
    expect(await trackStatus('old-track')).toBe('legacy');
    const late = await registerUser(t);
    await t
      .http()
      .post('/api/assessments/tracks/old-track/invitations')
      .set(bearer(admin))
      .send({ freelancerId: late.user.id })
      .expect(201);
    expect((await graded(t, late.token, await takeTest(t, late.token, 'js-part2', allRight))).passed).toBe(true);
    let lateProfile = await certsOf(late.user.id);
    for (let i = 0; i < 50 && lateProfile.verifiedSkills.length === 0; i++) {
      await sleep(100);
      lateProfile = await certsOf(late.user.id);
    }
    await sleep(500);
    lateProfile = await certsOf(late.user.id);
    expect(lateProfile.verifiedSkills.map((s: { skill: string }) => s.skill)).toEqual(['JavaScript']);
    expect(lateProfile.certifications).toEqual([]);
    expect((await certsOf(certified.user.id)).certifications).toEqual([
      expect.objectContaining({ trackSlug: 'old-track', status: 'legacy' }),
    ]);

    // An active catalog track closes and reopens the same way.
    expect((await t.http().post('/api/admin/tracks/frontend-js/close').set(bearer(admin))).body.status).toBe('legacy');
    expect(await trackStatus('frontend-js')).toBe('legacy');
    expect((await t.http().post('/api/admin/tracks/frontend-js/reopen').set(bearer(admin))).body.status).toBe('active');
    expect(await trackStatus('frontend-js')).toBe('active');
  });

  it('reports compile errors and timeouts per case (candidate code runs in the worker sandbox)', async () => {
    const f = await registerUser(t);
    await t
      .http()
      .post('/api/assessments/tracks/frontend-js/invitations')
      .set(bearer(admin))
      .send({ freelancerId: f.user.id })
      .expect(201);
    const id = await takeTest(t, f.token, 'algo-invited', (item) =>
      item.id === 'sum'
        ? { language: 'javascript', code: 'this is not javascript' }
        : { language: 'python', code: 'while True:\n    pass' },
    );
    const result = await graded(t, f.token, id, 90_000);
    const byItem = Object.fromEntries(result.report.coding.items.map((i: any) => [i.itemId, i]));
    expect(new Set(byItem.sum.cases.map((c: any) => c.status))).toEqual(new Set(['compile_error']));
    expect(new Set(byItem.reverse.cases.map((c: any) => c.status))).toEqual(new Set(['timeout']));
    expect(result).toMatchObject({ score: 0, passed: false });
  });

  it('profile approval: verified skills approve, an oversupplied category rejects with advice, otherwise human review; history kept', async () => {
    const f = await registerUser(t);
    const incomplete = await t.http().post('/api/freelancers/me/profile/submit').set(bearer(f.token));
    expect(incomplete.status).toBe(400);
    expect(incomplete.body.code).toBe('PROFILE_INCOMPLETE');
    await t
      .http()
      .put('/api/freelancers/me/profile')
      .set(bearer(f.token))
      .send({ title: 'Data entry specialist', categorySlugs: ['admin-support'], skills: ['Data Entry'] })
      .expect(200);
    const pending = await t.http().post('/api/freelancers/me/profile/submit').set(bearer(f.token));
    expect(pending.body).toMatchObject({ status: 'pending_review', verifiedSkills: 0, requiredVerifiedSkills: 3 });

    await t
      .http()
      .put('/api/admin/categories/translation/supply')
      .set(bearer(admin))
      .send({ openJobs: 1, maxFreelancersPerJob: 0.5 })
      .expect(200);
    const g = await registerUser(t);
    await t
      .http()
      .put('/api/freelancers/me/profile')
      .set(bearer(g.token))
      .send({ title: 'Translator', categorySlugs: ['translation'], skills: ['Translation English Filipino'] })
      .expect(200);
    // One approved translator already makes one per job: above 0.5.
    const other = await registerUser(t);
    await t
      .http()
      .put('/api/freelancers/me/profile')
      .set(bearer(other.token))
      .send({ title: 'Translator', categorySlugs: ['translation'], skills: ['x'] })
      .expect(200);
    await t
      .http()
      .put('/api/admin/categories/translation/supply')
      .set(bearer(admin))
      .send({ openJobs: 1, maxFreelancersPerJob: 5 })
      .expect(200);
    await t.http().post('/api/freelancers/me/profile/submit').set(bearer(other.token)).expect(200);
    await t
      .http()
      .post(`/api/admin/profiles/${other.user.id}/review`)
      .set(bearer(admin))
      .send({ decision: 'approved', reason: 'Good portfolio' })
      .expect(200);
    await t
      .http()
      .put('/api/admin/categories/translation/supply')
      .set(bearer(admin))
      .send({ openJobs: 1, maxFreelancersPerJob: 0.5 })
      .expect(200);

    const rejected = await t.http().post('/api/freelancers/me/profile/submit').set(bearer(g.token));
    expect(rejected.body).toMatchObject({
      status: 'rejected',
      code: 'SKILL_CATEGORY_OVERSUPPLIED',
      reason: expect.stringContaining('many freelancers'),
      advice: expect.stringContaining('verify'),
    });
    const inbox = await t.http().get('/api/notifications').set(bearer(g.token));
    expect(inbox.body.items[0]).toMatchObject({ type: 'profile.rejected' });

    // Three verified skills approve whatever the supply.
    const h = await registerUser(t);
    await t
      .http()
      .put('/api/freelancers/me/profile')
      .set(bearer(h.token))
      .send({ title: 'Translator', categorySlugs: ['translation'], skills: ['a'] })
      .expect(200);
    const r1 = await t.http().post('/api/freelancers/me/profile/submit').set(bearer(h.token));
    expect(r1.body.status).toBe('rejected');
    await t
      .http()
      .put('/api/freelancers/me/profile')
      .set(bearer(h.token))
      .send({ title: 'Translator', categorySlugs: ['translation'], skills: ['a', 'b'] })
      .expect(200);
    const history = await t.http().get('/api/freelancers/me/profile/reviews').set(bearer(h.token));
    expect(history.body.reviews.map((r: { outcome: string }) => r.outcome)).toEqual(['rejected']);
  });

  it('two reviews of one pending profile at once: one decision is taken, the other is PROFILE_NOT_PENDING; one review, one notification', async () => {
    const f = await registerUser(t);
    await t
      .http()
      .put('/api/freelancers/me/profile')
      .set(bearer(f.token))
      .send({ title: 'Bookkeeper', categorySlugs: ['accounting-consulting'], skills: ['Bookkeeping'] })
      .expect(200);
    const submitted = await t.http().post('/api/freelancers/me/profile/submit').set(bearer(f.token));
    expect(submitted.body.status).toBe('pending_review');
    const review = (decision: string) =>
      t
        .http()
        .post(`/api/admin/profiles/${f.user.id}/review`)
        .set(bearer(admin))
        .send({ decision, reason: `decided ${decision}` });
    const answers = await Promise.all([review('approved'), review('rejected'), review('approved'), review('rejected')]);
    const taken = answers.filter((a) => a.status === 200);
    expect(taken).toHaveLength(1);
    expect(answers.filter((a) => a.status === 409).map((a) => a.body.code)).toEqual([
      'PROFILE_NOT_PENDING',
      'PROFILE_NOT_PENDING',
      'PROFILE_NOT_PENDING',
    ]);
    const decision = taken[0].body.status;
    const profile = await t.http().get('/api/freelancers/me/profile').set(bearer(f.token));
    expect(profile.body.approvalStatus).toBe(decision);
    const history = await t.http().get('/api/freelancers/me/profile/reviews').set(bearer(f.token));
    expect(history.body.reviews.map((r: { outcome: string }) => r.outcome)).toEqual(['pending_review', decision]);
    const inbox = await t.http().get('/api/notifications').set(bearer(f.token));
    expect(inbox.body.items.filter((n: { type: string }) => n.type.startsWith('profile.'))).toEqual([
      expect.objectContaining({ type: decision === 'approved' ? 'profile.approved' : 'profile.rejected' }),
    ]);
  });

  it('a passing scorecard + verified identity + fresh profile → Expert-Vetted, visible to enterprise, hidden from marketplace', async () => {
    const tm = await talentManager(t, admin, 'web-mobile-software-dev');
    const f = await invitedFreelancer(t, admin, 'web-mobile-software-dev');
    await t
      .http()
      .put('/api/freelancers/me/profile')
      .set(bearer(f.token))
      .send({ title: 'Senior TypeScript engineer', categorySlugs: ['web-mobile-software-dev'], skills: ['TypeScript'] })
      .expect(200);
    const startsAt = nextGridStart(20_000, 2500);
    const call = await t
      .http()
      .post('/api/vetting/calls')
      .set(bearer(f.token))
      .send({ invitationId: f.invitationId, startsAt: startsAt.toISO() });
    expect(call.status).toBe(201);
    const fs = t.socket(f.token);
    const ts = t.socket(tm.token);
    await Promise.all([connected(fs), connected(ts)]);
    expect(await emitAck(fs, 'call:join', { callId: call.body.id })).toMatchObject({ ok: true });
    expect(await emitAck(ts, 'call:join', { callId: call.body.id })).toMatchObject({ ok: true });
    await sleep(Math.max(0, startsAt.toMillis() - Date.now() + 200));
    const card = await t
      .http()
      .post(`/api/vetting/calls/${call.body.id}/scorecard`)
      .set(bearer(tm.token))
      .send({
        hardSkills: [
          { skill: 'TypeScript', score: 5 },
          { skill: 'System design', score: 4 },
        ],
        softSkills: { reliability: 5, communication: 4 },
        decision: 'pass',
      });
    expect(card.status).toBe(201);

    await sleep(500);
    const before = await t.http().get('/api/freelancers/me/expert-vetted').set(bearer(f.token));
    expect(before.body).toMatchObject({ expertVetted: false, criteriaMet: false, reasons: ['IDENTITY_NOT_VERIFIED'] });

    const verified = await t
      .http()
      .post(`/api/admin/freelancers/${f.user.id}/identity-verification`)
      .set(bearer(tm.token));
    expect(verified.status).toBe(200);
    expect(verified.body.expertVetted).toMatchObject({ expertVetted: true, granted: true });

    // Statistics badges too, so the marketplace client has something to see.
    await t.http().post('/api/freelancers/me/profile/submit').set(bearer(f.token)).expect(200);
    await t
      .http()
      .post(`/api/admin/profiles/${f.user.id}/review`)
      .set(bearer(admin))
      .send({ decision: 'approved', reason: 'ok' })
      .expect(200);
    await t
      .http()
      .put(`/api/admin/freelancers/${f.user.id}/stats`)
      .set(bearer(admin))
      .send({ jobSuccessScore: 97, earnings12m: 50 })
      .expect(200);

    const enterprise = await registerUser(t, { role: 'client', plan: 'enterprise' });
    const businessPlus = await registerUser(t, { role: 'client', plan: 'business_plus' });
    const marketplace = await registerUser(t, { role: 'client', plan: 'marketplace' });
    const seen = async (token: string) =>
      (await t.http().get(`/api/freelancers/${f.user.id}`).set(bearer(token))).body.badge;
    expect(await seen(enterprise.token)).toEqual({ kind: 'expert_vetted', label: 'Expert-Vetted' });
    expect(await seen(businessPlus.token)).toEqual({ kind: 'expert_vetted', label: 'Expert-Vetted' });
    expect(await seen(marketplace.token)).toEqual({ kind: 'rising_talent', label: 'Rising Talent' });

    // Criteria lapse → the statistics badge is revoked by the re-evaluation.
    await t
      .http()
      .put(`/api/admin/freelancers/${f.user.id}/stats`)
      .set(bearer(admin))
      .send({ jobSuccessScore: 60, earnings12m: 50 })
      .expect(200);
    expect(await seen(marketplace.token)).toBeNull();
    // Criteria back → earned again; revoked by an admin → not granted back by the statistics.
    const stats = (jobSuccessScore: number) =>
      t
        .http()
        .put(`/api/admin/freelancers/${f.user.id}/stats`)
        .set(bearer(admin))
        .send({ jobSuccessScore, earnings12m: 50 })
        .expect(200);
    await stats(97);
    expect(await seen(marketplace.token)).toEqual({ kind: 'rising_talent', label: 'Rising Talent' });
    await t
      .http()
      .post(`/api/admin/freelancers/${f.user.id}/badges/rising_talent/revoke`)
      .set(bearer(admin))
      .send({ reason: 'Inflated job success' })
      .expect(200);
    await stats(98);
    await runJob('evaluate-badges');
    expect(await seen(marketplace.token)).toBeNull();

    const revoked = await t
      .http()
      .post(`/api/admin/freelancers/${f.user.id}/badges/expert_vetted/revoke`)
      .set(bearer(admin))
      .send({ reason: 'Misrepresented experience' });
    expect(revoked.status).toBe(200);
    const unknownKind = await t
      .http()
      .post(`/api/admin/freelancers/${f.user.id}/badges/gold_star/revoke`)
      .set(bearer(admin))
      .send({ reason: 'x' });
    expect(unknownKind.status).toBe(404);
    expect(unknownKind.body.code).toBe('NOT_FOUND');
    expect(await seen(enterprise.token)).toBeNull();
    const inbox = await t.http().get('/api/notifications').set(bearer(f.token));
    expect(inbox.body.items.map((n: { type: string }) => n.type)).toEqual(
      expect.arrayContaining(['badge.awarded', 'badge.revoked']),
    );
  });

  /** Waits until the worker has finished a credentials job. */
  async function finished(jobId: string) {
    const queue = t.app.get<Queue>(getQueueToken(CREDENTIALS_QUEUE), { strict: false });
    for (let i = 0; i < 200; i++) {
      if ((await (await queue.getJob(jobId))?.getState()) === 'completed') return;
      await sleep(100);
    }
    throw new Error(`${jobId} did not complete`);
  }

  /** Runs a re-evaluation job now and waits until the worker has finished it. */
  async function runJob(name: string) {
    const queued = await t.http().post(`/api/admin/jobs/${name}`).set(bearer(admin)).expect(202);
    await finished(queued.body.jobId);
  }

  it('a profile update completes the Expert-Vetted criteria: its job grants the badge', async () => {
    const tm = await talentManager(t, admin, 'consulting');
    const f = await invitedFreelancer(t, admin, 'consulting');
    // Identity verified long ago, with a profile not updated since: the profile is the one criterion missing.
    await t.http().post(`/api/admin/freelancers/${f.user.id}/identity-verification`).set(bearer(admin)).expect(200);
    const db = new Client({ connectionString: t.databaseUrl });
    await db.connect();
    await db.query(`update freelancer_profiles set updated_at = now() - interval '400 days' where user_id = $1`, [
      f.user.id,
    ]);
    await db.end();
    const { callId } = await heldCall(t, tm, f, 'Strategy');
    await finished(expertVettedJobId(f.user.id, callId));
    expect((await t.http().get('/api/freelancers/me/expert-vetted').set(bearer(f.token))).body).toMatchObject({
      expertVetted: false,
      criteriaMet: false,
      reasons: ['PROFILE_OUTDATED'],
    });

    await t
      .http()
      .put('/api/freelancers/me/profile')
      .set(bearer(f.token))
      .send({ title: 'Strategy consultant', categorySlugs: ['consulting'], skills: ['Strategy'] })
      .expect(200);
    let status: any;
    for (let i = 0; i < 100; i++) {
      status = (await t.http().get('/api/freelancers/me/expert-vetted').set(bearer(f.token))).body;
      if (status.expertVetted) break;
      await sleep(100);
    }
    expect(status).toMatchObject({ expertVetted: true, reasons: [] });
    const inbox = await t.http().get('/api/notifications').set(bearer(f.token));
    expect(inbox.body.items.map((n: { type: string }) => n.type)).toContain('badge.awarded');
  });

  it('GET expert-vetted only reads: it never grants, notifies or fans out; the scorecard event grants', async () => {
    const tm = await talentManager(t, admin, 'writing');
    const f = await invitedFreelancer(t, admin, 'writing');
    await t
      .http()
      .put('/api/freelancers/me/profile')
      .set(bearer(f.token))
      .send({ title: 'Technical writer', categorySlugs: ['writing'], skills: ['Docs'] })
      .expect(200);
    // Identity first (by an admin: the talent manager has no call with this freelancer yet): the criteria are complete only with the scorecard, whose job grants the badge.
    const verified = await t
      .http()
      .post(`/api/admin/freelancers/${f.user.id}/identity-verification`)
      .set(bearer(admin));
    expect(verified.body.expertVetted).toMatchObject({
      expertVetted: false,
      granted: false,
      reasons: ['NO_SCORECARD'],
    });
    await heldCall(t, tm, f, 'Writing');

    const db = new Client({ connectionString: t.databaseUrl });
    await db.connect();
    try {
      const facts = async () => ({
        badges: (
          await db.query(
            `select id, revoked_at from badges where freelancer_id = $1 and kind = 'expert_vetted' order by granted_at`,
            [f.user.id],
          )
        ).rows,
        notifications: Number(
          (await db.query(`select count(*) as n from notifications where user_id = $1`, [f.user.id])).rows[0].n,
        ),
      });
      let granted = await facts();
      for (let i = 0; i < 100 && granted.badges.length === 0; i++) {
        await sleep(100);
        granted = await facts();
      }
      expect(granted.badges).toHaveLength(1);
      expect((await t.http().get('/api/freelancers/me/expert-vetted').set(bearer(f.token))).body).toMatchObject({
        expertVetted: true,
        granted: false,
        reasons: [],
      });

      // Revoked by an admin while every criterion still holds: reading the status must not grant it back.
      await t
        .http()
        .post(`/api/admin/freelancers/${f.user.id}/badges/expert_vetted/revoke`)
        .set(bearer(admin))
        .send({ reason: 'Under review' })
        .expect(200);
      const before = await facts();
      for (let i = 0; i < 2; i++) {
        const read = await t.http().get('/api/freelancers/me/expert-vetted').set(bearer(f.token));
        expect(read.status).toBe(200);
        expect(read.body).toMatchObject({ expertVetted: false, granted: false, criteriaMet: true, reasons: [] });
      }
      await sleep(300);
      expect(await facts()).toEqual(before);
      expect(before.badges).toHaveLength(1);
      expect(before.badges[0].revoked_at).not.toBeNull();

      // A profile edit re-evaluates (its job) with the same scorecard: it does not undo the admin's revocation.
      await t
        .http()
        .put('/api/freelancers/me/profile')
        .set(bearer(f.token))
        .send({ title: 'Technical writer and editor', categorySlugs: ['writing'], skills: ['Docs'] })
        .expect(200);
      const profileJob = (
        await t.app
          .get<Queue>(getQueueToken(CREDENTIALS_QUEUE), { strict: false })
          .getJobs(['waiting', 'active', 'delayed', 'completed'])
      ).find(
        (j) => j?.name === 'expert-vetted' && j.data?.freelancerId === f.user.id && String(j.id).includes('profile-'),
      );
      expect(profileJob).toBeDefined();
      await finished(String(profileJob!.id));
      expect((await facts()).badges).toEqual(before.badges);
      // The re-evaluation job does not grant back a badge an admin revoked...
      await runJob('evaluate-badges');
      expect((await facts()).badges).toEqual(before.badges);
      // ...but grants one whose criteria hold and that was never granted (here: a grant lost before it was written).
      await db.query(`delete from badges where freelancer_id = $1`, [f.user.id]);
      await runJob('evaluate-badges');
      const swept = await facts();
      expect(swept.badges).toHaveLength(1);
      expect(swept.badges[0].revoked_at).toBeNull();
    } finally {
      await db.end();
    }
  });
});
