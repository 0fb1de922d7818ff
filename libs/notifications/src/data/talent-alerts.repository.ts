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
}
