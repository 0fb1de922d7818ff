import { Injectable, Logger } from '@nestjs/common';
import { MikroORM } from '@mikro-orm/postgresql';
import { randomUUID } from 'node:crypto';
import { AppConfig, AppError, Clock, sqlState, withContext } from '@vetting/core';
import { LivePublisher } from '@vetting/live';
import { proctorRoom } from '../attempt-room/rooms';
import { AttemptsRepository } from '../data/attempts.repository';
import { SignalRecord, SignalsRepository, StoredTotal } from '../data/signals.repository';
import { attemptNotActive, attemptNotFound, shuttingDown } from '../domain/assessments.errors';
import { AttemptStatus } from '../domain/attempt.rules';
import {
  IntegrityThresholds,
  SignalFact,
  SignalSource,
  SignalType,
  signalPoints,
  tierOf,
} from '../domain/integrity.rules';
import { SignalWriteBatch, runningTotals } from './signal-batch';
import { SignalRelay } from './signal-relay';

/** The integrity thresholds of this deployment (INTEGRITY_*). */
export function integrityThresholds(config: AppConfig): IntegrityThresholds {
  const e = config.env;
  return { someAt: e.INTEGRITY_SOME_AT, majorAt: e.INTEGRITY_MAJOR_AT, autoTerminateAt: e.INTEGRITY_AUTO_TERMINATE_AT };
}

/** What proctors receive for a signal, relayed or stored (one shape for both paths). */
export function signalView(
  id: string,
  attemptId: string,
  type: SignalType,
  source: SignalSource,
  actorId: string | null,
  data: Record<string, unknown>,
  at: string,
  points: number,
  tier: string,
) {
  return { id, attemptId, type, source, actorId, data, at, integrity: { points, tier } };
}
export type SignalView = ReturnType<typeof signalView>;

/** A stored signal: its server time, the attempt's total and tier right after it, the attempt's status. */
export interface SignalRow {
  at: Date;
  integrity_points: number;
  integrity_tier: string;
  status: AttemptStatus;
}

/** A relayed candidate signal waiting for its batch write. */
interface QueuedSignal extends SignalRecord {
  owner: string;
  /** What proctors on this process were sent; other processes get it when the batch is written. */
  view: SignalView;
}

const asError = (e: unknown): Error => (e instanceof Error ? e : new Error(String(e)));

/** A batch write that lost a deadlock against another process's batch is tried again, this many times in all. */
const SIGNAL_BATCH_TRIES = 3;

/**
 * Stores integrity signals and streams them to watching proctors: one at a time (`record`), or relayed
 * ahead of a group-committed batch write (`relayed`). Auto-termination is the caller's (IntegritySignals).
 */
@Injectable()
export class SignalRecorder {
  private readonly writes: SignalWriteBatch<QueuedSignal, SignalRow>;
  private readonly logger = new Logger('Assessments');

  constructor(
    private readonly orm: MikroORM,
    private readonly clock: Clock,
    private readonly config: AppConfig,
    private readonly live: LivePublisher,
    private readonly relay: SignalRelay,
    private readonly attempts: AttemptsRepository,
    private readonly signals: SignalsRepository,
  ) {
    const e = config.env;
    this.writes = new SignalWriteBatch(
      (batch) => this.storeBatch(batch),
      e.SIGNAL_WRITE_WINDOW_MS,
      e.SIGNAL_WRITE_BATCH_MAX,
    );
  }

  get thresholds(): IntegrityThresholds {
    return integrityThresholds(this.config);
  }

  /**
   * Appends a signal with the server's time, adds its points and re-tiers the attempt in one statement,
   * then streams it to watching proctors. With `owner`, the signal is only recorded for that candidate's
   * running attempt.
   */
  async record(
    attemptId: string,
    type: SignalType,
    source: SignalSource,
    actorId: string | null,
    data: Record<string, unknown>,
    owner?: string,
  ): Promise<{ view: SignalView; row: SignalRow }> {
    const signalId = randomUUID();
    const points = signalPoints({ type, data: data as SignalFact['data'] });
    const at = this.clock.now().toJSDate();
    const row = await this.writeOne({ signalId, attemptId, type, source, actorId, owner, points, data, at });
    if (this.relay.knows(attemptId)) this.relay.stored(attemptId, row.integrity_points);
    const iso = new Date(row.at).toISOString();
    const view = signalView(
      signalId,
      attemptId,
      type,
      source,
      actorId,
      data,
      iso,
      row.integrity_points,
      row.integrity_tier,
    );
    await this.live.emit(proctorRoom(attemptId), 'attempt:signal', view);
    return { view, row };
  }

  /** Whether this process relays the attempt's candidate signals ahead of their write (a candidate joined here). */
  relays(attemptId: string): boolean {
    return this.relay.knows(attemptId);
  }

