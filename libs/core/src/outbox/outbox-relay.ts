import { BeforeApplicationShutdown, Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { MikroORM } from '@mikro-orm/postgresql';
import Redis from 'ioredis';
import { AppConfig } from '../config/app-config';
import { REDIS } from '../redis/redis';
import { Outbox, OutboxDelivery, outboxNudgeChannel } from './outbox';

const BATCH = 100;
/** A claimed row is someone's for this long; a relay that dies mid-delivery frees it by timing out. */
const LEASE_SECONDS = 30;
const MAX_BACKOFF_SECONDS = 300;
const KEEP_DELIVERED = '7 days';
const PRUNE_EVERY_MS = 10 * 60_000;

/** Seconds before another try after `attempts` failed ones: 1, 2, 4, ... up to five minutes. */
export const outboxBackoffSeconds = (attempts: number) => Math.min(MAX_BACKOFF_SECONDS, 2 ** Math.max(0, attempts - 1));

/**
 * Delivers outbox rows (worker processes): claims a batch of due rows (`FOR UPDATE SKIP LOCKED`, so relays
 * in several processes share the work), runs each row's handler, marks it delivered, and retries a failure
 * with exponential backoff. Wakes on a nudge after a commit and every OUTBOX_POLL_INTERVAL. Times here are
 * the database's: delivery is plumbing, not a domain rule, and must not wait on a test's manual clock.
 */
@Injectable()
export class OutboxRelay implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('OutboxRelay');
  private subscriber?: Redis;
  private poll?: NodeJS.Timeout;
  private draining: Promise<void> | null = null;
  private again = false;
  private stopped = true;
  private unlisten?: () => void;
  private lastPrune = 0;

  constructor(
    private readonly orm: MikroORM,
    private readonly outbox: Outbox,
    private readonly config: AppConfig,
    @Inject(REDIS) private readonly redis: Redis,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    this.start();
    this.subscriber = this.redis.duplicate();
    this.subscriber.on('error', (err) => this.logger.debug(`nudge subscriber: ${err}`));
    this.subscriber.on('message', () => this.kick());
    await this.subscriber.subscribe(outboxNudgeChannel(this.config)).catch((err) => this.logger.warn(`no nudges through Redis: ${err}`));
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.stop();
    this.subscriber?.disconnect();
  }

  /** Starts polling (done at boot; tests may stop and start a relay). */
  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.unlisten = this.outbox.onNudge(() => this.kick());
    this.poll = setInterval(() => this.kick(), this.config.env.OUTBOX_POLL_INTERVAL.toMillis());
    this.kick();
  }

  /** Stops claiming rows and waits for the batch in hand. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.unlisten?.();
    if (this.poll) clearInterval(this.poll);
    await this.draining;
  }

  /** Drains now (or once more after the drain under way). */
  kick(): void {
    if (this.stopped) return;
    if (this.draining) {
      this.again = true;
      return;
    }
    this.draining = this.drain()
      .then(() => undefined)
      .catch((err) => this.logger.warn(`outbox relay: ${err?.message ?? err}`))
      .finally(() => {
        this.draining = null;
        if (this.again && !this.stopped) {
          this.again = false;
          this.kick();
        }
      });
  }

  /** Delivers every due row; resolves when none is left (tests await it). */
  async drain(): Promise<number> {
    let delivered = 0;
    for (;;) {
      const rows = await this.claim();
      for (const row of rows) {
        if (await this.deliver(row)) delivered++;
      }
      if (rows.length < BATCH || this.stopped) break;
    }
    if (Date.now() - this.lastPrune > PRUNE_EVERY_MS) {
      this.lastPrune = Date.now();
      await this.orm.em.fork().execute(`delete from outbox where delivered_at < now() - interval '${KEEP_DELIVERED}'`);
    }
    return delivered;
  }

  private async claim(): Promise<OutboxDelivery[]> {
    const rows = await this.orm.em.fork().execute<{ id: string; topic: string; idempotency_key: string; payload: unknown; attempts: number }[]>(
      `update outbox o set available_at = now() + interval '${LEASE_SECONDS} seconds', attempts = o.attempts + 1
         from (select id from outbox where delivered_at is null and available_at <= now()
                order by available_at, id limit ${BATCH} for update skip locked) due
        where o.id = due.id
        returning o.id, o.topic, o.idempotency_key, o.payload, o.attempts`,
    );
    return rows
      .map((r) => ({ id: String(r.id), topic: r.topic, key: r.idempotency_key, payload: typeof r.payload === 'string' ? JSON.parse(r.payload) : r.payload, attempts: r.attempts }))
      .sort((a, b) => (BigInt(a.id) < BigInt(b.id) ? -1 : 1));
  }

  private async deliver(row: OutboxDelivery): Promise<boolean> {
    const em = this.orm.em.fork();
    try {
      const handler = this.outbox.handlerFor(row.topic);
      if (!handler) throw new Error(`no handler for outbox topic ${row.topic}`);
      await handler(row);
      await em.execute(`update outbox set delivered_at = now(), last_error = null where id = ?`, [row.id]);
      return true;
    } catch (err) {
      const message = String((err as Error)?.message ?? err).slice(0, 1000);
      this.logger.warn(`outbox ${row.topic} ${row.key} (attempt ${row.attempts}) failed: ${message}`);
      await em
        .execute(`update outbox set available_at = now() + ? * interval '1 second', last_error = ? where id = ?`, [outboxBackoffSeconds(row.attempts), message, row.id])
        .catch(() => undefined); // the lease runs out and the row is tried again
      return false;
    }
  }
}
