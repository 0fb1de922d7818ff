import { Injectable } from '@nestjs/common';
import { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import { OutboxMessage, SqlPart, TurnBatch, outboxInsertPart } from '@vetting/core';
import { NotificationsService, NotifyInput } from '@vetting/notifications';
import { BookingRow, CallsRepository } from '../data/calls.repository';
import { isDuplicateCall, isRetryable, isTimeTaken } from '../data/call-conflicts';

/** Most bookings in one statement. */
const MAX_TOGETHER = 32;

/** A booking to write, with the effects it owes: its timers' outbox rows and its notifications. */
export interface BookingToWrite extends BookingRow {
  timers: OutboxMessage[];
  notices: NotifyInput[];
}

interface PendingWrite {
  write: BookingToWrite;
  resolve: (booked: boolean) => void;
  reject: (err: unknown) => void;
}

/**
 * The booking statements of the bookings that arrive together — one turn of the event loop — go to PostgreSQL as
 * one statement (`CallsRepository.insertBookings`, its effects stored with it, each with its own call): one round
 * trip and one commit for all of them. When the database refuses that statement (a talent manager's time went, a
 * second active call, a deadlock) it wrote nothing, and each booking is sent again alone (`insertBooking`), so that
 * each gets the answer it would have had alone. Bookings of one invitation never share a statement (it would update
 * the invitation's row twice).
 */
@Injectable()
export class BookingWritesService {
  private readonly batch = new TurnBatch<PendingWrite>((batch) => void this.flush(batch));

  constructor(
    private readonly orm: MikroORM,
    private readonly calls: CallsRepository,
    private readonly notifications: NotificationsService,
  ) {}

  /** As `insertBooking` outside a transaction: true booked, false the invitation changed; a refusal is thrown. */
  write(write: BookingToWrite): Promise<boolean> {
    return new Promise((resolve, reject) => this.batch.add({ write, resolve, reject }));
  }

  private async flush(batch: PendingWrite[]): Promise<void> {
    const invitations = new Set<string>();
    const together: PendingWrite[] = [];
    const alone: PendingWrite[] = [];
    for (const p of batch) {
      (invitations.has(p.write.call.invitationId) ? alone : together).push(p);
      invitations.add(p.write.call.invitationId);
    }
    const chunks: PendingWrite[][] = [];
    for (let i = 0; i < together.length; i += MAX_TOGETHER) chunks.push(together.slice(i, i + MAX_TOGETHER));
    await Promise.all([...chunks.map((c) => this.together(c)), ...alone.map((p) => this.alone(p))]);
  }

  private async together(chunk: PendingWrite[]): Promise<void> {
    if (chunk.length === 1) return this.alone(chunk[0]);
    const writes = chunk.map((p) => p.write);
    const gate = { idsOf: 'c' };
    const effects: SqlPart[] = [
      outboxInsertPart(
        'timers',
        gate,
        writes.flatMap((w) => w.timers.map((m) => ({ ...m, gateId: w.call.id }))),
      ),
      this.notifications.notifyManyPart(
        'notices',
        gate,
        writes.flatMap((w) => w.notices.map((n) => ({ ...n, gateId: w.call.id }))),
      ),
    ];
    let booked: Set<string>;
    try {
      booked = await this.calls.insertBookings(this.em(), writes, effects);
    } catch (err) {
      if (isTimeTaken(err) || isDuplicateCall(err) || isRetryable(err)) {
        await Promise.all(chunk.map((p) => this.alone(p)));
      } else for (const p of chunk) p.reject(err);
      return;
    }
    for (const p of chunk) p.resolve(booked.has(p.write.call.id));
  }

  private alone({ write, resolve, reject }: PendingWrite): Promise<void> {
    const { call, read, now, details, timers, notices } = write;
    const effects = [
      outboxInsertPart('timers', 'c', timers),
      this.notifications.notifyManyPart('notices', 'c', notices),
    ];
    return this.calls.insertBooking(this.em(), call, read, now, details, effects).then(resolve, reject);
  }

  /** Statements outside any transaction need no context of their own (they run on a pooled connection). */
  private em(): EntityManager {
    return this.orm.em as EntityManager;
  }
}
