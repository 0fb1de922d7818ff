import { constants as osConstants } from 'node:os';
import { CodeRunner, RunLanguage, RunRequest, RunResult, RunStatus } from './code-runner';

export interface Judge0CodeRunnerOptions {
  /** Base URL of the Judge0 CE API, e.g. http://judge0:2358 (no trailing /submissions). */
  url: string;
  /** Sent as `X-Auth-Token` (self-hosted Judge0 AUTHN_TOKEN) unless apiKeyHeader says otherwise. */
  apiKey?: string;
  /** Header carrying apiKey, e.g. `X-RapidAPI-Key` for the hosted API. Default `X-Auth-Token`. */
  apiKeyHeader?: string;
  fetchImpl?: typeof fetch;
  /** Judge0 language ids. Defaults: javascript 63 (Node.js 12.14), python 71 (Python 3.8.1). */
  languageIds?: Partial<Record<RunLanguage, number>>;
  /** Abort the HTTP request after this long (default: the run's wall time + 30 s, queueing included). */
  requestTimeoutMs?: number;
}

export const JUDGE0_DEFAULT_LANGUAGE_IDS: Record<RunLanguage, number> = { javascript: 63, python: 71 };

/** The part of a Judge0 submission response this runner reads. */
interface Judge0Submission {
  stdout?: string | null;
  stderr?: string | null;
  compile_output?: string | null;
  message?: string | null;
  time?: string | number | null;
  memory?: number | null;
  exit_code?: number | null;
  exit_signal?: number | null;
  status?: { id?: number; description?: string } | null;
}

const MEMORY_PATTERN =
  /JavaScript heap out of memory|Reached heap limit|Array buffer allocation failed|Fatal process out of memory|std::bad_alloc|^MemoryError\b|Cannot allocate memory/m;

const SIGNAL_NAMES: Record<number, string> = Object.fromEntries(
  Object.entries(osConstants.signals).map(([name, num]) => [num, name]),
);

function b64(text: string): string {
  return Buffer.from(text, 'utf8').toString('base64');
}

function unb64(text: string | null | undefined): string {
  if (!text) return '';
  return Buffer.from(text, 'base64').toString('utf8');
}

function errorMessage(err: unknown): string {
  if (err instanceof Error) {
    const cause = (err as Error & { cause?: unknown }).cause;
    return cause instanceof Error ? `${err.message}: ${cause.message}` : err.message;
  }
  return String(err);
}

/** Runs candidate code on a Judge0 CE instance (synchronous `wait=true` submissions). Never throws. */
export class Judge0CodeRunner extends CodeRunner {
  private readonly url: string;
  private readonly apiKey?: string;
  private readonly apiKeyHeader: string;
  private readonly fetchImpl: typeof fetch;
  private readonly languageIds: Record<RunLanguage, number>;
  private readonly requestTimeoutMs?: number;

  constructor(options: Judge0CodeRunnerOptions) {
    super();
    this.url = (options.url ?? '').replace(/\/+$/, '');
    this.apiKey = options.apiKey;
    this.apiKeyHeader = options.apiKeyHeader ?? 'X-Auth-Token';
    this.fetchImpl = options.fetchImpl ?? ((...args: Parameters<typeof fetch>) => fetch(...args));
    this.languageIds = { ...JUDGE0_DEFAULT_LANGUAGE_IDS, ...(options.languageIds ?? {}) } as Record<
      RunLanguage,
      number
    >;
    this.requestTimeoutMs = options.requestTimeoutMs;
  }

