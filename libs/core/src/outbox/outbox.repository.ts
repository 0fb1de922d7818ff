import { Injectable } from '@nestjs/common';
import { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import type { OutboxDelivery, OutboxMessage } from './outbox';

/**
 * Common table expressions another repository adds to its own statement (`with …, <sql> select …`), with the
 * parameters of their placeholders in order: effects stored by the same statement as the change that owes them.
 */
export interface SqlPart {
  sql: string;
  params: unknown[];
}

/**
 * Where a part's rows are stored: a CTE name — all of them when that CTE of the caller's statement has a row (a
 * refused change stores no effect) — or `{ idsOf: cte }`, each row only when its `gateId` is among the `id`s of that
 * CTE (the effects of several changes made by one statement, each stored only with its own change).
 */
export type SqlGate = string | { idsOf: string };

/** The condition of `gate` on recordset `x` (its `gate_id` column). */
export const gateCondition = (gate: SqlGate) =>
  typeof gate === 'string' ? `exists (select 1 from ${gate})` : `x.gate_id in (select id from ${gate.idsOf})`;

/**
 * The insert of `insert` below as the CTE `name` of a caller's statement, stored as `gate` says; a key already stored
 * is skipped. After such a statement the caller nudges the relays (`Outbox.nudge`): there is no transaction whose
 * commit would.
 */
export function outboxInsertPart(
  name: string,
  gate: SqlGate,
  messages: readonly (OutboxMessage & { gateId?: string })[],
): SqlPart {
  return {
    sql: `${name} as (
         insert into outbox (topic, idempotency_key, payload)
         select x.topic, x.key, x.payload
           from jsonb_to_recordset(?::jsonb) as x(topic text, key text, payload jsonb, gate_id uuid)
          where ${gateCondition(gate)}
         on conflict (idempotency_key) do nothing
       )`,
    params: [
      JSON.stringify(
        messages.map((m) => ({ topic: m.topic, key: m.key, payload: m.payload ?? null, gate_id: m.gateId ?? null })),
      ),
    ],
  };
}

/**
 * Every statement on `outbox`. Times are the database's (`now()`): delivery is plumbing, not a domain
 * rule, and must not wait on a test's manual clock. Statements outside the writer's transaction run on a
 * fresh EntityManager each (the relay has no request context).
 */
@Injectable()
export class OutboxRepository {
  constructor(private readonly orm: MikroORM) {}

  /** Stores effects inside `em`'s transaction; a key already stored is skipped (one row per effect). */
  async insert(em: EntityManager, messages: readonly OutboxMessage[]): Promise<void> {
    await em.execute(
      `insert into outbox (topic, idempotency_key, payload)
       select topic, key, payload from jsonb_to_recordset(?::jsonb) as x(topic text, key text, payload jsonb)
       on conflict (idempotency_key) do nothing`,
      [JSON.stringify(messages.map((m) => ({ topic: m.topic, key: m.key, payload: m.payload ?? null })))],
    );
  }

  /** How far delivery is behind (metrics): undelivered rows and the age of the oldest, by the database's clock. */
  async backlog(): Promise<{ rows: number; oldestAgeSeconds: number }> {
    const [row] = await this.orm.em.fork().execute<{ rows: string; age: string | null }[]>(
      `select count(*)::text as rows, extract(epoch from now() - min(created_at))::text as age
         from outbox where delivered_at is null`,
    );
    return { rows: Number(row?.rows ?? 0), oldestAgeSeconds: Math.max(0, Number(row?.age ?? 0)) };
  }

  /**
   * Claims up to `batch` due rows for `leaseSeconds` (`FOR UPDATE SKIP LOCKED`: relays in several processes
   * never claim the same row; a relay that dies mid-delivery frees its rows when the lease runs out) and
   * counts the attempt. Oldest id first.
   */
  async claim(batch: number, leaseSeconds: number): Promise<OutboxDelivery[]> {
    type Row = { id: string; topic: string; idempotency_key: string; payload: unknown; attempts: number };
    const rows = await this.orm.em.fork().execute<Row[]>(
      `update outbox o set available_at = now() + ? * interval '1 second', attempts = o.attempts + 1
         from (select id from outbox where delivered_at is null and available_at <= now()
                order by available_at, id limit ? for update skip locked) due
        where o.id = due.id
        returning o.id, o.topic, o.idempotency_key, o.payload, o.attempts`,
      [leaseSeconds, batch],
    );
    return rows
      .map((r) => ({
        id: String(r.id),
        topic: r.topic,
        key: r.idempotency_key,
        payload: typeof r.payload === 'string' ? JSON.parse(r.payload) : r.payload,
        attempts: r.attempts,
      }))
      .sort((a, b) => (BigInt(a.id) < BigInt(b.id) ? -1 : 1));
  }

  /** Marks rows delivered: a relay's whole batch in one statement (one commit, not one per row). */
  async markDelivered(ids: readonly string[]): Promise<void> {
    if (ids.length === 0) return;
    await this.orm.em
      .fork()
      .execute(`update outbox set delivered_at = now(), last_error = null where id in (?)`, [ids]);
  }

  /** A failed delivery: due again in `delaySeconds`, with its error kept. */
  async retryLater(id: string, delaySeconds: number, error: string): Promise<void> {
    await this.orm.em
      .fork()
      .execute(`update outbox set available_at = now() + ? * interval '1 second', last_error = ? where id = ?`, [
        delaySeconds,
        error,
        id,
      ]);
  }

  /** Deletes rows delivered more than `keepDays` days ago. */
  async prune(keepDays: number): Promise<void> {
    await this.orm.em
      .fork()
      .execute(`delete from outbox where delivered_at < now() - ? * interval '1 day'`, [keepDays]);
  }
}
