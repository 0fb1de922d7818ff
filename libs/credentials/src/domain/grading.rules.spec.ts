import type { AssessmentItem } from '@vetting/assessments';
import { COMPETENCIES } from '@vetting/assessments';
import {
  BANDS,
  CaseOutcome,
  gradeCoding,
  gradeMultipleChoice,
  gradeScenario,
  outputsMatch,
  percentileBand,
  scoreDistribution,
} from './grading.rules';

type Mc = Extract<AssessmentItem, { type: 'multiple_choice' }>;
type Scenario = Extract<AssessmentItem, { type: 'scenario' }>;
type Coding = Extract<AssessmentItem, { type: 'coding' }>;
type Competency = (typeof COMPETENCIES)[number];

// ---- fixtures --------------------------------------------------------------------------------

const mc = (id: string, correct: string[], weight = 1, section?: string): Mc => ({
  type: 'multiple_choice',
  id,
  prompt: `Question ${id}`,
  options: ['a', 'b', 'c', 'd'].map((o) => ({ id: o, text: `Option ${o}` })),
  correct,
  weight,
  ...(section === undefined ? {} : { section }),
});

const pick = (...optionIds: string[]) => ({ optionIds });

const sc = (rc: number, pr: number, cc: number, la: number, sp: number): Record<Competency, number> => ({
  resolve_conflicts: rc,
  prioritize: pr,
  communicate_clearly: cc,
  listen_actively: la,
  solve_problems: sp,
});

const scenario = (id: string, options: Record<string, Record<Competency, number>>): Scenario => ({
  type: 'scenario',
  id,
  prompt: `Scenario ${id}`,
  options: Object.entries(options).map(([oid, scores]) => ({ id: oid, text: `Option ${oid}`, scores })),
});

const coding = (id: string, weight = 1): Coding => ({
  type: 'coding',
  id,
  title: `Task ${id}`,
  statement: 'Read stdin, write stdout',
  examples: [{ input: '1\n', output: '1\n' }],
  tests: [
    { input: '1\n', output: '1\n', weight: 1 },
    { input: '2\n', output: '2\n', weight: 1 },
    { input: '3\n', output: '3\n', weight: 1 },
  ],
  languages: ['javascript', 'python'],
  timeLimitMs: 2000,
  weight,
});

const outcome = (index: number, passed: boolean, weight = 1, extra: Partial<CaseOutcome> = {}): CaseOutcome => ({
  index,
  weight,
  status: passed ? 'ok' : 'wrong_answer',
  passed,
  timeMs: 10 + index,
  ...extra,
});

// ---- percentileBand --------------------------------------------------------------------------

