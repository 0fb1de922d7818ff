import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Duration } from 'luxon';
import { CatalogError, assessmentSummary, loadCatalog, publicItem } from './catalog';
import { Assessment, AssessmentItem, assessmentSchema, item as itemSchema } from './catalog.schema';

// ---------------------------------------------------------------------------------------------
// Fixtures
// ---------------------------------------------------------------------------------------------

const mcItem = (id: string, over: Record<string, unknown> = {}) => ({
  type: 'multiple_choice',
  id,
  prompt: `Prompt ${id}`,
  options: [
    { id: 'a', text: 'Alpha' },
    { id: 'b', text: 'Bravo' },
    { id: 'c', text: 'Charlie' },
  ],
  correct: ['b'],
  ...over,
});

const codingItem = (id: string, over: Record<string, unknown> = {}) => ({
  type: 'coding',
  id,
  title: `Title ${id}`,
  statement: `Statement ${id}`,
  examples: [{ input: 'EXAMPLE-IN', output: 'EXAMPLE-OUT', explanation: 'EXAMPLE-WHY' }],
  tests: [
    { input: 'HIDDEN-IN-1', output: 'HIDDEN-OUT-1' },
    { input: 'HIDDEN-IN-2', output: 'HIDDEN-OUT-2', weight: 2 },
    { input: 'HIDDEN-IN-3', output: 'HIDDEN-OUT-3' },
  ],
  languages: ['javascript', 'python'],
  ...over,
});

const scores = (n: number) => ({
  resolve_conflicts: n,
  prioritize: n,
  communicate_clearly: n,
  listen_actively: n,
  solve_problems: n,
});
const scenarioItem = (id: string, over: Record<string, unknown> = {}) => ({
  type: 'scenario',
  id,
  prompt: `Scenario ${id}`,
  options: [
    { id: 'a', text: 'Apologise', scores: scores(3) },
    { id: 'b', text: 'Blame', scores: scores(0) },
  ],
  ...over,
});

const skillTest = (slug: string, over: Record<string, unknown> = {}) => ({
  slug,
  title: `Test ${slug}`,
  description: 'Checks a skill',
  kind: 'skill',
  skill: 'SQL',
  categorySlug: 'development',
  access: 'open',
  duration: 'PT30M',
  passingScore: 70,
  proctored: false,
  draw: 1,
  pool: [mcItem('q1')],
  ...over,
});

const certPart1 = (slug: string, over: Record<string, unknown> = {}) =>
  skillTest(slug, {
    kind: 'cert-part1',
    skill: undefined,
    access: 'invited',
    proctored: true,
    draw: 1,
    pool: [codingItem('c1')],
    ...over,
  });
const certPart2 = (slug: string, over: Record<string, unknown> = {}) =>
  skillTest(slug, {
    kind: 'cert-part2',
    skill: 'python',
    access: 'invited',
    proctored: true,
    draw: 2,
    pool: [mcItem('m1'), codingItem('c1')],
    ...over,
  });
const scenarioTest = (slug: string, over: Record<string, unknown> = {}) =>
  skillTest(slug, {
    kind: 'scenario',
    skill: undefined,
    access: 'invited',
    draw: 1,
    pool: [scenarioItem('s1')],
    ...over,
  });

const track = (slug: string, assessments: string[], over: Record<string, unknown> = {}) => ({
  slug,
  title: `Track ${slug}`,
  categorySlug: 'development',
  assessments,
  ...over,
});

// ---------------------------------------------------------------------------------------------
// Temp folders
// ---------------------------------------------------------------------------------------------

const tempDirs: string[] = [];
function catalogDir(files: Record<string, unknown>): string {
  const dir = mkdtempSync(join(tmpdir(), 'catalog-spec-'));
  tempDirs.push(dir);
  for (const [name, content] of Object.entries(files))
    writeFileSync(join(dir, name), typeof content === 'string' ? content : JSON.stringify(content, null, 2));
  return dir;
}
afterAll(() => {
  for (const d of tempDirs) rmSync(d, { recursive: true, force: true });
});

