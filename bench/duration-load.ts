/**
 * A fixed-duration HTTP load loop for read benchmarks: `connections` keep-alive connections (node:http
 * Agent, keepAlive), each sending its next GET as soon as the previous answer is complete, until the
 * duration is over. It runs in a worker thread so that the client's own CPU work (writing requests,
 * reading answers) does not run on the server's event loop, which is this process's main thread.
 */
import { Worker } from 'node:worker_threads';
import { onCleanup } from './support';

export interface DurationLoadJob {
  url: string;
  headers: Record<string, string>;
  connections: number;
  durationMs: number;
  /**
   * Optional requests to spread over the connections (e.g. one per user): connection c sends
   * variants[c % n], then variants[(c + connections) % n], …; each with its own path and headers (on top of
   * `headers`), on the host of `url`.
   */
  variants?: { path: string; headers?: Record<string, string> }[];
}

export interface DurationLoadResult {
  /** Latency (ms) of every answer with status 200. */
  okLatencies: number[];
  /** Answers by status (0 = connection error). */
  statuses: Record<string, number>;
  firstError?: string;
  /** From the first request sent to the last answer received. */
  wallMs: number;
  /** Distinct sockets the agent opened during the run. */
  socketsOpened: number;
  /** Event-loop utilisation of the load-generator thread (near 1: the client is the limit). */
  clientElu: number;
}

const SOURCE = String.raw`
const { parentPort } = require('node:worker_threads');
const http = require('node:http');
const { performance } = require('node:perf_hooks');

parentPort.on('message', async (job) => {
  const { id, url, headers, connections, durationMs, variants } = job;
  const u = new URL(url);
  const agent = new http.Agent({ keepAlive: true, maxSockets: connections, maxFreeSockets: connections });
  let socketsOpened = 0;
  const onSocket = () => socketsOpened++;
  const ok = [];
  const statuses = {};
  let firstError;
  const one = (v) => new Promise((resolve) => {
    const t0 = performance.now();
    const path = v ? v.path : u.pathname + u.search;
    const h = v && v.headers ? Object.assign({}, headers, v.headers) : headers;
    const req = http.request({ host: u.hostname, port: u.port, path, method: 'GET', headers: h, agent }, (res) => {
      res.on('data', () => {});
      res.on('end', () => {
        const ms = performance.now() - t0;
        statuses[res.statusCode] = (statuses[res.statusCode] || 0) + 1;
        if (res.statusCode === 200) ok.push(ms);
        resolve();
      });
      res.on('error', (err) => { statuses[0] = (statuses[0] || 0) + 1; firstError ??= String(err && err.message || err); resolve(); });
    });
    req.once('socket', (s) => { if (!s.__counted) { s.__counted = true; onSocket(); } });
    req.on('error', (err) => { statuses[0] = (statuses[0] || 0) + 1; firstError ??= String(err && err.message || err); resolve(); });
    req.end();
  });
  const elu0 = performance.eventLoopUtilization();
  const start = performance.now();
  const deadline = start + durationMs;
  await Promise.all(Array.from({ length: connections }, async (_, c) => {
    for (let k = c; performance.now() < deadline; k += connections) {
      await one(variants && variants.length ? variants[k % variants.length] : undefined);
    }
  }));
  const wallMs = performance.now() - start;
  const clientElu = performance.eventLoopUtilization(elu0).utilization;
  agent.destroy();
  parentPort.postMessage({ id, okLatencies: ok, statuses, firstError, wallMs, socketsOpened, clientElu });
});
`;

let worker: Worker | null = null;
let seq = 0;

/** Runs one fixed-duration load job in the (shared) load-generator thread. */
export function runForDuration(job: DurationLoadJob): Promise<DurationLoadResult> {
  if (!worker) {
    worker = new Worker(SOURCE, { eval: true });
    onCleanup('duration-load worker', async () => {
      await worker?.terminate();
      worker = null;
    });
  }
  const w = worker;
  const id = ++seq;
  return new Promise((resolve, reject) => {
    const onMessage = (msg: DurationLoadResult & { id: number }) => {
      if (msg.id !== id) return;
      w.off('message', onMessage);
      w.off('error', onError);
      resolve(msg);
    };
    const onError = (err: Error) => {
      w.off('message', onMessage);
      reject(err);
    };
    w.on('message', onMessage);
    w.once('error', onError);
    w.postMessage({ id, ...job });
  });
}
