/**
 * Live proctoring latency with 10,000 connected sockets on one api process (2 × 5,000 over two for api-2),
 * and the api's memory per connected socket.
 *
 *   node -r ts-node/register/transpile-only -r tsconfig-paths/register bench/live.ts
 *
 * Processes (all forked from this one, which only orchestrates):
 *   api A   bench/live-server.ts: the real api (createApi, Socket.IO /live + Redis Streams adapter), plus a
 *           bare Socket.IO relay server in the same process (the raw baseline), with the same Redis Streams
 *           adapter setup (liveAdapter + liveRecovery) on its own Redis prefix and stream;
 *   api B   bench/live-server.ts on the same database and Redis prefix (two-process mode only);
 *   client  bench/live-client.ts: every socket (candidates, proctor, idle sockets, raw senders/receiver).
 * The children are started through a shell that raises their open-file limit (`ulimit -n`, up to `ulimit -Hn`).
 *
 * Setup (not timed): register LIVE_CANDIDATES candidates + LIVE_IDLE_USERS idle users over HTTP, a proctor,
 * each candidate starts a `quiz-open` attempt and `attempt:join`s it; one proctor `proctor:watch`es every
 * attempt; idle sockets (reusing the idle users' tokens; websocket transport, LIVE_CONNECT_CONCURRENCY
 * handshakes at a time) bring api A to LIVE_SOCKETS connections. api A's RSS after a full collection, before
 * and after the idle sockets, gives the memory per connected socket (also read from GET /metrics:
 * process_resident_memory_bytes and vetting_sockets_connected).
 *
 * Timed, three modes, one after the other, same rate and duration (LIVE_RATE signals/s for LIVE_DURATION_MS,
 * after LIVE_WARMUP_MS of warm-up that is not counted), round-robin over the senders:
 *   raw      a sender emits `signal` to the bare server, which emits it to a room the receiver is in;
 *   api-1    a candidate emits `attempt:signal` (tab_hidden) to api A; the proctor on api A receives
 *            `attempt:signal`. The server validates and stamps the signal and emits it through the Socket.IO
 *            Redis Streams adapter (into the stream, then to the proctor's socket), then stores it (one statement);
 *   paired   raw and api-1 interleaved half an interval apart in one LIVE_PAIRED_DURATION_MS window, so both
 *            see the same moment of the process (ping bursts, collections); the ratio target is read here;
 *   api-2    the same with the proctor connected to api B (candidates stay on api A); idle sockets move from
 *            api A to api B first, so each process holds LIVE_SOCKETS / 2.
 * Latency = proctor receive time − candidate send time, both `performance.now()` in the client process;
 * matched by attemptId + a sequence number sent as `data.length`.
 *
 * The client process's event-loop utilisation is printed for every run (near 1 it would be the bottleneck).
 *
 * Targets: 10,000 sockets on one api process; api-1 p99 ≤ 50 ms; api-1 p99 ≤ 1.5 × raw p99 (paired);
 * api-2 (2 × 5,000 sockets) p99 ≤ 80 ms; RSS per connected socket reported.
 * Scale with LIVE_SOCKETS, LIVE_CANDIDATES, LIVE_IDLE_USERS, LIVE_RATE, LIVE_DURATION_MS, LIVE_WARMUP_MS.
 */
import { loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { Client } from 'pg';
import { metricValue, scrapeMetrics } from './metrics-scrape';
import {
  ADMIN,
  BenchDatabase,
  PASSWORD,
  RpcChild,
  Summary,
  apiEnv,
  benchRedisPrefix,
  createBenchDatabase,
  envInt,
  fdLimits,
  fmtMs,
  forkTs,
  http,
  mapLimit,
  randomId,
  runMain,
  summarize,
  summaryLine,
  verdict,
} from './live-support';

const SOCKETS = envInt('LIVE_SOCKETS', 10_000);
// api-2: sockets on each of the two api processes (idle sockets move from api A to api B).
const SOCKETS_TWO = envInt('LIVE_SOCKETS_TWO', Math.floor(SOCKETS / 2));
const CONNECT_CONCURRENCY = envInt('LIVE_CONNECT_CONCURRENCY', 100);
const CANDIDATES = envInt('LIVE_CANDIDATES', 50);
const IDLE_USERS = envInt('LIVE_IDLE_USERS', 5);
const RATE = envInt('LIVE_RATE', 20);
const DURATION_MS = envInt('LIVE_DURATION_MS', 15_000);
// Not counted: at least 2 s and at least two signals from every sender, so no sender's first signal (a
// pool connection opened, code compiled on first use) falls into the timed window.
const WARMUP_MS = Math.max(envInt('LIVE_WARMUP_MS', 2_000), Math.ceil(((2 * CANDIDATES) / RATE) * 1000));
const DRAIN_MS = 5_000;
// The paired run (raw and api-1 interleaved) decides the ratio target: 900 samples of each by default, so
// its p99 is the 9th slowest rather than the 3rd and one garbage collection does not decide it.
const PAIRED_DURATION_MS = envInt('LIVE_PAIRED_DURATION_MS', 45_000);
// Diagnostics: LIVE_TRACE=1 splits each paired signal's latency at the server (see traceReport);
// LIVE_PAIRED_ONLY=1 runs only the paired window (no sequential modes, no api B).
const TRACE = process.env.LIVE_TRACE === '1';
const PAIRED_ONLY = process.env.LIVE_PAIRED_ONLY === '1';
const TARGET_SOCKETS = 10_000;
const TARGET_SOCKETS_TWO = 5_000;
const TARGET_P99_1 = 50;
const TARGET_RAW_FACTOR = 1.5;
const TARGET_P99_2 = 80;

interface ApiProcess {
  rpc: RpcChild;
  baseUrl: string;
  rawUrl: string | null;
  fdLimit: number | null;
}

async function startServer(
  name: string,
  env: Record<string, string>,
  raw: boolean,
  nofile: number,
): Promise<ApiProcess> {
  // LIVE_CPU_PROF_DIR: write a V8 CPU profile of each api process there (for finding where the time goes);
  // LIVE_NODE_FLAGS: extra node flags for the api processes (e.g. --trace-gc).
  const prof = process.env.LIVE_CPU_PROF_DIR
    ? ['--cpu-prof', `--cpu-prof-dir=${process.env.LIVE_CPU_PROF_DIR}`, `--cpu-prof-name=${name}.cpuprofile`]
    : [];
  const rpc = forkTs(
    name,
    'bench/live-server.ts',
    { BENCH_API_ENV: JSON.stringify(env), BENCH_RAW: raw ? '1' : '0', BENCH_WITH_WORKER: '0' },
    ['--expose-gc', ...prof, ...(process.env.LIVE_NODE_FLAGS ?? '').split(' ').filter(Boolean)],
    { nofile },
  );
  const ready = await rpc.event<{ port: number; rawPort: number | null; fdLimit: number | null }>('ready', 180_000);
  return {
    rpc,
    baseUrl: `http://127.0.0.1:${ready.port}`,
    rawUrl: ready.rawPort ? `http://127.0.0.1:${ready.rawPort}` : null,
    fdLimit: ready.fdLimit,
  };
}

interface MemorySnapshot {
  /** RSS after two full collections (the process's own view). */
  rss: number;
  /** V8 heap used + external memory (less noisy than RSS, which keeps pages a collection freed). */
  heap: number;
  sockets: number;
  /** The same from GET /metrics, scraped right after. */
  metricsRss: number;
  metricsSockets: number;
}

async function memorySnapshot(p: ApiProcess): Promise<MemorySnapshot> {
  const m = await p.rpc.call<{ rss: number; liveSockets: number; heapUsed: number; external: number }>(
    'memory',
    {},
    60_000,
  );
  const metrics = await scrapeMetrics(p.baseUrl);
  return {
    rss: m.rss,
    heap: m.heapUsed + m.external,
    sockets: m.liveSockets,
    metricsRss: metricValue(metrics, 'process_resident_memory_bytes'),
    metricsSockets: metricValue(metrics, 'vetting_sockets_connected'),
  };
}

/** RSS added per connected socket between two snapshots, in KiB, from the process and from GET /metrics. */
function memoryPerSocket(label: string, before: MemorySnapshot, after: MemorySnapshot) {
  const kib = (bytes: number, n: number) => (n > 0 ? Math.round((bytes / n / 1024) * 10) / 10 : NaN);
  const r = {
    sockets: after.sockets - before.sockets,
    rssBeforeMb: Math.round(before.rss / 1048576),
    rssAfterMb: Math.round(after.rss / 1048576),
    kibPerSocket: kib(after.rss - before.rss, after.sockets - before.sockets),
    heapKibPerSocket: kib(after.heap - before.heap, after.sockets - before.sockets),
    metrics: {
      sockets: after.metricsSockets - before.metricsSockets,
      rssBeforeMb: Math.round(before.metricsRss / 1048576),
      rssAfterMb: Math.round(after.metricsRss / 1048576),
      kibPerSocket: kib(after.metricsRss - before.metricsRss, after.metricsSockets - before.metricsSockets),
    },
  };
  console.log(
    `memory ${label}: RSS ${r.rssBeforeMb} MB with ${before.sockets} sockets → ${r.rssAfterMb} MB with ${after.sockets} (after full collections): ` +
      `${r.kibPerSocket} KiB per connected socket (V8 heap + external: ${r.heapKibPerSocket} KiB); GET /metrics: process_resident_memory_bytes ${r.metrics.rssBeforeMb} → ${r.metrics.rssAfterMb} MB, ` +
      `vetting_sockets_connected ${before.metricsSockets} → ${after.metricsSockets}: ${r.metrics.kibPerSocket} KiB per socket`,
  );
  return r;
}

/** Bounded wait until the api process counts `want` sockets or fewer (closed sockets leave on the server's side). */
async function waitSocketsAtMost(p: ApiProcess, want: number, timeoutMs = 60_000): Promise<number> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const n = (await p.rpc.call('stats')).liveSockets as number;
    if (n <= want || Date.now() > until) return n;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

interface RunResult {
  mode: string;
  senders: number;
  sent: number;
  received: number;
  lost: number;
  duplicates: number;
  ackErrors: number;
  firstAckError: string | null;
  disconnects: number;
  achievedRate: number | null;
  clientElu: number;
  latencies: number[];
  trace?: [number, number, number][];
  toServer: number[];
  fromServer: number[];
  ackLatencies: number[];
}

interface ModeReport {
  latency: Summary;
  ack: Summary;
  toServer?: Summary;
  fromServer?: Summary;
  sent: number;
  received: number;
  lost: number;
  duplicates: number;
  ackErrors: number;
  disconnects: number;
  achievedRate: number | null;
  clientElu: number;
  loadavg: number[];
  backends: Record<string, number>;
  server: Record<string, unknown>;
  serverB?: Record<string, unknown>;
}

/** Samples pg_stat_activity of the bench database every 250 ms until stopped: the most backends seen per state. */
function watchBackends(db: BenchDatabase): { stop: () => Promise<Record<string, number>> } {
  const pg = new Client({ connectionString: db.url });
  const max: Record<string, number> = {};
  let running = true;
  const loop = (async () => {
    await pg.connect();
    try {
      for (let i = 0; running && i < 4 * 600; i++) {
        const rows = (
          await pg.query(
            `select coalesce(state, 'none') as state, count(*)::int as n from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid() group by 1`,
          )
        ).rows as { state: string; n: number }[];
        for (const r of rows) max[r.state] = Math.max(max[r.state] ?? 0, r.n);
        await new Promise((resolve) => setTimeout(resolve, 250));
      }
    } finally {
      await pg.end();
    }
  })();
  return {
    stop: async () => {
      running = false;
      await loop.catch(() => undefined);
      return max;
    },
  };
}

async function timedRun(
  label: string,
  client: RpcChild,
  mode: 'api' | 'raw',
  servers: ApiProcess[],
  db: BenchDatabase,
): Promise<ModeReport> {
  for (const s of servers) await s.rpc.call('resetStats');
  // prom-client resets its event-loop lag histogram at every scrape: this one starts the run's window.
  await Promise.all(servers.map((s) => scrapeMetrics(s.baseUrl).catch(() => [])));
  const backends = watchBackends(db);
  const r = await client.call<RunResult>(
    'run',
    { mode, rate: RATE, durationMs: DURATION_MS, warmupMs: WARMUP_MS, drainMs: DRAIN_MS },
    WARMUP_MS + DURATION_MS + DRAIN_MS + 60_000,
  );
  const stats = await Promise.all(servers.map((s) => s.rpc.call('stats')));
  const scraped = await Promise.all(servers.map((s) => scrapeMetrics(s.baseUrl)));
  const maxBackends = await backends.stop();
  const latency = summarize(r.latencies);
  const ack = summarize(r.ackLatencies);
  const load = loadavg().map((x) => Math.round(x * 100) / 100);
  console.log(summaryLine(`${label} signal → receiver latency`, latency));
  console.log(summaryLine(`${label} sender ack round trip      `, ack));
  const split = mode === 'api' ? { toServer: summarize(r.toServer), fromServer: summarize(r.fromServer) } : {};
  if (split.toServer && split.fromServer) {
    console.log(summaryLine(`${label}   split (1 ms clock): send → server stamps the signal  `, split.toServer));
    console.log(summaryLine(`${label}   split (1 ms clock): stamp → proctor receives`, split.fromServer));
  }
  console.log(
    `${label} sent=${r.sent} received=${r.received} lost=${r.lost} duplicates=${r.duplicates} ackErrors=${r.ackErrors}` +
      `${r.firstAckError ? ` (first: ${r.firstAckError})` : ''} disconnects=${r.disconnects} senders=${r.senders} achieved rate=${r.achievedRate}/s`,
  );
  console.log(
    `${label} client process event-loop utilisation during the run: ${r.clientElu} (near 1 = the client is the bottleneck)`,
  );
  console.log(`${label} machine load average (1/5/15 min) at the end: ${load.join(' / ')} on 2 cores`);
  stats.forEach((s, i) =>
    console.log(
      `${label} api ${i === 0 ? 'A' : 'B'} during the run: cpu=${s.cpuPercent}% of one core, event-loop delay p99=${s.eventLoopDelayP99Ms} ms max=${s.eventLoopDelayMaxMs} ms, rss=${s.rssMb} MB, /live sockets=${s.liveSockets}; ` +
        `db pool: max ${s.pool.maxUsed}/${s.pool.size} in use, max ${s.pool.maxPendingAcquires} waiting to acquire, ${s.pool.exhaustedMs} ms full with waiters (now ${s.pool.usedNow} in use, ${s.pool.pendingAcquiresNow} waiting)`,
    ),
  );
  scraped.forEach((m, i) =>
    console.log(
      `${label} api ${i === 0 ? 'A' : 'B'} GET /metrics after the run: vetting_sockets_connected=${metricValue(m, 'vetting_sockets_connected')}, ` +
        `process_resident_memory_bytes=${Math.round(metricValue(m, 'process_resident_memory_bytes') / 1048576)} MB, ` +
        `nodejs_eventloop_lag_p99_seconds=${(metricValue(m, 'nodejs_eventloop_lag_p99_seconds') * 1000).toFixed(1)} ms (over the run)`,
    ),
  );
  const signalsSent = Math.ceil(((WARMUP_MS + DURATION_MS) / 1000) * RATE);
  console.log(
    `${label} api A CPU time per ${mode === 'raw' ? 'relayed message' : 'signal'}: ${(stats[0].cpuMs / signalsSent).toFixed(2)} ms (CPU used during the run, warm-up and drain included, ÷ ${signalsSent} sent; the idle cost of the connected sockets is not subtracted)`,
  );
  console.log(
    `${label} PostgreSQL backends of the bench database, most seen per state: ${JSON.stringify(maxBackends)}`,
  );
  return {
    latency,
    ack,
    ...split,
    sent: r.sent,
    received: r.received,
    lost: r.lost,
    duplicates: r.duplicates,
    ackErrors: r.ackErrors,
    disconnects: r.disconnects,
    achievedRate: r.achievedRate,
    clientElu: r.clientElu,
    loadavg: load,
    backends: maxBackends,
    server: stats[0],
    ...(stats[1] ? { serverB: stats[1] } : {}),
  };
}

/** Raw relay and api-1 interleaved in one timed window on api A: same process, same moment, same load. */
async function pairedRun(client: RpcChild, a: ApiProcess) {
  if (TRACE) await a.rpc.call('traceOn');
  await a.rpc.call('resetStats');
  const r = await client.call<{ api: RunResult; raw: RunResult }>(
    'run',
    {
      mode: 'paired',
      rate: RATE,
      durationMs: PAIRED_DURATION_MS,
      warmupMs: WARMUP_MS,
      drainMs: DRAIN_MS,
      trace: TRACE,
    },
    WARMUP_MS + PAIRED_DURATION_MS + DRAIN_MS + 60_000,
  );
  const stats = await a.rpc.call('stats');
  if (TRACE) traceReport(await a.rpc.call<[number, number | null, number | null, number | null][]>('traceDump'), r);
  const raw = summarize(r.raw.latencies);
  const api = summarize(r.api.latencies);
  console.log(summaryLine('paired raw   signal → receiver latency', raw));
  console.log(summaryLine('paired api-1 signal → receiver latency', api));
  console.log(
    `paired sent raw=${r.raw.sent} api=${r.api.sent}, lost raw=${r.raw.lost} api=${r.api.lost}, ack errors raw=${r.raw.ackErrors} api=${r.api.ackErrors}, disconnects=${r.api.disconnects}`,
  );
  console.log(
    `paired api A during the run: cpu=${stats.cpuPercent}% of one core, event-loop delay p99=${stats.eventLoopDelayP99Ms} ms max=${stats.eventLoopDelayMaxMs} ms, rss=${stats.rssMb} MB; ` +
      `client process event-loop utilisation ${r.api.clientElu}`,
  );
  return { raw, api, rawLost: r.raw.lost, apiLost: r.api.lost, server: stats, clientElu: r.api.clientElu };
}

/**
 * LIVE_TRACE: each paired signal's latency cut in four at the server's timestamps — client send → server got
 * it (inbound), → emitted to the receiver's socket (handler), → written to its transport (write), → client
 * got it (outbound). The two processes' clocks may be offset by a constant; raw and api share it, so the
 * difference between them per segment is what counts. The tail line averages the segments of the slowest 5 %.
 */
function traceReport(
  server: [number, number | null, number | null, number | null][],
  r: { api: RunResult; raw: RunResult },
): void {
  const bySeq = new Map(server.map(([seq, recv, emit, flush]) => [seq, { recv, emit, flush }]));
  for (const kind of ['raw', 'api'] as const) {
    const rows = (r[kind].trace ?? []).flatMap(([seq, sent, got]) => {
      const t = bySeq.get(seq);
      if (!t || t.recv === null || t.emit === null || t.flush === null) return [];
      return [
        {
          total: got - sent,
          inbound: t.recv - sent,
          handler: t.emit - t.recv,
          write: t.flush - t.emit,
          outbound: got - t.flush,
        },
      ];
    });
    const segments = ['total', 'inbound', 'handler', 'write', 'outbound'] as const;
    console.log(`trace ${kind}: ${rows.length} of ${(r[kind].trace ?? []).length} signals traced`);
    for (const seg of segments)
      console.log(summaryLine(`trace ${kind} ${seg.padEnd(8)}`, summarize(rows.map((x) => x[seg]))));
    const tail = [...rows].sort((x, y) => y.total - x.total).slice(0, Math.max(1, Math.ceil(rows.length / 20)));
    const mean = (seg: (typeof segments)[number]) => (tail.reduce((a, x) => a + x[seg], 0) / tail.length).toFixed(3);
    console.log(
      `trace ${kind} slowest 5 % (${tail.length}), mean ms: ${segments.map((seg) => `${seg}=${mean(seg)}`).join(' ')}`,
    );
  }
}

/** Context figure: a one-row insert committed on its own, as seen from a client on this machine (commit = WAL flush). */
async function commitProbe(db: BenchDatabase, n = 200): Promise<Summary> {
  const pg = new Client({ connectionString: db.url });
  await pg.connect();
  try {
    await pg.query('create table if not exists bench_commit_probe (id bigserial primary key, at timestamptz not null)');
    const times: number[] = [];
    for (let i = 0; i < n; i++) {
      const t = performance.now();
      await pg.query('insert into bench_commit_probe (at) values (now())');
      times.push(performance.now() - t);
    }
    await pg.query('drop table bench_commit_probe');
    return summarize(times);
  } finally {
    await pg.end();
  }
}

runMain('live', 15 * 60_000, async () => {
  const idleCount = SOCKETS - CANDIDATES - 1;
  if (idleCount < 0) throw new Error('LIVE_SOCKETS must be at least LIVE_CANDIDATES + 1');
  if (SOCKETS_TWO < CANDIDATES + 1 || SOCKETS_TWO > SOCKETS)
    throw new Error('LIVE_SOCKETS_TWO must be between LIVE_CANDIDATES + 1 and LIVE_SOCKETS');
  // Each child holds up to LIVE_SOCKETS sockets (one file descriptor each) plus its database, Redis and IPC.
  const fd = fdLimits();
  const needed = SOCKETS + 1024;
  if (fd.hard < needed)
    throw new Error(`ulimit -Hn is ${fd.hard}: ${SOCKETS} sockets need about ${needed} open files per process`);
  const nofile = Number.isFinite(fd.hard) ? fd.hard : Math.max(fd.soft, 4 * needed);
  console.log(
    `machine: load average ${loadavg()
      .map((x) => x.toFixed(2))
      .join(' / ')} on 2 cores at the start (other work on the machine adds noise)`,
  );
  console.log(
    `live: ${SOCKETS} sockets on api A (${CANDIDATES} candidates, 1 proctor, ${idleCount} idle), ${RATE} signals/s for ${DURATION_MS} ms after ${WARMUP_MS} ms warm-up, per mode; api-2 with ${SOCKETS_TWO} sockets on each of two api processes`,
  );
  const db = await createBenchDatabase();
  const prefix = benchRedisPrefix();
  // LIVE_DATABASE_POOL_SIZE: the api's DATABASE_POOL_SIZE (default: the product default, 10).
  // LIVE_SIGNAL_WRITE_WINDOW_MS: the api's SIGNAL_WRITE_WINDOW_MS (default: the product default, 5).
  const env = apiEnv(db, prefix, {
    ...(process.env.LIVE_DATABASE_POOL_SIZE
      ? { DATABASE_POOL_SIZE: String(envInt('LIVE_DATABASE_POOL_SIZE', 10)) }
      : {}),
    ...(process.env.LIVE_SIGNAL_WRITE_WINDOW_MS
      ? { SIGNAL_WRITE_WINDOW_MS: process.env.LIVE_SIGNAL_WRITE_WINDOW_MS }
      : {}),
  });
  console.log(
    `setup: database ${db.name}, redis prefix ${prefix} (raw relay: ${prefix}raw:), api DATABASE_POOL_SIZE=${env.DATABASE_POOL_SIZE ?? '10 (default)'}, SIGNAL_WRITE_WINDOW_MS=${env.SIGNAL_WRITE_WINDOW_MS ?? '5 (default)'}`,
  );

  const t0 = Date.now();
  const a = await startServer('api-A', env, true, nofile);
  const client = forkTs('client', 'bench/live-client.ts', {}, [], { nofile });
  const clientFd = (await client.call('counts')).fdLimit;
  console.log(
    `setup: api A at ${a.baseUrl} (raw relay at ${a.rawUrl}) ready in ${Date.now() - t0} ms; open-file limit: this process ${fd.soft} (hard ${fd.hard}), api A ${a.fdLimit}, client ${clientFd}`,
  );

  // ---- users and attempts over HTTP (not timed) -------------------------------------------
  const tag = randomId(3);
  const admin = (await http(a.baseUrl, 'POST', '/api/auth/login', { body: ADMIN, expect: 200 })).accessToken as string;
  const proctorEmail = `proctor-${tag}@bench-live.test`;
  await http(a.baseUrl, 'POST', '/api/admin/users', {
    token: admin,
    body: { email: proctorEmail, password: PASSWORD, name: 'Bench Proctor', role: 'proctor', timeZone: 'UTC' },
    expect: 201,
  });
  const proctor = (
    await http(a.baseUrl, 'POST', '/api/auth/login', { body: { email: proctorEmail, password: PASSWORD }, expect: 200 })
  ).accessToken as string;
  const register = (i: number, kind: string) =>
    http(a.baseUrl, 'POST', '/api/auth/register', {
      body: {
        email: `${kind}-${tag}-${i}@bench-live.test`,
        password: PASSWORD,
        name: `Bench ${kind} ${i}`,
        role: 'freelancer',
        timeZone: 'UTC',
      },
      expect: 201,
    }).then((b) => b.accessToken as string);
  const t1 = Date.now();
  const candidateTokens = await mapLimit(
    Array.from({ length: CANDIDATES }, (_, i) => i),
    4,
    (i) => register(i, 'cand'),
  );
  const idleTokens = await mapLimit(
    Array.from({ length: IDLE_USERS }, (_, i) => i),
    4,
    (i) => register(i, 'idle'),
  );
  const attempts = await mapLimit(candidateTokens, 4, async (token) => {
    const attempt = await http(a.baseUrl, 'POST', '/api/assessments/quiz-open/attempts', { token, expect: 201 });
    return { token, attemptId: attempt.id as string };
  });
  console.log(
    `setup: ${CANDIDATES} candidates + ${IDLE_USERS} idle users registered, ${attempts.length} quiz-open attempts created in ${Date.now() - t1} ms`,
  );

  // ---- sockets (not timed) -------------------------------------------------------------------
  const c1 = await client.call('candidates', { url: a.baseUrl, list: attempts }, 180_000);
  await client.call(
    'proctor',
    { url: a.baseUrl, token: proctor, attemptIds: attempts.map((x) => x.attemptId) },
    120_000,
  );
  console.log(
    `setup: ${c1.candidates} candidates joined their attempts in ${c1.ms} ms; proctor on api A watches ${attempts.length} attempts`,
  );
  // In two halves, with a memory snapshot between: the RSS right after start-up still holds pages the start-up
  // freed (ts-node's compilation), which the first sockets reuse; the second half's growth is the marginal cost.
  const memBeforeA = await memorySnapshot(a);
  const half = Math.floor(idleCount / 2);
  const idle = { connected: 0, failed: 0, ms: 0, firstError: null as string | null };
  let memHalfA: MemorySnapshot | null = null;
  for (const count of [half, idleCount - half]) {
    if (memHalfA === null && idle.connected + idle.failed > 0) memHalfA = await memorySnapshot(a);
    const r = await client.call(
      'idle',
      { url: a.baseUrl, tokens: idleTokens, count, concurrency: CONNECT_CONCURRENCY },
      600_000,
    );
    idle.connected += r.connected;
    idle.failed += r.failed;
    idle.ms += r.ms;
    idle.firstError ??= r.firstError;
  }
  console.log(
    `setup: ${idle.connected} idle sockets connected in ${idle.ms} ms, ${CONNECT_CONCURRENCY} handshakes at a time (${idle.failed} failed${idle.firstError ? `, first: ${idle.firstError}` : ''})`,
  );
  const memAfterA = await memorySnapshot(a);
  const memoryA = memoryPerSocket('api A', memBeforeA, memAfterA);
  const memoryA2 = memHalfA ? memoryPerSocket('api A, second half only', memHalfA, memAfterA) : null;
  // LIVE_HEAP_SNAPSHOT_DIR (diagnostic): api A's heap with every socket connected, to see what a socket holds.
  if (process.env.LIVE_HEAP_SNAPSHOT_DIR) {
    const snap = await a.rpc.call('heapSnapshot', { dir: process.env.LIVE_HEAP_SNAPSHOT_DIR, name: 'api-A' }, 300_000);
    console.log(`heap snapshot of api A: ${snap.file}`);
  }
  const aStats = await a.rpc.call('stats');
  const connectedOnA = aStats.liveSockets as number;
  console.log(
    `sockets connected to api A (/live, counted by the server): ${connectedOnA}  target ≥ ${TARGET_SOCKETS}: ${verdict(connectedOnA >= TARGET_SOCKETS)}`,
  );

  // ---- raw Socket.IO relay (same api process, same client process) ---------------------------
  await client.call('rawSetup', { url: a.rawUrl, senders: CANDIDATES }, 60_000);
  console.log(
    `raw: bare Socket.IO server in api A's process with the api's Redis Streams adapter setup on its own prefix, ${CANDIDATES} senders → 1 receiver in ${CANDIDATES} rooms (the ${connectedOnA} /live sockets stay connected)`,
  );
  if (PAIRED_ONLY) {
    const paired = await pairedRun(client, a);
    console.log(`paired ratio (p99 api ÷ raw): ${(paired.api.p99 / paired.raw.p99).toFixed(2)}`);
    await client.call('closeAll');
    return;
  }
  const raw = await timedRun('raw  ', client, 'raw', [a], db);

  // ---- context: PostgreSQL commit latency on this machine --------------------------------------
  const commit = await commitProbe(db);
  console.log(summaryLine('context: PostgreSQL single-row insert + commit (autocommit, sequential)', commit));

  // ---- the api, one process ------------------------------------------------------------------
  console.log(
    'api-1: candidate attempt:signal → validated, stamped, emitted through the adapter (XADD, then local delivery) to the proctor on the same api process (then stored; the candidate ack waits for the row)',
  );
  const api1 = await timedRun('api-1', client, 'api', [a], db);

  // ---- paired: raw and api-1 interleaved in one window, so both see the same background load --------
  console.log(
    `paired: raw and api-1 signals interleaved in one ${PAIRED_DURATION_MS / 1000} s window (${RATE}/s each, half an interval apart); the target compares these two`,
  );
  const paired = await pairedRun(client, a);
  await client.call('rawClose');

  // ---- the api, two processes, SOCKETS_TWO sockets each ---------------------------------------------
  const t2 = Date.now();
  const b = await startServer('api-B', env, false, nofile);
  console.log(`setup: api B at ${b.baseUrl} (same database and Redis prefix) ready in ${Date.now() - t2} ms`);
  const moved = await client.call('closeIdle', { url: a.baseUrl, count: connectedOnA - SOCKETS_TWO });
  const leftOnA = await waitSocketsAtMost(a, SOCKETS_TWO);
  const memBeforeB = await memorySnapshot(b);
  await client.call(
    'proctor',
    { url: b.baseUrl, token: proctor, attemptIds: attempts.map((x) => x.attemptId) },
    120_000,
  );
  const idleB = await client.call(
    'idle',
    { url: b.baseUrl, tokens: idleTokens, count: SOCKETS_TWO - 1, concurrency: CONNECT_CONCURRENCY },
    600_000,
  );
  const memAfterB = await memorySnapshot(b);
  const memoryB = memoryPerSocket('api B', memBeforeB, memAfterB);
  const onA2 = (await a.rpc.call('stats')).liveSockets as number;
  const onB2 = (await b.rpc.call('stats')).liveSockets as number;
  console.log(
    `setup: ${moved.closed} idle sockets closed on api A (${leftOnA} left), proctor + ${idleB.connected} idle sockets connected to api B in ${idleB.ms} ms (${idleB.failed} failed); ` +
      `sockets now: api A ${onA2}, api B ${onB2} (target ≥ ${TARGET_SOCKETS_TWO} each)`,
  );
  console.log('api-2: candidates on api A, proctor on api B (the proctor on api A unwatched, still connected)');
  const api2 = await timedRun('api-2', client, 'api', [a, b], db);
  const counts = await client.call('counts');
  console.log(
    `client process: ${counts.idle + counts.candidates + counts.proctors} sockets still connected, ${counts.disconnects} unexpected disconnects, rss=${counts.rssMb} MB`,
  );

  // ---- verdicts ------------------------------------------------------------------------------
  // The ratio target is read from the paired run: the sequential modes see different moments of the
  // process (ping bursts of the connected sockets, collections), which moves a 300-sample p99 either way.
  const ratio = paired.api.p99 / paired.raw.p99;
  const sequentialRatio = api1.latency.p99 / raw.latency.p99;
  const twoMet = onA2 >= TARGET_SOCKETS_TWO && onB2 >= TARGET_SOCKETS_TWO;
  const targets = {
    sockets: { value: connectedOnA, target: `>= ${TARGET_SOCKETS}`, met: connectedOnA >= TARGET_SOCKETS },
    api1P99: {
      value: api1.latency.p99,
      target: `<= ${TARGET_P99_1} ms`,
      met: api1.latency.p99 <= TARGET_P99_1 && api1.lost === 0 && connectedOnA >= TARGET_SOCKETS,
    },
    api1VsRaw: {
      value: Math.round(ratio * 100) / 100,
      target: `<= ${TARGET_RAW_FACTOR}x raw p99 in the paired run (${fmtMs(paired.raw.p99 * TARGET_RAW_FACTOR)})`,
      met: ratio <= TARGET_RAW_FACTOR && paired.apiLost === 0,
      sequential: Math.round(sequentialRatio * 100) / 100,
    },
    api2P99: {
      value: api2.latency.p99,
      sockets: [onA2, onB2],
      target: `<= ${TARGET_P99_2} ms with >= ${TARGET_SOCKETS_TWO} sockets on each process`,
      met: api2.latency.p99 <= TARGET_P99_2 && api2.lost === 0 && twoMet,
    },
    memory: {
      kibPerSocketA: memoryA.kibPerSocket,
      kibPerSocketASecondHalf: memoryA2?.kibPerSocket ?? null,
      heapKibPerSocketA: memoryA.heapKibPerSocket,
      kibPerSocketB: memoryB.kibPerSocket,
      target: 'reported',
    },
  };
  console.log('');
  console.log(
    'note: each api signal is emitted as it arrives through the Socket.IO Redis Streams adapter (one XADD, then local delivery; other api processes read the stream), then stored in PostgreSQL (one statement); the candidate ack waits for the row (ack round trip above). The raw relay goes through the same adapter setup (its own stream), with no other I/O.',
  );
  for (const [name, m] of [
    ['api-1', api1],
    ['api-2', api2],
  ] as const) {
    const pool = (m.server as any).pool;
    if (pool.exhaustedMs > 0 || m.ackErrors > 0 || m.lost > 0) {
      console.log(
        `observed in ${name}: api A's database pool was full (${pool.maxUsed}/${pool.size}) with up to ${pool.maxPendingAcquires} acquirers waiting for ${pool.exhaustedMs} ms, ` +
          `${m.lost} signals never reached the proctor, ${m.ackErrors} got no ack within 10 s, most 'idle in transaction' backends seen: ${m.backends['idle in transaction'] ?? 0}`,
      );
    }
  }
  console.log(
    `target: ${TARGET_SOCKETS} connected sockets on one api process: ${connectedOnA} → ${verdict(targets.sockets.met)}`,
  );
  console.log(
    `target: api-1 p99 ≤ ${TARGET_P99_1} ms with ${connectedOnA} sockets: ${fmtMs(api1.latency.p99)} (lost ${api1.lost}) → ${verdict(targets.api1P99.met)}`,
  );
  console.log(
    `target: api-1 p99 ≤ ${TARGET_RAW_FACTOR} × raw p99 (same Redis Streams adapter), paired run (${fmtMs(paired.raw.p99)} → ${fmtMs(paired.raw.p99 * TARGET_RAW_FACTOR)}): ${fmtMs(paired.api.p99)} = ${ratio.toFixed(2)} × raw → ${verdict(targets.api1VsRaw.met)}`,
  );
  console.log(
    `      (the sequential modes above: api-1 ${fmtMs(api1.latency.p99)} vs raw ${fmtMs(raw.latency.p99)} = ${sequentialRatio.toFixed(2)} ×, for information)`,
  );
  console.log(
    `target: api-2 p99 ≤ ${TARGET_P99_2} ms, ${onA2} + ${onB2} sockets: ${fmtMs(api2.latency.p99)} (lost ${api2.lost}) → ${verdict(targets.api2P99.met)}`,
  );
  console.log(
    `reported: RSS per connected socket: api A ${memoryA.kibPerSocket} KiB (GET /metrics ${memoryA.metrics.kibPerSocket} KiB) over ${memoryA.sockets} sockets ` +
      `(second half alone ${memoryA2?.kibPerSocket ?? 'n/a'} KiB; V8 heap + external ${memoryA.heapKibPerSocket} KiB), api B ${memoryB.kibPerSocket} KiB (GET /metrics ${memoryB.metrics.kibPerSocket} KiB) over ${memoryB.sockets}`,
  );
  console.log(
    `client process event-loop utilisation: raw ${raw.clientElu}, api-1 ${api1.clientElu}, paired ${paired.clientElu}, api-2 ${api2.clientElu}`,
  );

  await client.call('closeAll');
  const strip = (m: ModeReport) => ({ ...m });
  console.log(
    JSON.stringify({
      bench: 'live',
      at: new Date().toISOString(),
      config: {
        sockets: SOCKETS,
        socketsTwo: SOCKETS_TWO,
        candidates: CANDIDATES,
        idleUsers: IDLE_USERS,
        rate: RATE,
        durationMs: DURATION_MS,
        pairedDurationMs: PAIRED_DURATION_MS,
        warmupMs: WARMUP_MS,
        connectConcurrency: CONNECT_CONCURRENCY,
        fdLimit: { parent: fd, apiA: a.fdLimit, client: clientFd },
      },
      connectedOnA,
      twoProcesses: { apiA: onA2, apiB: onB2 },
      memory: { apiA: memoryA, apiASecondHalf: memoryA2, apiB: memoryB },
      pgCommit: commit,
      raw: strip(raw),
      api1: strip(api1),
      paired,
      api2: strip(api2),
      targets,
    }),
  );
});
