import type { Namespace } from 'socket.io';

interface EngineSocket {
  readyState: string;
  writeBuffer: unknown[];
  transport?: { writable?: boolean };
  on(event: 'drain' | 'close', fn: () => void): void;
  off(event: 'drain' | 'close', fn: () => void): void;
}

/**
 * Resolves once every packet already emitted to this process's sockets has been handed to its transport
 * (or after `timeoutMs`). Shutdown closes the engine's sockets discarding their write buffers, so an
 * acknowledgement still buffered there would be lost: wait for this first.
 */
export async function flushSocketWrites(ns: Namespace | undefined, timeoutMs: number): Promise<void> {
  if (!ns) return;
  const waits: Promise<void>[] = [];
  for (const socket of ns.sockets.values()) {
    const conn = socket.conn as unknown as EngineSocket;
    if (!conn || conn.readyState !== 'open') continue;
    if (conn.writeBuffer.length === 0 && conn.transport?.writable !== false) continue;
    waits.push(
      new Promise<void>((resolve) => {
        const done = () => {
          conn.off('drain', done);
          conn.off('close', done);
          resolve();
        };
        conn.on('drain', done);
        conn.on('close', done);
      }),
    );
  }
  if (waits.length === 0) return;
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([Promise.all(waits), new Promise<void>((r) => (timer = setTimeout(r, timeoutMs)))]);
  clearTimeout(timer);
}
