import { Injectable } from '@nestjs/common';
import { EntityManager } from '@mikro-orm/postgresql';
import { TalentAlertSubscription } from './delivery.entities';

/** `talent_alert_subscriptions`: clients following a category for vetted-talent alerts. */
@Injectable()
export class TalentAlertsRepository {
  constructor(private readonly em: EntityManager) {}

  categoriesOf(clientId: string): Promise<TalentAlertSubscription[]> {
    return this.em.find(TalentAlertSubscription, { clientId }, { orderBy: { categorySlug: 'asc' } });
  }

  /** Replaces the client's followed categories in one transaction. */
  async replace(clientId: string, categorySlugs: readonly string[], at: Date): Promise<void> {
    await this.em.transactional(async (tem) => {
      await tem.nativeDelete(TalentAlertSubscription, { clientId });
      for (const slug of new Set(categorySlugs)) {
        tem.persist(tem.create(TalentAlertSubscription, { clientId, categorySlug: slug, createdAt: at }));
      }
      await tem.flush();
    });
  }

  /**
   * One page of the clients an alert in `categorySlug` goes to, by id after `after`: followers whose plan
   * shows Expert-Vetted (Business Plus, Enterprise). Touches identity's `users` (read only): role and plan.
   * The plan condition is the client case of credentials' `seesExpertVetted` (not imported: credentials
   * depends on this lib); test/medium/notifications-delivery.medium.spec.ts pins the plans it takes.
   */
  async alertRecipients(categorySlug: string, after: string | null, size: number): Promise<string[]> {
    const rows = await this.em.execute<{ id: string }[]>(
      `select u.id from talent_alert_subscriptions s join users u on u.id = s.client_id
        where s.category_slug = ? and u.role = 'client' and u.plan in ('business_plus', 'enterprise')
              ${after ? 'and u.id > ?' : ''}
        order by u.id limit ?`,
      [categorySlug, ...(after ? [after] : []), size],
    );
    return rows.map((r) => r.id);
  }

  /**
   * One batch of an alert, set-based inside `em`'s transaction: the next page of `alertRecipients` (same
   * rule, by id after `after`) is stored as notifications in the same statement, key `dedupePrefix` + client id
   * (a key already stored is skipped: a retried batch stores nothing twice). Answers the page (its size and
   * last id, whatever was skipped: the next batch starts there) and, per stored notification, whether its user
   * wants a push: the `push` column is `NotificationsRepository.insertMany`'s, the SQL twin of `wantsPush`
   * (pinned by test/medium/notifications-muted-types.medium.spec.ts).
   */
  async insertAlertBatch(
    em: EntityManager,
    batch: {
      categorySlug: string;
      after: string | null;
      size: number;
      content: { type: string; title: string; body: string; data: Record<string, unknown> };
      dedupePrefix: string;
      createdAt: Date;
    },
  ): Promise<{ pageSize: number; last: string | null; stored: { id: string; userId: string; push: boolean }[] }> {
    const { categorySlug, after, size, content, dedupePrefix, createdAt } = batch;
    const rows = await em.execute<
      { page_size: number; last: string | null; id: string | null; user_id: string | null; push: boolean | null }[]
    >(
      `with page as (
         select s.client_id from talent_alert_subscriptions s join users u on u.id = s.client_id
          where s.category_slug = ? and u.role = 'client' and u.plan in ('business_plus', 'enterprise')
                ${after ? 'and s.client_id > ?::uuid' : ''}
          order by s.client_id limit ?
       ), ins as (
         insert into notifications (id, user_id, type, title, body, data, dedupe_key, created_at)
         select gen_random_uuid(), client_id, ?, ?, ?, ?::jsonb, ? || client_id::text, ?::timestamptz from page
         on conflict (dedupe_key) do nothing returning id, user_id, type
       ), stored as (
         select ins.id, ins.user_id, coalesce(p.push and not (p.muted_types @> jsonb_build_array(ins.type)), true) as push
           from ins left join notification_preferences p on p.user_id = ins.user_id
       )
       select (select count(*)::int from page) as page_size,
              (select client_id from page order by client_id desc limit 1) as last, stored.*
         from (select 1) one left join stored on true`,
      [
        categorySlug,
        ...(after ? [after] : []),
        size,
        content.type,
        content.title,
        content.body,
        JSON.stringify(content.data),
        dedupePrefix,
        createdAt,
      ],
    );
    return {
      pageSize: rows[0]?.page_size ?? 0,
      last: rows[0]?.last ?? null,
      stored: rows
        .filter((r) => r.id !== null)
        .map((r) => ({ id: r.id as string, userId: r.user_id as string, push: r.push ?? true })),
    };
  }
}
