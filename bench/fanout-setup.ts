/**
 * The untimed preparation and the same-run baseline of bench/fanout.ts.
 *
 * - `seedFollowers`: FANOUT_CLIENTS client users (one precomputed bcrypt hash for all, bulk INSERT ... SELECT
 *   consistent with the schema) following one category, plus distractors that must get nothing.
 * - `runBaseline`: what the fan-out has to do at least, without the product's logic: one bare bulk INSERT of
 *   the same number of equivalent rows (a copy of `notifications` with its indexes and unique key) and one
 *   Socket.IO emit per user room through the same adapter (Redis Streams) of the same api process.
 */
import bcrypt from 'bcryptjs';
import { performance } from 'node:perf_hooks';
import type { Client } from 'pg';
import type { Namespace } from 'socket.io';

export const CATEGORY = 'data-science-analytics';
export const OTHER_CATEGORY = 'web-mobile-software-dev';
export const MARKETPLACE_DISTRACTORS = 200;
export const OTHER_CATEGORY_DISTRACTORS = 200;

export const nowMs = () => performance.timeOrigin + performance.now();

export async function seedFollowers(pg: Client, clients: number, tag: string) {
  const hash = bcrypt.hashSync('bench-fanout-password-1', 10); // once; every bench user shares it
  const insertClients = (n: number, kind: string, planSql: string) =>
    pg.query(
      `insert into users (id, email, password_hash, name, role, time_zone, plan, created_at)
       select gen_random_uuid(), '${kind}-' || g || '-${tag}@bench-fanout.test', $2, 'Bench client ' || g, 'client',
              'UTC', ${planSql}, now()
         from generate_series(1, $1::int) g`,
      [n, hash],
    );
  const subscribe = (kind: string, category: string) =>
    pg.query(
      `insert into talent_alert_subscriptions (client_id, category_slug, created_at)
       select id, $1, now() from users where email like $2`,
      [category, `${kind}-%-${tag}@bench-fanout.test`],
    );
  await insertClients(clients, 'fan', `case when g % 2 = 0 then 'business_plus' else 'enterprise' end`);
  await subscribe('fan', CATEGORY);
  await insertClients(MARKETPLACE_DISTRACTORS, 'market', `'marketplace'`);
  await subscribe('market', CATEGORY);
  await insertClients(OTHER_CATEGORY_DISTRACTORS, 'other', `'business_plus'`);
  await subscribe('other', OTHER_CATEGORY);
  const freelancerId = (
    await pg.query(
      `insert into users (id, email, password_hash, name, role, time_zone, plan, created_at)
       values (gen_random_uuid(), $1, $2, 'Bench Vetted Freelancer', 'freelancer', 'UTC', null, now()) returning id`,
      [`vetted-${tag}@bench-fanout.test`, hash],
    )
  ).rows[0].id as string;
  await pg.query('vacuum analyze users');
  await pg.query('vacuum analyze talent_alert_subscriptions');
  return { freelancerId };
}

/** `count` followers spread evenly over the list (by id, the fan-out's order), with their token versions. */
export async function sampleFollowers(pg: Client, tag: string, count: number) {
  const rows = (
    await pg.query<{ id: string; token_version: number }>(
      `select id, token_version from users where email like $1 order by id`,
      [`fan-%-${tag}@bench-fanout.test`],
    )
  ).rows;
  const step = rows.length / Math.min(count, rows.length);
  return Array.from({ length: Math.min(count, rows.length) }, (_, i) => rows[Math.floor(i * step)]);
}

export interface BaselineResult {
  insertMs: number;
  emitMs: number;
  rows: number;
}

/**
 * One statement stores the rows (same columns, indexes and unique key as `notifications`, `type` =
 * `bench.baseline`), then one emit per user room, in chunks of `chunk` awaited together (the adapter's XADD).
 * Times from `t0` (epoch ms, taken by the caller just before).
 */
export async function runBaseline(pg: Client, ns: Namespace, t0: number, chunk = 2000): Promise<BaselineResult> {
  await pg.query(`create table if not exists bench_baseline_notifications (like notifications including all)`);
  await pg.query(`alter table bench_baseline_notifications add foreign key (user_id) references users (id)`);
  const { rows } = await pg.query<{ id: string; user_id: string; created_at: Date }>(
    `insert into bench_baseline_notifications (id, user_id, type, title, body, data, dedupe_key, created_at)
     select gen_random_uuid(), s.client_id, 'bench.baseline', 'New Expert-Vetted talent in ' || s.category_slug,
            'Bench Vetted Freelancer just became Expert-Vetted in a category you follow.',
            jsonb_build_object('categorySlug', s.category_slug, 'badge', 'expert_vetted'),
            'bench.baseline:' || s.client_id, now()
       from talent_alert_subscriptions s join users u on u.id = s.client_id
      where s.category_slug = $1 and u.role = 'client' and u.plan in ('business_plus', 'enterprise')
     returning id, user_id, created_at`,
    [CATEGORY],
  );
  const insertMs = nowMs() - t0;
  for (let i = 0; i < rows.length; i += chunk) {
    await Promise.all(
      rows.slice(i, i + chunk).map((r) =>
        ns.adapter.broadcast(
          {
            type: 2,
            data: [
              'notification:new',
              {
                id: r.id,
                type: 'bench.baseline',
                title: `New Expert-Vetted talent in ${CATEGORY}`,
                body: 'Bench Vetted Freelancer just became Expert-Vetted in a category you follow.',
                data: { categorySlug: CATEGORY, badge: 'expert_vetted' },
                createdAt: r.created_at.toISOString(),
                readAt: null,
              },
            ],
          },
          { rooms: new Set([`user:${r.user_id}`]), except: new Set(), flags: {} },
        ),
      ),
    );
  }
  const emitMs = nowMs() - t0;
  await pg.query(`drop table bench_baseline_notifications`);
  return { insertMs, emitMs, rows: rows.length };
}

/** Self time per function (top `n`) of a V8 CPU profile, in ms. */
export function profileTop(profile: any, n = 25): { fn: string; ms: number }[] {
  const dt = new Map<number, number>();
  const samples: number[] = profile.samples ?? [];
  const deltas: number[] = profile.timeDeltas ?? [];
  for (let i = 0; i < samples.length; i++) dt.set(samples[i], (dt.get(samples[i]) ?? 0) + (deltas[i] ?? 0));
  const byFn = new Map<string, number>();
  for (const node of profile.nodes ?? []) {
    const cf = node.callFrame;
    const where = cf.url
      ? `${cf.url.replace(/^.*node_modules\//, '').replace(/^.*\/(libs|apps)\//, '$1/')}:${cf.lineNumber + 1}`
      : '';
    const key = `${cf.functionName || '(anonymous)'} ${where}`;
    byFn.set(key, (byFn.get(key) ?? 0) + (dt.get(node.id) ?? 0) / 1000);
  }
  return [...byFn.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, n)
    .map(([fn, ms]) => ({ fn, ms: Math.round(ms) }));
}
