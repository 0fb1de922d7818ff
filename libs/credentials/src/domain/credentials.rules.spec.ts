import { DateTime, Duration } from 'luxon';
import {
  BADGES,
  BADGE_LABELS,
  BadgeKind,
  BadgeThreshold,
  CategorySupply,
  ExpertVettedInput,
  ExpertVettedPolicy,
  OVERSUPPLIED_ADVICE,
  OVERSUPPLIED_REASON,
  Pass,
  ProfileStats,
  StatBadge,
  TrackRule,
  Viewer,
  certificationDecision,
  expertVettedDecision,
  isOversupplied,
  profileApproval,
  seesExpertVetted,
  statBadgesEarned,
  visibleBadge,
} from './credentials.rules';

const at = (iso: string) => DateTime.fromISO(iso, { zone: 'utc' });
const NOW = at('2025-06-01T12:00:00.000Z');

// ---- certificationDecision -------------------------------------------------------------------

describe('certificationDecision', () => {
  const track: TrackRule = {
    slug: 'fullstack-js',
    assessments: ['part-1', 'part-2'],
    validityWindow: Duration.fromISO('P1Y'),
    status: 'active',
  };
  const pass = (assessmentSlug: string, attemptId: string, iso: string): Pass => ({
    assessmentSlug,
    attemptId,
    passedAt: at(iso),
  });

  it('awards when every part passed within the window, parts in track order', () => {
    const p2 = pass('part-2', 'att-2', '2024-03-01T10:00:00Z');
    const p1 = pass('part-1', 'att-1', '2024-01-15T10:00:00Z');
    expect(certificationDecision(track, [p2, p1], false)).toEqual({ award: true, parts: [p1, p2] });
  });

  it('uses the latest pass of each part', () => {
    const old1 = pass('part-1', 'att-1-old', '2024-01-01T00:00:00Z');
    const new1 = pass('part-1', 'att-1-new', '2024-05-01T00:00:00Z');
    const mid1 = pass('part-1', 'att-1-mid', '2024-03-01T00:00:00Z');
    const p2 = pass('part-2', 'att-2', '2024-06-01T00:00:00Z');
    const d = certificationDecision(track, [old1, new1, mid1, p2], false);
    expect(d).toEqual({ award: true, parts: [new1, p2] });
  });

  it('the latest pass is used even when an older pass would have fit a tighter pairing', () => {
    // part-1 at 2023-01-01; part-2 passed 2023-06-01 and again 2025-01-01 → the latest (2 years later) is outside the window.
    const d = certificationDecision(
      track,
      [
        pass('part-1', 'a', '2023-01-01T00:00:00Z'),
        pass('part-2', 'b', '2023-06-01T00:00:00Z'),
        pass('part-2', 'c', '2025-01-01T00:00:00Z'),
      ],
      false,
    );
    expect(d).toEqual({ award: false, reason: 'outside_window' });
  });

  describe('missing parts', () => {
    it('lists the part without a pass', () => {
      expect(certificationDecision(track, [pass('part-1', 'a', '2024-01-01T00:00:00Z')], false)).toEqual({
        award: false,
        reason: 'missing_parts',
        missing: ['part-2'],
      });
      expect(certificationDecision(track, [pass('part-2', 'a', '2024-01-01T00:00:00Z')], false)).toEqual({
        award: false,
        reason: 'missing_parts',
        missing: ['part-1'],
      });
    });

    it('lists every part when there is no pass, in track order', () => {
      expect(certificationDecision(track, [], false)).toEqual({
        award: false,
        reason: 'missing_parts',
        missing: ['part-1', 'part-2'],
      });
    });

    it('a three-part track lists only the missing ones', () => {
      const three: TrackRule = { ...track, assessments: ['a', 'b', 'c'] };
      expect(certificationDecision(three, [pass('b', 'x', '2024-01-01T00:00:00Z')], false)).toEqual({
        award: false,
        reason: 'missing_parts',
        missing: ['a', 'c'],
      });
    });

    it('missing parts are reported before the window is considered', () => {
      const three: TrackRule = { ...track, assessments: ['a', 'b', 'c'] };
      const d = certificationDecision(
        three,
        [pass('a', 'x', '2010-01-01T00:00:00Z'), pass('b', 'y', '2024-01-01T00:00:00Z')],
        false,
      );
      expect(d).toEqual({ award: false, reason: 'missing_parts', missing: ['c'] });
    });
  });

  describe('validity window (P1Y)', () => {
    it('exactly one year apart is within the window', () => {
      const p1 = pass('part-1', 'a', '2023-05-10T08:30:00.000Z');
      const p2 = pass('part-2', 'b', '2024-05-10T08:30:00.000Z');
      expect(certificationDecision(track, [p1, p2], false)).toEqual({ award: true, parts: [p1, p2] });
    });

    it('one year + 1 ms apart is outside the window', () => {
      const p1 = pass('part-1', 'a', '2023-05-10T08:30:00.000Z');
      const p2 = pass('part-2', 'b', '2024-05-10T08:30:00.001Z');
      expect(certificationDecision(track, [p1, p2], false)).toEqual({ award: false, reason: 'outside_window' });
    });

    it('the order of the parts does not matter (part 2 first)', () => {
      const p2 = pass('part-2', 'b', '2023-05-10T08:30:00.000Z');
      expect(certificationDecision(track, [pass('part-1', 'a', '2024-05-10T08:30:00.000Z'), p2], false).award).toBe(
        true,
      );
      expect(certificationDecision(track, [pass('part-1', 'a', '2024-05-10T08:30:00.001Z'), p2], false)).toEqual({
        award: false,
        reason: 'outside_window',
      });
    });

    it('passes on the same instant are within the window', () => {
      const d = certificationDecision(
        track,
        [pass('part-1', 'a', '2024-01-01T00:00:00Z'), pass('part-2', 'b', '2024-01-01T00:00:00Z')],
        false,
      );
      expect(d.award).toBe(true);
    });

    it('compares instants whatever the zone of the pass', () => {
      const p1 = pass('part-1', 'a', '2023-01-01T00:00:00.000Z');
      const inNewYork = {
        assessmentSlug: 'part-2',
        attemptId: 'b',
        passedAt: DateTime.fromISO('2023-12-31T19:00:00.000', { zone: 'America/New_York' }),
      };
      expect(certificationDecision(track, [p1, inNewYork], false).award).toBe(true);
      const oneMsLater = { ...inNewYork, passedAt: inNewYork.passedAt.plus({ milliseconds: 1 }) };
      expect(certificationDecision(track, [p1, oneMsLater], false)).toEqual({ award: false, reason: 'outside_window' });
    });

    it('one year from 29 February ends on 28 February', () => {
      const p1 = pass('part-1', 'a', '2024-02-29T10:00:00.000Z');
      expect(certificationDecision(track, [p1, pass('part-2', 'b', '2025-02-28T10:00:00.000Z')], false).award).toBe(
        true,
      );
      expect(certificationDecision(track, [p1, pass('part-2', 'b', '2025-02-28T10:00:00.001Z')], false)).toEqual({
        award: false,
        reason: 'outside_window',
      });
    });

    it('the window spans the earliest and latest of all parts (three parts)', () => {
      const three: TrackRule = { ...track, assessments: ['a', 'b', 'c'], validityWindow: Duration.fromISO('P6M') };
      const a = pass('a', '1', '2024-01-01T00:00:00Z');
      const b = pass('b', '2', '2024-04-01T00:00:00Z');
      expect(certificationDecision(three, [a, b, pass('c', '3', '2024-07-01T00:00:00Z')], false)).toEqual({
        award: true,
        parts: [a, b, pass('c', '3', '2024-07-01T00:00:00Z')],
      });
      expect(certificationDecision(three, [a, b, pass('c', '3', '2024-07-01T00:00:00.001Z')], false)).toEqual({
        award: false,
        reason: 'outside_window',
      });
    });

    it('a later re-pass brings the parts within the window', () => {
      const old1 = pass('part-1', 'a-old', '2022-01-01T00:00:00Z');
      const p2 = pass('part-2', 'b', '2024-01-01T00:00:00Z');
      expect(certificationDecision(track, [old1, p2], false)).toEqual({ award: false, reason: 'outside_window' });
      const new1 = pass('part-1', 'a-new', '2023-06-01T00:00:00Z');
      expect(certificationDecision(track, [old1, p2, new1], false)).toEqual({ award: true, parts: [new1, p2] });
    });
  });

  describe('unrelated passes', () => {
    it('do not fill a missing part', () => {
      const d = certificationDecision(
        track,
        [pass('part-1', 'a', '2024-01-01T00:00:00Z'), pass('react-basics', 'x', '2024-01-02T00:00:00Z')],
        false,
      );
      expect(d).toEqual({ award: false, reason: 'missing_parts', missing: ['part-2'] });
    });

    it('do not widen the window nor appear in the parts', () => {
      const p1 = pass('part-1', 'a', '2024-01-01T00:00:00Z');
      const p2 = pass('part-2', 'b', '2024-02-01T00:00:00Z');
      const farAway = [pass('react-basics', 'x', '2010-01-01T00:00:00Z'), pass('sql', 'y', '2030-01-01T00:00:00Z')];
      expect(certificationDecision(track, [...farAway, p1, p2], false)).toEqual({ award: true, parts: [p1, p2] });
    });

    it('a slug that merely contains a part slug is unrelated', () => {
      const d = certificationDecision(
        track,
        [pass('part-1', 'a', '2024-01-01T00:00:00Z'), pass('part-2-beta', 'b', '2024-01-02T00:00:00Z')],
        false,
      );
      expect(d).toEqual({ award: false, reason: 'missing_parts', missing: ['part-2'] });
    });
  });

  describe('legacy tracks', () => {
    const legacy: TrackRule = { ...track, status: 'legacy' };
    it('make no award even when complete and within the window', () => {
      const passes = [pass('part-1', 'a', '2024-01-01T00:00:00Z'), pass('part-2', 'b', '2024-02-01T00:00:00Z')];
      expect(certificationDecision(legacy, passes, false)).toEqual({ award: false, reason: 'legacy' });
    });

    it('report legacy rather than missing parts', () => {
      expect(certificationDecision(legacy, [], false)).toEqual({ award: false, reason: 'legacy' });
    });
  });

  describe('already awarded (checked first)', () => {
    const complete = [pass('part-1', 'a', '2024-01-01T00:00:00Z'), pass('part-2', 'b', '2024-02-01T00:00:00Z')];
    it('on a complete active track', () => {
      expect(certificationDecision(track, complete, true)).toEqual({ award: false, reason: 'already_awarded' });
    });
    it('before legacy', () => {
      expect(certificationDecision({ ...track, status: 'legacy' }, complete, true)).toEqual({
        award: false,
        reason: 'already_awarded',
      });
    });
    it('before missing parts', () => {
      expect(certificationDecision(track, [], true)).toEqual({ award: false, reason: 'already_awarded' });
    });
    it('before outside_window', () => {
      const apart = [pass('part-1', 'a', '2020-01-01T00:00:00Z'), pass('part-2', 'b', '2024-02-01T00:00:00Z')];
      expect(certificationDecision(track, apart, true)).toEqual({ award: false, reason: 'already_awarded' });
    });
  });

  it('a single-part track is awarded on its one pass', () => {
    const single: TrackRule = { ...track, assessments: ['only'] };
    const p = pass('only', 'a', '2024-01-01T00:00:00Z');
    expect(certificationDecision(single, [p], false)).toEqual({ award: true, parts: [p] });
  });
});

