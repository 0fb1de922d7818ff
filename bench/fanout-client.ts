/**
 * The sample of followers' sockets of bench/fanout.ts (forked by it; not meant to be run by hand). A client
 * process cannot hold 100,000 sockets, so this one holds a sample (websocket only), spread evenly over the
 * follower list, and stamps when each `notification:new` arrives, in epoch ms (`timeOrigin + now()`, the
 * parent's clock too: same machine).
 *
 * IPC commands:
 *   connect {url, users: [{id, token}], concurrency}   one socket per user, connected in bounded batches
 *   arrivals {type}                                    per sampled user, the first arrival of a
 *                                                      `notification:new` of that type (epoch ms), and repeats
 *   counts                                             sockets connected, unexpected disconnects
 */
import { performance } from 'node:perf_hooks';
import { io, Socket } from 'socket.io-client';
import { mapLimit, serveRpc, withTimeout } from './live-support';

const CONNECT_TIMEOUT_MS = 30_000;

const sockets: Socket[] = [];
let disconnects = 0;
/** type → user id → first arrival (epoch ms). */
const firsts = new Map<string, Map<string, number>>();
const repeats = new Map<string, number>();
const ids = new Map<string, Set<string>>();

function onNotification(userId: string, n: { id?: string; type?: string }): void {
  const at = performance.timeOrigin + performance.now();
  const type = String(n?.type ?? '?');
  let byUser = firsts.get(type);
  if (!byUser) firsts.set(type, (byUser = new Map()));
  if (!byUser.has(userId)) byUser.set(userId, at);
  const key = `${type}:${userId}`;
  let seen = ids.get(key);
  if (!seen) ids.set(key, (seen = new Set()));
  if (n?.id && seen.has(n.id)) repeats.set(type, (repeats.get(type) ?? 0) + 1);
  if (n?.id) seen.add(n.id);
}

function connect(url: string, user: { id: string; token: string }): Promise<Socket> {
  const s = io(url, {
    auth: { token: user.token },
    transports: ['websocket'],
    reconnection: false,
    forceNew: true,
    timeout: CONNECT_TIMEOUT_MS,
  });
  s.on('notification:new', (n) => onNotification(user.id, n));
  return withTimeout(
    new Promise<Socket>((resolve, reject) => {
      s.once('connect', () => {
        s.on('disconnect', (reason) => {
          if (reason !== 'io client disconnect') disconnects++;
        });
        resolve(s);
      });
      s.once('connect_error', (err) => reject(err));
    }),
    CONNECT_TIMEOUT_MS + 1000,
    `connect to ${url}`,
  ).catch((err) => {
    s.close();
    throw err;
  });
}

serveRpc(
  {
    async connect(msg: { url: string; users: { id: string; token: string }[]; concurrency: number }) {
      const started = performance.now();
      let failed = 0;
      let firstError: string | null = null;
      await mapLimit(msg.users, msg.concurrency, async (u) => {
        try {
          sockets.push(await connect(`${msg.url}/live`, u));
        } catch (err) {
          failed++;
          firstError ??= String((err as Error)?.message ?? err);
        }
      });
      return { connected: sockets.length, failed, firstError, ms: Math.round(performance.now() - started) };
    },
    async arrivals(msg: { type: string }) {
      return {
        arrivals: [...(firsts.get(msg.type) ?? new Map<string, number>()).values()],
        repeats: repeats.get(msg.type) ?? 0,
      };
    },
    async counts() {
      return { connected: sockets.filter((s) => s.connected).length, disconnects };
    },
  },
  async () => {
    for (const s of sockets) s.close();
  },
  30 * 60_000,
);
