import { DateTime } from 'luxon';
import { Client } from 'pg';
import { TestApp, connected, createStaff, emitAck, loginAdmin, registerUser } from './test-app';

export const ALL_DAY_UTC = {
  timeZone: 'UTC',
  weekly: [1, 2, 3, 4, 5, 6, 7].map((weekday) => ({ weekday, start: '00:00', end: '24:00' })),
  exceptions: [],
};

export async function talentManager(
  t: TestApp,
  admin: string,
  categorySlug: string,
  availability: Record<string, unknown> = ALL_DAY_UTC,
  dailyCap = 48,
) {
  const tm = await createStaff(t, admin, 'talent_manager');
  const res = await t
    .http()
    .put('/api/talent-managers/me/availability')
    .set('authorization', `Bearer ${tm.token}`)
    .send({ ...availability, categorySlugs: [categorySlug], dailyCap });
  if (res.status !== 200) throw new Error(`availability: ${res.status} ${JSON.stringify(res.body)}`);
  return tm;
}

export async function invitedFreelancer(t: TestApp, admin: string, categorySlug: string) {
  const f = await registerUser(t, { role: 'freelancer' });
  const inv = await t
    .http()
    .post('/api/vetting/invitations')
    .set('authorization', `Bearer ${admin}`)
    .send({ freelancerId: f.user.id, program: 'expert-vetted', categorySlug });
  if (inv.status !== 201) throw new Error(`invite: ${inv.status} ${JSON.stringify(inv.body)}`);
  return { ...f, invitationId: inv.body.id as string };
}

/** The next start on a grid of `stepMs` from midnight UTC that is at least `aheadMs` from now. */
export function nextGridStart(stepMs: number, aheadMs: number): DateTime {
  const t = Date.now() + aheadMs;
  return DateTime.fromMillis(Math.ceil(t / stepMs) * stepMs, { zone: 'utc' });
}

export const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

export async function adminToken(t: TestApp) {
  return loginAdmin(t);
}

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

type Staff = Awaited<ReturnType<typeof talentManager>>;
type Invited = Awaited<ReturnType<typeof invitedFreelancer>>;

/**
 * A call held for real (needs short call policy: VETTING_CALL_LENGTH=PT20S, VETTING_MIN_BOOKING_LEAD=PT1S):
 * booked on the next 20-second grid start, both join over sockets, and once it has started the talent
 * manager files a passing scorecard for `skill`.
 */
export async function heldCall(
  t: TestApp,
  tm: Staff,
  f: Invited,
  skill: string,
): Promise<{ callId: string; startsAt: DateTime }> {
  const startsAt = nextGridStart(20_000, 2500);
  const call = await t
    .http()
    .post('/api/vetting/calls')
    .set(bearer(f.token))
    .send({ invitationId: f.invitationId, startsAt: startsAt.toISO() });
  if (call.status !== 201) throw new Error(`book: ${call.status} ${JSON.stringify(call.body)}`);
  const fs = t.socket(f.token);
  const ts = t.socket(tm.token);
  try {
    await Promise.all([connected(fs), connected(ts)]);
    await emitAck(fs, 'call:join', { callId: call.body.id });
    await emitAck(ts, 'call:join', { callId: call.body.id });
    await pause(Math.max(0, startsAt.toMillis() - Date.now() + 200));
    const card = await t
      .http()
      .post(`/api/vetting/calls/${call.body.id}/scorecard`)
      .set(bearer(tm.token))
      .send({
        hardSkills: [{ skill, score: 5 }],
        softSkills: { reliability: 5, communication: 5 },
        decision: 'pass',
      });
    if (card.status !== 201) throw new Error(`scorecard: ${card.status} ${JSON.stringify(card.body)}`);
  } finally {
    fs.disconnect();
    ts.disconnect();
  }
  return { callId: call.body.id as string, startsAt };
}

/**
 * Walks a freelancer through the real path to Expert-Vetted: a held call with a passing scorecard (see
 * heldCall), a fresh profile and a verified identity. Resolves once the badge is granted.
 */
export async function makeExpertVetted(t: TestApp, admin: string, categorySlug: string) {
  const tm = await talentManager(t, admin, categorySlug);
  const f = await invitedFreelancer(t, admin, categorySlug);
  await t
    .http()
    .put('/api/freelancers/me/profile')
    .set(bearer(f.token))
    .send({ title: 'Senior engineer', categorySlugs: [categorySlug], skills: ['TypeScript'] })
    .expect(200);
  const { callId } = await heldCall(t, tm, f, 'TypeScript');
  const verified = await t.http().post(`/api/admin/freelancers/${f.user.id}/identity-verification`).set(bearer(admin));
  if (!verified.body.expertVetted?.expertVetted) throw new Error(`not expert-vetted: ${JSON.stringify(verified.body)}`);
  return { freelancer: f, tm, callId };
}

/** A talent manager's active calls per local day as the database counts them for the daily cap (days with none left out). */
export async function dayLoads(t: TestApp, talentManagerId: string): Promise<Record<string, number>> {
  const db = new Client({ connectionString: t.databaseUrl });
  await db.connect();
  try {
    const res = await db.query<{ day: string; calls: number }>(
      `select to_char(day, 'YYYY-MM-DD') as day, calls from talent_manager_day_load where talent_manager_id = $1 and calls > 0 order by day`,
      [talentManagerId],
    );
    return Object.fromEntries(res.rows.map((r) => [r.day, r.calls]));
  } finally {
    await db.end();
  }
}
