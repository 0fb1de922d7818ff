export const REQUIRED_SOFT_SKILLS = ['reliability', 'communication'] as const;

export interface ScorecardInput {
  hardSkills: { skill: string; score: number }[];
  softSkills: Record<string, unknown>;
  decision: 'pass' | 'fail';
}

/**
 * Field problems of a scorecard: every score an integer 1–5, hard skills named and unique (ignoring case),
 * soft skills lower-case words with reliability and communication present.
 */
export function scorecardProblems(input: ScorecardInput): { field: string; problem: string }[] {
  const problems: { field: string; problem: string }[] = [];
  const isScore = (v: unknown) => typeof v === 'number' && Number.isInteger(v) && v >= 1 && v <= 5;
  const seen = new Set<string>();
  input.hardSkills.forEach((h, i) => {
    const key = h.skill.trim().toLowerCase();
    if (key === '') problems.push({ field: `hardSkills[${i}].skill`, problem: 'must name the skill' });
    if (!isScore(h.score))
      problems.push({ field: `hardSkills[${i}].score`, problem: 'must be an integer from 1 to 5' });
    if (key === '') return;
    if (seen.has(key)) problems.push({ field: `hardSkills[${i}].skill`, problem: `"${h.skill}" is scored twice` });
    seen.add(key);
  });
  for (const name of REQUIRED_SOFT_SKILLS) {
    if (!(name in input.softSkills)) problems.push({ field: `softSkills.${name}`, problem: `${name} must be scored` });
  }
  for (const [name, value] of Object.entries(input.softSkills)) {
    if (!/^[a-z][a-z0-9_-]{0,49}$/.test(name))
      problems.push({ field: `softSkills.${name}`, problem: 'soft skill names are short lower-case words' });
    else if (!isScore(value)) problems.push({ field: `softSkills.${name}`, problem: 'must be an integer from 1 to 5' });
  }
  return problems;
}