function catalogError(dir: string): CatalogError {
  try {
    loadCatalog(dir);
  } catch (err) {
    expect(err).toBeInstanceOf(CatalogError);
    expect(err).toBeInstanceOf(Error);
    return err as CatalogError;
  }
  throw new Error('expected loadCatalog to throw');
}

/** The problem lines of a CatalogError message, without the "  - " bullets. */
function problemLines(err: CatalogError): string[] {
  const [head, ...rest] = err.message.split('\n');
  expect(head).toMatch(/^Invalid assessment catalog in .+:$/);
  for (const l of rest) expect(l.startsWith('  - ')).toBe(true);
  return rest.map((l) => l.slice(4));
}

/** Every key anywhere in a JSON-like value. */
function allKeys(v: unknown, out = new Set<string>()): Set<string> {
  if (Array.isArray(v)) v.forEach((x) => allKeys(x, out));
  else if (v && typeof v === 'object')
    for (const [k, x] of Object.entries(v)) {
      out.add(k);
      allKeys(x, out);
    }
  return out;
}

// ---------------------------------------------------------------------------------------------
// The shipped catalog
// ---------------------------------------------------------------------------------------------

describe('the shipped catalog (config/assessments)', () => {
  let assessments: Map<string, Assessment>;
  let tracks: ReturnType<typeof loadCatalog>['tracks'];

  it('loads without error', () => {
    expect(() => loadCatalog('config/assessments')).not.toThrow();
  });

  beforeAll(() => {
    ({ assessments, tracks } = loadCatalog('config/assessments'));
  });

  it('has at least 10 assessments and 5 tracks', () => {
    expect(assessments.size).toBeGreaterThanOrEqual(10);
    expect(tracks.size).toBeGreaterThanOrEqual(5);
  });

  it('keys every assessment and track by its slug', () => {
    for (const [slug, a] of assessments) expect(a.slug).toBe(slug);
    for (const [slug, t] of tracks) expect(t.slug).toBe(slug);
  });

  it('gives every cert-part1 coding item at least 5 hidden tests', () => {
    const part1 = [...assessments.values()].filter((a) => a.kind === 'cert-part1');
    expect(part1.length).toBeGreaterThan(0);
    let coding = 0;
    for (const a of part1)
      for (const it of a.pool) {
        expect(it.type).toBe('coding');
        if (it.type === 'coding') {
          coding++;
          expect({ item: it.id, tests: it.tests.length >= 5 }).toEqual({ item: it.id, tests: true });
        }
      }
    expect(coding).toBeGreaterThan(0);
  });

  it('makes every track reference existing assessments', () => {
    for (const t of tracks.values()) {
      expect(t.assessments.length).toBeGreaterThan(0);
      for (const slug of t.assessments)
        expect({ track: t.slug, slug, exists: assessments.has(slug) }).toEqual({ track: t.slug, slug, exists: true });
    }
  });

  it('has at least one legacy track', () => {
    expect([...tracks.values()].some((t) => t.status === 'legacy')).toBe(true);
  });

  it('has draws that fit their pools and valid durations', () => {
    for (const a of assessments.values()) {
      expect(a.draw).toBeLessThanOrEqual(a.pool.length);
      expect(Duration.fromISO(a.duration).toMillis()).toBeGreaterThan(0);
      expect(Duration.fromISO(a.retakeCooldown).toMillis()).toBeGreaterThan(0);
    }
  });

  it('lets every invited test be reached through some track', () => {
    const used = new Set([...tracks.values()].flatMap((t) => t.assessments));
    for (const a of assessments.values())
      if (a.access === 'invited')
        expect({ slug: a.slug, used: used.has(a.slug) }).toEqual({ slug: a.slug, used: true });
  });

  it('never leaks answer keys, hidden tests or option scores through publicItem', () => {
    for (const a of assessments.values())
      for (const it of a.pool) {
        const keys = allKeys(publicItem(it));
        expect(keys.has('correct')).toBe(false);
        expect(keys.has('tests')).toBe(false);
        expect(keys.has('scores')).toBe(false);
        expect(keys.has('weight')).toBe(false);
      }
  });
});

