/**
 * One api process of bench/live.ts (forked by it; not meant to be run by hand).
 *
 * Boots the real api with `createApi` (Socket.IO /live with the Redis Streams adapter) on the
 * configuration in BENCH_API_ENV (JSON), listens on 127.0.0.1:<free port>. With BENCH_RAW=1 it also
 * runs, in this same process, a bare Socket.IO server that relays `signal` from a sender to a room — the raw
 * baseline. It has the api's Socket.IO setup (the same `@socket.io/redis-streams-adapter` options and
 * connection-state recovery, through `liveAdapter`/`liveRecovery` of @vetting/live) on its own Redis prefix
 * (`<REDIS_PREFIX>raw:`, so its own stream), and nothing else: no middleware, no authentication, no database.
 * Its relay therefore waits one XADD before local delivery, like every api event.
 *
 * IPC commands: `stats` (sockets connected, CPU and event-loop delay since `resetStats`), `resetStats`,
 * `memory` (RSS after a full collection), `traceOn`, `traceDump`, `stop`.
 */
import 'reflect-metadata';
import { createServer, Server as HttpServer } from 'node:http';
import { AddressInfo } from 'node:net';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { writeHeapSnapshot } from 'node:v8';
import { INestApplication } from '@nestjs/common';
import { MikroORM } from '@mikro-orm/postgresql';
import type Redis from 'ioredis';
import { Server, Socket } from 'socket.io';
import { AppConfig, createRedis } from '@vetting/core';
import { LiveGateway, liveAdapter, liveRecovery } from '@vetting/live';
import { createApi } from '../apps/api/src/bootstrap';
import { ownFdLimit, sendEvent, serveRpc } from './live-support';

let app: INestApplication | undefined;
let raw: Server | undefined;
let rawHttp: HttpServer | undefined;
let rawRedis: Redis | undefined;

const eld = monitorEventLoopDelay({ resolution: 10 });
eld.enable();
let cpuFrom = process.cpuUsage();
let wallFrom = Date.now();

/** The database pool (knex/tarn) sampled every 100 ms: how full it got and how long acquirers waited. */
const POOL_SAMPLE_MS = 100;
let pool: { numUsed(): number; numFree(): number; numPendingAcquires(): number } | null = null;
let poolStats = { size: 0, maxUsed: 0, maxPendingAcquires: 0, exhaustedMs: 0 };
function samplePool(): void {
  if (!pool) return;
  const used = pool.numUsed();
  const pendingAcquires = pool.numPendingAcquires();
  poolStats.maxUsed = Math.max(poolStats.maxUsed, used);
  poolStats.maxPendingAcquires = Math.max(poolStats.maxPendingAcquires, pendingAcquires);
  if (pendingAcquires > 0 && used >= poolStats.size) poolStats.exhaustedMs += POOL_SAMPLE_MS;
}

/**
 * LIVE_TRACE (diagnostic): per signal sequence, when this process got it (`recv`, before any middleware),
 * handed it to the receiver's socket (`emit`) and wrote it to the receiver's transport (`flush`), in epoch ms
 * with sub-ms precision, comparable with the client's `timeOrigin + now()`.
 */
const trace = new Map<number, { recv?: number; emit?: number; flush?: number }>();
const hr = () => performance.timeOrigin + performance.now();
const traced = new WeakSet<Socket>();
const entry = (seq: number) => trace.get(seq) ?? (trace.set(seq, {}), trace.get(seq)!);
/** The relayed signal's sequence: `data.length` of a candidate `attempt:signal`, `seq` of a raw `signal`. */
function seqOf(event: string, body: any): number | undefined {
  const seq =
    event === 'attempt:signal'
      ? body?.source === undefined || body?.source === 'candidate'
        ? body?.data?.length
        : undefined
      : event === 'signal'
        ? body?.seq
        : undefined;
  return typeof seq === 'number' ? seq : undefined;
}
function traceSocket(s: Socket): void {
  if (traced.has(s)) return;
  traced.add(s);
  s.prependAny((event: string, body: any) => {
    const seq = seqOf(event, body);
    if (seq !== undefined) entry(seq).recv ??= hr();
  });
  s.prependAnyOutgoing((event: string, body: any) => {
    const seq = seqOf(event, body);
    if (seq !== undefined) entry(seq).emit ??= hr();
  });
  s.conn.on('flush', (packets: { data?: unknown }[]) => {
    const at = hr();
    for (const p of packets) {
      if (typeof p.data !== 'string') continue;
      const m =
        p.data.includes('"attempt:signal"') && p.data.includes('"source":"candidate"')
          ? /"length":(\d+)/.exec(p.data)
          : p.data.includes('["signal",')
            ? /"seq":(\d+)/.exec(p.data)
            : null;
      if (m) entry(Number(m[1])).flush ??= at;
    }
  });
}

