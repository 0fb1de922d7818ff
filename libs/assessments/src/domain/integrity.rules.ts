export const CANDIDATE_SIGNALS = [
  'focus_lost',
  'focus_regained',
  'tab_hidden',
  'tab_visible',
  'paste',
  'copy',
  'fullscreen_exit',
  'fullscreen_enter',
  'extended_display',
  'devtools_open',
  // The proctoring camera: stopped or lost during the test; back on (with the time it was off); refused by the browser.
  'camera_off',
  'camera_on',
  'camera_denied',
] as const;
export const SYSTEM_SIGNALS = [
  'disconnect',
  'reconnect',
  'proctor_warning',
  'proctor_flag',
  'proctor_terminate',
  'auto_terminate',
] as const;
export type SignalType = (typeof CANDIDATE_SIGNALS)[number] | (typeof SYSTEM_SIGNALS)[number];
/** Who sent a signal: the candidate's browser, a proctor, or the server itself. */
export type SignalSource = 'candidate' | 'proctor' | 'system';

export interface SignalFact {
  type: SignalType;
  data?: { durationMs?: number; length?: number };
}

/** The numbers a candidate may send with a signal, and their largest values (a day away; ten million characters). */
export const SIGNAL_DATA_LIMITS = { durationMs: 86_400_000, length: 10_000_000 } as const;

/**
 * The stored data of a candidate signal: the known numbers, rounded; anything else is dropped. Answers the
 * first field that is not a number between 0 and its limit.
 */
export function signalData(
  raw: Record<string, unknown>,
): { data: SignalFact['data'] & Record<string, number> } | { field: string; problem: string } {
  const data: Record<string, number> = {};
  for (const [key, max] of Object.entries(SIGNAL_DATA_LIMITS)) {
    const v = raw[key];
    if (v === undefined) continue;
    if (typeof v !== 'number' || !Number.isFinite(v) || v < 0 || v > max)
      return { field: `data.${key}`, problem: `must be a number from 0 to ${max}` };
    data[key] = Math.round(v);
  }
  return { data };
}

export type IntegrityTier = 'none' | 'some' | 'major';

export interface IntegrityThresholds {
  someAt: number;
  majorAt: number;
  /** 0 = never. */
  autoTerminateAt: number;
}

/** Points per signal: a heuristic for human review, never a grade. */
export function signalPoints(s: SignalFact): number {
  switch (s.type) {
    case 'focus_regained':
    case 'camera_on':
      // Time away (or off camera) counts: one point per full 30 s.
      return Math.floor(Math.max(0, s.data?.durationMs ?? 0) / 30_000);
    case 'focus_lost':
    case 'tab_hidden':
    case 'copy':
    case 'fullscreen_exit':
    case 'disconnect':
    case 'camera_off':
      return 1;
    case 'paste':
      return (s.data?.length ?? 0) > 200 ? 3 : 2;
    case 'proctor_warning':
      return 2;
    case 'extended_display':
    case 'devtools_open':
    case 'camera_denied':
      return 3;
    case 'proctor_flag':
      return 5;
    default:
      return 0;
  }
}

export function integrityPoints(signals: readonly SignalFact[]): number {
  return signals.reduce((sum, s) => sum + signalPoints(s), 0);
}

/**
 * The integrity tier of a total. Twin of the SQL `case` the signal batch insert sets `attempts.integrity_tier`
 * with (`integrityTierSql` in data/signals.repository.ts); test/medium/assessments-integrity-tier.medium.spec.ts
 * pins the two together over a table of cases.
 */
export function tierOf(points: number, t: IntegrityThresholds): IntegrityTier {
  if (points >= t.majorAt) return 'major';
  if (points >= t.someAt) return 'some';
  return 'none';
}

export const shouldAutoTerminate = (points: number, t: IntegrityThresholds) =>
  t.autoTerminateAt > 0 && points >= t.autoTerminateAt;

/** Counts per type, for the proctor's list. */
export function signalCounts(signals: readonly SignalFact[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const s of signals) out[s.type] = (out[s.type] ?? 0) + 1;
  return out;
}