describe('percentileBand', () => {
  const ten = [100, 90, 80, 70, 60, 50, 40, 30, 20, 10];

  it('defines the three bands in order with limits 0.1 / 0.2 / 0.3', () => {
    expect(BANDS.map((b) => [b.label, b.limit])).toEqual([
      ['Top 10%', 0.1],
      ['Top 20%', 0.2],
      ['Top 30%', 0.3],
    ]);
  });

  describe('a group of 10 distinct scores', () => {
    it.each([
      [100, 'Top 10%', 0],
      [90, 'Top 20%', 1],
      [80, 'Top 30%', 2],
      [70, null, 3],
      [60, null, 4],
      [10, null, 9],
    ])('score %p → %p with %p scored higher', (score, band, higher) => {
      expect(percentileBand(score, ten, 10)).toEqual({ band, normGroupSize: 10, scoredHigher: higher });
    });

    it('does not depend on the order of the group', () => {
      const shuffled = [40, 100, 10, 70, 90, 20, 60, 80, 30, 50];
      expect(percentileBand(90, shuffled, 10)).toEqual({ band: 'Top 20%', normGroupSize: 10, scoredHigher: 1 });
      expect(percentileBand(80, shuffled, 10)).toEqual({ band: 'Top 30%', normGroupSize: 10, scoredHigher: 2 });
    });

    it('works with decimal scores', () => {
      const group = [99.99, 99.98, 99.97, 99.96, 50, 50.01, 1, 2, 3, 4];
      expect(percentileBand(99.99, group, 10).band).toBe('Top 10%');
      expect(percentileBand(99.98, group, 10).band).toBe('Top 20%');
      expect(percentileBand(99.97, group, 10).band).toBe('Top 30%');
      expect(percentileBand(99.96, group, 10).band).toBeNull();
    });
  });

  describe('ties share the better band', () => {
    it('two equal best scores are both Top 10%', () => {
      const group = [100, 100, 80, 70, 60, 50, 40, 30, 20, 10];
      expect(percentileBand(100, group, 10)).toEqual({ band: 'Top 10%', normGroupSize: 10, scoredHigher: 0 });
      // The next one has two above it: share 0.2 → Top 30%.
      expect(percentileBand(80, group, 10)).toEqual({ band: 'Top 30%', normGroupSize: 10, scoredHigher: 2 });
    });

    it('three tied for second place are all Top 20%', () => {
      const group = [100, 90, 90, 90, 60, 50, 40, 30, 20, 10];
      expect(percentileBand(90, group, 10)).toEqual({ band: 'Top 20%', normGroupSize: 10, scoredHigher: 1 });
      // After the tie, four scored higher: share 0.4 → no band.
      expect(percentileBand(60, group, 10)).toEqual({ band: null, normGroupSize: 10, scoredHigher: 4 });
    });

    it('an entire group tied is Top 10% for everyone', () => {
      const group = Array.from({ length: 12 }, () => 75);
      expect(percentileBand(75, group, 10)).toEqual({ band: 'Top 10%', normGroupSize: 12, scoredHigher: 0 });
    });

    it('ties below the score do not count as higher', () => {
      const group = [100, 90, 90, 90, 90, 90, 90, 90, 90, 90];
      expect(percentileBand(100, group, 10).scoredHigher).toBe(0);
      expect(percentileBand(90, group, 10)).toEqual({ band: 'Top 20%', normGroupSize: 10, scoredHigher: 1 });
    });
  });

  describe('group size', () => {
    it('a group smaller than minGroupSize gives no band but reports its size and scoredHigher', () => {
      const nine = ten.slice(0, 9);
      expect(percentileBand(100, nine, 10)).toEqual({ band: null, normGroupSize: 9, scoredHigher: 0 });
      expect(percentileBand(80, nine, 10)).toEqual({ band: null, normGroupSize: 9, scoredHigher: 2 });
    });

    it('a group of exactly minGroupSize gives a band', () => {
      expect(percentileBand(100, ten, 10).band).toBe('Top 10%');
    });

    it('a group of one is Top 10% when minGroupSize allows it', () => {
      expect(percentileBand(42, [42], 1)).toEqual({ band: 'Top 10%', normGroupSize: 1, scoredHigher: 0 });
    });

    it('an empty group gives no band even when minGroupSize is 0', () => {
      expect(percentileBand(80, [], 0)).toEqual({ band: null, normGroupSize: 0, scoredHigher: 0 });
      expect(percentileBand(80, [], 1)).toEqual({ band: null, normGroupSize: 0, scoredHigher: 0 });
      expect(percentileBand(80, [], 30)).toEqual({ band: null, normGroupSize: 0, scoredHigher: 0 });
    });

    it('a score not in the group is still placed by how many scored strictly higher', () => {
      expect(percentileBand(95, ten, 10)).toEqual({ band: 'Top 20%', normGroupSize: 10, scoredHigher: 1 });
      expect(percentileBand(101, ten, 10)).toEqual({ band: 'Top 10%', normGroupSize: 10, scoredHigher: 0 });
      expect(percentileBand(0, ten, 10)).toEqual({ band: null, normGroupSize: 10, scoredHigher: 10 });
    });
  });

  describe('100 scores: the share must be strictly below the limit', () => {
    const hundred = Array.from({ length: 100 }, (_, i) => i + 1); // 1..100

    it.each([
      [100, 0, 'Top 10%'],
      [91, 9, 'Top 10%'],
      [90, 10, 'Top 20%'], // share exactly 0.1
      [81, 19, 'Top 20%'],
      [80, 20, 'Top 30%'], // share exactly 0.2
      [71, 29, 'Top 30%'],
      [70, 30, null], // share exactly 0.3
      [1, 99, null],
    ])('score %p: %p higher → %p', (score, higher, band) => {
      expect(percentileBand(score, hundred, 30)).toEqual({ band, normGroupSize: 100, scoredHigher: higher });
    });
  });

  it('exact shares are strictly below the limit also in groups where the division is inexact-looking (30 scores)', () => {
    const thirty = Array.from({ length: 30 }, (_, i) => i + 1);
    expect(percentileBand(28, thirty, 30)).toEqual({ band: 'Top 10%', normGroupSize: 30, scoredHigher: 2 });
    expect(percentileBand(27, thirty, 30)).toEqual({ band: 'Top 20%', normGroupSize: 30, scoredHigher: 3 }); // 3/30 = 0.1
    expect(percentileBand(24, thirty, 30)).toEqual({ band: 'Top 30%', normGroupSize: 30, scoredHigher: 6 }); // 6/30 = 0.2
    expect(percentileBand(22, thirty, 30)).toEqual({ band: 'Top 30%', normGroupSize: 30, scoredHigher: 8 });
    expect(percentileBand(21, thirty, 30)).toEqual({ band: null, normGroupSize: 30, scoredHigher: 9 }); // 9/30 = 0.3
  });
});

