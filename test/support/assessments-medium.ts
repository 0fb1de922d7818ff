import { EntityManager } from '@mikro-orm/postgresql';
import { randomUUID } from 'node:crypto';
import { Attempt } from '@vetting/assessments';

/** Fixtures of the assessments medium tests: rows written directly, no Nest application. */

export async function insertFreelancer(em: EntityManager): Promise<string> {
  const id = randomUUID();
  await em.execute(
    `insert into users (id, email, password_hash, name, role, time_zone, created_at)
     values (?, ?, 'x', 'Medium Freelancer', 'freelancer', 'UTC', now())`,
    [id, `${id}@medium.test`],
  );
  return id;
}

export interface AttemptRow {
  status?: Attempt['status'];
  startedAt?: Date | null;
  deadline?: Date | null;
  createdAt?: Date;
  integrityPoints?: number;
}

/** An attempt row of `freelancerId` (created now unless said otherwise). */
export async function insertAttempt(em: EntityManager, freelancerId: string, row: AttemptRow = {}): Promise<string> {
  const id = randomUUID();
  await em.execute(
    `insert into attempts (id, assessment_slug, freelancer_id, status, item_ids, created_at, started_at, deadline,
                           integrity_points, integrity_tier)
     values (?, 'medium-test', ?, ?, '["q1","q2"]'::jsonb, ?, ?, ?, ?, 'none')`,
    [
      id,
      freelancerId,
      row.status ?? 'created',
      row.createdAt ?? new Date(),
      row.startedAt ?? null,
      row.deadline ?? null,
      row.integrityPoints ?? 0,
    ],
  );
  return id;
}

/** A running attempt: started a minute ago, deadline in an hour. */
export function insertRunningAttempt(em: EntityManager, freelancerId: string, integrityPoints = 0): Promise<string> {
  const now = Date.now();
  return insertAttempt(em, freelancerId, {
    status: 'in_progress',
    startedAt: new Date(now - 60_000),
    deadline: new Date(now + 3_600_000),
    integrityPoints,
  });
}

export async function attemptRow(em: EntityManager, id: string) {
  const [row] = await em.execute<
    { status: string; integrity_points: number; integrity_tier: string; end_reason: string | null }[]
  >(`select status, integrity_points, integrity_tier, end_reason from attempts where id = ?`, [id]);
  return row;
}