  async run(req: RunRequest): Promise<RunResult> {
    const started = Date.now();
    const internal = (message: string): RunResult => ({
      status: 'internal_error',
      stdout: '',
      stderr: message,
      exitCode: null,
      signal: null,
      timeMs: Date.now() - started,
    });
    try {
      const languageId = this.languageIds[req.language];
      if (!languageId) return internal(`judge0: unsupported language ${req.language}`);
      if (!this.url) return internal('judge0: no url configured');
      const { limits } = req;
      const body = {
        source_code: b64(req.code),
        language_id: languageId,
        stdin: b64(req.stdin ?? ''),
        cpu_time_limit: Math.max(0.1, limits.cpuTimeMs / 1000),
        wall_time_limit: Math.max(0.1, limits.wallTimeMs / 1000),
        memory_limit: Math.max(2048, Math.floor(limits.memoryBytes / 1024)),
        enable_network: false,
        redirect_stderr_to_stdout: false,
      };
      const headers: Record<string, string> = { 'content-type': 'application/json', accept: 'application/json' };
      if (this.apiKey) headers[this.apiKeyHeader] = this.apiKey;
      let response: Response;
      try {
        response = await this.fetchImpl(`${this.url}/submissions?base64_encoded=true&wait=true`, {
          method: 'POST',
          headers,
          body: JSON.stringify(body),
          signal: AbortSignal.timeout(this.requestTimeoutMs ?? limits.wallTimeMs + 30_000),
        });
      } catch (err) {
        return internal(`judge0: request failed: ${errorMessage(err)}`);
      }
      const text = await response.text().catch(() => '');
      if (!response.ok) return internal(`judge0: HTTP ${response.status}: ${text.slice(0, 500)}`);
      let sub: Judge0Submission;
      try {
        sub = JSON.parse(text) as Judge0Submission;
      } catch {
        return internal(`judge0: invalid JSON response: ${text.slice(0, 200)}`);
      }
      return this.toResult(sub, req, started);
    } catch (err) {
      return internal(`judge0: ${errorMessage(err)}`);
    }
  }

  private toResult(sub: Judge0Submission, req: RunRequest, started: number): RunResult {
    let stdout = unb64(sub.stdout);
    const compileOutput = unb64(sub.compile_output);
    const message = unb64(sub.message);
    let stderr = [compileOutput, unb64(sub.stderr)].filter(Boolean).join('\n');
    const statusId = sub.status?.id ?? 0;
    const timeSeconds = typeof sub.time === 'number' ? sub.time : parseFloat(sub.time ?? '');
    const timeMs = Number.isFinite(timeSeconds) ? Math.round(timeSeconds * 1000) : Date.now() - started;
    const exitCode = typeof sub.exit_code === 'number' ? sub.exit_code : null;
    const signal =
      typeof sub.exit_signal === 'number' ? (SIGNAL_NAMES[sub.exit_signal] ?? String(sub.exit_signal)) : null;

    let status: RunStatus;
    const memoryKb = typeof sub.memory === 'number' ? sub.memory : 0;
    const nearMemoryLimit = memoryKb > 0 && memoryKb * 1024 >= req.limits.memoryBytes * 0.9;
    switch (statusId) {
      case 3:
        status = 'ok';
        break;
      case 5:
        status = 'timeout';
        break;
      case 6:
        status = 'compile_error';
        break;
      case 7: // SIGSEGV: what a process gets when its address-space limit makes allocation fail hard
      case 8: // SIGXFSZ
      case 9: // SIGFPE
      case 10: // SIGABRT (V8 aborts on heap OOM)
      case 11: // NZEC
      case 12: // Other
        if (
          MEMORY_PATTERN.test(stderr) ||
          MEMORY_PATTERN.test(stdout) ||
          ((statusId === 7 || statusId === 10 || statusId === 11) && nearMemoryLimit)
        )
          status = 'memory_limit';
        else if (statusId === 8) status = 'output_limit';
        else status = 'runtime_error';
        break;
      default: // 1 In Queue, 2 Processing (should not happen with wait=true), 4 Wrong Answer (no expected_output is sent), 13 Internal Error, 14 Exec Format Error
        status = 'internal_error';
        if (message) stderr = [stderr, message].filter(Boolean).join('\n');
        if (!stderr) stderr = `judge0: status ${statusId} ${sub.status?.description ?? ''}`.trim();
    }
    // Judge0 has no output limit: enforce it here, over stdout + stderr
    const total = Buffer.byteLength(stdout) + Buffer.byteLength(stderr);
    if (total > req.limits.outputBytes) {
      const outBuf = Buffer.from(stdout).subarray(0, req.limits.outputBytes);
      const errBuf = Buffer.from(stderr).subarray(0, Math.max(0, req.limits.outputBytes - outBuf.length));
      stdout = outBuf.toString('utf8');
      stderr = errBuf.toString('utf8');
      if (status === 'ok' || status === 'runtime_error') status = 'output_limit';
    }
    return { status, stdout, stderr, exitCode, signal, timeMs };
  }
}