// ---- gradeMultipleChoice ---------------------------------------------------------------------

describe('gradeMultipleChoice', () => {
  it('scores 100 when every item is right', () => {
    const r = gradeMultipleChoice(
      [mc('q1', ['a']), mc('q2', ['b', 'c'])],
      new Map<string, unknown>([
        ['q1', pick('a')],
        ['q2', pick('b', 'c')],
      ]),
    );
    expect(r.score).toBe(100);
    expect(r.items).toEqual([
      { itemId: 'q1', answered: true, correct: true, weight: 1, section: 'general' },
      { itemId: 'q2', answered: true, correct: true, weight: 1, section: 'general' },
    ]);
    expect(r.sections).toEqual({ general: 100 });
  });

  it('scores 0 when every item is wrong', () => {
    const r = gradeMultipleChoice(
      [mc('q1', ['a']), mc('q2', ['b'])],
      new Map<string, unknown>([
        ['q1', pick('b')],
        ['q2', pick('a')],
      ]),
    );
    expect(r.score).toBe(0);
    expect(r.items.map((i) => i.correct)).toEqual([false, false]);
  });

  describe('weights', () => {
    it('a right item counts its weight out of the total weight', () => {
      const items = [mc('light', ['a'], 1), mc('heavy', ['a'], 3)];
      expect(
        gradeMultipleChoice(
          items,
          new Map([
            ['light', pick('a')],
            ['heavy', pick('b')],
          ]),
        ).score,
      ).toBe(25);
      expect(
        gradeMultipleChoice(
          items,
          new Map([
            ['light', pick('b')],
            ['heavy', pick('a')],
          ]),
        ).score,
      ).toBe(75);
    });

    it('fractional weights', () => {
      const items = [mc('q1', ['a'], 0.5), mc('q2', ['a'], 1.5)];
      expect(gradeMultipleChoice(items, new Map([['q1', pick('a')]])).score).toBe(25);
    });

    it('reports each item weight', () => {
      const r = gradeMultipleChoice([mc('q1', ['a'], 2.5)], new Map());
      expect(r.items[0].weight).toBe(2.5);
    });
  });

  describe('multi-answer items need the exact set', () => {
    const item = mc('multi', ['b', 'd']);
    const grade = (answer: unknown) => gradeMultipleChoice([item], new Map([['multi', answer]]));

    it('the exact set is right, in any order', () => {
      expect(grade(pick('b', 'd')).items[0].correct).toBe(true);
      expect(grade(pick('d', 'b')).items[0].correct).toBe(true);
      expect(grade(pick('d', 'b')).score).toBe(100);
    });

    it('a subset is wrong (no partial credit)', () => {
      expect(grade(pick('b')).items[0].correct).toBe(false);
      expect(grade(pick('b')).score).toBe(0);
    });

    it('a superset is wrong', () => {
      expect(grade(pick('a', 'b', 'd')).items[0].correct).toBe(false);
      expect(grade(pick('a', 'b', 'c', 'd')).items[0].correct).toBe(false);
    });

    it('a set of the right size with a wrong option is wrong', () => {
      expect(grade(pick('b', 'c')).items[0].correct).toBe(false);
      expect(grade(pick('b', 'zz')).items[0].correct).toBe(false);
    });

    it('a repeated option is counted once', () => {
      expect(grade(pick('b', 'b', 'd')).items[0].correct).toBe(true);
      expect(grade(pick('b', 'b')).items[0].correct).toBe(false);
    });

    it('a single-answer item rejects an extra option', () => {
      const r = gradeMultipleChoice([mc('one', ['c'])], new Map([['one', pick('c', 'a')]]));
      expect(r.items[0].correct).toBe(false);
    });
  });

  describe('unanswered items', () => {
    it('count as wrong but their weight stays in the total', () => {
      const items = [mc('q1', ['a'], 1), mc('q2', ['a'], 1), mc('q3', ['a'], 2)];
      const r = gradeMultipleChoice(items, new Map([['q1', pick('a')]]));
      expect(r.score).toBe(25);
      expect(r.items).toEqual([
        { itemId: 'q1', answered: true, correct: true, weight: 1, section: 'general' },
        { itemId: 'q2', answered: false, correct: false, weight: 1, section: 'general' },
        { itemId: 'q3', answered: false, correct: false, weight: 2, section: 'general' },
      ]);
    });

    it('no answers at all scores 0', () => {
      const r = gradeMultipleChoice([mc('q1', ['a']), mc('q2', ['b'])], new Map());
      expect(r.score).toBe(0);
      expect(r.items.every((i) => !i.answered && !i.correct)).toBe(true);
      expect(r.sections).toEqual({ general: 0 });
    });

    it('an answer with an empty selection or no optionIds is answered but wrong', () => {
      const r = gradeMultipleChoice(
        [mc('q1', ['a']), mc('q2', ['a'])],
        new Map<string, unknown>([
          ['q1', pick()],
          ['q2', {}],
        ]),
      );
      expect(r.items.map((i) => [i.answered, i.correct])).toEqual([
        [true, false],
        [true, false],
      ]);
      expect(r.score).toBe(0);
    });

    it('answers to items not in the list are ignored', () => {
      const r = gradeMultipleChoice(
        [mc('q1', ['a'])],
        new Map([
          ['q1', pick('a')],
          ['other', pick('a')],
        ]),
      );
      expect(r.score).toBe(100);
      expect(r.items).toHaveLength(1);
    });
  });

  describe('sections', () => {
    it('items without a section go to "general"', () => {
      const r = gradeMultipleChoice([mc('q1', ['a'])], new Map([['q1', pick('a')]]));
      expect(r.items[0].section).toBe('general');
      expect(Object.keys(r.sections)).toEqual(['general']);
    });

    it('each section gets its own weighted percentage; the score is over all items', () => {
      const items = [
        mc('js1', ['a'], 1, 'javascript'),
        mc('js2', ['a'], 3, 'javascript'),
        mc('sql1', ['a'], 2, 'sql'),
        mc('sql2', ['a'], 2, 'sql'),
        mc('g1', ['a'], 2),
      ];
      const answers = new Map([
        ['js1', pick('a')], // right, 1
        ['js2', pick('b')], // wrong, 3
        ['sql1', pick('a')], // right, 2
        ['sql2', pick('a')], // right, 2
        // g1 unanswered
      ]);
      const r = gradeMultipleChoice(items, answers);
      expect(r.sections).toEqual({ javascript: 25, sql: 100, general: 0 });
      expect(r.score).toBe(50); // (1 + 2 + 2) / 10
      expect(r.items.map((i) => i.section)).toEqual(['javascript', 'javascript', 'sql', 'sql', 'general']);
    });

    it('the score is weighted over items, not a mean of sections', () => {
      const items = [
        mc('a1', ['a'], 1, 'A'),
        mc('b1', ['a'], 1, 'B'),
        mc('b2', ['a'], 1, 'B'),
        mc('b3', ['a'], 1, 'B'),
      ];
      const r = gradeMultipleChoice(items, new Map([['a1', pick('a')]]));
      expect(r.sections).toEqual({ A: 100, B: 0 });
      expect(r.score).toBe(25); // not 50
    });

    it('an explicit "general" section merges with items without a section', () => {
      const r = gradeMultipleChoice([mc('q1', ['a'], 1, 'general'), mc('q2', ['a'], 1)], new Map([['q1', pick('a')]]));
      expect(r.sections).toEqual({ general: 50 });
    });

    it('section percentages are rounded to 2 decimals', () => {
      const items = [mc('q1', ['a'], 1, 'S'), mc('q2', ['a'], 1, 'S'), mc('q3', ['a'], 1, 'S')];
      expect(gradeMultipleChoice(items, new Map([['q1', pick('a')]])).sections).toEqual({ S: 33.33 });
      expect(
        gradeMultipleChoice(
          items,
          new Map([
            ['q1', pick('a')],
            ['q2', pick('a')],
          ]),
        ).sections,
      ).toEqual({ S: 66.67 });
    });
  });

  describe('rounding to 2 decimals', () => {
    const three = [mc('q1', ['a']), mc('q2', ['a']), mc('q3', ['a'])];
    it.each([
      [['q1'], 33.33],
      [['q1', 'q2'], 66.67],
      [['q1', 'q2', 'q3'], 100],
    ])('%p right of 3 → %p', (right, score) => {
      expect(gradeMultipleChoice(three, new Map(right.map((id) => [id, pick('a')]))).score).toBe(score);
    });

    it('1 right of 6 → 16.67; 1 of 7 → 14.29', () => {
      const six = ['1', '2', '3', '4', '5', '6'].map((i) => mc(`q${i}`, ['a']));
      expect(gradeMultipleChoice(six, new Map([['q1', pick('a')]])).score).toBe(16.67);
      const seven = [...six, mc('q7', ['a'])];
      expect(gradeMultipleChoice(seven, new Map([['q1', pick('a')]])).score).toBe(14.29);
    });
  });

  it('an empty item list scores 0 with no items and no sections', () => {
    expect(gradeMultipleChoice([], new Map([['q1', pick('a')]]))).toEqual({ score: 0, items: [], sections: {} });
  });
});

