/**
 * `npm start`: api + worker with one command.
 * - No DATABASE_URL: one process runs the api and the worker on the embedded database.
 * - DATABASE_URL set: an api process and a worker process.
 * If nothing answers at REDIS_URL on this machine and `redis-server` is on PATH, a private one is started.
 */
import { ChildProcess, spawn, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { AppConfig, ConfigError, assertRedisReachable } from '@vetting/core';

const root = join(__dirname, '..', '..');
const children: ChildProcess[] = [];
let stopping = false;

function run(entry: string, env: NodeJS.ProcessEnv): ChildProcess {
  const child = spawn(process.execPath, [join(root, 'dist', entry)], {
    cwd: root,
    env: { ...process.env, ...env },
    stdio: 'inherit',
  });
  child.on('exit', (code, signal) => {
    if (!stopping) {
      console.error(`${entry} exited (${signal ?? code}); stopping`);
      void shutdown(code ?? 1);
    }
  });
  children.push(child);
  return child;
}

async function ensureRedis(config: AppConfig): Promise<NodeJS.ProcessEnv> {
  try {
    await assertRedisReachable(config.env.REDIS_URL, 1500);
    return {};
  } catch (err) {
    const url = new URL(config.env.REDIS_URL);
    const local = ['127.0.0.1', 'localhost', '::1'].includes(url.hostname);
    const hasBinary = spawnSync('redis-server', ['--version']).status === 0;
    if (!local || !hasBinary) throw err;
    const port = url.port || '6379';
    console.log(`No Redis at ${config.env.REDIS_URL}: starting a private redis-server on port ${port}`);
    const redis = spawn('redis-server', ['--bind', '127.0.0.1', '--port', port, '--save', '', '--appendonly', 'no'], {
      stdio: 'ignore',
    });
    children.push(redis);
    for (let i = 0; i < 50; i++) {
      await new Promise((r) => setTimeout(r, 100));
      try {
        await assertRedisReachable(config.env.REDIS_URL, 500);
        return {};
      } catch {
        /* not yet */
      }
    }
    throw err;
  }
}

async function shutdown(code: number): Promise<void> {
  stopping = true;
  const apps = children.filter((c) => c.spawnfile === process.execPath);
  for (const c of apps) c.kill('SIGTERM');
  await Promise.all(apps.map((c) => new Promise((r) => (c.exitCode !== null ? r(null) : c.once('exit', r)))));
  for (const c of children) if (c.exitCode === null) c.kill('SIGTERM');
  process.exit(code);
}

async function main(): Promise<void> {
  const config = AppConfig.fromEnv();
  await ensureRedis(config);
  for (const sig of ['SIGINT', 'SIGTERM'] as const) process.on(sig, () => void shutdown(0));
  if (config.embeddedDatabase) {
    run('apps/api/src/main.js', { WORKER_IN_PROCESS: 'true' });
  } else {
    run('apps/api/src/main.js', { WORKER_IN_PROCESS: config.env.WORKER_IN_PROCESS ?? 'false' });
    if (!config.workerInProcess) run('apps/worker/src/main.js', {});
  }
}

main().catch((err) => {
  console.error(err instanceof ConfigError ? err.message : (err?.message ?? err));
  void shutdown(1);
});
