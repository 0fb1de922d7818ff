import { ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { join } from 'node:path';

const root = join(__dirname, '..', '..');

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as { port: number }).port;
      srv.close(() => resolve(port));
    });
  });
}

export interface SpawnedProcess {
  child: ChildProcess;
  baseUrl: string;
  output: () => string;
  /** Resolves with the exit code, or the signal's name when the process re-raised it after a clean shutdown. */
  stop: (signal?: NodeJS.Signals) => Promise<number | string | null>;
}

/** Runs an app entry point (TypeScript source) as its own process, the way `npm start` runs the build. */
export async function spawnApp(
  entry: string,
  env: Record<string, string>,
  readyPath: string | null = '/api/health',
  timeoutMs = 180000,
): Promise<SpawnedProcess> {
  const port = env.PORT ? Number(env.PORT) : await freePort();
  const child = spawn(
    process.execPath,
    ['-r', 'ts-node/register/transpile-only', '-r', 'tsconfig-paths/register', join(root, entry)],
    {
      cwd: root,
      env: {
        PATH: process.env.PATH ?? '',
        HOME: process.env.HOME ?? '',
        TS_NODE_PROJECT: join(root, 'tsconfig.json'),
        PORT: String(port),
        HOST: '127.0.0.1',
        ...env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  const baseUrl = `http://127.0.0.1:${port}`;
  const exited = new Promise<number | string | null>((resolve) =>
    child.once('exit', (code, signal) => resolve(code ?? signal)),
  );
  const stop = async (signal: NodeJS.Signals = 'SIGTERM') => {
    if (child.exitCode === null) child.kill(signal);
    return exited;
  };
  if (readyPath) {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (child.exitCode !== null) throw new Error(`${entry} exited early:\n${out}`);
      try {
        const res = await fetch(baseUrl + readyPath);
        if (res.ok) break;
      } catch {
        /* not listening yet */
      }
      if (Date.now() > deadline) {
        await stop('SIGKILL');
        throw new Error(`${entry} not ready within ${timeoutMs} ms:\n${out}`);
      }
      await new Promise((r) => setTimeout(r, 250));
    }
  }
  return { child, baseUrl, output: () => out, stop };
}
