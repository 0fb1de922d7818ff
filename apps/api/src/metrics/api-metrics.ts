import { INestApplication } from '@nestjs/common';
import { getQueueToken } from '@nestjs/bullmq';
import type { Queue } from 'bullmq';
import type { NextFunction, Request, Response } from 'express';
import { BlockList, isIPv4 } from 'node:net';
import { timingSafeEqual } from 'node:crypto';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { AppConfig, Clock, forbidden, toErrorBody } from '@vetting/core';

export const METRICS_PATH = '/metrics';

/** Where the api's figures come from that it does not measure itself. */
export interface MetricSources {
  /** Sockets connected to this process (every Socket.IO server it runs). */
  connectedSockets: () => number;
  /** Queues whose depth and lateness are reported (read from Redis: the same for every process). */
  queues: string[];
  /** Outbox rows committed and not yet delivered, with the age of the oldest, or null when unknown. */
  outboxBacklog?: () => Promise<{ rows: number; oldestAgeSeconds: number } | null>;
}

/**
 * Prometheus metrics for operators: HTTP latency per route, queue depth and job lateness per queue,
 * connected sockets, outbox backlog, and Node's own (event-loop lag, memory, GC). One registry per api
 * instance (tests run several in one process).
 */
export class ApiMetrics {
  readonly registry = new Registry();
  private readonly http: Histogram<'method' | 'route' | 'status'>;
  private readonly scrapeErrors: Counter<'source'>;

