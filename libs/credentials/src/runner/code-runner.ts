/** Runs candidate code. Never in the api process: the worker calls a runner per hidden test case. */

export type RunLanguage = 'javascript' | 'python';

export interface RunLimits {
  /** Wall-clock time before the run is killed. */
  wallTimeMs: number;
  /** CPU time (seconds granularity where the OS enforces it). */
  cpuTimeMs: number;
  /** Resident memory before the run is killed. */
  memoryBytes: number;
  /** stdout + stderr bytes before the run is killed. */
  outputBytes: number;
}

export interface RunRequest {
  language: RunLanguage;
  code: string;
  stdin: string;
  limits: RunLimits;
}

export type RunStatus =
  'ok' | 'runtime_error' | 'compile_error' | 'timeout' | 'memory_limit' | 'output_limit' | 'internal_error';

export interface RunResult {
  status: RunStatus;
  stdout: string;
  stderr: string;
  exitCode: number | null;
  signal: string | null;
  timeMs: number;
}

export abstract class CodeRunner {
  abstract run(req: RunRequest): Promise<RunResult>;
}

export const DEFAULT_LIMITS: RunLimits = {
  wallTimeMs: 5000,
  cpuTimeMs: 2000,
  memoryBytes: 256 * 1024 * 1024,
  outputBytes: 64 * 1024,
};
