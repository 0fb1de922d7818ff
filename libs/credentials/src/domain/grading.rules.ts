import type { AssessmentItem } from '@vetting/assessments';
import { COMPETENCIES } from '@vetting/assessments';

type Mc = Extract<AssessmentItem, { type: 'multiple_choice' }>;
type Scenario = Extract<AssessmentItem, { type: 'scenario' }>;
type Coding = Extract<AssessmentItem, { type: 'coding' }>;

const round2 = (n: number) => Math.round(n * 100) / 100;

/** Multiple choice, weighted: an item counts when the chosen set equals the correct set. */
export function gradeMultipleChoice(items: Mc[], answers: Map<string, unknown>) {
  let earned = 0;
  let total = 0;
  const sections = new Map<string, { earned: number; total: number }>();
  const perItem = items.map((item) => {
    const chosen = new Set(
      ((answers.get(item.id) as { optionIds?: string[] } | undefined)?.optionIds ?? []) as string[],
    );
    const correct = chosen.size === item.correct.length && item.correct.every((c) => chosen.has(c));
    const section = item.section ?? 'general';
    const s = sections.get(section) ?? { earned: 0, total: 0 };
    s.total += item.weight;
    total += item.weight;
    if (correct) {
      s.earned += item.weight;
      earned += item.weight;
    }
    sections.set(section, s);
    return { itemId: item.id, answered: answers.has(item.id), correct, weight: item.weight, section };
  });
  return {
    score: total > 0 ? round2((earned / total) * 100) : 0,
    items: perItem,
    sections: Object.fromEntries(
      [...sections].map(([k, v]) => [k, v.total > 0 ? round2((v.earned / v.total) * 100) : 0]),
    ),
  };
}

/** Scenario tests: each chosen option adds its 0–3 score per competency; overall is the mean of the competencies. */
export function gradeScenario(items: Scenario[], answers: Map<string, unknown>) {
  const sums = Object.fromEntries(COMPETENCIES.map((c) => [c, 0])) as Record<(typeof COMPETENCIES)[number], number>;
  const maxima = Object.fromEntries(COMPETENCIES.map((c) => [c, 0])) as Record<(typeof COMPETENCIES)[number], number>;
  const perItem = items.map((item) => {
    const optionId = (answers.get(item.id) as { optionId?: string } | undefined)?.optionId;
    const chosen = item.options.find((o) => o.id === optionId);
    for (const c of COMPETENCIES) {
      maxima[c] += Math.max(...item.options.map((o) => o.scores[c]));
      sums[c] += chosen ? chosen.scores[c] : 0;
    }
    return { itemId: item.id, answered: Boolean(chosen), optionId: chosen?.id ?? null };
  });
  // A competency the drawn items cannot score is reported as null and left out of the mean.
  const competencies = Object.fromEntries(
    COMPETENCIES.map((c) => [c, maxima[c] > 0 ? round2((sums[c] / maxima[c]) * 100) : null]),
  ) as Record<string, number | null>;
  const values = Object.values(competencies).filter((v): v is number => v !== null);
  return {
    score: values.length ? round2(values.reduce((a, b) => a + b, 0) / values.length) : 0,
    competencies,
    items: perItem,
  };
}

/** Outputs compare line by line, ignoring trailing spaces and trailing blank lines. */
export function outputsMatch(actual: string, expected: string): boolean {
  const norm = (s: string) =>
    s
      .replace(/\r\n?/g, '\n')
      .split('\n')
      .map((l) => l.replace(/[ \t]+$/, ''))
      .join('\n')
      .replace(/\n+$/, '');
  return norm(actual) === norm(expected);
}

export interface CaseOutcome {
  index: number;
  weight: number;
  status: string;
  passed: boolean;
  timeMs: number;
  /** Shown to the candidate only for runtime/compile problems; hidden inputs/outputs never are. */
  message?: string;
}

/** Coding: each hidden case with partial credit; the test's score is the weighted mean of its items. */
export function gradeCoding(
  items: { item: Coding; answered: boolean; language: string | null; cases: CaseOutcome[] }[],
) {
  let weighted = 0;
  let weights = 0;
  const perItem = items.map(({ item, answered, language, cases }) => {
    const total = cases.reduce((a, c) => a + c.weight, 0);
    const passed = cases.filter((c) => c.passed).reduce((a, c) => a + c.weight, 0);
    const score = total > 0 ? round2((passed / total) * 100) : 0;
    weighted += score * item.weight;
    weights += item.weight;
    return {
      itemId: item.id,
      answered,
      language,
      score,
      passedCases: cases.filter((c) => c.passed).length,
      totalCases: cases.length,
      cases,
    };
  });
  return { score: weights > 0 ? round2(weighted / weights) : 0, items: perItem };
}

export const BANDS = [
  { label: 'Top 10%', limit: 0.1 },
  { label: 'Top 20%', limit: 0.2 },
  { label: 'Top 30%', limit: 0.3 },
] as const;
export type BandLabel = (typeof BANDS)[number]['label'];

/**
 * The band of `score` among the norm group (every graded score of the same test in the window, this one
 * included): the share of the group that scored strictly higher decides it. Too small a group gives none.
 */
export function percentileBand(
  score: number,
  normGroup: readonly number[],
  minGroupSize: number,
): { band: BandLabel | null; normGroupSize: number; scoredHigher: number } {
  const n = normGroup.length;
  const higher = normGroup.filter((s) => s > score).length;
  if (n < minGroupSize || n === 0) return { band: null, normGroupSize: n, scoredHigher: higher };
  const share = higher / n;
  const band = BANDS.find((b) => share < b.limit)?.label ?? null;
  return { band, normGroupSize: n, scoredHigher: higher };
}

/**
 * The norm group's scores (0–100) in ten bars of ten points (the last one includes 100), for the report's
 * chart: how many scored in each range. A score outside 0–100 is clamped into the nearest bar.
 */
export function scoreDistribution(normGroup: readonly number[]): { from: number; to: number; count: number }[] {
  const bars = Array.from({ length: 10 }, (_, i) => ({ from: i * 10, to: i * 10 + 10, count: 0 }));
  for (const s of normGroup) bars[Math.min(9, Math.max(0, Math.floor(s / 10)))].count += 1;
  return bars;
}