// ---- gradeScenario ---------------------------------------------------------------------------

describe('gradeScenario', () => {
  // Item s1: the best option differs per competency; every competency can reach 3.
  const s1 = scenario('s1', {
    a: sc(3, 2, 1, 0, 3),
    b: sc(1, 3, 3, 2, 0),
    c: sc(0, 0, 0, 3, 1),
  });
  // Item s2: best option scores 2 everywhere.
  const s2 = scenario('s2', {
    a: sc(2, 2, 2, 2, 2),
    b: sc(0, 1, 0, 1, 1),
  });
  // Maxima per competency over both items: 3 + 2 = 5 for every competency.

  it('scores each competency relative to the best option per item and competency', () => {
    const r = gradeScenario(
      [s1, s2],
      new Map([
        ['s1', { optionId: 'a' }],
        ['s2', { optionId: 'b' }],
      ]),
    );
    // sums: rc 3+0, pr 2+1, cc 1+0, la 0+1, sp 3+1 → out of 5
    expect(r.competencies).toEqual({
      resolve_conflicts: 60,
      prioritize: 60,
      communicate_clearly: 20,
      listen_actively: 20,
      solve_problems: 80,
    });
    expect(r.score).toBe(48);
  });

  it('a different choice gives a different profile', () => {
    const r = gradeScenario(
      [s1, s2],
      new Map([
        ['s1', { optionId: 'b' }],
        ['s2', { optionId: 'a' }],
      ]),
    );
    // rc 1+2, pr 3+2, cc 3+2, la 2+2, sp 0+2
    expect(r.competencies).toEqual({
      resolve_conflicts: 60,
      prioritize: 100,
      communicate_clearly: 100,
      listen_actively: 80,
      solve_problems: 40,
    });
    expect(r.score).toBe(76);
  });

  it('the best option on an item where one option is best in everything scores 100 everywhere', () => {
    const r = gradeScenario([s2], new Map([['s2', { optionId: 'a' }]]));
    expect(r.competencies).toEqual({
      resolve_conflicts: 100,
      prioritize: 100,
      communicate_clearly: 100,
      listen_actively: 100,
      solve_problems: 100,
    });
    expect(r.score).toBe(100);
  });

  it('returns every competency, in catalog order', () => {
    const r = gradeScenario([s1], new Map());
    expect(Object.keys(r.competencies)).toEqual([...COMPETENCIES]);
  });

  describe('unanswered items', () => {
    it('score 0 but keep their maxima', () => {
      const r = gradeScenario([s1, s2], new Map([['s1', { optionId: 'c' }]]));
      // rc 0, pr 0, cc 0, la 3, sp 1 → out of 5
      expect(r.competencies).toEqual({
        resolve_conflicts: 0,
        prioritize: 0,
        communicate_clearly: 0,
        listen_actively: 60,
        solve_problems: 20,
      });
      expect(r.score).toBe(16);
      expect(r.items).toEqual([
        { itemId: 's1', answered: true, optionId: 'c' },
        { itemId: 's2', answered: false, optionId: null },
      ]);
    });

    it('an unknown or missing optionId counts as unanswered', () => {
      const r = gradeScenario(
        [s1, s2],
        new Map<string, unknown>([
          ['s1', { optionId: 'zz' }],
          ['s2', {}],
        ]),
      );
      expect(r.items).toEqual([
        { itemId: 's1', answered: false, optionId: null },
        { itemId: 's2', answered: false, optionId: null },
      ]);
      expect(r.score).toBe(0);
    });

    it('no answers at all → every competency 0', () => {
      const r = gradeScenario([s1, s2], new Map());
      expect(Object.values(r.competencies)).toEqual([0, 0, 0, 0, 0]);
      expect(r.score).toBe(0);
    });
  });

  it('the overall score is the mean of the five competencies, rounded to 2 decimals', () => {
    const s = scenario('s', { a: sc(1, 0, 0, 0, 0), b: sc(3, 3, 3, 3, 3) });
    const r = gradeScenario([s], new Map([['s', { optionId: 'a' }]]));
    expect(r.competencies).toEqual({
      resolve_conflicts: 33.33,
      prioritize: 0,
      communicate_clearly: 0,
      listen_actively: 0,
      solve_problems: 0,
    });
    expect(r.score).toBe(6.67); // 33.33 / 5 = 6.666 → 6.67
  });

  it('competency percentages are rounded to 2 decimals', () => {
    const s = scenario('s', { a: sc(2, 1, 3, 0, 2), b: sc(3, 3, 3, 3, 3) });
    const r = gradeScenario([s], new Map([['s', { optionId: 'a' }]]));
    expect(r.competencies).toEqual({
      resolve_conflicts: 66.67,
      prioritize: 33.33,
      communicate_clearly: 100,
      listen_actively: 0,
      solve_problems: 66.67,
    });
    expect(r.score).toBe(53.33); // (66.67 + 33.33 + 100 + 0 + 66.67) / 5 = 53.334
  });

  it('a competency no option can score in is null and left out of the mean', () => {
    // Every option scores 0 on listen_actively: the best answer still reaches 100.
    const s = scenario('s', { a: sc(3, 3, 3, 0, 3), b: sc(1, 1, 1, 0, 1) });
    const r = gradeScenario([s], new Map([['s', { optionId: 'a' }]]));
    expect(r.competencies.listen_actively).toBeNull();
    expect(r.score).toBe(100);
  });

  it('an empty item list scores 0', () => {
    expect(gradeScenario([], new Map())).toEqual({
      score: 0,
      competencies: {
        resolve_conflicts: null,
        prioritize: null,
        communicate_clearly: null,
        listen_actively: null,
        solve_problems: null,
      },
      items: [],
    });
  });
});

