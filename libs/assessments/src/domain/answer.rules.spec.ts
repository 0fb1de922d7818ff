import { MAX_CODE_BYTES, answerProblems } from './answer.rules';
import { AssessmentItem } from '../catalog/catalog.schema';

const mc: AssessmentItem = {
  type: 'multiple_choice',
  id: 'mc-1',
  prompt: 'Which are even?',
  options: [
    { id: 'a', text: '1' },
    { id: 'b', text: '2' },
    { id: 'c', text: '3' },
    { id: 'd', text: '4' },
  ],
  correct: ['b', 'd'],
  weight: 1,
};

const scores = { resolve_conflicts: 1, prioritize: 1, communicate_clearly: 1, listen_actively: 1, solve_problems: 1 };
const scenario: AssessmentItem = {
  type: 'scenario',
  id: 'sc-1',
  prompt: 'An angry customer…',
  options: [
    { id: 'a', text: 'Apologise', scores },
    { id: 'b', text: 'Ignore', scores: { ...scores, listen_actively: 0 } },
  ],
};

const coding: AssessmentItem = {
  type: 'coding',
  id: 'sum',
  title: 'Sum',
  statement: 'Add numbers',
  examples: [{ input: '1 2\n', output: '3\n' }],
  tests: [
    { input: '1 1\n', output: '2\n', weight: 1 },
    { input: '2 2\n', output: '4\n', weight: 1 },
    { input: '3 3\n', output: '6\n', weight: 1 },
  ],
  languages: ['python'],
  timeLimitMs: 2000,
  weight: 1,
};

const bothLanguages: AssessmentItem = { ...coding, languages: ['javascript', 'python'] };

describe('answerProblems: non-object answers', () => {
  it.each([
    ['null', null],
    ['undefined', undefined],
    ['an array', [{ optionIds: ['a'] }]],
    ['an empty array', []],
    ['a string', 'a'],
    ['a number', 1],
    ['a boolean', true],
  ])('rejects %s for every item type', (_label, answer) => {
    for (const item of [mc, scenario, coding])
      expect(answerProblems(item, answer)).toEqual(['answer must be an object']);
  });
});

describe('answerProblems: multiple choice', () => {
  it('accepts known options', () => {
    expect(answerProblems(mc, { optionIds: ['b'] })).toEqual([]);
    expect(answerProblems(mc, { optionIds: ['b', 'd'] })).toEqual([]);
    expect(answerProblems(mc, { optionIds: ['a', 'b', 'c', 'd'] })).toEqual([]);
  });

  it('accepts an empty choice (a skipped question)', () => {
    expect(answerProblems(mc, { optionIds: [] })).toEqual([]);
  });

  it('names the unknown options', () => {
    expect(answerProblems(mc, { optionIds: ['z'] })).toEqual(['unknown options: z']);
    expect(answerProblems(mc, { optionIds: ['a', 'x', 'y'] })).toEqual(['unknown options: x, y']);
  });

  it('is case-sensitive about option ids', () => {
    expect(answerProblems(mc, { optionIds: ['B'] })).toEqual(['unknown options: B']);
  });

  it('rejects an option chosen twice', () => {
    expect(answerProblems(mc, { optionIds: ['b', 'b'] })).toEqual(['an option is chosen twice']);
    expect(answerProblems(mc, { optionIds: ['a', 'b', 'a'] })).toEqual(['an option is chosen twice']);
  });

  it.each([
    ['missing', {}],
    ['a string', { optionIds: 'b' }],
    ['null', { optionIds: null }],
    ['an object', { optionIds: { 0: 'b' } }],
    ['a number', { optionIds: 1 }],
  ])('rejects optionIds that is %s', (_label, answer) => {
    expect(answerProblems(mc, answer)).toEqual(['optionIds must be an array of option ids']);
  });

  it.each([
    ['a number', [1]],
    ['null', ['b', null]],
    ['an object', [{ id: 'b' }]],
    ['an array', [['b']]],
  ])('rejects optionIds holding %s', (_label, optionIds) => {
    expect(answerProblems(mc, { optionIds })).toEqual(['optionIds must be an array of option ids']);
  });

  it('does not accept the scenario shape', () => {
    expect(answerProblems(mc, { optionId: 'b' })).toEqual(['optionIds must be an array of option ids']);
  });
});

