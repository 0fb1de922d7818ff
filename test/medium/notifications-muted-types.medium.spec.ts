import { randomUUID } from 'node:crypto';
import { EntityManager } from '@mikro-orm/postgresql';
import { ChannelPreferences, NotificationsRepository, TalentAlertsRepository, wantsPush } from '@vetting/notifications';
import { MediumDatabase, openMediumDatabase } from '../support/medium-database';

/**
 * Muted notification types are decided twice: in TypeScript (`wantsPush`) and in SQL (the `push` column of
 * `NotificationsRepository.insertMany`, and of the vetted-talent alert batch, `TalentAlertsRepository.insertAlertBatch`).
 * This runs the SQL over a table of cases and compares.
 */
describe('notifications: muted types, SQL and TypeScript agree', () => {
  let db: MediumDatabase;
  let em: EntityManager;
  let repo: NotificationsRepository;

  beforeAll(async () => {
    db = await openMediumDatabase();
    em = db.em();
    repo = new NotificationsRepository(em);
  });
  afterAll(() => db.close());

  async function user(prefs: ChannelPreferences | null): Promise<string> {
    const id = randomUUID();
    await em.execute(
      `insert into users (id, email, password_hash, name, role, time_zone, plan, created_at)
       values (?, ?, 'x', 'Medium', 'client', 'UTC', 'business_plus', now())`,
      [id, `${id}@example.com`],
    );
    if (prefs) {
      await em.execute(
        `insert into notification_preferences (user_id, push, email, webhook, muted_types, updated_at)
         values (?, ?, ?, ?, ?::jsonb, now())`,
        [id, prefs.push, prefs.email, prefs.webhook, JSON.stringify(prefs.mutedTypes)],
      );
    }
    return id;
  }

  const on = { push: true, email: true, webhook: true };
  const cases: { name: string; prefs: ChannelPreferences | null; type: string }[] = [
    { name: 'no preferences row', prefs: null, type: 'call.booked' },
    { name: 'push on, nothing muted', prefs: { ...on, mutedTypes: [] }, type: 'call.booked' },
    { name: 'push on, this type muted', prefs: { ...on, mutedTypes: ['call.booked'] }, type: 'call.booked' },
    { name: 'push on, another type muted', prefs: { ...on, mutedTypes: ['call.missed'] }, type: 'call.booked' },
    {
      name: 'push on, several muted including this one',
      prefs: { ...on, mutedTypes: ['call.missed', 'call.booked', 'badge.awarded'] },
      type: 'call.booked',
    },
    { name: 'push off, nothing muted', prefs: { ...on, push: false, mutedTypes: [] }, type: 'call.booked' },
    {
      name: 'push off, this type muted',
      prefs: { ...on, push: false, mutedTypes: ['call.booked'] },
      type: 'call.booked',
    },
    { name: 'push on, a prefix of the type muted', prefs: { ...on, mutedTypes: ['call'] }, type: 'call.booked' },
    {
      name: 'push on, email and webhook off',
      prefs: { push: true, email: false, webhook: false, mutedTypes: [] },
      type: 'talent.vetted',
    },
  ];

  it.each(cases)('$name', async ({ prefs, type }) => {
    const userId = await user(prefs);
    const id = randomUUID();
    const rows = await repo.insertMany(em, [{ id, userId, type, title: 't', body: 'b' }], new Date());
    expect(rows).toEqual([{ id, push: wantsPush(prefs, type) }]);
  });

  it('one batch for many users answers each user by their own preferences', async () => {
    const batch = await Promise.all(cases.map(async (c) => ({ ...c, userId: await user(c.prefs), id: randomUUID() })));
    const rows = await repo.insertMany(
      em,
      batch.map((c) => ({ id: c.id, userId: c.userId, type: c.type, title: 't', body: 'b' })),
      new Date(),
    );
    const sql = new Map(rows.map((r) => [r.id, r.push]));
    expect(batch.map((c) => sql.get(c.id))).toEqual(batch.map((c) => wantsPush(c.prefs, c.type)));
  });

  it('a vetted-talent alert batch (set-based insert) answers each follower by their own preferences', async () => {
    const category = `medium-${randomUUID()}`;
    const batch = await Promise.all(
      cases.map(async (c) => ({ ...c, userId: await user(c.prefs), type: 'talent.vetted' })),
    );
    for (const c of batch)
      await em.execute(
        `insert into talent_alert_subscriptions (client_id, category_slug, created_at) values (?, ?, now())`,
        [c.userId, category],
      );
    // The same cases with the alert's type muted where they mute call.booked.
    await em.execute(
      `update notification_preferences set muted_types = replace(muted_types::text, 'call.booked', 'talent.vetted')::jsonb
        where user_id = any(string_to_array(?, ',')::uuid[])`,
      [batch.map((c) => c.userId).join(',')],
    );
    const muted = (prefs: ChannelPreferences | null): ChannelPreferences | null =>
      prefs && { ...prefs, mutedTypes: prefs.mutedTypes.map((t) => (t === 'call.booked' ? 'talent.vetted' : t)) };
    const page = await new TalentAlertsRepository(em).insertAlertBatch(em, {
      categorySlug: category,
      after: null,
      size: batch.length,
      content: { type: 'talent.vetted', title: 't', body: 'b', data: {} },
      dedupePrefix: `medium:${category}:`,
      createdAt: new Date(),
    });
    const sql = new Map(page.stored.map((r) => [r.userId, r.push]));
    expect(batch.map((c) => sql.get(c.userId))).toEqual(batch.map((c) => wantsPush(muted(c.prefs), 'talent.vetted')));
    expect(batch.some((c) => !wantsPush(muted(c.prefs), 'talent.vetted'))).toBe(true);
  });
});