// ---- expertVettedDecision --------------------------------------------------------------------

describe('expertVettedDecision', () => {
  const policy: ExpertVettedPolicy = {
    minHardSkillAverage: 4,
    minSoftSkill: 3,
    profileFreshness: Duration.fromISO('P90D'),
  };
  type Card = NonNullable<ExpertVettedInput['scorecard']>;
  const card = (over: Partial<Card> = {}): Card => ({
    decision: 'pass',
    hardSkills: [
      { skill: 'typescript', score: 5 },
      { skill: 'nestjs', score: 4 },
      { skill: 'sql', score: 4 },
    ],
    softSkills: { communication: 4, professionalism: 3 },
    ...over,
  });
  const input = (over: Partial<ExpertVettedInput> = {}): ExpertVettedInput => ({
    scorecard: card(),
    identityVerified: true,
    profileUpdatedAt: NOW.minus({ days: 10 }),
    ...over,
  });
  const hard = (...scores: number[]) => scores.map((score, i) => ({ skill: `skill-${i}`, score }));

  it('grants when every criterion holds', () => {
    const d = expertVettedDecision(input(), NOW, policy);
    expect(d.grant).toBe(true);
    expect(d.reasons).toEqual([]);
    expect(d.hardSkillAverage).toBeCloseTo(13 / 3, 10);
  });

  describe('each reason alone', () => {
    it('NO_SCORECARD, with no hard-skill average', () => {
      expect(expertVettedDecision(input({ scorecard: null }), NOW, policy)).toEqual({
        grant: false,
        reasons: ['NO_SCORECARD'],
        hardSkillAverage: null,
      });
    });

    it('DECISION_FAIL even with top scores', () => {
      const d = expertVettedDecision(
        input({ scorecard: card({ decision: 'fail', hardSkills: hard(5, 5), softSkills: { communication: 5 } }) }),
        NOW,
        policy,
      );
      expect(d).toEqual({ grant: false, reasons: ['DECISION_FAIL'], hardSkillAverage: 5 });
    });

    it('HARD_SKILLS_BELOW_THRESHOLD when the average is just below', () => {
      const d = expertVettedDecision(input({ scorecard: card({ hardSkills: hard(4, 4, 4, 3) }) }), NOW, policy);
      expect(d).toEqual({ grant: false, reasons: ['HARD_SKILLS_BELOW_THRESHOLD'], hardSkillAverage: 3.75 });
      const tiny = expertVettedDecision(input({ scorecard: card({ hardSkills: hard(4, 3.99) }) }), NOW, policy);
      expect(tiny.reasons).toEqual(['HARD_SKILLS_BELOW_THRESHOLD']);
      expect(tiny.hardSkillAverage).toBeCloseTo(3.995, 10);
    });

    it('an average exactly at the threshold passes', () => {
      expect(expertVettedDecision(input({ scorecard: card({ hardSkills: hard(4, 4, 4, 4) }) }), NOW, policy)).toEqual({
        grant: true,
        reasons: [],
        hardSkillAverage: 4,
      });
      expect(expertVettedDecision(input({ scorecard: card({ hardSkills: hard(5, 3) }) }), NOW, policy)).toEqual({
        grant: true,
        reasons: [],
        hardSkillAverage: 4,
      });
    });

    it('the average is a mean, so one low skill can be carried by high ones', () => {
      const d = expertVettedDecision(input({ scorecard: card({ hardSkills: hard(5, 5, 2) }) }), NOW, policy);
      expect(d.grant).toBe(true);
      expect(d.hardSkillAverage).toBe(4);
    });

    it('no hard skills counts as an average of 0', () => {
      expect(expertVettedDecision(input({ scorecard: card({ hardSkills: [] }) }), NOW, policy)).toEqual({
        grant: false,
        reasons: ['HARD_SKILLS_BELOW_THRESHOLD'],
        hardSkillAverage: 0,
      });
    });

    it('SOFT_SKILL_BELOW_THRESHOLD when any one soft skill is below', () => {
      const d = expertVettedDecision(
        input({ scorecard: card({ softSkills: { communication: 5, professionalism: 5, reliability: 2 } }) }),
        NOW,
        policy,
      );
      expect(d).toEqual({ grant: false, reasons: ['SOFT_SKILL_BELOW_THRESHOLD'], hardSkillAverage: 13 / 3 });
    });

    it('a soft skill exactly at the threshold passes (no averaging of soft skills)', () => {
      expect(
        expertVettedDecision(
          input({ scorecard: card({ softSkills: { communication: 3, professionalism: 3 } }) }),
          NOW,
          policy,
        ).grant,
      ).toBe(true);
      // A high one does not carry a low one.
      expect(
        expertVettedDecision(
          input({ scorecard: card({ softSkills: { communication: 5, professionalism: 2.99 } }) }),
          NOW,
          policy,
        ).reasons,
      ).toEqual(['SOFT_SKILL_BELOW_THRESHOLD']);
    });

    it('no soft skills at all raises no soft-skill reason', () => {
      expect(expertVettedDecision(input({ scorecard: card({ softSkills: {} }) }), NOW, policy).grant).toBe(true);
    });

    it('IDENTITY_NOT_VERIFIED', () => {
      const d = expertVettedDecision(input({ identityVerified: false }), NOW, policy);
      expect(d.grant).toBe(false);
      expect(d.reasons).toEqual(['IDENTITY_NOT_VERIFIED']);
    });

    describe('PROFILE_OUTDATED at the freshness boundary', () => {
      it('updated exactly 90 days ago is fresh', () => {
        expect(expertVettedDecision(input({ profileUpdatedAt: NOW.minus({ days: 90 }) }), NOW, policy).grant).toBe(
          true,
        );
      });
      it('updated 90 days + 1 ms ago is outdated', () => {
        const d = expertVettedDecision(
          input({ profileUpdatedAt: NOW.minus({ days: 90, milliseconds: 1 }) }),
          NOW,
          policy,
        );
        expect(d.reasons).toEqual(['PROFILE_OUTDATED']);
        expect(d.grant).toBe(false);
      });
      it('never updated is outdated', () => {
        expect(expertVettedDecision(input({ profileUpdatedAt: null }), NOW, policy).reasons).toEqual([
          'PROFILE_OUTDATED',
        ]);
      });
      it('updated just now is fresh', () => {
        expect(expertVettedDecision(input({ profileUpdatedAt: NOW }), NOW, policy).reasons).toEqual([]);
      });
      it('freshness follows the policy', () => {
        const strict = { ...policy, profileFreshness: Duration.fromISO('P7D') };
        expect(expertVettedDecision(input({ profileUpdatedAt: NOW.minus({ days: 7 }) }), NOW, strict).reasons).toEqual(
          [],
        );
        expect(expertVettedDecision(input({ profileUpdatedAt: NOW.minus({ days: 8 }) }), NOW, strict).reasons).toEqual([
          'PROFILE_OUTDATED',
        ]);
      });
    });
  });

  describe('combinations', () => {
    it('no scorecard, unverified and outdated', () => {
      expect(
        expertVettedDecision({ scorecard: null, identityVerified: false, profileUpdatedAt: null }, NOW, policy),
      ).toEqual({
        grant: false,
        reasons: ['NO_SCORECARD', 'IDENTITY_NOT_VERIFIED', 'PROFILE_OUTDATED'],
        hardSkillAverage: null,
      });
    });

    it('every scorecard failure at once', () => {
      const d = expertVettedDecision(
        input({ scorecard: { decision: 'fail', hardSkills: hard(2, 3), softSkills: { communication: 1 } } }),
        NOW,
        policy,
      );
      expect(d).toEqual({
        grant: false,
        reasons: ['DECISION_FAIL', 'HARD_SKILLS_BELOW_THRESHOLD', 'SOFT_SKILL_BELOW_THRESHOLD'],
        hardSkillAverage: 2.5,
      });
    });

    it('all five possible reasons together', () => {
      const d = expertVettedDecision(
        {
          scorecard: { decision: 'fail', hardSkills: hard(1), softSkills: { communication: 1 } },
          identityVerified: false,
          profileUpdatedAt: NOW.minus({ years: 1 }),
        },
        NOW,
        policy,
      );
      expect(d.reasons).toEqual([
        'DECISION_FAIL',
        'HARD_SKILLS_BELOW_THRESHOLD',
        'SOFT_SKILL_BELOW_THRESHOLD',
        'IDENTITY_NOT_VERIFIED',
        'PROFILE_OUTDATED',
      ]);
      expect(d.grant).toBe(false);
      expect(d.hardSkillAverage).toBe(1);
    });

    it('a passing scorecard with identity and profile problems', () => {
      const d = expertVettedDecision(
        input({ identityVerified: false, profileUpdatedAt: NOW.minus({ days: 91 }) }),
        NOW,
        policy,
      );
      expect(d.reasons).toEqual(['IDENTITY_NOT_VERIFIED', 'PROFILE_OUTDATED']);
      expect(d.hardSkillAverage).toBeCloseTo(13 / 3, 10);
    });

    it('a fail decision with a low soft skill', () => {
      const d = expertVettedDecision(
        input({ scorecard: card({ decision: 'fail', softSkills: { communication: 2 } }) }),
        NOW,
        policy,
      );
      expect(d.reasons).toEqual(['DECISION_FAIL', 'SOFT_SKILL_BELOW_THRESHOLD']);
    });
  });

  it('reports the hard-skill average whether or not it grants', () => {
    expect(
      expertVettedDecision(input({ scorecard: card({ hardSkills: hard(5, 4, 3, 2, 1) }) }), NOW, policy)
        .hardSkillAverage,
    ).toBe(3);
    expect(
      expertVettedDecision(input({ scorecard: card({ hardSkills: hard(5) }) }), NOW, policy).hardSkillAverage,
    ).toBe(5);
  });
});

