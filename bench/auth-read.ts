/**
 * bench/auth-read.ts — an authenticated read, `GET /api/me`, on the real api against a bare NestJS
 * endpoint that verifies the same JWT, in the same run, with the same load.
 *
 *  - api: `createApi` on its own database and Redis prefix (no worker), the admin's token;
 *  - baseline: a bare Nest app (express platform, default options), one `GET /api/me` behind a
 *    minimal guard that verifies the same token with @nestjs/jwt (HS256, the same secret, a ready
 *    KeyObject as the api uses) and answers `{ id, role }` from the claims — no database;
 *  - load: BENCH_CONNECTIONS (100) keep-alive connections over loopback, each sending its next request
 *    as soon as the previous answer is complete, for BENCH_DURATION_S (10) s per round, from a worker
 *    thread; BENCH_ROUNDS (3) rounds each, interleaved baseline / api, after a warm-up of each.
 *
 * Printed per round and in total: req/s (answers 200 per second), p50, p99, the api/baseline ratio and
 * where the CPU went. Never asserted.
 *
 *   npm run bench:auth-read
 *
 * BENCH_CPU_PROF=<file> writes a V8 CPU profile of the main thread during the api rounds only.
 */
import 'reflect-metadata';
import { performance } from 'node:perf_hooks';
import { startBareJwtServer } from './bare-jwt';
import { DurationLoadResult, runForDuration } from './duration-load';
import {
  PhaseUsage,
  benchRedisPrefix,
  createBenchDatabase,
  envInt,
  fmt,
  inspectorSession,
  loginAdmin,
  machineLine,
  meterPhase,
  round,
  runBench,
  startApi,
  summarize,
  target,
  usageJson,
  usageLine,
  waitForQuiet,
} from './support';

interface Round {
  which: 'baseline' | 'api';
  run: DurationLoadResult;
  usage: PhaseUsage;
}

function perSecond(r: DurationLoadResult): number {
  return r.okLatencies.length / (r.wallMs / 1000);
}

function roundLine(i: number, r: Round): string {
  const s = summarize(r.run.okLatencies);
  const others = Object.entries(r.run.statuses).filter(([k]) => k !== '200');
  return (
    `  #${i + 1} ${r.which.padEnd(8)} ${fmt(perSecond(r.run), 0).padStart(6)} req/s   p50 ${fmt(s.p50, 1)} ms   p99 ${fmt(s.p99, 1)} ms   max ${fmt(s.max, 0)} ms` +
    `   sockets ${r.run.socketsOpened}   client loop ${fmt(100 * r.run.clientElu, 0)} %` +
    (others.length ? `   non-200: ${JSON.stringify(Object.fromEntries(others))} ${r.run.firstError ?? ''}` : '')
  );
}

function total(rounds: Round[]) {
  const ok = rounds.flatMap((r) => r.run.okLatencies);
  const wallMs = rounds.reduce((a, r) => a + r.run.wallMs, 0);
  const s = summarize(ok);
  const errors = rounds.reduce(
    (a, r) =>
      a +
      Object.entries(r.run.statuses)
        .filter(([k]) => k !== '200')
        .reduce((b, [, n]) => b + n, 0),
    0,
  );
  const elu = rounds.reduce((a, r) => a + r.usage.elu * r.run.wallMs, 0) / Math.max(1, wallMs);
  return {
    perSecond: ok.length / (wallMs / 1000),
    p50: s.p50,
    p99: s.p99,
    max: s.max,
    answers: ok.length,
    errors,
    elu,
  };
}

