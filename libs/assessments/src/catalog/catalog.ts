import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Assessment, AssessmentItem, CatalogFile, Track, catalogFileSchema } from './catalog.schema';

export class CatalogError extends Error {}

/** Loads and validates every JSON file of the catalog folder; throws one error naming every problem. */
export function loadCatalog(dir: string): { assessments: Map<string, Assessment>; tracks: Map<string, Track> } {
  const folder = resolve(dir);
  let files: string[];
  try {
    files = readdirSync(folder)
      .filter((f) => f.endsWith('.json'))
      .sort();
  } catch (err) {
    throw new CatalogError(`Assessment catalog folder ${folder} cannot be read: ${(err as Error).message}`);
  }
  const problems: string[] = [];
  const assessments = new Map<string, Assessment>();
  const tracks = new Map<string, Track>();
  for (const file of files) {
    let raw: unknown;
    try {
      raw = JSON.parse(readFileSync(join(folder, file), 'utf8'));
    } catch (err) {
      problems.push(`${file}: not valid JSON (${(err as Error).message})`);
      continue;
    }
    const parsed = catalogFileSchema.safeParse(raw);
    if (!parsed.success) {
      for (const i of parsed.error.issues) problems.push(`${file}: ${i.path.join('.')}: ${i.message}`);
      continue;
    }
    const data: CatalogFile = parsed.data;
    for (const a of data.assessments) {
      if (assessments.has(a.slug)) problems.push(`${file}: assessment ${a.slug} is defined twice`);
      assessments.set(a.slug, a);
    }
    for (const t of data.tracks) {
      if (tracks.has(t.slug)) problems.push(`${file}: track ${t.slug} is defined twice`);
      tracks.set(t.slug, t);
    }
  }
  for (const t of tracks.values()) {
    for (const slug of t.assessments)
      if (!assessments.has(slug)) problems.push(`track ${t.slug}: unknown assessment ${slug}`);
  }
  if (problems.length)
    throw new CatalogError(`Invalid assessment catalog in ${folder}:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  return { assessments, tracks };
}

/** What a candidate may see of an item: never answer keys, hidden tests or option weights. */
export function publicItem(item: AssessmentItem) {
  switch (item.type) {
    case 'multiple_choice':
      return {
        type: item.type,
        id: item.id,
        prompt: item.prompt,
        options: item.options.map((o) => ({ id: o.id, text: o.text })),
        multiple: item.correct.length > 1,
      };
    case 'coding':
      return {
        type: item.type,
        id: item.id,
        title: item.title,
        statement: item.statement,
        examples: item.examples,
        languages: item.languages,
        starterCode: item.starterCode ?? {},
        timeLimitMs: item.timeLimitMs,
      };
    case 'scenario':
      return {
        type: item.type,
        id: item.id,
        prompt: item.prompt,
        options: item.options.map((o) => ({ id: o.id, text: o.text })),
      };
  }
}

export function assessmentSummary(a: Assessment) {
  return {
    slug: a.slug,
    title: a.title,
    description: a.description,
    kind: a.kind,
    skill: a.skill ?? null,
    categorySlug: a.categorySlug,
    access: a.access,
    duration: a.duration,
    passingScore: a.passingScore,
    proctored: a.proctored,
    /** The page asks for the camera before the clock starts: required for a proctored test unless optional. */
    cameraRequired: a.proctored && !a.cameraOptional,
    itemCount: a.draw,
  };
}