// ---------------------------------------------------------------------------------------------
// loadCatalog on temp folders
// ---------------------------------------------------------------------------------------------

describe('loadCatalog', () => {
  it('loads a valid catalog spread over several files, applying defaults', () => {
    const dir = catalogDir({
      'a-skills.json': { assessments: [skillTest('sql-basics')] },
      'b-cert.json': {
        assessments: [certPart1('algo-part1'), certPart2('python-part2')],
        tracks: [
          track('backend-python', ['algo-part1', 'python-part2']),
          track('old-track', ['algo-part1'], { status: 'legacy', validityWindow: 'P2Y' }),
        ],
      },
      'c-cs.json': {
        assessments: [scenarioTest('cs-scenarios')],
        tracks: [track('customer-service', ['cs-scenarios'])],
      },
      'd-empty.json': {},
      'notes.txt': 'this is { not json and is ignored',
      'validate.ts': 'export {};',
    });
    const { assessments, tracks } = loadCatalog(dir);
    expect([...assessments.keys()]).toEqual(['sql-basics', 'algo-part1', 'python-part2', 'cs-scenarios']);
    expect([...tracks.keys()]).toEqual(['backend-python', 'old-track', 'customer-service']);

    const sql = assessments.get('sql-basics')!;
    expect(sql.retakeCooldown).toBe('P30D');
    const q1 = sql.pool[0];
    expect(q1.type === 'multiple_choice' && q1.weight).toBe(1);

    const c1 = assessments.get('algo-part1')!.pool[0];
    expect(c1.type).toBe('coding');
    if (c1.type === 'coding') {
      expect(c1.timeLimitMs).toBe(2000);
      expect(c1.weight).toBe(1);
      expect(c1.tests.map((t) => t.weight)).toEqual([1, 2, 1]);
    }

    expect(tracks.get('backend-python')).toMatchObject({ status: 'active', validityWindow: 'P1Y' });
    expect(tracks.get('old-track')).toMatchObject({ status: 'legacy', validityWindow: 'P2Y' });
  });

  it('loads an empty folder as an empty catalog', () => {
    const { assessments, tracks } = loadCatalog(catalogDir({}));
    expect(assessments.size).toBe(0);
    expect(tracks.size).toBe(0);
  });

  it('reports a missing folder', () => {
    const missing = join(catalogDir({}), 'no-such-folder');
    const err = catalogError(missing);
    expect(err.message).toContain(`Assessment catalog folder ${missing} cannot be read`);
    expect(err.message).toContain('ENOENT');
  });

  it('reports a file, not a folder, as unreadable', () => {
    const dir = catalogDir({ 'x.json': {} });
    expect(catalogError(join(dir, 'x.json')).message).toContain('cannot be read');
  });

  it('names the resolved folder in the message', () => {
    const dir = catalogDir({ 'a.json': '{' });
    expect(catalogError(dir).message.split('\n')[0]).toBe(`Invalid assessment catalog in ${resolve(dir)}:`);
  });

  describe('reports each kind of problem', () => {
    it.each<[string, Record<string, unknown>, RegExp]>([
      ['invalid JSON', { 'bad.json': '{ "assessments": [' }, /^bad\.json: not valid JSON \(.+\)$/],
      ['an empty file', { 'empty.json': '' }, /^empty\.json: not valid JSON \(.+\)$/],
      [
        'a wrong top-level shape',
        { 'x.json': { assessments: {} } },
        /^x\.json: assessments: Expected array, received object$/,
      ],
      [
        'a draw larger than the pool',
        { 'x.json': { assessments: [skillTest('t', { draw: 2 })] } },
        /^x\.json: assessments\.0\.draw: draws 2 items from a pool of 1$/,
      ],
      [
        'an unknown correct option',
        { 'x.json': { assessments: [skillTest('t', { pool: [mcItem('q1', { correct: ['b', 'z'] })] })] } },
        /^x\.json: assessments\.0\.pool\.0\.correct: unknown option z$/,
      ],
      [
        'a duplicate item id',
        { 'x.json': { assessments: [skillTest('t', { pool: [mcItem('q1'), mcItem('q2'), mcItem('q1')] })] } },
        /^x\.json: assessments\.0\.pool\.2\.id: duplicate item id q1$/,
      ],
      [
        'a coding item in a skill test',
        { 'x.json': { assessments: [skillTest('t', { pool: [mcItem('q1'), codingItem('c1')] })] } },
        /^x\.json: assessments\.0\.pool\.1\.type: a skill test holds multiple_choice items$/,
      ],
      [
        'a multiple-choice item in a cert-part1 test',
        { 'x.json': { assessments: [certPart1('t', { pool: [mcItem('q1')] })] } },
        /^x\.json: assessments\.0\.pool\.0\.type: a cert-part1 test holds coding items$/,
      ],
      [
        'a scenario item in a cert-part2 test',
        { 'x.json': { assessments: [certPart2('t', { draw: 1, pool: [scenarioItem('s1')] })] } },
        /^x\.json: assessments\.0\.pool\.0\.type: a cert-part2 test holds multiple_choice\/coding items$/,
      ],
      [
        'a multiple-choice item in a scenario test',
        { 'x.json': { assessments: [scenarioTest('t', { pool: [mcItem('q1')] })] } },
        /^x\.json: assessments\.0\.pool\.0\.type: a scenario test holds scenario items$/,
      ],
      [
        'a skill test without a skill',
        { 'x.json': { assessments: [skillTest('t', { skill: undefined })] } },
        /^x\.json: assessments\.0\.skill: names the skill it verifies$/,
      ],
      [
        'a cert-part2 test without a skill',
        { 'x.json': { assessments: [certPart2('t', { skill: undefined })] } },
        /^x\.json: assessments\.0\.skill: names the skill it verifies$/,
      ],
      [
        'a bad slug',
        { 'x.json': { assessments: [skillTest('Not A Slug')] } },
        /^x\.json: assessments\.0\.slug: kebab-case slug$/,
      ],
      [
        'a zero duration',
        { 'x.json': { assessments: [skillTest('t', { duration: 'PT0S' })] } },
        /^x\.json: assessments\.0\.duration: an ISO-8601 duration such as PT30M$/,
      ],
      [
        'a coding item with too few tests',
        { 'x.json': { assessments: [certPart1('t', { pool: [codingItem('c1', { tests: [] })] })] } },
        /^x\.json: assessments\.0\.pool\.0\.tests: /,
      ],
      [
        'an unknown item type',
        { 'x.json': { assessments: [skillTest('t', { pool: [{ type: 'essay', id: 'e1' }] })] } },
        /^x\.json: assessments\.0\.pool\.0\.type: Invalid discriminator value/,
      ],
      [
        'a bad track status',
        { 'x.json': { tracks: [track('t', ['a'], { status: 'retired' })] } },
        /^x\.json: tracks\.0\.status: /,
      ],
      [
        'a duplicate slug across files',
        { 'a.json': { assessments: [skillTest('same')] }, 'b.json': { assessments: [skillTest('same')] } },
        /^b\.json: assessment same is defined twice$/,
      ],
      [
        'a duplicate slug in one file',
        { 'a.json': { assessments: [skillTest('same'), skillTest('same')] } },
        /^a\.json: assessment same is defined twice$/,
      ],
      [
        'a duplicate track slug across files',
        {
          'a.json': { assessments: [skillTest('s')], tracks: [track('t', ['s'])] },
          'b.json': { tracks: [track('t', ['s'])] },
        },
        /^b\.json: track t is defined twice$/,
      ],
      [
        'an unknown assessment in a track',
        { 'a.json': { assessments: [skillTest('s')], tracks: [track('t', ['s', 'ghost'])] } },
        /^track t: unknown assessment ghost$/,
      ],
    ])('%s', (_label, files, line) => {
      const lines = problemLines(catalogError(catalogDir(files)));
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(line);
    });
  });

  it('reports every problem at once, in one CatalogError', () => {
    const dir = catalogDir({
      'a-broken.json': '{ not json',
      'b-schema.json': {
        assessments: [
          skillTest('draw-too-big', { draw: 3 }),
          skillTest('unknown-correct', { pool: [mcItem('q1', { correct: ['zz'] })] }),
          skillTest('duplicate-item', { pool: [mcItem('q1'), mcItem('q1')] }),
          skillTest('wrong-type', { pool: [codingItem('c1')] }),
          skillTest('no-skill', { skill: undefined }),
        ],
      },
      'c-one.json': { assessments: [skillTest('twice')] },
      'd-two.json': { assessments: [skillTest('twice')], tracks: [track('broken-track', ['twice', 'no-such-test'])] },
      'e-missing-part.json': { tracks: [track('other-track', ['also-missing'])] },
    });
    const err = catalogError(dir);
    expect(err.message.split('\n')[0]).toBe(`Invalid assessment catalog in ${resolve(dir)}:`);
    const lines = problemLines(err);
    expect(lines[0]).toMatch(/^a-broken\.json: not valid JSON \(.+\)$/);
    expect(lines.slice(1)).toEqual([
      'b-schema.json: assessments.0.draw: draws 3 items from a pool of 1',
      'b-schema.json: assessments.1.pool.0.correct: unknown option zz',
      'b-schema.json: assessments.2.pool.1.id: duplicate item id q1',
      'b-schema.json: assessments.3.pool.0.type: a skill test holds multiple_choice items',
      'b-schema.json: assessments.4.skill: names the skill it verifies',
      'd-two.json: assessment twice is defined twice',
      'track broken-track: unknown assessment no-such-test',
      'track other-track: unknown assessment also-missing',
    ]);
  });

  it('treats the assessments of a file that fails validation as missing for tracks', () => {
    const dir = catalogDir({
      'a.json': { assessments: [skillTest('good'), skillTest('bad', { draw: 5 })] },
      'b.json': { tracks: [track('t', ['good'])] },
    });
    expect(problemLines(catalogError(dir))).toEqual([
      'a.json: assessments.1.draw: draws 5 items from a pool of 1',
      'track t: unknown assessment good',
    ]);
  });
});