function startRaw(env: Record<string, string>): Promise<number> {
  // The api's adapter and recovery options, on a prefix of its own: its own stream, its own sessions.
  const rawConfig = AppConfig.fromEnv({ ...env, REDIS_PREFIX: `${env.REDIS_PREFIX ?? ''}raw:` });
  rawRedis = createRedis(rawConfig.env.REDIS_URL);
  rawHttp = createServer();
  raw = new Server(rawHttp, { serveClient: false, connectionStateRecovery: liveRecovery(rawConfig) });
  raw.adapter(liveAdapter(rawRedis, rawConfig) as any);
  raw.on('connection', (socket) => {
    socket.on('join', (rooms: unknown, ack?: (r: unknown) => void) => {
      const list = Array.isArray(rooms) ? rooms.filter((r): r is string => typeof r === 'string') : [];
      socket.join(list);
      ack?.({ ok: true, rooms: list.length });
    });
    // The relay: from one client to whoever is in the room, through the adapter (XADD, then local delivery):
    // the same event path as a proctor relay, minus validation, the database and the api's own work.
    socket.on('signal', (msg: any, ack?: (r: unknown) => void) => {
      if (!msg || typeof msg.room !== 'string') return ack?.({ ok: false });
      raw!.to(msg.room).emit('signal', msg);
      ack?.({ ok: true });
    });
  });
  return new Promise((resolve) =>
    rawHttp!.listen(0, '127.0.0.1', () => resolve((rawHttp!.address() as AddressInfo).port)),
  );
}

async function main(): Promise<void> {
  const env = JSON.parse(process.env.BENCH_API_ENV ?? '{}') as Record<string, string>;
  const config = AppConfig.fromEnv(env);
  app = await createApi({ config, withWorker: process.env.BENCH_WITH_WORKER === '1', bufferLogs: false });
  await app.listen(0, '127.0.0.1');
  const port = (app.getHttpServer().address() as AddressInfo).port;
  const rawPort = process.env.BENCH_RAW === '1' ? await startRaw(env) : null;
  const gateway = app.get(LiveGateway);
  const knex = (app.get(MikroORM).em.getConnection() as any).getKnex();
  pool = knex.client.pool ?? null;
  poolStats.size = config.env.DATABASE_POOL_SIZE;
  setInterval(samplePool, POOL_SAMPLE_MS).unref();

  serveRpc(
    {
      resetStats: async () => {
        // Every mode starts on a collected heap: a major collection left over from setup or from the
        // previous mode must not land in (and be charged to) the next one.
        (globalThis as { gc?: () => void }).gc?.();
        eld.reset();
        cpuFrom = process.cpuUsage();
        wallFrom = Date.now();
        poolStats = { size: poolStats.size, maxUsed: 0, maxPendingAcquires: 0, exhaustedMs: 0 };
        return null;
      },
      memory: async () => {
        // Settled memory: full collections until the RSS stops moving (V8 and malloc give pages back a
        // little later; setup work such as compiling and bcrypt leaves them committed for a while), at most 10 s.
        const gc = (globalThis as { gc?: () => void }).gc;
        let last = Infinity;
        for (let i = 0; i < 40; i++) {
          gc?.();
          await new Promise((resolve) => setTimeout(resolve, 250));
          const rss = process.memoryUsage().rss;
          if (Math.abs(rss - last) < 256 * 1024) break;
          last = rss;
        }
        const m = process.memoryUsage();
        return {
          liveSockets: gateway.server?.sockets.size ?? 0,
          rawSockets: raw ? raw.of('/').sockets.size : 0,
          rss: m.rss,
          heapUsed: m.heapUsed,
          external: m.external,
        };
      },
      heapSnapshot: async (msg: { dir: string; name: string }) => ({
        file: writeHeapSnapshot(`${msg.dir}/${msg.name}.heapsnapshot`),
      }),
      traceOn: async () => {
        for (const s of gateway.server.sockets.values()) traceSocket(s);
        if (raw) for (const s of raw.of('/').sockets.values()) traceSocket(s);
        trace.clear();
        return { traced: gateway.server.sockets.size + (raw ? raw.of('/').sockets.size : 0) };
      },
      traceDump: async () => {
        const rows = [...trace].map(([seq, t]) => [seq, t.recv ?? null, t.emit ?? null, t.flush ?? null]);
        trace.clear();
        return rows;
      },
      stats: async () => {
        const cpu = process.cpuUsage(cpuFrom);
        const wall = Date.now() - wallFrom;
        return {
          liveSockets: gateway.server?.sockets.size ?? 0,
          rawSockets: raw ? raw.of('/').sockets.size : 0,
          cpuMs: Math.round((cpu.user + cpu.system) / 1000),
          cpuPercent: wall > 0 ? Math.round(((cpu.user + cpu.system) / 1000 / wall) * 1000) / 10 : 0,
          eventLoopDelayP99Ms: Math.round((eld.percentile(99) / 1e6) * 100) / 100,
          eventLoopDelayMaxMs: Math.round((eld.max / 1e6) * 100) / 100,
          rssMb: Math.round(process.memoryUsage().rss / 1048576),
          pool: {
            ...poolStats,
            usedNow: pool?.numUsed() ?? null,
            pendingAcquiresNow: pool?.numPendingAcquires() ?? null,
          },
        };
      },
    },
    async () => {
      if (raw) await new Promise<void>((resolve) => raw!.close(() => resolve()));
      if (rawHttp?.listening) await new Promise<void>((resolve) => rawHttp!.close(() => resolve()));
      await rawRedis?.quit().catch(() => undefined);
      await app?.close();
    },
    20 * 60_000,
  );
  sendEvent('ready', { port, rawPort, pid: process.pid, fdLimit: ownFdLimit() });
}

main().catch((err) => {
  console.error('live-server failed:', err?.stack ?? err);
  process.exit(1);
});
