import { randomUUID } from 'node:crypto';
import { EntityManager } from '@mikro-orm/postgresql';
import { DateTime } from 'luxon';
import { AppConfig, ManualClock } from '@vetting/core';
import type { TrackStates } from '@vetting/assessments';
import { GradedAttemptsRepository, VerifiedSkillsRepository, VerifiedSkillsService } from '@vetting/credentials';
import { openMediumDatabase, MediumDatabase } from '../support/medium-database';

const NOW = DateTime.fromISO('2026-06-01T12:00:00Z', { zone: 'utc' });

describe('credentials verified skills and graded attempts (real PostgreSQL)', () => {
  let db: MediumDatabase;
  const attempts = new GradedAttemptsRepository();
  const skills = new VerifiedSkillsRepository();
  beforeAll(async () => {
    db = await openMediumDatabase();
  });
  afterAll(() => db.close());

  async function freelancer(em: EntityManager): Promise<string> {
    const id = randomUUID();
    await em.execute(
      `insert into users (id, email, password_hash, name, role, time_zone, created_at) values (?, ?, 'x', 'F', 'freelancer', 'UTC', now())`,
      [id, `${id}@t.test`],
    );
    return id;
  }

  async function attempt(
    em: EntityManager,
    a: { slug: string; status?: string; score?: number | null; gradedAt?: DateTime | null; freelancerId?: string },
  ): Promise<string> {
    const id = randomUUID();
    const status = a.status ?? 'graded';
    await em.execute(
      `insert into attempts (id, assessment_slug, freelancer_id, status, item_ids, created_at, score, passed, graded_at)
       values (?, ?, ?, ?, '[]', ?, ?, ?, ?)`,
      [
        id,
        a.slug,
        a.freelancerId ?? (await freelancer(em)),
        status,
        NOW.minus({ days: 400 }).toJSDate(),
        a.score === undefined ? null : a.score,
        status === 'graded' ? (a.score ?? 0) >= 50 : null,
        a.gradedAt === undefined
          ? status === 'graded'
            ? NOW.minus({ days: 1 }).toJSDate()
            : null
          : (a.gradedAt?.toJSDate() ?? null),
      ],
    );
    return id;
  }

  describe('norm group scores (touches assessments attempts)', () => {
    it('reads only graded, scored attempts of the test within the window, without the excluded one', async () => {
      const em = db.em();
      const since = NOW.minus({ years: 1 }).toJSDate();
      const mine = await attempt(em, { slug: 'dist', score: 55 });
      await attempt(em, { slug: 'dist', score: 72.5 });
      await attempt(em, { slug: 'dist', score: 90, gradedAt: NOW.minus({ days: 365 }).plus({ minutes: 1 }) });
      await attempt(em, { slug: 'dist', score: 99, gradedAt: NOW.minus({ days: 366 }) }); // outside the window
      await attempt(em, { slug: 'dist', status: 'submitted', score: 80 }); // not graded yet
      await attempt(em, { slug: 'dist', score: null }); // graded without a score
      await attempt(em, { slug: 'other', score: 10 }); // another test
      expect((await attempts.normGroupScores(em, 'dist', since)).sort((a, b) => a - b)).toEqual([55, 72.5, 90]);
      expect((await attempts.normGroupScores(em, 'dist', since, mine)).sort((a, b) => a - b)).toEqual([72.5, 90]);
      expect(await attempts.normGroupScores(em, 'none', since)).toEqual([]);
    });
  });

  describe('grading statements in one transaction', () => {
    const result = { score: 88, passed: true, report: { kind: 'mc' }, gradedAt: NOW.toJSDate() };

    it('recordGrade: of two concurrent graders exactly one records the result', async () => {
      const id = await attempt(db.em(), { slug: 'race', status: 'submitted' });
      const outcomes = await Promise.all([
        db.em().transactional((tem) => attempts.recordGrade(tem as EntityManager, id, result)),
        db.em().transactional((tem) => attempts.recordGrade(tem as EntityManager, id, { ...result, score: 11 })),
      ]);
      expect(outcomes.filter(Boolean)).toHaveLength(1);
      const [row] = await db
        .em()
        .execute<{ status: string; score: number }[]>(`select status, score from attempts where id = ?`, [id]);
      expect(row.status).toBe('graded');
      expect([88, 11]).toContain(Number(row.score));
      expect(await attempts.gradable(db.em(), id)).toBeNull();
    });

    it('the grade, the verified skill and the certification commit together, or not at all', async () => {
      const f = await freelancer(db.em());
      const id = await attempt(db.em(), { slug: 'js-basics', status: 'submitted', freelancerId: f });
      const loaded = await attempts.gradable(db.em(), id);
      expect(loaded?.attempt.id).toBe(id);
      const write = async (em: EntityManager) => {
        expect(await attempts.recordGrade(em, id, result)).toBe(true);
        const at = NOW.toJSDate();
        await skills.upsert(em, {
          freelancerId: f,
          skill: 'JavaScript',
          assessmentSlug: 'js-basics',
          attemptId: id,
          score: 88,
          band: null,
          normGroupSize: 1,
          at,
        });
        const parts = [{ assessmentSlug: 'js-basics', attemptId: id, passedAt: NOW.toISO()! }];
        return skills.award(em, f, 'js-track', parts, at);
      };
      await expect(
        db.em().transactional(async (tem) => {
          await write(tem as EntityManager);
          throw new Error('notification failed');
        }),
      ).rejects.toThrow('notification failed');
      const em = db.em();
      expect(await attempts.gradable(em, id)).not.toBeNull(); // still to grade: a retried job does it all again
      expect(await skills.count(em, f)).toBe(0);
      expect(await skills.hasCertification(em, f, 'js-track')).toBe(false);

      const award = await db.em().transactional((tem) => write(tem as EntityManager));
      expect(award).toEqual(expect.any(String));
      const after = db.em();
      expect(await attempts.passes(after, f, ['js-basics', 'other'])).toHaveLength(1);
      expect((await skills.of(after, f)).map((s) => [s.skill, s.score])).toEqual([['JavaScript', 88]]);
      expect((await skills.certificationsOf(after, f)).map((c) => c.id)).toEqual([award]);
    });

    it('a later pass replaces the verified skill; a track is awarded once, even to concurrent awards', async () => {
      const f = await freelancer(db.em());
      const first = await attempt(db.em(), { slug: 'py', score: 60, freelancerId: f });
      const second = await attempt(db.em(), { slug: 'py', score: 95, freelancerId: f });
      const base = {
        freelancerId: f,
        skill: 'Python',
        assessmentSlug: 'py',
        band: null,
        normGroupSize: 2,
        at: NOW.toJSDate(),
      };
      await skills.upsert(db.em(), { ...base, attemptId: first, score: 60 });
      await skills.upsert(db.em(), { ...base, attemptId: second, score: 95, band: 'Top 10%' });
      const held = await skills.of(db.em(), f);
      expect(held.map((s) => [s.attemptId, s.score, s.band])).toEqual([[second, 95, 'Top 10%']]);

      const parts = [{ assessmentSlug: 'py', attemptId: second, passedAt: NOW.toISO()! }];
      const awards = await Promise.all([
        db.em().transactional((tem) => skills.award(tem as EntityManager, f, 'py-track', parts, NOW.toJSDate())),
        db.em().transactional((tem) => skills.award(tem as EntityManager, f, 'py-track', parts, NOW.toJSDate())),
      ]);
      expect(awards.filter(Boolean)).toHaveLength(1);
      expect(await skills.award(db.em(), f, 'py-track', parts, NOW.toJSDate())).toBeNull();
    });
  });

  describe('band recomputation', () => {
    it('re-bands every verified skill against the norm group in the window; a second run changes nothing', async () => {
      const em = db.em();
      for (let s = 10; s <= 100; s += 10) await attempt(em, { slug: 'bands', score: s });
      await attempt(em, { slug: 'bands', score: 100, gradedAt: NOW.minus({ years: 2 }) }); // outside the window
      const top = await freelancer(em);
      const mid = await freelancer(em);
      const alone = await freelancer(em);
      const at = NOW.minus({ days: 30 }).toJSDate();
      const skill = async (freelancerId: string, slug: string, score: number) =>
        skills.upsert(em, {
          freelancerId,
          skill: slug,
          assessmentSlug: slug,
          attemptId: await attempt(em, { slug: `${slug}-own`, score, freelancerId }),
          score,
          band: null,
          normGroupSize: 0,
          at,
        });
      await skill(top, 'bands', 100);
      await skill(mid, 'bands', 80);
      await skill(alone, 'lonely', 70);

      const config = AppConfig.fromEnv({
        NODE_ENV: 'test',
        DATABASE_URL: db.url,
        JWT_SECRET: 'medium-tests-secret-0123456789',
      });
      const service = new VerifiedSkillsService(
        db.orm,
        new ManualClock(NOW),
        config,
        {} as TrackStates,
        skills,
        attempts,
      );
      const { updated } = await service.recomputeBands();
      expect(updated).toBeGreaterThanOrEqual(3); // these three had no band and no norm group yet

      const rows = await db
        .em()
        .execute<{ freelancer_id: string; band: string | null; norm_group_size: number; band_computed_at: Date }[]>(
          `select freelancer_id, band, norm_group_size, band_computed_at from verified_skills where freelancer_id = any(?::uuid[])`,
          [`{${[top, mid, alone].join(',')}}`],
        );
      const by = new Map(rows.map((r) => [r.freelancer_id, r]));
      expect(by.get(top)).toMatchObject({ band: 'Top 10%', norm_group_size: 10 }); // nobody scored higher
      expect(by.get(mid)).toMatchObject({ band: 'Top 30%', norm_group_size: 10 }); // 2 of 10 scored higher
      expect(by.get(alone)).toMatchObject({ band: null, norm_group_size: 1 }); // no graded attempts: only itself
      expect(new Date(by.get(top)!.band_computed_at).toISOString()).toBe(NOW.toJSDate().toISOString());

      expect(await service.recomputeBands()).toEqual({ updated: 0 });
    });
  });
});