// ---------------------------------------------------------------------------------------------
// publicItem and assessmentSummary
// ---------------------------------------------------------------------------------------------

describe('publicItem', () => {
  const parse = (raw: unknown): AssessmentItem => itemSchema.parse(raw);
  const forbiddenKeys = ['"correct":', '"tests":', '"scores":'];

  it('hides the answer key of a multiple-choice item but keeps prompt and options', () => {
    const it = parse(mcItem('q1', { correct: ['a', 'c'], weight: 4, section: 'joins' }));
    const pub = publicItem(it);
    const json = JSON.stringify(pub);
    for (const k of forbiddenKeys) expect(json).not.toContain(k);
    expect(json).not.toContain('"weight":');
    expect(pub).toEqual({
      type: 'multiple_choice',
      id: 'q1',
      prompt: 'Prompt q1',
      options: [
        { id: 'a', text: 'Alpha' },
        { id: 'b', text: 'Bravo' },
        { id: 'c', text: 'Charlie' },
      ],
      multiple: true,
    });
    expect(publicItem(parse(mcItem('q2')))).toMatchObject({ multiple: false });
  });

  it('hides the hidden tests of a coding item but keeps statement, examples and languages', () => {
    const it = parse(codingItem('c1', { starterCode: { python: 'print()' }, timeLimitMs: 3000 }));
    const pub = publicItem(it);
    const json = JSON.stringify(pub);
    for (const k of forbiddenKeys) expect(json).not.toContain(k);
    expect(json).not.toContain('HIDDEN');
    expect(pub).toEqual({
      type: 'coding',
      id: 'c1',
      title: 'Title c1',
      statement: 'Statement c1',
      examples: [{ input: 'EXAMPLE-IN', output: 'EXAMPLE-OUT', explanation: 'EXAMPLE-WHY' }],
      languages: ['javascript', 'python'],
      starterCode: { python: 'print()' },
      timeLimitMs: 3000,
    });
  });

  it('gives a coding item without starter code an empty one', () => {
    expect(publicItem(parse(codingItem('c1')))).toMatchObject({ starterCode: {}, timeLimitMs: 2000 });
  });

  it('hides the option scores of a scenario item but keeps prompt and options', () => {
    const pub = publicItem(parse(scenarioItem('s1')));
    const json = JSON.stringify(pub);
    for (const k of forbiddenKeys) expect(json).not.toContain(k);
    expect(json).not.toContain('resolve_conflicts');
    expect(pub).toEqual({
      type: 'scenario',
      id: 's1',
      prompt: 'Scenario s1',
      options: [
        { id: 'a', text: 'Apologise' },
        { id: 'b', text: 'Blame' },
      ],
    });
  });

  it('does not mutate the item', () => {
    const it = parse(scenarioItem('s1'));
    const before = JSON.stringify(it);
    publicItem(it);
    expect(JSON.stringify(it)).toBe(before);
  });
});

