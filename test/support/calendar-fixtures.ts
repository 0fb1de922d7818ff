import { DateTime } from 'luxon';
import { TestApp, createStaff, loginAdmin, registerUser } from './test-app';

export const ALL_DAY_UTC = {
  timeZone: 'UTC',
  weekly: [1, 2, 3, 4, 5, 6, 7].map((weekday) => ({ weekday, start: '00:00', end: '24:00' })),
  exceptions: [],
};

export async function talentManager(t: TestApp, admin: string, categorySlug: string, availability: Record<string, unknown> = ALL_DAY_UTC, dailyCap = 48) {
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
