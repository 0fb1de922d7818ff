import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';

/**
 * The JWT secret of the embedded development start: random, created once per data directory (mode 0600)
 * and reused on every restart, so tokens survive a restart and no two checkouts share a secret.
 */
export function loadOrCreateDevJwtSecret(dataDir: string): string {
  const file = join(dataDir, 'jwt-secret');
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  try {
    // `wx`: never overwrite one another process wrote first.
    writeFileSync(file, randomBytes(48).toString('base64url') + '\n', { flag: 'wx', mode: 0o600 });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  }
  const secret = readFileSync(file, 'utf8').trim();
  if (secret.length < 32)
    throw new Error(`${file} does not hold a usable secret: delete it to have a new one generated`);
  chmodSync(file, 0o600);
  return secret;
}