describe('assessmentSummary', () => {
  it('summarises an assessment without its pool', () => {
    const a: Assessment = assessmentSchema.parse(
      skillTest('sql-basics', { draw: 2, pool: [mcItem('q1'), mcItem('q2'), mcItem('q3')], passingScore: 65 }),
    );
    const s = assessmentSummary(a);
    expect(s).toEqual({
      slug: 'sql-basics',
      title: 'Test sql-basics',
      description: 'Checks a skill',
      kind: 'skill',
      skill: 'SQL',
      categorySlug: 'development',
      access: 'open',
      duration: 'PT30M',
      passingScore: 65,
      proctored: false,
      cameraRequired: false,
      itemCount: 2,
    });
    const json = JSON.stringify(s);
    expect(json).not.toContain('"pool":');
    expect(json).not.toContain('"correct":');
    expect(json).not.toContain('retakeCooldown');
  });

  it('gives null for a missing skill and counts the draw, not the pool', () => {
    const a: Assessment = assessmentSchema.parse(
      certPart1('algo', { pool: [codingItem('c1'), codingItem('c2'), codingItem('c3')], draw: 2 }),
    );
    expect(assessmentSummary(a)).toMatchObject({
      kind: 'cert-part1',
      skill: null,
      access: 'invited',
      proctored: true,
      itemCount: 2,
    });
  });

  it('a proctored test requires the camera unless the catalog marks it camera-optional; an unproctored one never does', () => {
    const pool = { pool: [codingItem('c1'), codingItem('c2')], draw: 1 };
    expect(assessmentSummary(assessmentSchema.parse(certPart1('a', pool))).cameraRequired).toBe(true);
    expect(
      assessmentSummary(assessmentSchema.parse(certPart1('b', { ...pool, cameraOptional: true }))).cameraRequired,
    ).toBe(false);
    expect(assessmentSummary(assessmentSchema.parse(skillTest('c'))).cameraRequired).toBe(false);
    expect(assessmentSchema.safeParse(certPart1('d', { ...pool, cameraOptional: 'yes' })).success).toBe(false);
  });
});

describe('loadCatalog folder contents', () => {
  it('ignores sub-folders', () => {
    const dir = catalogDir({ 'a.json': { assessments: [skillTest('s')] } });
    mkdirSync(join(dir, 'nested'));
    writeFileSync(join(dir, 'nested', 'b.json'), '{ not json');
    expect([...loadCatalog(dir).assessments.keys()]).toEqual(['s']);
  });
});
