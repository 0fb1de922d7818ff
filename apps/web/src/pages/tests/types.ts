export interface AssessmentSummary {
  slug: string;
  title: string;
  description: string;
  kind: string;
  skill: string | null;
  categorySlug: string;
  access: 'open' | 'invited';
  duration: string;
  passingScore: number;
  proctored: boolean;
  /** A proctored test starts only with the camera on, unless the catalog marks it camera-optional. */
  cameraRequired?: boolean;
  itemCount: number;
}
export type Item =
  | { type: 'multiple_choice'; id: string; prompt: string; options: { id: string; text: string }[]; multiple: boolean }
  | { type: 'scenario'; id: string; prompt: string; options: { id: string; text: string }[] }
  | {
      type: 'coding';
      id: string;
      title: string;
      statement: string;
      examples: unknown[];
      languages: string[];
      starterCode: Record<string, string>;
      timeLimitMs: number;
    };

export interface Report {
  score?: number;
  passingScore?: number;
  passed?: boolean;
  note?: string;
  percentile?: {
    band: string | null;
    normGroup: {
      test: string;
      window: string;
      size: number;
      scoredHigher?: number;
      distribution?: { from: number; to: number; count: number }[];
    };
    computedAt: string;
  };
  integrity?: { tier: string; points: number; note: string };
  [k: string]: unknown;
}

export interface AttemptView {
  id: string;
  assessment: AssessmentSummary;
  status: 'created' | 'in_progress' | 'submitted' | 'expired' | 'terminated' | 'graded' | 'abandoned';
  createdAt: string;
  startedAt: string | null;
  deadline: string | null;
  remainingMs: number | null;
  serverTime: string;
  items: Item[];
  answers: { itemId: string; answer: Record<string, unknown>; savedAt: string; revision: number }[];
  endedAt: string | null;
  endReason: string | null;
  score?: number;
  passed?: boolean;
  gradedAt?: string;
  report?: Report;
}

/** ISO-8601 duration (PT1H30M) in words. */
export function durationWords(iso: string): string {
  const m = /^P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?$/.exec(iso);
  if (!m) return iso;
  const [, d, h, min, s] = m;
  const parts = [
    d && `${d} day${d === '1' ? '' : 's'}`,
    h && `${h} hour${h === '1' ? '' : 's'}`,
    min && `${min} minute${min === '1' ? '' : 's'}`,
    s && `${s} second${s === '1' ? '' : 's'}`,
  ];
  return parts.filter(Boolean).join(' ') || iso;
}
