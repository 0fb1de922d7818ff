import { createAdapter } from '@socket.io/redis-streams-adapter';
import type Redis from 'ioredis';
import { Server, type Namespace, type ServerOptions } from 'socket.io';
import type { BroadcastOptions } from 'socket.io-adapter';
import { AppConfig, createRedis } from '@vetting/core';

/** The namespace of every live event (`@WebSocketGateway({ namespace: '/live' })`). */
export const LIVE_NAMESPACE = '/live';

/**
 * The one cross-process path of live events (DESIGN, "Reliability principles"): every process's Socket.IO
 * server, api or worker, shares this Redis stream, so what one emits reaches the sockets of all and carries
 * the stream offset that connection-state recovery replays from. Every key (stream, pub/sub channels of
 * the adapter's requests, persisted sessions) is under REDIS_PREFIX.
 */
export function liveAdapter(redis: Redis, config: AppConfig) {
  const prefix = config.env.REDIS_PREFIX;
  const adapterOf = createAdapter(redis, {
    streamName: `${prefix}socket.io`,
    channelPrefix: `${prefix}socket.io`,
    sessionKeyPrefix: `${prefix}sio:session:`,
  });
  // Socket.IO calls this with `new` (so not an arrow function); the adapter object it returns is the instance.
  return function liveNamespaceAdapter(nsp: Namespace) {
    streamWriters.set(nsp, redis);
    return adapterOf(nsp);
  };
}

/** The Redis connection each namespace's adapter writes the stream with (see `broadcastEvents`). */
const streamWriters = new WeakMap<Namespace, { stream?: { cork(): void; uncork(): void } }>();

/** A briefly disconnected client gets its rooms back and the packets it missed (within LIVE_RECOVERY_WINDOW). */
export function liveRecovery(config: AppConfig): ServerOptions['connectionStateRecovery'] {
  return {
    maxDisconnectionDuration: config.env.LIVE_RECOVERY_WINDOW.toMillis(),
    // The handshake check runs on recovery too, so a token revoked meanwhile is refused.
    skipMiddlewares: false,
  };
}

const toRoom = (room: string): BroadcastOptions => ({ rooms: new Set([room]), except: new Set(), flags: {} });

/**
 * `ns.to(room).emit(event, payload)`, answering once the event is in the stream and delivered to this
 * process's sockets (what `emit` does, minus the answer). The adapter logs and drops an event Redis refuses;
 * its connection waits out an outage (the event goes out when Redis is back).
 */
export async function broadcastEvent(ns: Namespace, room: string, event: string, payload: unknown): Promise<void> {
  await ns.adapter.broadcast({ type: 2 /* socket.io-parser EVENT */, data: [event, payload] }, toRoom(room));
}

/**
 * Many `broadcastEvent`s at once (a fan-out batch): the stream writes they make go to Redis in one socket
 * write (the connection is corked while they are made, in order, and uncorked on the next tick) instead of
 * one write each. Answers once every event is in the stream and delivered to this process's sockets.
 */
export async function broadcastEvents(
  ns: Namespace,
  events: readonly { room: string; event: string; payload: unknown }[],
): Promise<void> {
  const stream = streamWriters.get(ns)?.stream;
  stream?.cork();
  let sent: Promise<void>[];
  try {
    sent = events.map((e) => broadcastEvent(ns, e.room, e.event, e.payload));
  } finally {
    if (stream) process.nextTick(() => stream.uncork());
  }
  await Promise.all(sent);
}

/** Test seam: the connection a namespace's stream writes go through. */
export function setStreamWriter(ns: Namespace, redis: { stream?: { cork(): void; uncork(): void } }): void {
  streamWriters.set(ns, redis);
}

/** `ns.in(room).socketsLeave(room)` on every process, answering once it is in the stream. */
export async function leaveRoom(ns: Namespace, room: string): Promise<void> {
  await ns.adapter.delSockets(toRoom(room), [room]);
}

/**
 * A Socket.IO server with the live adapter and no HTTP listener, for a process without the gateway (a
 * worker): `ns.to(room).emit()` goes into the stream, and the api processes deliver it.
 */
export class HeadlessLiveServer {
  private readonly redis: Redis;
  private readonly server: Server;
  readonly namespace: Namespace;

  constructor(config: AppConfig) {
    this.redis = createRedis(config.env.REDIS_URL);
    this.redis.on('error', () => undefined); // reconnects on its own; the adapter's commands wait for it
    this.server = new Server({ serveClient: false });
    this.server.adapter(liveAdapter(this.redis, config) as any);
    this.namespace = this.server.of(LIVE_NAMESPACE);
  }

  async close(): Promise<void> {
    // Not `server.close()`: with no engine attached it would throw. Closing every namespace's adapter stops
    // the stream reader; then the connection goes.
    await Promise.allSettled([this.server.of('/').adapter.close(), this.namespace.adapter.close()]);
    await this.redis.quit().catch(() => this.redis.disconnect());
  }
}