  /**
   * A candidate's signal relayed ahead of its write: proctors on this process get `attempt:signal` (with the
   * running integrity) now; the batch write publishes it to the other processes and stores it in arrival
   * order; then `attempt:signal-stored` (the stored integrity), or `attempt:signal-withdrawn` if it could not
   * be stored (the error is thrown again).
   */
  async relayed(user: { id: string }, attemptId: string, type: SignalType, data: Record<string, unknown>) {
    const at = new Date(this.clock.nowMillis());
    const signalId = randomUUID();
    const points = signalPoints({ type, data: data as SignalFact['data'] });
    const running = this.relay.reserve(attemptId, points);
    const iso = at.toISOString();
    const view = signalView(
      signalId,
      attemptId,
      type,
      'candidate',
      user.id,
      data,
      iso,
      running,
      tierOf(running, this.thresholds),
    );
    // Into the adapter's stream at once: proctors on every api process get it before it is stored.
    this.live.emitHere(proctorRoom(attemptId), 'attempt:signal', view);
    let row: SignalRow;
    try {
      const source = 'candidate' as const;
      row = await this.writes.add({
        signalId,
        attemptId,
        type,
        source,
        actorId: user.id,
        owner: user.id,
        points,
        data,
        at,
        view,
      });
    } catch (err) {
      this.relay.settle(attemptId, points);
      const reason = err instanceof AppError ? err.code : 'NOT_RECORDED';
      await this.live
        .emit(proctorRoom(attemptId), 'attempt:signal-withdrawn', { attemptId, id: signalId, reason })
        .catch((e) => this.logger.warn(`withdrawal of signal ${signalId} failed: ${e}`));
      throw err;
    }
    this.relay.settle(attemptId, points, row.integrity_points);
    const stored = { ...view, integrity: { points: row.integrity_points, tier: row.integrity_tier } };
    await this.live
      .emit(proctorRoom(attemptId), 'attempt:signal-stored', stored)
      .catch((err) => this.logger.warn(`stored-signal event ${signalId} failed: ${err}`));
    return { view: stored, row };
  }

  /** Waits until every relayed signal queued so far is written. */
  idle(): Promise<void> {
    return this.writes.idle();
  }

  /** Signal writes still queued (shutdown waits for them before the database closes). */
  drain(): Promise<void> {
    return this.writes.close(shuttingDown());
  }

  /**
   * One signal: its row, its points on the attempt, the new tier; refused with the reason when it may not be stored.
   */
  private async writeOne(signal: SignalRecord): Promise<SignalRow> {
    const stored = (await this.signals.insertBatch([signal], this.thresholds)).get(signal.attemptId);
    if (!stored) throw await this.refusal(signal.attemptId, signal.owner);
    const points = stored.integrity_points;
    return {
      at: signal.at,
      integrity_points: points,
      integrity_tier: tierOf(points, this.thresholds),
      status: stored.status,
    };
  }

  /** Why a signal for this attempt was not stored. */
  private async refusal(attemptId: string, owner?: string): Promise<AppError> {
    const a = await withContext(this.orm, (em) => this.attempts.findById(em, attemptId));
    if (!a) return attemptNotFound(attemptId);
    // Another's attempt is answered as if it did not exist (never "exists but not yours").
    if (owner && a.freelancerId !== owner) return attemptNotFound(attemptId);
    return attemptNotActive(a.status);
  }

  /**
   * A batch of relayed candidate signals, stored by one statement in arrival order. Signals of an attempt
   * that is no longer running (or not the sender's) are refused with the reason; the others answer the
   * stored total right after them.
   */
  private async storeBatch(batch: QueuedSignal[]): Promise<(SignalRow | Error)[]> {
    let stored: Map<string, StoredTotal>;
    for (let attempt = 1; ; attempt++) {
      try {
        stored = await this.signals.insertBatch(batch, this.thresholds);
        break;
      } catch (err) {
        if (sqlState(err) === '40P01' && attempt < SIGNAL_BATCH_TRIES) continue;
        // Nothing of the batch was stored: write its signals one by one, so one that cannot be stored is refused alone.
        if (batch.length > 1) return this.writeOneByOne(batch);
        throw err;
      }
    }
    const t = this.thresholds;
    const after = runningTotals(batch, new Map([...stored].map(([id, a]) => [id, a.integrity_points])));
    const refusals = new Map<string, Promise<Error>>();
    return Promise.all(
      batch.map(async (b, i) => {
        const points = after[i];
        if (points === undefined) {
          // A failed lookup refuses this signal only: the others of the batch are stored.
          if (!refusals.has(b.attemptId)) {
            refusals.set(
              b.attemptId,
              this.refusal(b.attemptId, b.owner).catch((e: unknown) => asError(e)),
            );
          }
          return refusals.get(b.attemptId)!;
        }
        return {
          at: b.at,
          integrity_points: points,
          integrity_tier: tierOf(points, t),
          status: stored.get(b.attemptId)!.status,
        };
      }),
    );
  }

  private async writeOneByOne(batch: QueuedSignal[]): Promise<(SignalRow | Error)[]> {
    const out: (SignalRow | Error)[] = [];
    for (const b of batch) out.push(await this.writeOne(b).catch((e: unknown) => asError(e)));
    return out;
  }
}
