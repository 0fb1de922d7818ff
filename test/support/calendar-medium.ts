import { EntityManager } from '@mikro-orm/postgresql';
import { randomUUID } from 'node:crypto';
import { DateTime } from 'luxon';
import { VettingCall } from '@vetting/calendar';

/*
 * Rows for the calendar's medium tests, written straight into a fresh database (no services, no HTTP).
 */

export const CATEGORY = 'web-mobile-software-dev';
export const ALL_DAY = [1, 2, 3, 4, 5, 6, 7].map((weekday) => ({ weekday, start: '00:00', end: '24:00' }));

export async function insertUser(em: EntityManager, role: 'freelancer' | 'talent_manager', timeZone = 'UTC') {
  const id = randomUUID();
  await em.execute(
    `insert into users (id, email, password_hash, name, role, time_zone, created_at) values (?, ?, 'x', ?, ?, ?, now())`,
    [id, `${id}@medium.test`, `${role} ${id.slice(0, 4)}`, role, timeZone],
  );
  return id;
}

export async function insertTalentManager(em: EntityManager, opts: { timeZone?: string; dailyCap?: number } = {}) {
  const id = await insertUser(em, 'talent_manager', opts.timeZone ?? 'UTC');
  await em.execute(
    `insert into talent_manager_availability (talent_manager_id, time_zone, weekly, exceptions, category_slugs, daily_cap, updated_at)
     values (?, ?, ?::jsonb, '[]'::jsonb, ?::jsonb, ?, now())`,
    [id, opts.timeZone ?? 'UTC', JSON.stringify(ALL_DAY), JSON.stringify([CATEGORY]), opts.dailyCap ?? 48],
  );
  return id;
}

export async function insertInvitation(
  em: EntityManager,
  freelancerId: string,
  opts: { reschedulesUsed?: number } = {},
) {
  const id = randomUUID();
  await em.execute(
    `insert into vetting_invitations (id, freelancer_id, program, category_slug, status, source, reschedules_used,
                                      free_rebooking, created_at)
     values (?, ?, 'expert-vetted', ?, 'open', 'invitation', ?, false, now())`,
    [id, freelancerId, CATEGORY, opts.reschedulesUsed ?? 0],
  );
  return id;
}

/** A freelancer with an open invitation. */
export async function invitedFreelancer(em: EntityManager, opts: { reschedulesUsed?: number } = {}) {
  const freelancerId = await insertUser(em, 'freelancer');
  return { freelancerId, invitationId: await insertInvitation(em, freelancerId, opts) };
}

/** A call as booking drafts it (not stored). */
export function draftCall(
  f: { freelancerId: string; invitationId: string },
  talentManagerId: string,
  startsAt: DateTime,
  now: DateTime,
) {
  return Object.assign(new VettingCall(), {
    invitationId: f.invitationId,
    freelancerId: f.freelancerId,
    talentManagerId,
    program: 'expert-vetted',
    categorySlug: CATEGORY,
    status: 'scheduled',
    startsAt: startsAt.toJSDate(),
    endsAt: startsAt.plus({ minutes: 30 }).toJSDate(),
    rescheduleCount: 0,
    version: 1,
    icsSequence: 0,
    freeRebooking: false,
    createdAt: now.toJSDate(),
    updatedAt: now.toJSDate(),
  });
}

/** Inserts a call row directly (the day-load trigger runs as for any insert). */
export async function insertCallRow(em: EntityManager, call: VettingCall) {
  await em.execute(
    `insert into vetting_calls (id, invitation_id, freelancer_id, talent_manager_id, program, category_slug, status,
                                starts_at, ends_at, reschedule_count, version, ics_sequence, free_rebooking, created_at, updated_at)
     values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, false, now(), now())`,
    [
      call.id,
      call.invitationId,
      call.freelancerId,
      call.talentManagerId,
      call.program,
      call.categorySlug,
      call.status,
      call.startsAt,
      call.endsAt,
      call.rescheduleCount,
      call.version,
    ],
  );
}

export async function dayLoad(em: EntityManager, talentManagerId: string): Promise<Record<string, number>> {
  const rows = await em.execute<{ day: string; calls: number }[]>(
    `select to_char(day, 'YYYY-MM-DD') as day, calls from talent_manager_day_load where talent_manager_id = ? and calls > 0
      order by day`,
    [talentManagerId],
  );
  return Object.fromEntries(rows.map((r) => [r.day, Number(r.calls)]));
}

/** The settled outcomes of `Promise.allSettled`, counted. */
export function tally<T>(results: PromiseSettledResult<T>[], classify: (r: PromiseSettledResult<T>) => string) {
  const out: Record<string, number> = {};
  for (const r of results) out[classify(r)] = (out[classify(r)] ?? 0) + 1;
  return out;
}
