/**
 * bench/slots.ts — the pure slot computation, in-process (no database, no Redis).
 *
 * For each size (50 and 500 talent managers by default): talent managers in mixed IANA zones, weekday
 * windows 09:00–12:00 and 13:00–18:00 (local), a few exception days and booked calls (some days booked up
 * to the daily cap), and the slots over a 30-day range, computed by
 *  - `availableSlots(...)`, the current implementation (per distinct start instant), and
 *  - `availableSlotsPerOffer(...)`, the previous one (every per-manager offer materialised): the baseline,
 * timed in the same run, iterations interleaved (new, baseline, baseline, new, ...) so both see the same
 * machine load. Warm-up, then ≥ 50 timed iterations of each. Both results must be identical (checked).
 * Target: median ≤ 50 ms for 500 talent managers × 30 days. Printed, never asserted.
 *
 *   npx ts-node --transpile-only -r tsconfig-paths/register bench/slots.ts
 *
 * Knobs (environment): BENCH_TMS (50,500: comma-separated sizes), BENCH_DAYS (30), BENCH_ITERATIONS (100),
 * BENCH_WARMUP (10), BENCH_NOW (2026-10-20T06:00:00Z: the range then crosses the EU and US daylight-saving changes).
 */
import { DateTime, Duration } from 'luxon';
import { loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import {
  BookedInterval,
  SlotPolicy,
  TalentManagerSchedule,
  availableSlots,
  availableSlotsPerOffer,
  mergeSlots,
  slotsForTalentManager,
} from '@vetting/calendar';
import { envInt, fmt, machineLine, prng, round, runBench, summarize, target } from './support';

const TARGET_MEDIAN_MS = 50;
const TARGET_TMS = 500;

const ZONES = [
  'Europe/Berlin',
  'America/New_York',
  'Asia/Kolkata',
  'Australia/Sydney',
  'America/Los_Angeles',
  'Asia/Tokyo',
  'Europe/London',
  'America/Sao_Paulo',
  'Africa/Lagos',
  'Asia/Kathmandu', // +05:45
  'Pacific/Auckland',
  'America/St_Johns', // −03:30 / −02:30
  'UTC',
];

interface DataSet {
  schedules: TalentManagerSchedule[];
  booked: BookedInterval[];
  policy: SlotPolicy;
  now: DateTime;
  from: DateTime;
  to: DateTime;
}

function buildDataSet(tmCount: number, days: number, nowIso: string): DataSet {
  const rand = prng(20261122);
  const policy: SlotPolicy = {
    callLength: Duration.fromISO('PT30M'),
    minBookingLead: Duration.fromISO('PT1H'),
    bookingHorizon: Duration.fromObject({ days }),
  };
  const now = DateTime.fromISO(nowIso, { zone: 'utc' });
  if (!now.isValid) throw new Error(`BENCH_NOW is not an ISO instant: ${nowIso}`);
  const from = now;
  const to = now.plus({ days });
  const weekly = [1, 2, 3, 4, 5].flatMap((weekday) => [
    { weekday, start: '09:00', end: '12:00' },
    { weekday, start: '13:00', end: '18:00' },
  ]);
  // Local grid of a day: 6 slots 09:00–12:00, 10 slots 13:00–18:00.
  const grid = [
    ...Array.from({ length: 6 }, (_, i) => 9 * 60 + 30 * i),
    ...Array.from({ length: 10 }, (_, i) => 13 * 60 + 30 * i),
  ];
  const dailyCap = 8;

  const schedules: TalentManagerSchedule[] = [];
  const booked: BookedInterval[] = [];
  for (let i = 0; i < tmCount; i++) {
    const id = `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`;
    const timeZone = ZONES[i % ZONES.length];
    const firstLocal = from.setZone(timeZone).startOf('day');
    const exceptions: { date: string; available: false }[] = [];
    for (let d = 0; d <= days; d++) {
      const day = firstLocal.plus({ days: d });
      if (rand() < 0.05) {
        exceptions.push({ date: day.toISODate()!, available: false });
        continue;
      }
      if (day.weekday > 5) continue;
      // Mostly 0–3 calls a day; sometimes a full day (daily cap reached: no slots that day).
      const count = rand() < 0.06 ? dailyCap : Math.floor(rand() * 4);
      const picked = new Set<number>();
      while (picked.size < count) picked.add(grid[Math.floor(rand() * grid.length)]);
      for (const minutes of picked) {
        const startsAt = DateTime.fromObject(
          { year: day.year, month: day.month, day: day.day, hour: Math.floor(minutes / 60), minute: minutes % 60 },
          { zone: timeZone },
        ).toUTC();
        booked.push({ talentManagerId: id, startsAt, endsAt: startsAt.plus(policy.callLength) });
      }
    }
    schedules.push({ talentManagerId: id, timeZone, weekly, exceptions, dailyCap });
  }
  return { schedules, booked, policy, now, from, to };
}

type Impl = typeof availableSlots;
type Slots = ReturnType<Impl>;

/** Every field of every slot, as plain values (instants, zones, ids), for an exact comparison. */
function fingerprint(slots: Slots): string {
  return JSON.stringify(
    slots.map((m) => [
      m.startsAt.toMillis(),
      m.startsAt.zoneName,
      m.endsAt.toMillis(),
      m.endsAt.zoneName,
      m.talentManagerIds,
    ]),
  );
}

function sizesFromEnv(): number[] {
  const raw = process.env.BENCH_TMS?.trim() || '50,500';
  const sizes = raw.split(',').map((x) => Number(x.trim()));
  if (sizes.some((n) => !Number.isInteger(n) || n <= 0))
    throw new Error(`BENCH_TMS must be positive integers separated by commas, got ${JSON.stringify(raw)}`);
  return sizes;
}

async function benchSize(tmCount: number, days: number, nowIso: string) {
  const iterations = Math.max(50, envInt('BENCH_ITERATIONS', 100));
  const warmup = envInt('BENCH_WARMUP', 10);
  const ds = buildDataSet(tmCount, days, nowIso);
  const zones = new Set(ds.schedules.map((s) => s.timeZone));
  console.log(
    `\n== ${ds.schedules.length} talent managers in ${zones.size} zones, ${ds.booked.length} booked calls, ` +
      `${ds.schedules.reduce((n, s) => n + s.exceptions.length, 0)} exception days; range ${ds.from.toISO()} → ${ds.to.toISO()} (${days} days), call 30 min, lead 1 h`,
  );
  const impls: [string, Impl][] = [
    ['new      availableSlots', availableSlots],
    ['baseline availableSlotsPerOffer', availableSlotsPerOffer],
  ];
  const call = (impl: Impl): { ms: number; slots: Slots } => {
    const t0 = performance.now();
    const slots = impl(ds.schedules, ds.booked, ds.policy, ds.now, ds.from, ds.to);
    return { ms: performance.now() - t0, slots };
  };

  // First calls: cold (luxon zone objects, Intl formatters and the per-zone offset memo are built by the first).
  const cold = impls.map(([, impl]) => call(impl));
  const expected = fingerprint(cold[1].slots);
  const identical = fingerprint(cold[0].slots) === expected;
  const slots = cold[1].slots.length;
  const offers = cold[1].slots.reduce((n, m) => n + m.talentManagerIds.length, 0);
  for (let i = 0; i < warmup; i++) for (const [, impl] of impls) call(impl);

  const times: number[][] = [[], []];
  const deadline = Date.now() + 120_000;
  for (let i = 0; i < iterations && Date.now() < deadline; i++) {
    for (const k of i % 2 === 0 ? [0, 1] : [1, 0]) {
      const r = call(impls[k][1]);
      times[k].push(r.ms);
      if (r.slots.length !== slots) throw new Error(`${impls[k][0]}: ${r.slots.length} slots, expected ${slots}`);
    }
  }
  // Cross-check with the per-talent-manager API (same rules, different code path): same slots?
  const perTm = ds.schedules.map((sc) => slotsForTalentManager(sc, ds.booked, ds.policy, ds.now, ds.from, ds.to));
  const consistent = fingerprint(mergeSlots(perTm)) === expected;

  const stats = impls.map(([name], k) => {
    const s = summarize(times[k]);
    console.log(
      `${name.padEnd(33)} ms: cold ${fmt(cold[k].ms)} / min ${fmt(s.min)} / median ${fmt(s.p50)} / p95 ${fmt(s.p95)} / max ${fmt(s.max)} (n ${s.n})`,
    );
    return { impl: name.split(' ')[0], coldMs: round(cold[k].ms, 2), ...roundAll(s) };
  });
  console.log(
    `slots: ${slots} distinct start times, ${offers} (talent manager, slot) offers; median speed-up ×${fmt(stats[1].medianMs / stats[0].medianMs)}`,
  );
  console.log(`new = baseline, every slot and field: ${identical ? 'identical' : 'DIFFERENT'}`);
  console.log(
    `cross-check slotsForTalentManager × ${ds.schedules.length} + mergeSlots: ${consistent ? 'same result' : 'DIFFERENT'}`,
  );
  return {
    talentManagers: ds.schedules.length,
    zones: zones.size,
    booked: ds.booked.length,
    slots,
    offers,
    identical,
    consistent,
    stats,
  };
}

function roundAll(s: ReturnType<typeof summarize>) {
  return { n: s.n, minMs: round(s.min, 2), medianMs: round(s.p50, 2), p95Ms: round(s.p95, 2), maxMs: round(s.max, 2) };
}

async function main(): Promise<void> {
  const days = envInt('BENCH_DAYS', 30);
  const nowIso = process.env.BENCH_NOW ?? '2026-10-20T06:00:00Z';
  console.log(`bench/slots — availableSlots() vs the previous availableSlotsPerOffer(), in-process; ${machineLine()}`);
  const load = () => loadavg().map((x) => x.toFixed(2));
  const loadAtStart = load();
  console.log(`load average (1/5/15 min) at start: ${loadAtStart.join(' ')}`);
  const runs = [];
  for (const tmCount of sizesFromEnv()) runs.push(await benchSize(tmCount, days, nowIso));
  const loadAtEnd = load();
  console.log(`\nload average (1/5/15 min) at end: ${loadAtEnd.join(' ')}`);
  const atTarget = runs.find((r) => r.talentManagers === TARGET_TMS);
  const t = atTarget
    ? target(`median, ${TARGET_TMS} talent managers, new`, atTarget.stats[0].medianMs, '<=', TARGET_MEDIAN_MS, 'ms')
    : null;
  if (!t) console.log(`  (target applies to ${TARGET_TMS} talent managers, not measured in this run)`);
  console.log(JSON.stringify({ bench: 'slots', days, loadAtStart, loadAtEnd, runs, target: t }));
  if (runs.some((r) => !r.identical || !r.consistent)) throw new Error('the implementations disagree (see above)');
}

runBench('bench/slots', 600_000, main);
