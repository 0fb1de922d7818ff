import { Injectable } from '@nestjs/common';
import { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import { compareIds } from '../domain/slot-grid.rules';
import { BookingWrite, CallsRepository } from './calls.repository';
import { isDuplicateCall, isRetryable, isTimeTaken } from './call-conflicts';

/** Most bookings in one statement (each size is a prepared statement of its own). */
const MAX_TOGETHER = 16;

interface PendingWrite {
  write: BookingWrite;
  resolve: (booked: boolean) => void;
  reject: (err: unknown) => void;
}

/**
 * The booking statements (`CallsRepository.insertBooking`) of the bookings that arrive together — one turn of the
 * event loop — go to PostgreSQL as one statement (`insertBookings`): one round trip and one commit for all of them.
 * When the database refuses that statement (a talent manager's time went, a second active call, a deadlock), it wrote
 * nothing, and each booking is sent again alone, so that each gets its own answer as if it had never been batched.
 * Bookings of the same invitation never share a statement (it would update the invitation's row twice).
 */
@Injectable()
export class BookingWriteRepository {
  private batch: PendingWrite[] | null = null;

  constructor(
    private readonly orm: MikroORM,
    private readonly calls: CallsRepository,
  ) {}

  /** As `insertBooking` outside a transaction: true booked, false the invitation changed; the refusal thrown. */
  write(write: BookingWrite): Promise<boolean> {
    return new Promise((resolve, reject) => {
      if (!this.batch) {
        const batch: PendingWrite[] = [];
        this.batch = batch;
        setImmediate(() => {
          if (this.batch === batch) this.batch = null;
          void this.flush(batch);
        });
      }
      this.batch.push({ write, resolve, reject });
    });
  }

  private async flush(batch: PendingWrite[]): Promise<void> {
    // Rows are locked in the statement's order: by talent manager, then start, in every batch alike.
    batch.sort(
      (a, b) =>
        compareIds(a.write.call.talentManagerId, b.write.call.talentManagerId) ||
        a.write.call.startsAt.getTime() - b.write.call.startsAt.getTime(),
    );
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
    let booked: Set<string>;
    try {
      booked = await this.calls.insertBookings(
        this.em(),
        chunk.map((p) => p.write),
      );
    } catch (err) {
      if (isTimeTaken(err) || isDuplicateCall(err) || isRetryable(err)) {
        await Promise.all(chunk.map((p) => this.alone(p)));
      } else for (const p of chunk) p.reject(err);
      return;
    }
    for (const p of chunk) p.resolve(booked.has(p.write.call.id));
  }

  private alone({ write, resolve, reject }: PendingWrite): Promise<void> {
    const { call, read, now, details, effects } = write;
    return this.calls.insertBooking(this.em(), call, read, now, details, effects('')).then(resolve, reject);
  }

  /** Statements outside any transaction need no context of their own (they run on a pooled connection). */
  private em(): EntityManager {
    return this.orm.em as EntityManager;
  }
}
