import { REQUIRED_SOFT_SKILLS, ScorecardInput, scorecardProblems } from './scorecard.rules';

function input(over: Partial<ScorecardInput> = {}): ScorecardInput {
  return {
    hardSkills: [
      { skill: 'TypeScript', score: 4 },
      { skill: 'PostgreSQL', score: 3 },
    ],
    softSkills: { reliability: 5, communication: 4 },
    decision: 'pass',
    ...over,
  };
}

const fields = (i: ScorecardInput) => scorecardProblems(i).map((p) => p.field);

describe('REQUIRED_SOFT_SKILLS', () => {
  it('is reliability and communication', () => {
    expect([...REQUIRED_SOFT_SKILLS]).toEqual(['reliability', 'communication']);
  });
});

describe('scorecardProblems', () => {
  describe('valid scorecards', () => {
    it('a complete scorecard has no problems', () => {
      expect(scorecardProblems(input())).toEqual([]);
    });

    it('a failing decision is just as valid', () => {
      expect(scorecardProblems(input({ decision: 'fail' }))).toEqual([]);
    });

    it.each([1, 2, 3, 4, 5])('soft-skill score %i is accepted', (score) => {
      expect(scorecardProblems(input({ softSkills: { reliability: score, communication: score } }))).toEqual([]);
    });

    it('extra soft skills are allowed', () => {
      const softSkills = {
        reliability: 3,
        communication: 3,
        teamwork: 5,
        'problem-solving': 2,
        time_management: 1,
        english2: 4,
      };
      expect(scorecardProblems(input({ softSkills }))).toEqual([]);
    });

    it('accepts a 50-character soft-skill name', () => {
      const name = 'a'.repeat(50);
      expect(scorecardProblems(input({ softSkills: { reliability: 3, communication: 3, [name]: 3 } }))).toEqual([]);
    });

    it('a single hard skill is fine', () => {
      expect(scorecardProblems(input({ hardSkills: [{ skill: 'Go', score: 5 }] }))).toEqual([]);
    });

    it('distinct hard skills that only share a prefix are not duplicates', () => {
      expect(
        scorecardProblems(
          input({
            hardSkills: [
              { skill: 'Java', score: 3 },
              { skill: 'JavaScript', score: 3 },
            ],
          }),
        ),
      ).toEqual([]);
    });
  });

  describe('required soft skills', () => {
    it('missing reliability', () => {
      expect(scorecardProblems(input({ softSkills: { communication: 4 } }))).toEqual([
        { field: 'softSkills.reliability', problem: 'reliability must be scored' },
      ]);
    });

    it('missing communication', () => {
      expect(scorecardProblems(input({ softSkills: { reliability: 4 } }))).toEqual([
        { field: 'softSkills.communication', problem: 'communication must be scored' },
      ]);
    });

    it('both missing (empty object), reliability reported first', () => {
      expect(scorecardProblems(input({ softSkills: {} }))).toEqual([
        { field: 'softSkills.reliability', problem: 'reliability must be scored' },
        { field: 'softSkills.communication', problem: 'communication must be scored' },
      ]);
    });

    it('both missing even when other soft skills are given', () => {
      expect(fields(input({ softSkills: { teamwork: 5 } }))).toEqual([
        'softSkills.reliability',
        'softSkills.communication',
      ]);
    });

    it('names are lower-case: "Reliability" is refused and does not count as reliability', () => {
      expect(fields(input({ softSkills: { Reliability: 4, communication: 4 } }))).toEqual([
        'softSkills.reliability',
        'softSkills.Reliability',
      ]);
    });

    it('present but undefined counts as present, and is then not a valid score', () => {
      expect(scorecardProblems(input({ softSkills: { reliability: undefined, communication: 4 } }))).toEqual([
        { field: 'softSkills.reliability', problem: 'must be an integer from 1 to 5' },
      ]);
    });
  });

  describe('soft-skill scores', () => {
    it.each([
      ['0', 0],
      ['6', 6],
      ['-1', -1],
      ['2.5', 2.5],
      ['4.0001', 4.0001],
      ['NaN', NaN],
      ['Infinity', Infinity],
      ['"4" (string)', '4'],
      ['null', null],
      ['true', true],
      ['[4]', [4]],
      ['{}', {}],
    ])('%s is rejected', (_label, value) => {
      expect(scorecardProblems(input({ softSkills: { reliability: value, communication: 4 } }))).toEqual([
        { field: 'softSkills.reliability', problem: 'must be an integer from 1 to 5' },
      ]);
    });

    it('a whole-valued float such as 3.0 is an integer in JS and accepted', () => {
      expect(scorecardProblems(input({ softSkills: { reliability: 3.0, communication: 4 } }))).toEqual([]);
    });

    it('an extra soft skill with a bad score is reported under its own name', () => {
      expect(scorecardProblems(input({ softSkills: { reliability: 3, communication: 3, teamwork: 6 } }))).toEqual([
        { field: 'softSkills.teamwork', problem: 'must be an integer from 1 to 5' },
      ]);
    });

    it('reports every bad score', () => {
      expect(fields(input({ softSkills: { reliability: 0, communication: 6, teamwork: 1.5 } }))).toEqual([
        'softSkills.reliability',
        'softSkills.communication',
        'softSkills.teamwork',
      ]);
    });
  });

  describe('soft-skill names', () => {
    it.each([
      ['empty', ''],
      ['leading digit', '1st'],
      ['leading underscore', '_private'],
      ['leading hyphen', '-x'],
      ['space', 'team work'],
      ['dot', 'a.b'],
      ['51 characters', 'a'.repeat(51)],
      ['non-ASCII letter', 'zuverlässigkeit'],
      ['markup', '<b>'],
      ['__proto__-like', '__proto__'],
    ])('%s is rejected as a name', (_label, name) => {
      const softSkills: Record<string, unknown> = { reliability: 3, communication: 3 };
      Object.defineProperty(softSkills, name, { value: 3, enumerable: true, configurable: true, writable: true });
      expect(scorecardProblems(input({ softSkills }))).toEqual([
        { field: `softSkills.${name}`, problem: 'soft skill names are short lower-case words' },
      ]);
    });

    it('a bad name is reported once, as a name problem, even with a bad score', () => {
      expect(scorecardProblems(input({ softSkills: { reliability: 3, communication: 3, 'bad name': 9 } }))).toEqual([
        { field: 'softSkills.bad name', problem: 'soft skill names are short lower-case words' },
      ]);
    });

    it('names may use digits, "_" and "-" after a leading lower-case letter', () => {
      expect(scorecardProblems(input({ softSkills: { reliability: 3, communication: 3, 'self-study_2': 3 } }))).toEqual(
        [],
      );
    });

    it('refuses upper-case names', () => {
      expect(fields(input({ softSkills: { reliability: 3, communication: 3, 'Self-Study': 3 } }))).toEqual([
        'softSkills.Self-Study',
      ]);
    });
  });

  describe('hard-skill scores and names', () => {
    it.each([0, 6, 2.5, Number.NaN])('score %p is refused', (score) => {
      expect(scorecardProblems(input({ hardSkills: [{ skill: 'Go', score }] }))).toEqual([
        { field: 'hardSkills[0].score', problem: 'must be an integer from 1 to 5' },
      ]);
    });

    it('a blank skill name is refused', () => {
      expect(scorecardProblems(input({ hardSkills: [{ skill: '   ', score: 3 }] }))).toEqual([
        { field: 'hardSkills[0].skill', problem: 'must name the skill' },
      ]);
    });
  });

  describe('hard skills', () => {
    it('the same skill twice is reported at the second occurrence', () => {
      const hardSkills = [
        { skill: 'TypeScript', score: 4 },
        { skill: 'TypeScript', score: 2 },
      ];
      expect(scorecardProblems(input({ hardSkills }))).toEqual([
        { field: 'hardSkills[1].skill', problem: '"TypeScript" is scored twice' },
      ]);
    });

    it('duplicates are found case-insensitively and ignoring surrounding spaces', () => {
      const hardSkills = [
        { skill: 'TypeScript', score: 4 },
        { skill: 'React', score: 3 },
        { skill: '  typescript ', score: 2 },
        { skill: 'TYPESCRIPT', score: 5 },
      ];
      expect(scorecardProblems(input({ hardSkills }))).toEqual([
        { field: 'hardSkills[2].skill', problem: '"  typescript " is scored twice' },
        { field: 'hardSkills[3].skill', problem: '"TYPESCRIPT" is scored twice' },
      ]);
    });

    it('reports duplicates of several skills', () => {
      const hardSkills = [
        { skill: 'Go', score: 1 },
        { skill: 'Rust', score: 2 },
        { skill: 'go', score: 3 },
        { skill: 'rust', score: 4 },
      ];
      expect(fields(input({ hardSkills }))).toEqual(['hardSkills[2].skill', 'hardSkills[3].skill']);
    });

    it('no hard skills yields no problem here (the DTO requires at least one)', () => {
      expect(scorecardProblems(input({ hardSkills: [] }))).toEqual([]);
    });
  });

  it('collects problems from every section: hard skills first, then missing, then soft-skill entries', () => {
    const problems = scorecardProblems({
      hardSkills: [
        { skill: 'SQL', score: 3 },
        { skill: 'sql', score: 3 },
      ],
      softSkills: { communication: 0, 'x y': 3 },
      decision: 'fail',
    });
    expect(problems).toEqual([
      { field: 'hardSkills[1].skill', problem: '"sql" is scored twice' },
      { field: 'softSkills.reliability', problem: 'reliability must be scored' },
      { field: 'softSkills.communication', problem: 'must be an integer from 1 to 5' },
      { field: 'softSkills.x y', problem: 'soft skill names are short lower-case words' },
    ]);
  });

  it('does not mutate its input', () => {
    const i = input({ softSkills: { reliability: 0, communication: 4 } });
    const copy = JSON.parse(JSON.stringify(i));
    scorecardProblems(i);
    expect(i).toEqual(copy);
  });
});
