/**
 * What bench/timers-scale.ts watches while the grace timers fall due: when each slot's missed calls became
 * visible to a reader (a count per slot polled every ~100 ms: committed state, not the decision instant), and
 * once a second GET /metrics (call-timers lateness and waiting jobs, outbox backlog) and the worker's RSS.
 */
import { readFileSync } from 'node:fs';
import { Client } from 'pg';
import { metricValue, scrapeMetrics } from './metrics-scrape';
import { sleep } from './support';
import { rssOf } from './timers-scale-support';

/** utime + stime of a process in ticks (10 ms), NaN when unreadable. */
export function cpuTicksOf(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return Number(fields[11]) + Number(fields[12]);
  } catch {
    return Number.NaN;
  }
}

export interface Visibility {
  /** Poll time (ms since the epoch) and missed calls per slot start (ms since the epoch). */
  samples: { t: number; counts: Map<number, number> }[];
  wallMs: number;
  maxQueueLatenessS: number;
  maxWaiting: number;
  maxOutbox: number;
  outboxDrainedAfterLastDueMs: number;
  maxWorkerRss: number;
}

export async function missedVisibility(
  pg: Client,
  baseUrl: string,
  workerPid: number,
  opts: { lastDue: number; deadline: number; calls: number },
): Promise<Visibility> {
  const start = Date.now();
  const out: Visibility = {
    samples: [],
    wallMs: 0,
    maxQueueLatenessS: 0,
    maxWaiting: 0,
    maxOutbox: 0,
    outboxDrainedAfterLastDueMs: Number.NaN,
    maxWorkerRss: 0,
  };
  let allMissed = false;
  let stop = false;
  const scraper = (async () => {
    while (!stop) {
      try {
        const m = await scrapeMetrics(baseUrl);
        const q = { queue: 'call-timers' };
        out.maxQueueLatenessS = Math.max(out.maxQueueLatenessS, metricValue(m, 'vetting_queue_lateness_seconds', q));
        out.maxWaiting = Math.max(out.maxWaiting, metricValue(m, 'vetting_queue_jobs', { ...q, state: 'waiting' }));
        const backlog = metricValue(m, 'vetting_outbox_backlog');
        out.maxOutbox = Math.max(out.maxOutbox, backlog);
        if (allMissed && backlog === 0 && Number.isNaN(out.outboxDrainedAfterLastDueMs))
          out.outboxDrainedAfterLastDueMs = Date.now() - opts.lastDue;
      } catch (err) {
        console.error(`metrics scrape failed: ${(err as Error).message}`);
      }
      out.maxWorkerRss = Math.max(out.maxWorkerRss, rssOf(workerPid) || 0);
      await sleep(1000);
    }
  })();
  while (Date.now() < opts.deadline) {
    const t0 = Date.now();
    const rows = (
      await pg.query<{ s: string; n: string }>(
        `select extract(epoch from starts_at) * 1000 as s, count(*) as n from vetting_calls where status = 'missed' group by 1`,
      )
    ).rows;
    const t = Date.now();
    const counts = new Map(rows.map((r) => [Math.round(Number(r.s)), Number(r.n)]));
    // A row counted here was committed before the query took its snapshot, just after t0.
    out.samples.push({ t: t0, counts });
    const total = [...counts.values()].reduce((a, b) => a + b, 0);
    if (total >= opts.calls && t > opts.lastDue) allMissed = true;
    if (allMissed && !Number.isNaN(out.outboxDrainedAfterLastDueMs)) break;
    await sleep(Math.max(0, 100 - (Date.now() - t0)));
  }
  stop = true;
  await scraper;
  out.wallMs = Date.now() - start;
  return out;
}

/** Per call: the first poll that counted it − its due moment (each slot's count increments, in order). */
export function visibleLateness(
  samples: Visibility['samples'],
  _dues: number[],
  startsAt: number[],
  graceMs: number,
): number[] {
  const out: number[] = [];
  for (const s of [...new Set(startsAt)]) {
    let seen = 0;
    for (const { t, counts } of samples) {
      const n = counts.get(s) ?? 0;
      for (let k = seen; k < n; k++) out.push(t - (s + graceMs));
      seen = Math.max(seen, n);
    }
  }
  return out;
}
