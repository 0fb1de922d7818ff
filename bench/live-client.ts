/**
 * The load-generating Socket.IO clients of bench/live.ts (forked by it; not meant to be run by hand).
 * Every socket of the benchmark lives in this one process, so send and receive times come from the
 * same clock (`performance.now()`).
 *
 * IPC commands:
 *   candidates {url, list: [{token, attemptId}]}   connect one socket per candidate and `attempt:join`
 *   proctor    {url, token, attemptIds}             connect a proctor and `proctor:watch` every attempt
 *                                                   (a previous proctor `proctor:unwatch`es, stays connected)
 *   idle       {url, tokens, count, concurrency}    connect idle sockets (tokens reused round-robin), at most
 *                                                   `concurrency` handshakes at a time, websocket transport only
 *   closeIdle  {url, count}                         close that many idle sockets connected to url
 *   rawSetup   {url, senders}                       bare Socket.IO: one receiver in rooms r:0..n-1, n senders
 *   run        {mode: 'api'|'raw'|'paired', rate, durationMs, warmupMs, drainMs}
 *              paired: api and raw signals interleaved in one window (each at `rate`, half an interval
 *              apart), so both see the same background load; answers {api, raw}
 *   rawClose, counts, closeAll
 * Every `run` answer carries this process's event-loop utilisation during the run (`clientElu`, 0–1): near 1,
 * the client itself would be the bottleneck of the measurement.
 */
import { performance } from 'node:perf_hooks';
import { io, Socket } from 'socket.io-client';
import { mapLimit, ownFdLimit, serveRpc, sleep, withTimeout } from './live-support';

const CONNECT_TIMEOUT_MS = 20_000;
const ACK_TIMEOUT_MS = 10_000;

interface Candidate {
  socket: Socket;
  attemptId: string;
}

const idle: { socket: Socket; url: string }[] = [];
const candidates: Candidate[] = [];
const proctors: { socket: Socket; attemptIds: string[] }[] = [];
const rawSenders: Socket[] = [];
let rawReceiver: Socket | null = null;
let disconnects = 0;
/** Sequence of every signal sent by this process (unique across runs: it is the relay's match key). */
let seq = 0;

/** Sends waiting for their relay: key → send time and whether it counts (after the warm-up). */
const pending = new Map<string, { at: number; wall: number; measured: boolean }>();
type Kind = 'api' | 'raw';
interface Collector {
  latencies: number[];
  /** LIVE_TRACE: [seq, send time, receive time] in epoch ms with sub-ms precision (timeOrigin + now), comparable with the server's. */
  trace: [number, number, number][];
  toServer: number[];
  fromServer: number[];
  duplicates: number;
  received: number;
}
const collectors: Record<Kind, Collector | null> = { api: null, raw: null };
const seen = new Set<string>();
let tracing = false;

/** `serverAt`: the time the server stamped on the signal (ms since the epoch), for the split of the latency. */
function received(key: string, serverAt?: number): void {
  const now = performance.now();
  const wall = Date.now();
  const collector = collectors[key.startsWith('raw:') ? 'raw' : 'api'];
  const p = pending.get(key);
  if (!p) {
    if (seen.has(key) && collector) collector.duplicates++;
    return;
  }
  pending.delete(key);
  seen.add(key);
  if (collector && p.measured) {
    collector.received++;
    collector.latencies.push(now - p.at);
    if (tracing)
      collector.trace.push([
        Number(key.slice(key.lastIndexOf(':') + 1)),
        performance.timeOrigin + p.at,
        performance.timeOrigin + now,
      ]);
    if (serverAt !== undefined && Number.isFinite(serverAt)) {
      collector.toServer.push(serverAt - p.wall);
      collector.fromServer.push(wall - serverAt);
    }
  }
}

function connect(url: string, token?: string): Promise<Socket> {
  const s = io(url, {
    auth: token ? { token } : {},
    transports: ['websocket'],
    reconnection: false,
    forceNew: true,
    timeout: CONNECT_TIMEOUT_MS,
  });
  return withTimeout(
    new Promise<Socket>((resolve, reject) => {
      s.once('connect', () => {
        s.on('disconnect', (reason) => {
          if (reason !== 'io client disconnect') disconnects++;
        });
        resolve(s);
      });
      s.once('connect_error', (err) => {
        s.close();
        reject(err);
      });
    }),
    CONNECT_TIMEOUT_MS + 1000,
    `connect to ${url}`,
  ).catch((err) => {
    s.close();
    throw err;
  });
}

const emitAck = <T = any>(s: Socket, event: string, payload: unknown): Promise<T> =>
  s.timeout(ACK_TIMEOUT_MS).emitWithAck(event, payload) as Promise<T>;

