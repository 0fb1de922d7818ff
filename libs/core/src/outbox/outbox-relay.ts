import { BeforeApplicationShutdown, Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import Redis from 'ioredis';
import { AppConfig } from '../config/app-config';
import { REDIS } from '../redis/redis';
import { Outbox, OutboxDelivery, outboxNudgeChannel } from './outbox';
import { OutboxRepository } from './outbox.repository';

const BATCH = 100;
/** A claimed row is someone's for this long; a relay that dies mid-delivery frees it by timing out. */
const LEASE_SECONDS = 30;
const MAX_BACKOFF_SECONDS = 300;
const KEEP_DELIVERED_DAYS = 7;
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
    private readonly rows: OutboxRepository,
    private readonly outbox: Outbox,
    private readonly config: AppConfig,
    @Inject(REDIS) private readonly redis: Redis,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    this.start();
    this.subscriber = this.redis.duplicate();
    this.subscriber.on('error', (err) => this.logger.debug(`nudge subscriber: ${err}`));
    this.subscriber.on('message', () => this.kick());
    await this.subscriber
      .subscribe(outboxNudgeChannel(this.config))
      .catch((err) => this.logger.warn(`no nudges through Redis: ${err}`));
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
      const rows = await this.rows.claim(BATCH, LEASE_SECONDS);
      // Delivered rows are marked together after the batch (at least once: a relay that dies before the mark
      // leaves them to be delivered again when their lease runs out, as it would between one handler and its mark).
      const done: string[] = [];
      for (const row of rows) {
        if (await this.deliver(row)) done.push(row.id);
      }
      await this.rows.markDelivered(done);
      delivered += done.length;
      if (rows.length < BATCH || this.stopped) break;
    }
    if (Date.now() - this.lastPrune > PRUNE_EVERY_MS) {
      this.lastPrune = Date.now();
      await this.rows.prune(KEEP_DELIVERED_DAYS);
    }
    return delivered;
  }

  private async deliver(row: OutboxDelivery): Promise<boolean> {
    try {
      const handler = this.outbox.handlerFor(row.topic);
      if (!handler) throw new Error(`no handler for outbox topic ${row.topic}`);
      await handler(row);
      return true;
    } catch (err) {
      const message = String((err as Error)?.message ?? err).slice(0, 1000);
      this.logger.warn(`outbox ${row.topic} ${row.key} (attempt ${row.attempts}) failed: ${message}`);
      await this.rows.retryLater(row.id, outboxBackoffSeconds(row.attempts), message).catch(() => undefined); // the lease runs out and the row is tried again
      return false;
    }
  }
}