describe('answerProblems: scenario', () => {
  it('accepts one of the options', () => {
    expect(answerProblems(scenario, { optionId: 'a' })).toEqual([]);
    expect(answerProblems(scenario, { optionId: 'b' })).toEqual([]);
  });

  it.each([
    ['unknown', { optionId: 'z' }],
    ['missing', {}],
    ['a number', { optionId: 1 }],
    ['an array', { optionId: ['a'] }],
    ['null', { optionId: null }],
    ['the multiple-choice shape', { optionIds: ['a'] }],
  ])('rejects an optionId that is %s', (_label, answer) => {
    expect(answerProblems(scenario, answer)).toEqual(['optionId must be one of the options']);
  });
});

describe('answerProblems: coding', () => {
  it('accepts an allowed language with code', () => {
    expect(answerProblems(coding, { language: 'python', code: 'print(sum(map(int, input().split())))' })).toEqual([]);
    expect(answerProblems(bothLanguages, { language: 'javascript', code: 'console.log(3)' })).toEqual([]);
  });

  it('accepts empty code', () => {
    expect(answerProblems(coding, { language: 'python', code: '' })).toEqual([]);
  });

  it.each([
    ['a language the item does not offer', 'javascript'],
    ['an unknown language', 'ruby'],
    ['a wrongly cased language', 'Python'],
    ['a non-string language', 1],
    ['a missing language', undefined],
  ])('rejects %s', (_label, language) => {
    expect(answerProblems(coding, { language, code: 'print(1)' })).toEqual(['language must be one of python']);
  });

  it('lists every allowed language in the problem', () => {
    expect(answerProblems(bothLanguages, { language: 'go', code: '' })).toEqual([
      'language must be one of javascript, python',
    ]);
  });

  it.each([
    ['missing', undefined],
    ['null', null],
    ['a number', 42],
    ['an array', ['print(1)']],
  ])('rejects code that is %s', (_label, code) => {
    expect(answerProblems(coding, { language: 'python', code })).toEqual(['code must be a string']);
  });

  it('accepts code of exactly 64 KiB', () => {
    expect(MAX_CODE_BYTES).toBe(65_536);
    expect(answerProblems(coding, { language: 'python', code: 'x'.repeat(MAX_CODE_BYTES) })).toEqual([]);
  });

  it('rejects code over 64 KiB', () => {
    expect(answerProblems(coding, { language: 'python', code: 'x'.repeat(MAX_CODE_BYTES + 1) })).toEqual([
      'code must be at most 65536 bytes',
    ]);
  });

  it('measures code in UTF-8 bytes, not characters', () => {
    // 'é' is 2 bytes: 32 768 of them are exactly 64 KiB, one more is over.
    expect(answerProblems(coding, { language: 'python', code: 'é'.repeat(32_768) })).toEqual([]);
    const over = 'é'.repeat(32_769);
    expect(over.length).toBeLessThan(MAX_CODE_BYTES);
    expect(answerProblems(coding, { language: 'python', code: over })).toEqual(['code must be at most 65536 bytes']);
  });

  it('reports the language and code problems together', () => {
    expect(answerProblems(coding, { language: 'ruby', code: 7 })).toEqual([
      'language must be one of python',
      'code must be a string',
    ]);
    expect(answerProblems(coding, { language: 'ruby', code: 'x'.repeat(MAX_CODE_BYTES + 1) })).toEqual([
      'language must be one of python',
      'code must be at most 65536 bytes',
    ]);
    expect(answerProblems(coding, {})).toEqual(['language must be one of python', 'code must be a string']);
  });
});