  constructor(
    private readonly app: INestApplication,
    private readonly config: AppConfig,
    private readonly sources: MetricSources,
  ) {
    collectDefaultMetrics({ register: this.registry, eventLoopMonitoringPrecision: 10 });
    this.http = new Histogram({
      name: 'http_request_duration_seconds',
      help: 'HTTP request latency by method, matched route and status code',
      labelNames: ['method', 'route', 'status'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers: [this.registry],
    });
    this.scrapeErrors = new Counter({
      name: 'vetting_metrics_source_errors_total',
      help: 'Failures reading a metric source (Redis or PostgreSQL down) during a scrape',
      labelNames: ['source'],
      registers: [this.registry],
    });
    new Gauge({
      name: 'vetting_sockets_connected',
      help: 'Socket.IO clients connected to this api process',
      registers: [this.registry],
      collect: function (this: Gauge) {
        this.set(sources.connectedSockets());
      },
    });
    this.queueGauges();
    this.outboxGauges();
  }

  /** Times every request; the route label is the matched route pattern, never the raw path (bounded cardinality). */
  httpMiddleware() {
    return (req: Request, res: Response, next: NextFunction) => {
      const stop = this.http.startTimer();
      res.once('finish', () => stop({ method: req.method, route: routeLabel(req), status: String(res.statusCode) }));
      next();
    };
  }

  private queueGauges(): void {
    const clock = this.app.get(Clock, { strict: false });
    const queue = (name: string) => this.app.get<Queue>(getQueueToken(name), { strict: false });
    const errors = this.scrapeErrors;
    const names = this.sources.queues;
    new Gauge({
      name: 'vetting_queue_jobs',
      help: 'Jobs per queue and state (waiting, active, delayed, failed)',
      labelNames: ['queue', 'state'],
      registers: [this.registry],
      async collect() {
        await Promise.all(
          names.map(async (name) => {
            try {
              const counts = await queue(name).getJobCounts('waiting', 'active', 'delayed', 'failed');
              for (const [state, n] of Object.entries(counts)) this.set({ queue: name, state }, n);
            } catch {
              errors.inc({ source: `queue:${name}` });
            }
          }),
        );
      },
    });
    new Gauge({
      name: 'vetting_queue_lateness_seconds',
      help: 'How long past its due time the most overdue job of each queue waits (0 when none is late)',
      labelNames: ['queue'],
      registers: [this.registry],
      async collect() {
        const now = clock.nowMillis();
        await Promise.all(
          names.map(async (name) => {
            try {
              const q = queue(name);
              // The oldest waiting job, and the earliest delayed one (overdue when its moment has passed).
              const [waiting] = await q.getJobs(['waiting'], 0, 0, true);
              const [delayed] = await q.getJobs(['delayed'], 0, 0, true);
              // Due = added + the delay it was added with (`opts.delay`: BullMQ sets the job's own `delay` to 0
              // when it promotes a delayed job to waiting, which would count a timer late from when it was added).
              const due = (j: { timestamp: number; delay?: number; opts: { delay?: number } } | undefined) =>
                j ? j.timestamp + (j.opts.delay ?? j.delay ?? 0) : now;
              this.set({ queue: name }, Math.max(0, now - Math.min(due(waiting), due(delayed))) / 1000);
            } catch {
              errors.inc({ source: `queue:${name}` });
            }
          }),
        );
      },
    });
  }

  private outboxGauges(): void {
    const backlog = this.sources.outboxBacklog;
    if (!backlog) return;
    const errors = this.scrapeErrors;
    let last: Promise<{ rows: number; oldestAgeSeconds: number } | null> | undefined;
    // Both gauges are filled from one read per scrape.
    const read = () => (last ??= backlog().finally(() => setImmediate(() => (last = undefined))));
    new Gauge({
      name: 'vetting_outbox_backlog',
      help: 'Outbox effects committed and not yet delivered',
      registers: [this.registry],
      async collect() {
        try {
          const b = await read();
          if (b) this.set(b.rows);
        } catch {
          errors.inc({ source: 'outbox' });
        }
      },
    });
    new Gauge({
      name: 'vetting_outbox_oldest_age_seconds',
      help: 'Age of the oldest undelivered outbox effect (0 when none)',
      registers: [this.registry],
      async collect() {
        try {
          const b = await read();
          if (b) this.set(b.oldestAgeSeconds);
        } catch {
          // counted once, by the backlog gauge
        }
      },
    });
  }

  /**
   * GET /metrics, outside /api: open to METRICS_ALLOWED_NETWORKS (by the connection's own address, which
   * a forwarded header cannot fake), or to anyone presenting METRICS_TOKEN as a bearer token.
   */
  mount(): void {
    const allowed = new BlockList();
    for (const n of this.config.env.METRICS_ALLOWED_NETWORKS) allowed.addSubnet(n.address, n.prefix, n.family);
    const token = this.config.env.METRICS_TOKEN ? Buffer.from(`Bearer ${this.config.env.METRICS_TOKEN}`) : null;
    this.app.use(METRICS_PATH, (req: Request, res: Response, next: NextFunction) => {
      if (req.method !== 'GET' && req.method !== 'HEAD') return next();
      const auth = Buffer.from(req.headers.authorization ?? '');
      const byToken = token !== null && auth.length === token.length && timingSafeEqual(auth, token);
      if (!byToken && !fromNetwork(allowed, req.socket.remoteAddress)) {
        const { body } = toErrorBody(
          forbidden('Metrics are for operators: scrape from an allowed network or with METRICS_TOKEN'),
        );
        return void res.status(body.statusCode).json(body);
      }
      this.registry
        .metrics()
        .then((text) => res.setHeader('content-type', this.registry.contentType).send(text))
        .catch(next);
    });
  }
}

function fromNetwork(list: BlockList, address: string | undefined): boolean {
  if (!address) return false;
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped) return list.check(mapped[1], 'ipv4');
  return list.check(address, isIPv4(address) ? 'ipv4' : 'ipv6');
}

function routeLabel(req: Request): string {
  const route = (req as Request & { route?: { path?: unknown } }).route;
  if (route && typeof route.path === 'string') return `${req.baseUrl}${route.path}`;
  if (req.originalUrl.startsWith('/api/')) return 'unmatched';
  return req.originalUrl.startsWith('/live') ? 'socket.io' : 'web';
}
