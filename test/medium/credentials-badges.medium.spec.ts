import { randomUUID } from 'node:crypto';
import { EntityManager } from '@mikro-orm/postgresql';
import { DateTime } from 'luxon';
import { AppConfig, ManualClock } from '@vetting/core';
import type { NotificationsService, NotifyInput } from '@vetting/notifications';
import { BadgesRepository, StatBadgesService } from '@vetting/credentials';
import { openMediumDatabase, MediumDatabase } from '../support/medium-database';

const STAT = ['rising_talent', 'top_rated', 'top_rated_plus'];

describe('credentials BadgesRepository (real PostgreSQL)', () => {
  let db: MediumDatabase;
  const repo = new BadgesRepository();
  beforeAll(async () => {
    db = await openMediumDatabase();
  });
  afterAll(() => db.close());

  async function freelancer(
    em: EntityManager,
    opts: { createdAt?: string; jss?: number | null; earnings?: number; status?: string; profile?: boolean } = {},
  ) {
    const id = randomUUID();
    await em.execute(
      `insert into users (id, email, password_hash, name, role, time_zone, plan, created_at) values (?, ?, 'x', 'F', 'freelancer', 'UTC', null, ?)`,
      [id, `${id}@t.test`, opts.createdAt ?? '2025-01-01T00:00:00Z'],
    );
    if (opts.profile !== false) {
      await em.execute(
        `insert into freelancer_profiles (user_id, job_success_score, earnings12m, approval_status, updated_at) values (?, ?, ?, ?, now())`,
        [id, opts.jss ?? null, opts.earnings ?? 0, opts.status ?? 'approved'],
      );
    }
    return id;
  }

  async function badge(em: EntityManager, freelancerId: string, kind: string, revoked = false) {
    const id = randomUUID();
    await em.execute(`insert into badges (id, freelancer_id, kind, granted_at, revoked_at) values (?, ?, ?, ?, ?)`, [
      id,
      freelancerId,
      kind,
      '2026-01-01T00:00:00Z',
      revoked ? '2026-02-01T00:00:00Z' : null,
    ]);
    return id;
  }

  /** The statistics badges' service on the medium database, its clock at 2026-06-01T12:00Z. */
  function statBadges(notifications: NotificationsService): StatBadgesService {
    const config = AppConfig.fromEnv({
      NODE_ENV: 'test',
      DATABASE_URL: db.url,
      JWT_SECRET: 'medium-tests-secret-0123456789',
    });
    const now = DateTime.fromISO('2026-06-01T12:00:00Z', { zone: 'utc' });
    return new StatBadgesService(db.orm, new ManualClock(now), config, notifications, repo);
  }

  it('statBadgeFacts: one row per profile with its account age and only the active statistics badges', async () => {
    const em = db.em();
    const a = await freelancer(em, { jss: 95, earnings: 12000.5, createdAt: '2024-03-04T05:06:07Z' });
    const b = await freelancer(em, { jss: null, earnings: 0, status: 'draft' });
    const noProfile = await freelancer(em, { profile: false });
    const topRated = await badge(em, a, 'top_rated');
    await badge(em, a, 'rising_talent', true); // revoked (criteria lapsed): not active
    const byAdmin = await badge(em, a, 'top_rated_plus', true); // revoked by an admin: not active, not granted back
    await em.execute(`update badges set revoked_by_admin = true where id = ?`, [byAdmin]);
    await badge(em, a, 'expert_vetted'); // not a statistics badge
    await badge(em, noProfile, 'top_rated');

    const facts = await repo.statBadgeFacts(em, STAT, [a, b, noProfile]);
    const byId = new Map(facts.map((f) => [f.freelancerId, f]));
    expect(facts).toHaveLength(2); // a freelancer without a profile is not evaluated
    expect(byId.get(a)).toEqual({
      freelancerId: a,
      jobSuccessScore: 95,
      earnings12m: 12000.5,
      approvalStatus: 'approved',
      accountCreatedAt: new Date('2024-03-04T05:06:07Z'),
      active: [{ id: topRated, kind: 'top_rated' }],
      revokedByAdmin: ['top_rated_plus'],
    });
    expect(byId.get(b)).toMatchObject({
      jobSuccessScore: null,
      earnings12m: 0,
      approvalStatus: 'draft',
      active: [],
      revokedByAdmin: [],
    });
  });

  it('statBadgeFacts without a filter reads every profile in one statement; with one, only those', async () => {
    const em = db.em();
    const c = await freelancer(em);
    const all = await repo.statBadgeFacts(em, STAT);
    expect(all.map((f) => f.freelancerId)).toContain(c);
    expect(all.length).toBeGreaterThanOrEqual(3);
    expect((await repo.statBadgeFacts(em, STAT, [c])).map((f) => f.freelancerId)).toEqual([c]);
    expect(await repo.statBadgeFacts(em, STAT, [])).toEqual([]);
  });

  it('revokeMany revokes exactly the listed badges; a kind can then be granted again', async () => {
    const em = db.em();
    const f = await freelancer(em);
    const [b1, b2, keep] = [
      await badge(em, f, 'top_rated'),
      await badge(em, f, 'rising_talent'),
      await badge(em, f, 'top_rated_plus'),
    ];
    await repo.revokeMany(em, [b1, b2], new Date('2026-03-01T00:00:00Z'), 'criteria no longer met');
    const rows = await em.execute<{ id: string; revoked_at: Date | null; revoked_reason: string | null }[]>(
      `select id, revoked_at, revoked_reason from badges where freelancer_id = ? order by kind`,
      [f],
    );
    expect(
      rows
        .filter((r) => r.revoked_at)
        .map((r) => r.id)
        .sort(),
    ).toEqual([b1, b2].sort());
    expect(rows.find((r) => r.id === keep)!.revoked_at).toBeNull();
    expect(rows.find((r) => r.id === b1)!.revoked_reason).toBe('criteria no longer met');
    await expect(badge(em, f, 'top_rated')).resolves.toBeDefined();
    await expect(badge(em, f, 'top_rated_plus')).rejects.toThrow(/badges_one_active/);
  });

  it('grantExpertVetted: of two concurrent grants exactly one wins; revoke answers the badge once', async () => {
    const f = await freelancer(db.em());
    const at = new Date('2026-03-01T00:00:00Z');
    const ids = await Promise.all([
      db.em().transactional((tem) => repo.grantExpertVetted(tem as EntityManager, f, at, { callId: 'c1' })),
      db.em().transactional((tem) => repo.grantExpertVetted(tem as EntityManager, f, at, { callId: 'c2' })),
    ]);
    expect(ids.filter(Boolean)).toHaveLength(1);
    const em = db.em();
    expect((await repo.active(em, f, 'expert_vetted')).map((b) => b.id)).toEqual(ids.filter(Boolean));
    const admin = await freelancer(em, { profile: false });
    expect(await repo.revoke(em, f, 'expert_vetted', at, 'fraud', admin)).toBe(ids.find(Boolean));
    expect(await repo.revoke(em, f, 'expert_vetted', at, 'fraud', admin)).toBeNull();
    expect(await repo.everHeld(em, [f], 'expert_vetted')).toEqual(new Set([f]));
  });

  it('evaluation: grants what the statistics earn, revokes what lapsed, notifies once per badge, then changes nothing', async () => {
    const em = db.em();
    const earner = await freelancer(em, { jss: 95, earnings: 12000, createdAt: '2025-01-01T00:00:00Z' });
    const lapsed = await freelancer(em, { jss: 95, earnings: 12000, status: 'draft' });
    const held = await badge(em, earner, 'top_rated');
    const gone = await badge(em, lapsed, 'rising_talent');
    const notes: NotifyInput[] = [];
    const notifications = {
      notifyMany: async (inputs: NotifyInput[]) => notes.push(...inputs),
    } as unknown as NotificationsService;
    const service = statBadges(notifications);

    expect(await service.evaluate([earner, lapsed])).toEqual({ granted: 2, revoked: 1 });
    const rows = await db.em().execute<
      {
        id: string;
        freelancer_id: string;
        kind: string;
        revoked_at: Date | null;
        revoked_reason: string | null;
        evidence: unknown;
      }[]
    >(`select id, freelancer_id, kind, revoked_at, revoked_reason, evidence from badges where freelancer_id in (?, ?) order by kind`, [earner, lapsed]);
    const active = rows.filter((r) => r.freelancer_id === earner && !r.revoked_at);
    expect(active.map((r) => r.kind).sort()).toEqual(['rising_talent', 'top_rated', 'top_rated_plus']);
    expect(active.find((r) => r.kind === 'top_rated')!.id).toBe(held);
    expect(active.find((r) => r.kind === 'top_rated_plus')!.evidence).toEqual({
      jobSuccessScore: 95,
      earnings12m: 12000,
    });
    expect(rows.find((r) => r.id === gone)).toMatchObject({ revoked_reason: 'criteria no longer met' });
    expect(new Date(rows.find((r) => r.id === gone)!.revoked_at!).toISOString()).toBe('2026-06-01T12:00:00.000Z');
    const grants = active.filter((r) => r.id !== held);
    expect(notes.map((n) => n.dedupeKey).sort()).toEqual(
      [...grants.map((r) => `badge.awarded:${r.id}`), `badge.revoked:${gone}`].sort(),
    );
    expect(notes.find((n) => n.type === 'badge.revoked')).toMatchObject({
      userId: lapsed,
      title: 'Rising Talent badge removed',
    });

    notes.length = 0;
    expect(await service.evaluate([earner, lapsed])).toEqual({ granted: 0, revoked: 0 });
    expect(notes).toEqual([]);
  });

  it("an admin's revocation sticks: the evaluation does not grant that kind back, while a lapsed badge is earned again", async () => {
    const em = db.em();
    const admin = await freelancer(em, { profile: false });
    const f = await freelancer(em, { jss: 95, earnings: 12000 });
    const notifications = { notifyMany: async () => 0, notify: async () => true } as unknown as NotificationsService;
    const service = statBadges(notifications);
    const held = async () => (await repo.active(db.em(), f)).map((b) => b.kind).sort();
    expect(await service.evaluate([f])).toEqual({ granted: 3, revoked: 0 });
    expect(await held()).toEqual(['rising_talent', 'top_rated', 'top_rated_plus']);

    await service.revoke({ id: admin }, f, 'top_rated', 'Reviews under investigation');
    const [revoked] = await db
      .em()
      .execute<{ revoked_by: string; revoked_by_admin: boolean; revoked_reason: string }[]>(
        `select revoked_by, revoked_by_admin, revoked_reason from badges where freelancer_id = ? and kind = 'top_rated'`,
        [f],
      );
    expect(revoked).toEqual({
      revoked_by: admin,
      revoked_by_admin: true,
      revoked_reason: 'Reviews under investigation',
    });
    // The criteria still hold; the evaluation leaves the admin's decision alone, again and again.
    expect(await service.evaluate([f])).toEqual({ granted: 0, revoked: 0 });
    expect(await service.evaluate([f])).toEqual({ granted: 0, revoked: 0 });
    expect(await held()).toEqual(['rising_talent', 'top_rated_plus']);

    // A badge whose criteria lapsed (not an admin's decision) is earned again when they hold again.
    await em.execute(`update freelancer_profiles set job_success_score = 50 where user_id = ?`, [f]);
    expect(await service.evaluate([f])).toEqual({ granted: 0, revoked: 2 });
    await em.execute(`update freelancer_profiles set job_success_score = 95 where user_id = ?`, [f]);
    expect(await service.evaluate([f])).toEqual({ granted: 2, revoked: 0 });
    expect(await held()).toEqual(['rising_talent', 'top_rated_plus']);
  });
});
