import { Inject, Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import type { EventSubscriber, TransactionEventArgs } from '@mikro-orm/core';
import Redis from 'ioredis';
import { AppConfig } from '../config/app-config';
import { REDIS } from '../redis/redis';
import { OutboxRepository } from './outbox.repository';

/** One effect a state change owes, delivered at least once after the change commits. */
export interface OutboxMessage {
  /** Which registered handler delivers it (e.g. `live.emit`, `notification.deliver`). */
  topic: string;
  /** Unique per effect: writing the same key twice stores one row, and handlers use it to deliver once. */
  key: string;
  payload: unknown;
}

export interface OutboxDelivery<P = any> {
  id: string;
  topic: string;
  key: string;
  payload: P;
  attempts: number;
}

export type OutboxHandler<P = any> = (delivery: OutboxDelivery<P>) => Promise<void>;

export const outboxNudgeChannel = (config: AppConfig) => `${config.env.REDIS_PREFIX}outbox:nudge`;

/**
 * The transactional outbox: `write` stores effects in the caller's transaction, domain modules register
 * a handler per topic, and the relay (worker processes) delivers the rows. After a transaction that wrote
 * rows commits, relays are nudged (here, and in other processes through Redis) so effects go out at once.
 */
@Injectable()
export class Outbox implements OnModuleInit {
  private readonly logger = new Logger('Outbox');
  private readonly handlers = new Map<string, OutboxHandler>();
  private readonly listeners = new Set<() => void>();
  /** Transactions that wrote rows: their commit nudges the relays. */
  private readonly written = new WeakSet<object>();
  private publishPending = false;

  constructor(
    private readonly orm: MikroORM,
    private readonly rows: OutboxRepository,
    private readonly config: AppConfig,
    @Inject(REDIS) private readonly redis: Redis,
  ) {}

  onModuleInit(): void {
    const subscriber: EventSubscriber = {
      afterTransactionCommit: (args: TransactionEventArgs) => {
        if (args.transaction && this.written.has(args.transaction as object)) this.nudge();
      },
    };
    this.orm.em.getEventManager().registerSubscriber(subscriber);
  }

  /** Registers the delivery of a topic (domain modules, at start). */
  handle<P>(topic: string, handler: OutboxHandler<P>): void {
    this.handlers.set(topic, handler);
  }

  handlerFor(topic: string): OutboxHandler | undefined {
    return this.handlers.get(topic);
  }

  /** Stores effects inside `em`'s transaction (call it within `em.transactional`); a key already stored is skipped. */
  async write(em: EntityManager, messages: readonly OutboxMessage[]): Promise<void> {
    if (messages.length === 0) return;
    await this.rows.insert(em, messages);
    const trx = em.getTransactionContext();
    if (trx) this.written.add(trx as object);
    else this.nudge(); // not in a transaction: the row is already committed
  }

  /** Wakes the relays (this process's at once, the others' through Redis). Harmless when there is nothing to do. */
  nudge(): void {
    for (const listener of this.listeners) listener();
    // One publish for every commit of the same turn of the event loop (a relay drains everything due anyway).
    if (this.publishPending) return;
    this.publishPending = true;
    setImmediate(() => {
      this.publishPending = false;
      this.redis
        .publish(outboxNudgeChannel(this.config), '1')
        .catch((err) => this.logger.debug(`nudge not published: ${err}`));
    });
  }

  onNudge(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