async function main(): Promise<void> {
  const connections = envInt('BENCH_CONNECTIONS', 100);
  const durationMs = envInt('BENCH_DURATION_S', 10) * 1000;
  const warmupMs = envInt('BENCH_WARMUP_S', 3) * 1000;
  const roundsEach = envInt('BENCH_ROUNDS', 3);

  console.log(`bench/auth-read — GET /api/me (real api) vs a bare Nest JWT endpoint; ${machineLine()}`);
  const db = await createBenchDatabase();
  const prefix = benchRedisPrefix();
  console.log(`database ${db.name}, redis prefix ${prefix}`);
  const bootStart = performance.now();
  const api = await startApi({ db, redisPrefix: prefix, withWorker: false });
  console.log(`api up at ${api.baseUrl} in ${fmt(performance.now() - bootStart, 0)} ms (worker: off)`);
  const baselineUrl = await startBareJwtServer(api.env.JWT_SECRET, 'me');
  console.log(`baseline up at ${baselineUrl}`);

  const token = await loginAdmin(api.baseUrl);
  const headers = { accept: 'application/json', authorization: `Bearer ${token}` };
  const targets = { baseline: `${baselineUrl}/api/me`, api: `${api.baseUrl}/api/me` } as const;
  for (const [which, url] of Object.entries(targets)) {
    const res = await fetch(url, { headers });
    const body = (await res.json()) as { id?: string };
    if (res.status !== 200 || typeof body.id !== 'string')
      throw new Error(`${which}: GET /api/me answered ${res.status} ${JSON.stringify(body)}`);
    console.log(`${which}: GET /api/me → ${res.status} ${JSON.stringify(body)}`);
  }

  const load = (which: keyof typeof targets, ms: number) =>
    runForDuration({ url: targets[which], headers, connections, durationMs: ms });
  console.log(`\nwarm-up: ${warmupMs / 1000} s each, ${connections} connections`);
  await load('baseline', warmupMs);
  await load('api', warmupMs);

  await waitForQuiet('auth-read');
  console.log(
    `\n${roundsEach} rounds each of ${durationMs / 1000} s, ${connections} keep-alive connections, interleaved baseline / api`,
  );
  const profile = await cpuProfiler();
  const rounds: Round[] = [];
  for (let i = 0; i < 2 * roundsEach; i++) {
    const which = i % 2 === 0 ? 'baseline' : 'api';
    if (which === 'api') await profile.resume();
    const meter = meterPhase();
    const run = await load(which, durationMs);
    const usage = meter();
    if (which === 'api') await profile.pause();
    const r: Round = { which, run, usage };
    rounds.push(r);
    console.log(roundLine(i, r));
    console.log(`     ${usageLine(usage).replace('api event-loop', 'server event-loop')}`);
  }
  await profile.write();

  const b = total(rounds.filter((r) => r.which === 'baseline'));
  const a = total(rounds.filter((r) => r.which === 'api'));
  const ratio = a.perSecond / b.perSecond;
  console.log(`\ntotal over ${roundsEach} rounds each:`);
  console.log(
    `  baseline: ${fmt(b.perSecond, 0)} req/s   p50 ${fmt(b.p50, 1)} ms   p99 ${fmt(b.p99, 1)} ms   non-200 ${b.errors}   server loop ${fmt(100 * b.elu, 0)} %`,
  );
  console.log(
    `  api:      ${fmt(a.perSecond, 0)} req/s   p50 ${fmt(a.p50, 1)} ms   p99 ${fmt(a.p99, 1)} ms   non-200 ${a.errors}   server loop ${fmt(100 * a.elu, 0)} %`,
  );
  console.log(
    `  api / baseline: ${fmt(a.perSecond, 0)} / ${fmt(b.perSecond, 0)} = ${fmt(ratio, 3)}; api loop time per request ${fmt((1000 * a.elu) / a.perSecond, 3)} ms, baseline ${fmt((1000 * b.elu) / b.perSecond, 3)} ms`,
  );
  const ratioTarget = target('api / baseline req/s', 100 * ratio, '>=', 50, '%');
  console.log(
    JSON.stringify({
      bench: 'auth-read',
      connections,
      durationS: durationMs / 1000,
      rounds: rounds.map((r) => ({
        which: r.which,
        perSecond: round(perSecond(r.run), 1),
        p50Ms: round(summarize(r.run.okLatencies).p50, 2),
        p99Ms: round(summarize(r.run.okLatencies).p99, 2),
        statuses: r.run.statuses,
        ...usageJson(r.usage),
      })),
      baseline: { perSecond: round(b.perSecond, 1), p50Ms: round(b.p50, 2), p99Ms: round(b.p99, 2), errors: b.errors },
      api: { perSecond: round(a.perSecond, 1), p50Ms: round(a.p50, 2), p99Ms: round(a.p99, 2), errors: a.errors },
      ratio: round(ratio, 3),
      targets: [ratioTarget],
    }),
  );
}

/** BENCH_CPU_PROF=<file>: one V8 CPU profile of the main thread, recording only while resumed. */
async function cpuProfiler() {
  const file = process.env.BENCH_CPU_PROF;
  if (!file) return { resume: async () => undefined, pause: async () => undefined, write: async () => undefined };
  const { writeFileSync } = await import('node:fs');
  const { post, disconnect } = inspectorSession();
  await post('Profiler.enable');
  const profiles: any[] = [];
  return {
    resume: () => post('Profiler.start'),
    pause: async () => profiles.push((await post('Profiler.stop')).profile),
    write: async () => {
      profiles.forEach((p, i) => writeFileSync(profiles.length > 1 ? `${file}.${i + 1}` : file, JSON.stringify(p)));
      disconnect();
      console.log(`CPU profiles of the api rounds written to ${file}${profiles.length > 1 ? '.<n>' : ''}`);
    },
  };
}

runBench('bench/auth-read', 10 * 60_000, main);