// ---- outputsMatch ----------------------------------------------------------------------------

describe('outputsMatch', () => {
  it('identical outputs match', () => {
    expect(outputsMatch('1 2 3\n4\n', '1 2 3\n4\n')).toBe(true);
    expect(outputsMatch('', '')).toBe(true);
  });

  it('different content does not match', () => {
    expect(outputsMatch('42\n', '43\n')).toBe(false);
    expect(outputsMatch('1 2\n', '1  2\n')).toBe(false);
    expect(outputsMatch('abc', 'ABC')).toBe(false);
  });

  describe('trailing spaces and tabs per line are ignored', () => {
    it.each([
      ['1 2 3   \n4\t\n', '1 2 3\n4\n'],
      ['1 2 3\n4\n', '1 2 3 \n4 \t \n'],
      ['x \t ', 'x'],
      ['a  \nb\t\nc', 'a\nb\nc'],
    ])('%j ≡ %j', (a, b) => {
      expect(outputsMatch(a, b)).toBe(true);
      expect(outputsMatch(b, a)).toBe(true);
    });
  });

  describe('line endings', () => {
    it('CRLF equals LF', () => {
      expect(outputsMatch('a\r\nb\r\n', 'a\nb\n')).toBe(true);
      expect(outputsMatch('a\nb\n', 'a\r\nb\r\n')).toBe(true);
    });

    it('a lone CR counts as a line break', () => {
      expect(outputsMatch('a\rb', 'a\nb')).toBe(true);
    });

    it('CRLF with trailing spaces before it', () => {
      expect(outputsMatch('a  \r\nb\t\r\n', 'a\nb')).toBe(true);
    });
  });

  describe('trailing blank lines are ignored', () => {
    it.each([
      ['3', '3\n'],
      ['3\n\n\n', '3'],
      ['3\n\n', '3\n'],
      ['3\n   \n\t\n', '3\n'],
      ['3\r\n\r\n', '3'],
      ['\n\n', ''],
    ])('%j ≡ %j', (a, b) => {
      expect(outputsMatch(a, b)).toBe(true);
      expect(outputsMatch(b, a)).toBe(true);
    });
  });

  describe('leading whitespace is significant', () => {
    it.each([
      [' 3', '3'],
      ['\t3', '3'],
      ['a\n  b', 'a\nb'],
      ['\n3', '3'], // a leading blank line is a line
    ])('%j ≢ %j', (a, b) => {
      expect(outputsMatch(a, b)).toBe(false);
      expect(outputsMatch(b, a)).toBe(false);
    });
  });

  describe('internal blank lines are significant', () => {
    it.each([
      ['a\n\nb', 'a\nb'],
      ['a\n\n\nb', 'a\n\nb'],
      ['a\n \nb\n', 'a\nb\n'],
    ])('%j ≢ %j', (a, b) => {
      expect(outputsMatch(a, b)).toBe(false);
      expect(outputsMatch(b, a)).toBe(false);
    });

    it('a blank line with only spaces equals an empty line in the middle', () => {
      expect(outputsMatch('a\n  \nb', 'a\n\nb')).toBe(true);
    });
  });

  it('a missing line does not match', () => {
    expect(outputsMatch('1\n2\n', '1\n2\n3\n')).toBe(false);
    expect(outputsMatch('', '0')).toBe(false);
  });
});

