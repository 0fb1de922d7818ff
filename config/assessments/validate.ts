/**
 * Validates the assessment catalog in this folder.
 *
 *   npx ts-node --transpile-only config/assessments/validate.ts
 *
 * Parses every *.json file here with `catalogFileSchema`, then checks across files that assessment and
 * track slugs are unique and that every track names existing assessments. Prints a summary when the
 * catalog is valid, or every problem found (exit code 1).
 */
import { readdirSync, readFileSync } from 'fs';
import { join } from 'path';
import { catalogFileSchema, type Assessment, type Track } from '@vetting/assessments';

const dir = __dirname;
const problems: string[] = [];
const assessments = new Map<string, { file: string; assessment: Assessment }>();
const tracks = new Map<string, { file: string; track: Track }>();

const files = readdirSync(dir)
  .filter((f) => f.endsWith('.json'))
  .sort();
if (files.length === 0) problems.push(`no *.json catalog files in ${dir}`);

for (const file of files) {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(join(dir, file), 'utf8'));
  } catch (e) {
    problems.push(`${file}: invalid JSON: ${(e as Error).message}`);
    continue;
  }
  const parsed = catalogFileSchema.safeParse(raw);
  if (!parsed.success) {
    for (const issue of parsed.error.issues)
      problems.push(`${file}: ${issue.path.join('.') || '(root)'}: ${issue.message}`);
    problems.push(`${file}: skipped for the cross-file checks (slug uniqueness, track references) until it parses`);
    continue;
  }
  for (const assessment of parsed.data.assessments) {
    const seen = assessments.get(assessment.slug);
    if (seen) problems.push(`${file}: assessment slug "${assessment.slug}" already defined in ${seen.file}`);
    else assessments.set(assessment.slug, { file, assessment });
  }
  for (const track of parsed.data.tracks) {
    const seen = tracks.get(track.slug);
    if (seen) problems.push(`${file}: track slug "${track.slug}" already defined in ${seen.file}`);
    else tracks.set(track.slug, { file, track });
  }
}

for (const { file, track } of tracks.values()) {
  const listed = new Set<string>();
  for (const slug of track.assessments) {
    if (listed.has(slug)) problems.push(`${file}: track "${track.slug}" lists assessment "${slug}" twice`);
    listed.add(slug);
    if (!assessments.has(slug)) problems.push(`${file}: track "${track.slug}" names unknown assessment "${slug}"`);
  }
}

if (problems.length > 0) {
  console.error(`Catalog has ${problems.length} problem(s):`);
  for (const p of problems) console.error(`  - ${p}`);
  process.exit(1);
}

const countBy = <T>(xs: T[], key: (x: T) => string) =>
  Object.entries(xs.reduce<Record<string, number>>((acc, x) => ((acc[key(x)] = (acc[key(x)] ?? 0) + 1), acc), {}))
    .map(([k, n]) => `${n} ${k}`)
    .join(', ');

console.log(`Catalog OK: ${files.length} files, ${assessments.size} tests, ${tracks.size} tracks`);
console.log('');
console.log('Tests:');
for (const { file, assessment: a } of assessments.values()) {
  console.log(
    `  ${a.slug.padEnd(30)} ${a.kind.padEnd(10)} ${a.access.padEnd(7)} draw ${String(a.draw).padStart(2)} of ${String(a.pool.length).padStart(2)} items (${countBy(a.pool, (i) => i.type)})` +
      `  ${a.duration}, pass ${a.passingScore}%${a.proctored ? ', proctored' : ''}  [${file}]`,
  );
}
console.log('');
console.log('Tracks:');
for (const { file, track: t } of tracks.values()) {
  console.log(
    `  ${t.slug.padEnd(30)} ${t.status.padEnd(7)} ${t.validityWindow.padEnd(4)} ${t.assessments.join(' + ')}  [${file}]`,
  );
}
