import { RunRequest, RunResult, RunStatus } from './code-runner';
import { SANDBOX_INTERNAL_EXIT_CODE, SANDBOX_INTERNAL_MARKER } from './sandbox-boot';
import type { LaunchResult } from './sandbox-types';

const NODE_MEMORY_PATTERN =
  /JavaScript heap out of memory|Reached heap limit|Array buffer allocation failed|Fatal process out of memory|Allocation failed - process out of memory|std::bad_alloc|ERR_MEMORY_ALLOCATION_FAILED/;
const PYTHON_MEMORY_PATTERN = /^MemoryError\b/m;

/** A Node SyntaxError raised while compiling main.js: no stack frame points into main.js. */
function isNodeCompileError(stdout: string, stderr: string): boolean {
  if (stdout.length > 0) return false;
  const m = /^SyntaxError: .*$/m.exec(stderr);
  if (!m) return false;
  const frames = stderr
    .slice(m.index + m[0].length)
    .split('\n')
    .filter((line) => /^\s+at /.test(line));
  return !frames.some((line) => /main\.js:\d+/.test(line));
}

/** The bootstrap prints compile errors without a traceback header; runtime SyntaxErrors (eval, compile) have one. */
function isPythonCompileError(stdout: string, stderr: string): boolean {
  return (
    stdout.length === 0 &&
    !stderr.includes('Traceback (most recent call last)') &&
    /^(SyntaxError|IndentationError|TabError)\b/m.test(stderr)
  );
}

/** The run's status from how the sandboxed program ended (a kill of ours, its exit code or signal, its stderr). */
export function classifyRun(req: RunRequest, raw: LaunchResult): RunResult {
  const base = {
    stdout: raw.stdout,
    stderr: raw.stderr,
    exitCode: raw.exitCode,
    signal: raw.signal,
    timeMs: Math.round(raw.timeMs),
  };
  const result = (status: RunStatus): RunResult => ({ status, ...base });
  if (raw.spawnError)
    return {
      ...result('internal_error'),
      stderr: `${raw.stderr}${raw.stderr ? '\n' : ''}sandbox: spawn failed: ${raw.spawnError.message}`,
    };
  if (raw.killReason === 'timeout') return result('timeout');
  if (raw.killReason === 'memory') return result('memory_limit');
  if (raw.killReason === 'output' || raw.outputTotalBytes > req.limits.outputBytes) return result('output_limit');
  if (raw.exitCode === SANDBOX_INTERNAL_EXIT_CODE && raw.stderr.includes(SANDBOX_INTERNAL_MARKER))
    return result('internal_error');
  if (raw.signal === 'SIGXCPU') return result('timeout');
  if (raw.signal === 'SIGXFSZ') return result('output_limit');
  const memoryPattern = req.language === 'javascript' ? NODE_MEMORY_PATTERN : PYTHON_MEMORY_PATTERN;
  if (raw.exitCode !== 0 && memoryPattern.test(raw.stderr)) return result('memory_limit');
  if (raw.signal === 'SIGKILL') {
    // not killed by us: the CPU hard limit (SIGXCPU handled/ignored) or the kernel OOM killer
    const cpuLimit = Math.max(1, Math.ceil(req.limits.cpuTimeMs / 1000));
    if (raw.cpuSeconds >= cpuLimit - 0.05) return result('timeout');
    if (raw.peakRssBytes >= req.limits.memoryBytes * 0.8) return result('memory_limit');
    return result('runtime_error');
  }
  if (raw.exitCode === 0 && raw.signal === null) return result('ok');
  const compile =
    req.language === 'javascript'
      ? isNodeCompileError(raw.stdout, raw.stderr)
      : isPythonCompileError(raw.stdout, raw.stderr);
  return result(compile ? 'compile_error' : 'runtime_error');
}