// ---- gradeCoding -----------------------------------------------------------------------------

describe('gradeCoding', () => {
  it('gives partial credit by case weight', () => {
    const r = gradeCoding([
      {
        item: coding('t1'),
        answered: true,
        language: 'python',
        cases: [outcome(0, true, 1), outcome(1, false, 2), outcome(2, true, 3)],
      },
    ]);
    expect(r.items[0].score).toBe(66.67); // (1 + 3) / 6
    expect(r.score).toBe(66.67);
  });

  it('a heavy failed case costs more than a light one', () => {
    const passLight = gradeCoding([
      { item: coding('t'), answered: true, language: 'python', cases: [outcome(0, true, 1), outcome(1, false, 3)] },
    ]);
    const passHeavy = gradeCoding([
      { item: coding('t'), answered: true, language: 'python', cases: [outcome(0, false, 1), outcome(1, true, 3)] },
    ]);
    expect(passLight.score).toBe(25);
    expect(passHeavy.score).toBe(75);
  });

  it('all cases passed → 100; none → 0', () => {
    const cases = [outcome(0, true), outcome(1, true), outcome(2, true)];
    expect(gradeCoding([{ item: coding('t'), answered: true, language: 'javascript', cases }]).score).toBe(100);
    const failed = cases.map((c) => ({ ...c, passed: false }));
    expect(gradeCoding([{ item: coding('t'), answered: true, language: 'javascript', cases: failed }]).score).toBe(0);
  });

  it('weights items by the item weight', () => {
    const r = gradeCoding([
      {
        item: coding('easy', 1),
        answered: true,
        language: 'python',
        cases: [outcome(0, true), outcome(1, true), outcome(2, true)],
      },
      {
        item: coding('hard', 3),
        answered: true,
        language: 'python',
        cases: [outcome(0, false), outcome(1, false), outcome(2, false)],
      },
    ]);
    expect(r.items.map((i) => i.score)).toEqual([100, 0]);
    expect(r.score).toBe(25);
  });

  it('the test score is the weighted mean of the rounded item scores, rounded to 2 decimals', () => {
    const r = gradeCoding([
      {
        item: coding('a', 1),
        answered: true,
        language: 'python',
        cases: [outcome(0, true), outcome(1, true), outcome(2, false)],
      }, // 66.67
      {
        item: coding('b', 2),
        answered: true,
        language: 'python',
        cases: [outcome(0, true), outcome(1, false), outcome(2, false)],
      }, // 33.33
    ]);
    expect(r.items.map((i) => i.score)).toEqual([66.67, 33.33]);
    expect(r.score).toBe(44.44); // (66.67 + 66.66) / 3 = 44.443
  });

  it('an item with zero cases scores 0 and still counts its weight', () => {
    const r = gradeCoding([
      { item: coding('empty', 1), answered: false, language: null, cases: [] },
      {
        item: coding('full', 1),
        answered: true,
        language: 'python',
        cases: [outcome(0, true), outcome(1, true), outcome(2, true)],
      },
    ]);
    expect(r.items[0]).toEqual({
      itemId: 'empty',
      answered: false,
      language: null,
      score: 0,
      passedCases: 0,
      totalCases: 0,
      cases: [],
    });
    expect(r.score).toBe(50);
  });

  it('cases whose weights sum to 0 score 0', () => {
    const r = gradeCoding([
      { item: coding('t'), answered: true, language: 'python', cases: [outcome(0, true, 0), outcome(1, true, 0)] },
    ]);
    expect(r.items[0].score).toBe(0);
    expect(r.items[0].passedCases).toBe(2);
  });

  it('passedCases / totalCases count cases, not weights', () => {
    const cases = [outcome(0, true, 5), outcome(1, false, 1), outcome(2, false, 1), outcome(3, true, 1)];
    const r = gradeCoding([{ item: coding('t'), answered: true, language: 'python', cases }]);
    expect(r.items[0].passedCases).toBe(2);
    expect(r.items[0].totalCases).toBe(4);
    expect(r.items[0].score).toBe(75);
  });

  it('passes through itemId, answered, language and the case outcomes', () => {
    const cases = [
      outcome(0, false, 1, { status: 'runtime_error', message: 'ZeroDivisionError' }),
      outcome(1, true),
      outcome(2, false, 1, { status: 'timeout' }),
    ];
    const r = gradeCoding([{ item: coding('div'), answered: true, language: 'python', cases }]);
    expect(r.items[0]).toEqual({
      itemId: 'div',
      answered: true,
      language: 'python',
      score: 33.33,
      passedCases: 1,
      totalCases: 3,
      cases,
    });
  });

  it('the score ignores `answered`: it is decided by the cases alone', () => {
    const cases = [outcome(0, false), outcome(1, false), outcome(2, false)];
    const r = gradeCoding([{ item: coding('t'), answered: false, language: null, cases }]);
    expect(r.score).toBe(0);
    expect(r.items[0].answered).toBe(false);
  });

  it('an empty item list scores 0', () => {
    expect(gradeCoding([])).toEqual({ score: 0, items: [] });
  });
});

describe('scoreDistribution', () => {
  it('counts the norm group in ten bars of ten points, 100 in the last, out-of-range scores clamped', () => {
    const bars = scoreDistribution([0, 9.9, 10, 55, 59, 99, 100, 120, -3]);
    expect(bars).toHaveLength(10);
    expect(bars[0]).toEqual({ from: 0, to: 10, count: 3 });
    expect(bars[1]).toEqual({ from: 10, to: 20, count: 1 });
    expect(bars[5]).toEqual({ from: 50, to: 60, count: 2 });
    expect(bars[9]).toEqual({ from: 90, to: 100, count: 3 });
    expect(bars.reduce((n, b) => n + b.count, 0)).toBe(9);
  });
  it('an empty group gives ten empty bars', () => {
    expect(scoreDistribution([]).every((b) => b.count === 0)).toBe(true);
  });
});