// ---- profile approval ------------------------------------------------------------------------

describe('isOversupplied', () => {
  const s = (approvedFreelancers: number, openJobs: number, maxFreelancersPerJob: number): CategorySupply => ({
    approvedFreelancers,
    openJobs,
    maxFreelancersPerJob,
  });

  it.each([
    [s(11, 2, 5), true], // 5.5 > 5
    [s(10, 2, 5), false], // equal is not oversupplied
    [s(9, 2, 5), false],
    [s(7, 2, 3), true], // 3.5 > 3
    [s(0, 10, 0), false],
    [s(1, 10, 0), true],
  ])('%p → %p', (supply, expected) => {
    expect(isOversupplied(supply)).toBe(expected);
  });

  it('treats 0 open jobs as 1', () => {
    expect(isOversupplied(s(5, 0, 4))).toBe(true);
    expect(isOversupplied(s(4, 0, 4))).toBe(false);
    expect(isOversupplied(s(0, 0, 0))).toBe(false);
    expect(isOversupplied(s(1, 0, 0))).toBe(true);
  });
});

describe('profileApproval', () => {
  const oversupplied: CategorySupply = { approvedFreelancers: 500, openJobs: 10, maxFreelancersPerJob: 20 }; // 50 per job
  const balanced: CategorySupply = { approvedFreelancers: 100, openJobs: 10, maxFreelancersPerJob: 20 }; // 10 per job
  const atLimit: CategorySupply = { approvedFreelancers: 200, openJobs: 10, maxFreelancersPerJob: 20 }; // exactly 20

  it('the oversupply texts', () => {
    expect(OVERSUPPLIED_REASON).toBe(
      'There are already many freelancers with a similar skillset to yours and we cannot accept your registration at this time.',
    );
    expect(OVERSUPPLIED_ADVICE).toBe(
      'Take the skill tests relevant to your skills to verify them (a check mark), add any other relevant skills or experience, then update and resubmit your profile.',
    );
  });

  describe('enough verified skills → approved', () => {
    it.each([
      ['no supply row', null],
      ['a balanced category', balanced],
      ['an oversupplied category', oversupplied],
    ])('with %s', (_label, supply) => {
      expect(profileApproval(3, 3, supply)).toEqual({ status: 'approved', reason: '3 verified skills' });
      expect(profileApproval(7, 3, supply)).toEqual({ status: 'approved', reason: '7 verified skills' });
    });

    it('a minimum of 0 approves a profile with none', () => {
      expect(profileApproval(0, 0, oversupplied)).toEqual({ status: 'approved', reason: '0 verified skills' });
    });
  });

  describe('below the minimum', () => {
    it('in an oversupplied category → rejected with code, reason and advice', () => {
      expect(profileApproval(2, 3, oversupplied)).toEqual({
        status: 'rejected',
        code: 'SKILL_CATEGORY_OVERSUPPLIED',
        reason: OVERSUPPLIED_REASON,
        advice: OVERSUPPLIED_ADVICE,
      });
      expect(profileApproval(0, 3, oversupplied)).toEqual({
        status: 'rejected',
        code: 'SKILL_CATEGORY_OVERSUPPLIED',
        reason: OVERSUPPLIED_REASON,
        advice: OVERSUPPLIED_ADVICE,
      });
    });

    it('just above the ratio → rejected', () => {
      expect(profileApproval(2, 3, { ...atLimit, approvedFreelancers: 201 }).status).toBe('rejected');
    });

    it('at exactly the ratio → pending_review', () => {
      expect(profileApproval(2, 3, atLimit)).toEqual({
        status: 'pending_review',
        reason: '2 of 3 verified skills: a reviewer will look at the profile',
      });
    });

    it('with 0 open jobs the freelancers are compared with one job', () => {
      expect(profileApproval(1, 3, { approvedFreelancers: 21, openJobs: 0, maxFreelancersPerJob: 20 }).status).toBe(
        'rejected',
      );
      expect(profileApproval(1, 3, { approvedFreelancers: 20, openJobs: 0, maxFreelancersPerJob: 20 }).status).toBe(
        'pending_review',
      );
    });

    it('in a balanced category → pending_review', () => {
      expect(profileApproval(1, 3, balanced)).toEqual({
        status: 'pending_review',
        reason: '1 of 3 verified skills: a reviewer will look at the profile',
      });
    });

    it('with no supply row → pending_review', () => {
      expect(profileApproval(0, 2, null)).toEqual({
        status: 'pending_review',
        reason: '0 of 2 verified skills: a reviewer will look at the profile',
      });
    });
  });
});

