export { CodeRunner, DEFAULT_LIMITS } from './code-runner';
export type { RunLanguage, RunLimits, RunRequest, RunResult, RunStatus } from './code-runner';
export { LocalCodeRunner } from './local-code-runner';
export type { LocalCodeRunnerOptions, SandboxFeatureMode, SandboxInfo } from './local-code-runner';
export { Judge0CodeRunner, JUDGE0_DEFAULT_LANGUAGE_IDS } from './judge0-code-runner';
export type { Judge0CodeRunnerOptions } from './judge0-code-runner';
