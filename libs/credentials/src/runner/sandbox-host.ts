import { accessSync, constants as fsConstants, readdirSync, readFileSync, readSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { LaunchResult } from './sandbox-types';

// Host helpers of the local runner: executables, fd reads, signal names and the /proc process table.

export function findExecutable(name: string): string | null {
  if (name.includes('/')) return isExecutable(name) ? name : null;
  const dirs = [
    '/usr/local/sbin',
    '/usr/local/bin',
    '/usr/sbin',
    '/usr/bin',
    '/sbin',
    '/bin',
    ...(process.env.PATH ?? '').split(':'),
  ];
  for (const dir of dirs) {
    if (!dir) continue;
    const candidate = path.join(dir, name);
    if (isExecutable(candidate)) return candidate;
  }
  return null;
}

export function isExecutable(file: string): boolean {
  try {
    accessSync(file, fsConstants.X_OK);
    return true;
  } catch {
    return false;
  }
}

export function readPrefix(fd: number, length: number): string {
  const buf = Buffer.alloc(length);
  let off = 0;
  while (off < length) {
    const n = readSync(fd, buf, off, length - off, off);
    if (n <= 0) break;
    off += n;
  }
  return buf.subarray(0, off).toString('utf8');
}

export const SIGNAL_NAMES: Record<number, NodeJS.Signals> = Object.fromEntries(
  Object.entries(os.constants.signals).map(([name, num]) => [num, name as NodeJS.Signals]),
);

/** Decodes the "$?" the namespace wrapper wrote on fd 3; without it (wrapper killed/failed) keeps unshare's status. */
export function programStatus(text: string, raw: LaunchResult): Pick<LaunchResult, 'exitCode' | 'signal'> {
  const m = /^(\d+)\s*$/.exec(text);
  if (!m) return { exitCode: raw.exitCode, signal: raw.signal };
  const rc = Number(m[1]);
  if (rc > 128 && SIGNAL_NAMES[rc - 128]) return { exitCode: null, signal: SIGNAL_NAMES[rc - 128] };
  return { exitCode: rc, signal: null };
}

export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** Reads ppid/utime/stime of every process, returns the subtree rooted at rootPid. */
export function processTable(): Map<number, { ppid: number; ticks: number }> {
  const table = new Map<number, { ppid: number; ticks: number }>();
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return table;
  }
  for (const entry of entries) {
    const c = entry.charCodeAt(0);
    if (c < 48 || c > 57) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'latin1');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      // fields[0] = state (field 3); ppid = field 4; utime = 14; stime = 15
      table.set(Number(entry), { ppid: Number(fields[1]), ticks: Number(fields[11]) + Number(fields[12]) });
    } catch {
      // process vanished
    }
  }
  return table;
}

export function subtree(rootPid: number, table: Map<number, { ppid: number; ticks: number }>): number[] {
  const children = new Map<number, number[]>();
  for (const [pid, info] of table) {
    const list = children.get(info.ppid);
    if (list) list.push(pid);
    else children.set(info.ppid, [pid]);
  }
  const out: number[] = [];
  const queue = table.has(rootPid) ? [rootPid] : [];
  while (queue.length) {
    const pid = queue.shift()!;
    out.push(pid);
    for (const child of children.get(pid) ?? []) queue.push(child);
  }
  return out;
}

export function rssBytes(pid: number): number {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'latin1');
    const m = /^VmRSS:\s+(\d+)\s+kB/m.exec(status);
    return m ? Number(m[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}