// ---- statBadgesEarned ------------------------------------------------------------------------

describe('statBadgesEarned', () => {
  const thresholds: Record<StatBadge, BadgeThreshold> = {
    top_rated_plus: { minJobSuccess: 90, minEarnings12m: 100_000, minAccountAge: Duration.fromISO('P1Y') },
    top_rated: { minJobSuccess: 90, minEarnings12m: 1_000, minAccountAge: Duration.fromISO('P180D') },
    rising_talent: { minJobSuccess: 75, minEarnings12m: 0, minAccountAge: Duration.fromISO('P90D') },
  };
  const unreachable: BadgeThreshold = {
    minJobSuccess: 101,
    minEarnings12m: Number.MAX_SAFE_INTEGER,
    minAccountAge: Duration.fromISO('P100Y'),
  };
  /** Thresholds where only `badge` is reachable, to test it in isolation. */
  const only = (badge: StatBadge): Record<StatBadge, BadgeThreshold> => ({
    top_rated_plus: unreachable,
    top_rated: unreachable,
    rising_talent: unreachable,
    [badge]: thresholds[badge],
  });
  const stats = (over: Partial<ProfileStats> = {}): ProfileStats => ({
    jobSuccessScore: 100,
    earnings12m: 250_000,
    accountCreatedAt: NOW.minus({ years: 3 }),
    approved: true,
    ...over,
  });

  it('earns every badge whose criteria hold, best first', () => {
    expect(statBadgesEarned(stats(), thresholds, NOW)).toEqual(['top_rated_plus', 'top_rated', 'rising_talent']);
  });

  it('a profile that is not approved earns none', () => {
    expect(statBadgesEarned(stats({ approved: false }), thresholds, NOW)).toEqual([]);
  });

  it('no Job Success Score earns none', () => {
    expect(statBadgesEarned(stats({ jobSuccessScore: null }), thresholds, NOW)).toEqual([]);
  });

  it('a JSS of 0 is a score, not a missing one', () => {
    const zero = { ...thresholds, rising_talent: { ...thresholds.rising_talent, minJobSuccess: 0 } };
    expect(statBadgesEarned(stats({ jobSuccessScore: 0 }), zero, NOW)).toEqual(['rising_talent']);
  });

  describe.each([
    ['top_rated_plus', 90, 100_000, { years: 1 }],
    ['top_rated', 90, 1_000, { days: 180 }],
    ['rising_talent', 75, 0, { days: 90 }],
  ] as const)('%s alone', (badge, jss, earnings, age) => {
    const th = only(badge);
    const atThresholds = stats({ jobSuccessScore: jss, earnings12m: earnings, accountCreatedAt: NOW.minus(age) });

    it('is earned exactly at every threshold', () => {
      expect(statBadgesEarned(atThresholds, th, NOW)).toEqual([badge]);
    });

    it('is not earned with the JSS just below', () => {
      expect(statBadgesEarned({ ...atThresholds, jobSuccessScore: jss - 0.01 }, th, NOW)).toEqual([]);
    });

    it('is not earned with the earnings just below', () => {
      expect(statBadgesEarned({ ...atThresholds, earnings12m: earnings - 0.01 }, th, NOW)).toEqual([]);
    });

    it('is not earned when the account is 1 ms too young', () => {
      expect(
        statBadgesEarned(
          { ...atThresholds, accountCreatedAt: atThresholds.accountCreatedAt.plus({ milliseconds: 1 }) },
          th,
          NOW,
        ),
      ).toEqual([]);
    });

    it('is not earned when the profile is not approved', () => {
      expect(statBadgesEarned({ ...atThresholds, approved: false }, th, NOW)).toEqual([]);
    });
  });

  describe('several at once with the shared thresholds', () => {
    it('TR + RT but not TRP when earnings are below 100k', () => {
      expect(statBadgesEarned(stats({ earnings12m: 99_999.99 }), thresholds, NOW)).toEqual([
        'top_rated',
        'rising_talent',
      ]);
    });

    it('TR + RT but not TRP when the account is just under a year old', () => {
      expect(
        statBadgesEarned(
          stats({ accountCreatedAt: NOW.minus({ years: 1 }).plus({ milliseconds: 1 }) }),
          thresholds,
          NOW,
        ),
      ).toEqual(['top_rated', 'rising_talent']);
    });

    it('TRP + TR + RT exactly one year old', () => {
      expect(statBadgesEarned(stats({ accountCreatedAt: NOW.minus({ years: 1 }) }), thresholds, NOW)).toEqual([
        'top_rated_plus',
        'top_rated',
        'rising_talent',
      ]);
    });

    it('only RT with a JSS between 75 and 90', () => {
      expect(statBadgesEarned(stats({ jobSuccessScore: 89.99 }), thresholds, NOW)).toEqual(['rising_talent']);
      expect(statBadgesEarned(stats({ jobSuccessScore: 75 }), thresholds, NOW)).toEqual(['rising_talent']);
    });

    it('none with a JSS below 75', () => {
      expect(statBadgesEarned(stats({ jobSuccessScore: 74.99 }), thresholds, NOW)).toEqual([]);
    });

    it('only RT for a 100-day-old account with small earnings', () => {
      expect(
        statBadgesEarned(stats({ earnings12m: 500, accountCreatedAt: NOW.minus({ days: 100 }) }), thresholds, NOW),
      ).toEqual(['rising_talent']);
    });

    it('none for an account younger than 90 days', () => {
      expect(statBadgesEarned(stats({ accountCreatedAt: NOW.minus({ days: 89 }) }), thresholds, NOW)).toEqual([]);
    });

    it('TR + RT for a 180-day-old account with 1k earnings', () => {
      expect(
        statBadgesEarned(stats({ earnings12m: 1_000, accountCreatedAt: NOW.minus({ days: 180 }) }), thresholds, NOW),
      ).toEqual(['top_rated', 'rising_talent']);
    });
  });
});

