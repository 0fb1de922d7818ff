import { EntityManager } from '@mikro-orm/postgresql';

/** How far the outbox relay is behind: undelivered rows and the age of the oldest (metrics). */
export async function readOutboxBacklog(em: EntityManager, now: Date): Promise<{ rows: number; oldestAgeSeconds: number }> {
  const [row] = await em.getConnection().execute<{ rows: string; oldest: Date | null }[]>(
    `select count(*)::text as rows, min(created_at) as oldest from outbox where delivered_at is null`,
  );
  const oldest = row?.oldest ? new Date(row.oldest).getTime() : null;
  return { rows: Number(row?.rows ?? 0), oldestAgeSeconds: oldest === null ? 0 : Math.max(0, now.getTime() - oldest) / 1000 };
}