async function onCandidates(msg: { url: string; list: { token: string; attemptId: string }[] }) {
  const started = performance.now();
  await mapLimit(msg.list, 10, async (c) => {
    const socket = await connect(`${msg.url}/live`, c.token);
    const joined = await emitAck(socket, 'attempt:join', { attemptId: c.attemptId });
    if (!joined?.ok) throw new Error(`attempt:join refused: ${JSON.stringify(joined)}`);
    candidates.push({ socket, attemptId: c.attemptId });
  });
  return { candidates: candidates.length, ms: Math.round(performance.now() - started) };
}

async function onProctor(msg: { url: string; token: string; attemptIds: string[] }) {
  for (const old of proctors) {
    old.socket.off('attempt:signal');
    await mapLimit(old.attemptIds, 10, (attemptId) => emitAck(old.socket, 'proctor:unwatch', { attemptId }));
    old.attemptIds = [];
  }
  const socket = await connect(`${msg.url}/live`, msg.token);
  await mapLimit(msg.attemptIds, 10, async (attemptId) => {
    const r = await emitAck(socket, 'proctor:watch', { attemptId });
    if (!r?.ok) throw new Error(`proctor:watch refused: ${JSON.stringify(r)}`);
  });
  socket.on('attempt:signal', (p: any) => {
    if (p?.source === 'candidate' && p?.type === 'tab_hidden')
      received(`${p.attemptId}:${p.data?.length}`, Date.parse(p.at));
  });
  proctors.push({ socket, attemptIds: msg.attemptIds });
  return { watching: msg.attemptIds.length };
}

async function onIdle(msg: { url: string; tokens: string[]; count: number; concurrency: number }) {
  const started = performance.now();
  let failed = 0;
  let connected = 0;
  let firstError: string | null = null;
  const slots = Array.from({ length: msg.count }, (_, i) => i);
  await mapLimit(slots, msg.concurrency, async (i) => {
    try {
      idle.push({ socket: await connect(`${msg.url}/live`, msg.tokens[i % msg.tokens.length]), url: msg.url });
      connected++;
    } catch (err) {
      failed++;
      firstError ??= (err as Error).message;
    }
  });
  return { connected, failed, firstError, ms: Math.round(performance.now() - started) };
}

async function onCloseIdle(msg: { url: string; count: number }) {
  let closed = 0;
  for (let i = idle.length - 1; i >= 0 && closed < msg.count; i--) {
    if (idle[i].url !== msg.url) continue;
    idle[i].socket.close();
    idle.splice(i, 1);
    closed++;
    if (closed % 500 === 0) await sleep(10); // let the closes go out in batches
  }
  return { closed };
}

async function onRawSetup(msg: { url: string; senders: number }) {
  rawReceiver = await connect(msg.url);
  const rooms = Array.from({ length: msg.senders }, (_, i) => `r:${i}`);
  const joined = await emitAck(rawReceiver, 'join', rooms);
  if (!joined?.ok) throw new Error('raw join refused');
  rawReceiver.on('signal', (m: any) => received(`raw:${m?.seq}`));
  const list = await mapLimit(rooms, 10, () => connect(msg.url));
  rawSenders.push(...list);
  return { senders: rawSenders.length };
}

