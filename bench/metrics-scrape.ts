/**
 * Reads the api's own figures from `GET /metrics` (Prometheus text, prom-client) so a benchmark can print the
 * server-side view beside what its clients measured. Loopback is allowed by default (METRICS_ALLOWED_NETWORKS).
 *
 *   const before = await scrapeMetrics(baseUrl);  ... load ...  const after = await scrapeMetrics(baseUrl);
 *   const window = histogramWindow(before, after, 'http_request_duration_seconds', { route: '/api/me' });
 *   histogramQuantile(window, 0.99)  // seconds, interpolated within the bucket like PromQL's histogram_quantile
 */

export interface MetricSample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

export async function scrapeMetrics(baseUrl: string, token?: string): Promise<MetricSample[]> {
  const res = await fetch(`${baseUrl.replace(/\/$/, '')}/metrics`, {
    headers: token ? { authorization: `Bearer ${token}` } : {},
  });
  if (!res.ok) throw new Error(`GET /metrics answered ${res.status}`);
  return parseMetrics(await res.text());
}

const SAMPLE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)(?:\s+\d+)?$/;
const LABEL = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g;

export function parseMetrics(text: string): MetricSample[] {
  const samples: MetricSample[] = [];
  for (const line of text.split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const m = SAMPLE.exec(line.trim());
    if (!m) continue;
    const labels: Record<string, string> = {};
    for (const l of (m[2] ?? '').matchAll(LABEL)) labels[l[1]] = l[2].replace(/\\(.)/g, '$1');
    const value = m[3] === '+Inf' ? Infinity : m[3] === '-Inf' ? -Infinity : Number(m[3]);
    samples.push({ name: m[1], labels, value });
  }
  return samples;
}

const matches = (labels: Record<string, string>, filter: Record<string, string>) =>
  Object.entries(filter).every(([k, v]) => labels[k] === v);

/** Sum of every sample of `name` whose labels include `filter` (a gauge or counter across label sets). */
export function metricValue(samples: MetricSample[], name: string, filter: Record<string, string> = {}): number {
  return samples.filter((s) => s.name === name && matches(s.labels, filter)).reduce((sum, s) => sum + s.value, 0);
}

/** Cumulative bucket counts by upper bound, summed over label sets matching `filter`. */
export interface HistogramWindow {
  buckets: { le: number; count: number }[];
  count: number;
  sum: number;
}

function histogram(samples: MetricSample[], name: string, filter: Record<string, string>): HistogramWindow {
  const byLe = new Map<number, number>();
  for (const s of samples) {
    if (s.name !== `${name}_bucket` || !matches(s.labels, filter)) continue;
    const le = s.labels.le === '+Inf' ? Infinity : Number(s.labels.le);
    byLe.set(le, (byLe.get(le) ?? 0) + s.value);
  }
  return {
    buckets: [...byLe.entries()].sort((a, b) => a[0] - b[0]).map(([le, count]) => ({ le, count })),
    count: metricValue(samples, `${name}_count`, filter),
    sum: metricValue(samples, `${name}_sum`, filter),
  };
}

/** The histogram of what happened between two scrapes (counters subtract). */
export function histogramWindow(
  before: MetricSample[],
  after: MetricSample[],
  name: string,
  filter: Record<string, string> = {},
): HistogramWindow {
  const a = histogram(before, name, filter);
  const b = histogram(after, name, filter);
  const earlier = new Map(a.buckets.map((x) => [x.le, x.count]));
  return {
    buckets: b.buckets.map((x) => ({ le: x.le, count: x.count - (earlier.get(x.le) ?? 0) })),
    count: b.count - a.count,
    sum: b.sum - a.sum,
  };
}

/** PromQL-style quantile: linear interpolation inside the bucket the rank falls in; NaN when empty. */
export function histogramQuantile(h: HistogramWindow, q: number): number {
  const total = h.buckets.length ? h.buckets[h.buckets.length - 1].count : 0;
  if (total <= 0) return NaN;
  const rank = q * total;
  let lowerLe = 0;
  let lowerCount = 0;
  for (const { le, count } of h.buckets) {
    if (count >= rank) {
      if (le === Infinity) return lowerLe; // beyond the last finite bucket: its bound is all we know
      return lowerLe + (le - lowerLe) * ((rank - lowerCount) / Math.max(count - lowerCount, 1e-9));
    }
    lowerLe = le;
    lowerCount = count;
  }
  return lowerLe;
}

/** One printable line of a route's server-side latency in a window. */
export function serverLatencyLine(h: HistogramWindow, label: string): string {
  const ms = (s: number) => (Number.isFinite(s) ? (s * 1000).toFixed(1) : String(s));
  const mean = h.count > 0 ? h.sum / h.count : NaN;
  return (
    `server-side (GET /metrics) ${label}: ${h.count} requests, mean ${ms(mean)} ms, ` +
    `p50 ${ms(histogramQuantile(h, 0.5))} ms, p99 ${ms(histogramQuantile(h, 0.99))} ms (bucket-interpolated)`
  );
}
