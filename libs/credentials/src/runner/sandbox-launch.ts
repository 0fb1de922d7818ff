import { spawn } from 'node:child_process';
import { fstatSync, promises as fsp } from 'node:fs';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { processTable, programStatus, readPrefix, rssBytes, subtree } from './sandbox-host';
import { CHILD_PATH, CLK_TCK, KillReason, LaunchResult, LaunchSpec } from './sandbox-types';

/**
 * Spawns the wrapped command and enforces wall time / RSS / output size, always reaping the whole tree.
 * stdin/stdout/stderr are regular files in the run dir (which the sandbox cannot list): Node writes synchronously to
 * files, whereas on a pipe it queues writes in memory once the pipe is full, so a busy print loop would never get its
 * output out (and would end as memory_limit instead of output_limit). Output size is polled with fstat.
 */
export async function launch(spec: LaunchSpec, pollIntervalMs: number): Promise<LaunchResult> {
  const stdinPath = path.join(spec.ioDir, 'stdin');
  const stdoutPath = path.join(spec.ioDir, 'stdout');
  const stderrPath = path.join(spec.ioDir, 'stderr');
  await fsp.writeFile(stdinPath, spec.stdin, { mode: 0o400 });
  // O_APPEND: writes through fd 1/2 always land at the end, even after the program reopened /dev/stdout itself
  const handles = await Promise.all([
    fsp.open(stdinPath, 'r'),
    fsp.open(stdoutPath, 'a+', 0o600),
    fsp.open(stderrPath, 'a+', 0o600),
    ...(spec.statusOnFd3 ? [fsp.open(path.join(spec.ioDir, 'status'), 'w+', 0o600)] : []),
  ]);
  try {
    // reopening /dev/stdin or /dev/stdout by path goes through the file's permissions
    if (spec.ioOwner)
      await Promise.all(
        [stdinPath, stdoutPath, stderrPath].map((p) => fsp.chown(p, spec.ioOwner!.uid, spec.ioOwner!.gid)),
      );
    let raw = await spawnAndWatch(
      spec,
      handles.map((h) => h.fd),
      pollIntervalMs,
    );
    if (spec.statusOnFd3) raw = { ...raw, ...programStatus(readPrefix(handles[3].fd, 64), raw) };
    const [outSize, errSize] = [fstatSync(handles[1].fd).size, fstatSync(handles[2].fd).size];
    const outKept = Math.min(outSize, spec.outputBytes);
    const errKept = Math.min(errSize, Math.max(0, spec.outputBytes - outKept));
    return {
      ...raw,
      stdout: readPrefix(handles[1].fd, outKept),
      stderr: readPrefix(handles[2].fd, errKept),
      outputTotalBytes: Math.max(raw.outputTotalBytes, outSize + errSize),
    };
  } finally {
    await Promise.all(handles.map((h) => h.close().catch(() => undefined)));
  }
}

function spawnAndWatch(spec: LaunchSpec, stdio: number[], pollIntervalMs: number): Promise<LaunchResult> {
  const [, stdoutFd, stderrFd] = stdio;
  return new Promise<LaunchResult>((resolve) => {
    const started = performance.now();
    let killReason: KillReason | null = null;
    let peakRssBytes = 0;
    let cpuTicks = 0;
    let outputTotalBytes = 0;
    let spawnError: Error | undefined;
    let exited = false;
    let finished = false;
    let exitInfo: { code: number | null; signal: NodeJS.Signals | null; at: number } | null = null;

    let child: ReturnType<typeof spawn>;
    try {
      child = spawn(spec.file, spec.args, {
        cwd: spec.cwd,
        env: { PATH: CHILD_PATH },
        uid: spec.uid,
        gid: spec.gid,
        detached: true,
        stdio,
        windowsHide: true,
      });
    } catch (err) {
      resolve({
        spawnError: err as Error,
        exitCode: null,
        signal: null,
        stdout: '',
        stderr: '',
        killReason: null,
        peakRssBytes: 0,
        cpuSeconds: 0,
        outputTotalBytes: 0,
        timeMs: 0,
      });
      return;
    }
    const rootPid = child.pid;

    const killTree = (): void => {
      if (rootPid === undefined || exited) return; // never signal a pid that may have been reused
      try {
        process.kill(-rootPid, 'SIGKILL');
      } catch {
        // group already gone
      }
      for (const pid of subtree(rootPid, processTable())) {
        try {
          process.kill(pid, 'SIGKILL');
        } catch {
          // already gone
        }
      }
    };
    const kill = (reason: KillReason): void => {
      if (killReason === null && !exited) killReason = reason;
      killTree();
    };

    const wallTimer = setTimeout(() => kill('timeout'), spec.wallTimeMs);
    const pollTimer = setInterval(() => {
      if (exited || rootPid === undefined) return;
      try {
        outputTotalBytes = fstatSync(stdoutFd).size + fstatSync(stderrFd).size;
      } catch {
        // keep the previous value
      }
      if (outputTotalBytes > spec.outputBytes) {
        kill('output');
        return;
      }
      const table = processTable();
      const pids = subtree(rootPid, table);
      let rss = 0;
      let ticks = 0;
      for (const pid of pids) {
        rss += rssBytes(pid);
        ticks += table.get(pid)?.ticks ?? 0;
      }
      if (pids.length) cpuTicks = Math.max(cpuTicks, ticks);
      peakRssBytes = Math.max(peakRssBytes, rss);
      if (rss > spec.memoryBytes) kill('memory');
    }, pollIntervalMs);

    const finish = (): void => {
      if (finished) return;
      finished = true;
      exited = true;
      clearTimeout(wallTimer);
      clearInterval(pollTimer);
      resolve({
        spawnError,
        exitCode: exitInfo?.code ?? null,
        signal: exitInfo?.signal ?? null,
        stdout: '',
        stderr: '',
        killReason,
        peakRssBytes,
        cpuSeconds: cpuTicks / CLK_TCK,
        outputTotalBytes,
        timeMs: (exitInfo?.at ?? performance.now()) - started,
      });
    };

    child.on('error', (err) => {
      spawnError = err;
      if (rootPid === undefined) finish();
    });
    child.on('exit', (code, signal) => {
      exitInfo = { code, signal, at: performance.now() };
      // anything left in the process group (should be nothing: fork is blocked) dies with the leader
      if (rootPid !== undefined) {
        try {
          process.kill(-rootPid, 'SIGKILL');
        } catch {
          // empty group
        }
      }
      finish();
    });
  });
}