async function onRun(msg: {
  mode: Kind | 'paired';
  rate: number;
  durationMs: number;
  warmupMs: number;
  drainMs: number;
  trace?: boolean;
}) {
  tracing = Boolean(msg.trace);
  const kinds: Kind[] = msg.mode === 'paired' ? ['api', 'raw'] : [msg.mode];
  const sendersOf = (k: Kind) => (k === 'api' ? candidates.length : rawSenders.length);
  for (const k of kinds) if (sendersOf(k) === 0) throw new Error(`no ${k} senders`);
  if (kinds.includes('api') && proctors.length === 0) throw new Error('no proctor');
  const state = Object.fromEntries(
    kinds.map((k) => [
      k,
      {
        acks: [] as number[],
        ackErrors: 0,
        firstAckError: null as string | null,
        measuredKeys: [] as string[],
        firstMeasuredAt: NaN,
        lastSentAt: NaN,
      },
    ]),
  ) as Record<
    Kind,
    {
      acks: number[];
      ackErrors: number;
      firstAckError: string | null;
      measuredKeys: string[];
      firstMeasuredAt: number;
      lastSentAt: number;
    }
  >;
  for (const k of kinds)
    collectors[k] = { latencies: [], trace: [], toServer: [], fromServer: [], duplicates: 0, received: 0 };
  const interval = 1000 / msg.rate;
  const step = interval / kinds.length;
  const total = Math.ceil(((msg.warmupMs + msg.durationMs) / 1000) * msg.rate);
  const disconnectsBefore = disconnects;
  const elu0 = performance.eventLoopUtilization();
  const t0 = performance.now() + 20;
  for (let j = 0; j < total * kinds.length; j++) {
    const kind = kinds[j % kinds.length];
    const i = Math.floor(j / kinds.length);
    const st = state[kind];
    const due = t0 + j * step;
    const wait = due - performance.now();
    if (wait >= 1) await sleep(wait);
    const measured = i * interval >= msg.warmupMs;
    seq++;
    const sender = i % sendersOf(kind);
    const at = performance.now();
    if (measured && Number.isNaN(st.firstMeasuredAt)) st.firstMeasuredAt = at;
    st.lastSentAt = at;
    const c = kind === 'api' ? candidates[sender] : null;
    const key = c ? `${c.attemptId}:${seq}` : `raw:${seq}`;
    const onAck = (err: Error | null, res: any) => {
      if (err || !res?.ok) {
        st.ackErrors++;
        st.firstAckError ??= err ? err.message : JSON.stringify(res);
      } else if (measured) st.acks.push(performance.now() - at);
    };
    pending.set(key, { at, wall: Date.now(), measured });
    if (c)
      c.socket
        .timeout(ACK_TIMEOUT_MS)
        .emit('attempt:signal', { attemptId: c.attemptId, type: 'tab_hidden', data: { length: seq } }, onAck);
    else rawSenders[sender].timeout(ACK_TIMEOUT_MS).emit('signal', { room: `r:${sender}`, seq, sentAt: at }, onAck);
    if (measured) st.measuredKeys.push(key);
  }
  // Wait (bounded) for the relays still on their way.
  const allKeys = kinds.flatMap((k) => state[k].measuredKeys);
  const drainUntil = performance.now() + msg.drainMs;
  while (performance.now() < drainUntil && allKeys.some((k) => pending.has(k))) await sleep(20);
  const clientElu = Math.round(performance.eventLoopUtilization(elu0).utilization * 1000) / 1000;
  const results = Object.fromEntries(
    kinds.map((k) => {
      const st = state[k];
      const col = collectors[k]!;
      const sendWindowMs = st.lastSentAt - st.firstMeasuredAt;
      return [
        k,
        {
          mode: k,
          senders: sendersOf(k),
          sent: st.measuredKeys.length,
          received: col.received,
          lost: st.measuredKeys.filter((key) => pending.has(key)).length,
          duplicates: col.duplicates,
          ackErrors: st.ackErrors,
          firstAckError: st.firstAckError,
          disconnects: disconnects - disconnectsBefore,
          achievedRate:
            sendWindowMs > 0 ? Math.round(((st.measuredKeys.length - 1) / sendWindowMs) * 1000 * 10) / 10 : null,
          latencies: col.latencies,
          trace: col.trace,
          toServer: col.toServer,
          fromServer: col.fromServer,
          ackLatencies: st.acks,
          clientElu,
        },
      ];
    }),
  );
  pending.clear();
  for (const k of kinds) collectors[k] = null;
  return msg.mode === 'paired' ? { mode: 'paired', ...results } : results[msg.mode];
}

async function closeAll(): Promise<void> {
  for (const s of [
    ...idle.map((x) => x.socket),
    ...candidates.map((c) => c.socket),
    ...proctors.map((p) => p.socket),
    ...rawSenders,
    ...(rawReceiver ? [rawReceiver] : []),
  ])
    s.close();
  idle.length = 0;
  candidates.length = 0;
  proctors.length = 0;
  rawSenders.length = 0;
  rawReceiver = null;
}

serveRpc(
  {
    candidates: onCandidates,
    proctor: onProctor,
    idle: onIdle,
    closeIdle: onCloseIdle,
    rawSetup: onRawSetup,
    run: onRun,
    rawClose: async () => {
      for (const s of rawSenders) s.close();
      rawSenders.length = 0;
      rawReceiver?.close();
      rawReceiver = null;
      return null;
    },
    counts: async () => ({
      idle: idle.filter((x) => x.socket.connected).length,
      candidates: candidates.filter((c) => c.socket.connected).length,
      proctors: proctors.filter((p) => p.socket.connected).length,
      raw: rawSenders.filter((s) => s.connected).length + (rawReceiver?.connected ? 1 : 0),
      disconnects,
      rssMb: Math.round(process.memoryUsage().rss / 1048576),
      fdLimit: ownFdLimit(),
    }),
    closeAll: async () => {
      await closeAll();
      return null;
    },
  },
  closeAll,
  20 * 60_000,
);
