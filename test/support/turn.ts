import { ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './media';

export const TURNSERVER = process.env.TURNSERVER_PATH ?? '/usr/bin/turnserver';

export interface Turn {
  port: number;
  secret: string;
  realm: string;
  url: string;
  stop: () => Promise<void>;
}

/**
 * Debian's coturn on a loopback port with the TURN REST API scheme (`use-auth-secret` +
 * `static-auth-secret`), relaying on loopback, as DESIGN's checked command line.
 */
export async function startTurn(secret: string, onPort?: number): Promise<Turn> {
  if (!existsSync(TURNSERVER))
    throw new Error(`TURN tests need coturn at ${TURNSERVER} (apt-get install coturn, or set TURNSERVER_PATH)`);
  const port = onPort ?? (await freePort('udp'));
  const dir = mkdtempSync(join(tmpdir(), 'vt-turn-'));
  const relayFrom = 40000 + Math.floor(Math.random() * 200) * 100;
  const realm = 'vetting.test';
  const child: ChildProcess = spawn(
    TURNSERVER,
    [
      '-n',
      '--listening-ip=127.0.0.1',
      '--relay-ip=127.0.0.1',
      `--listening-port=${port}`,
      '--use-auth-secret',
      `--static-auth-secret=${secret}`,
      `--realm=${realm}`,
      '--no-tls',
      '--no-dtls',
      '--allow-loopback-peers',
      '--no-cli',
      `--min-port=${relayFrom}`,
      `--max-port=${relayFrom + 99}`,
      '--log-file=stdout',
      '--simple-log',
      `--pidfile=${join(dir, 'turnserver.pid')}`,
      `--userdb=${join(dir, 'turndb')}`,
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  const started = new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`turnserver did not start:\n${output}`)), 10_000);
    const onData = (b: Buffer) => {
      output += b.toString();
      if (/Total General servers/.test(output)) {
        child.stdout!.off('data', onData);
        child.stderr!.off('data', onData);
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`turnserver exited with ${code}:\n${output}`));
    });
  });
  // A server that did not come up is not left behind.
  await started.catch((err) => {
    child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
    throw err;
  });
  child.stdout!.resume();
  child.stderr!.resume();
  // Listening once its TCP listener on the same port accepts (it opens UDP and TCP together).
  const net = await import('node:net');
  for (let i = 0; ; i++) {
    const up = await new Promise<boolean>((r) => {
      const sock = net.connect(port, '127.0.0.1', () => {
        sock.destroy();
        r(true);
      });
      sock.on('error', () => r(false));
    });
    if (up) break;
    if (i > 50) {
      child.kill('SIGKILL');
      throw new Error(`turnserver is not listening on ${port}:\n${output}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    port,
    secret,
    realm,
    url: `turn:127.0.0.1:${port}?transport=udp`,
    stop: async () => {
      if (child.exitCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        await Promise.race([exited, new Promise((r) => setTimeout(r, 3000))]);
        if (child.exitCode === null) child.kill('SIGKILL');
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