// ---- visibility ------------------------------------------------------------------------------

describe('badge visibility', () => {
  const viewers: { name: string; viewer: Viewer; seesEv: boolean }[] = [
    { name: 'client on marketplace', viewer: { role: 'client', plan: 'marketplace' }, seesEv: false },
    { name: 'client on business_plus', viewer: { role: 'client', plan: 'business_plus' }, seesEv: true },
    { name: 'client on enterprise', viewer: { role: 'client', plan: 'enterprise' }, seesEv: true },
    { name: 'client with a null plan', viewer: { role: 'client', plan: null }, seesEv: false },
    { name: 'client with no plan', viewer: { role: 'client' }, seesEv: false },
    { name: 'another freelancer', viewer: { role: 'freelancer' }, seesEv: false },
    { name: 'another freelancer (isOwner false)', viewer: { role: 'freelancer', isOwner: false }, seesEv: false },
    { name: 'the owner', viewer: { role: 'freelancer', isOwner: true }, seesEv: true },
    { name: 'admin', viewer: { role: 'admin' }, seesEv: true },
    { name: 'talent_manager', viewer: { role: 'talent_manager' }, seesEv: true },
    { name: 'proctor', viewer: { role: 'proctor' }, seesEv: true },
    { name: 'anonymous', viewer: { role: 'anonymous' }, seesEv: false },
    { name: 'anonymous with a plan', viewer: { role: 'anonymous', plan: 'enterprise' }, seesEv: false },
    { name: 'freelancer with a plan', viewer: { role: 'freelancer', plan: 'business_plus' }, seesEv: false },
  ];

  // held → [badge for a viewer who sees Expert-Vetted, badge for one who does not]
  const holdings: [BadgeKind[], BadgeKind | null, BadgeKind | null][] = [
    [[], null, null],
    [['expert_vetted'], 'expert_vetted', null],
    [['expert_vetted', 'top_rated_plus'], 'expert_vetted', 'top_rated_plus'],
    [['expert_vetted', 'top_rated'], 'expert_vetted', 'top_rated'],
    [['expert_vetted', 'rising_talent'], 'expert_vetted', 'rising_talent'],
    [['expert_vetted', 'top_rated', 'rising_talent'], 'expert_vetted', 'top_rated'],
    [['expert_vetted', 'top_rated_plus', 'top_rated', 'rising_talent'], 'expert_vetted', 'top_rated_plus'],
    [['rising_talent', 'expert_vetted'], 'expert_vetted', 'rising_talent'],
    [['top_rated_plus'], 'top_rated_plus', 'top_rated_plus'],
    [['top_rated'], 'top_rated', 'top_rated'],
    [['rising_talent'], 'rising_talent', 'rising_talent'],
    [['top_rated_plus', 'top_rated'], 'top_rated_plus', 'top_rated_plus'],
    [['top_rated', 'top_rated_plus'], 'top_rated_plus', 'top_rated_plus'],
    [['top_rated_plus', 'rising_talent'], 'top_rated_plus', 'top_rated_plus'],
    [['rising_talent', 'top_rated_plus'], 'top_rated_plus', 'top_rated_plus'],
    [['top_rated', 'rising_talent'], 'top_rated', 'top_rated'],
    [['rising_talent', 'top_rated'], 'top_rated', 'top_rated'],
    [['top_rated_plus', 'top_rated', 'rising_talent'], 'top_rated_plus', 'top_rated_plus'],
    [['rising_talent', 'rising_talent'], 'rising_talent', 'rising_talent'],
    [['expert_vetted', 'expert_vetted'], 'expert_vetted', null],
  ];

  describe('seesExpertVetted', () => {
    it.each(viewers.map((v) => [v.name, v.viewer, v.seesEv] as const))('%s → %p', (_name, viewer, expected) => {
      expect(seesExpertVetted(viewer)).toBe(expected);
    });

    it('the owner sees it whatever the role', () => {
      expect(seesExpertVetted({ role: 'client', plan: 'marketplace', isOwner: true })).toBe(true);
      expect(seesExpertVetted({ role: 'anonymous', isOwner: true })).toBe(true);
    });
  });

  describe('visibleBadge', () => {
    const cases = viewers.flatMap(({ name, viewer, seesEv }) =>
      holdings.map(
        ([held, forSeer, forOthers]) =>
          [name, JSON.stringify(held), viewer, held, seesEv ? forSeer : forOthers] as const,
      ),
    );

    it.each(cases)('%s holding %s', (_name, _heldText, viewer, held, expected) => {
      expect(visibleBadge(held, viewer)).toBe(expected);
    });

    it('covers the full matrix', () => {
      expect(cases).toHaveLength(viewers.length * holdings.length);
    });

    it('marketplace clients never see expert_vetted, whatever is held', () => {
      const marketplace: Viewer = { role: 'client', plan: 'marketplace' };
      for (const [held] of holdings) expect(visibleBadge(held, marketplace)).not.toBe('expert_vetted');
    });

    it('shows a single badge (never an array)', () => {
      expect(
        typeof visibleBadge(['top_rated_plus', 'top_rated', 'rising_talent', 'expert_vetted'], { role: 'admin' }),
      ).toBe('string');
    });
  });

  it('every badge kind has a label', () => {
    expect(BADGES).toEqual(['expert_vetted', 'top_rated_plus', 'top_rated', 'rising_talent']);
    expect(BADGE_LABELS).toEqual({
      expert_vetted: 'Expert-Vetted',
      top_rated_plus: 'Top Rated Plus',
      top_rated: 'Top Rated',
      rising_talent: 'Rising Talent',
    });
  });
});
