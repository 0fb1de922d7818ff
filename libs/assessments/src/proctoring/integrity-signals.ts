import { Injectable } from '@nestjs/common';
import { AppConfig } from '@vetting/core';
import { SignalSource, SignalType, shouldAutoTerminate } from '../domain/integrity.rules';
import { SignalRecorder, SignalRow, integrityThresholds } from './signal-recorder';
import { TerminateAttempt } from './terminate-attempt';

/**
 * Integrity signals from candidates, proctors and the server: stored in order with the server's time,
 * streamed to watching proctors, and an attempt reaching INTEGRITY_AUTO_TERMINATE_AT is terminated.
 */
@Injectable()
export class IntegritySignals {
  constructor(
    private readonly config: AppConfig,
    private readonly recorder: SignalRecorder,
    private readonly terminating: TerminateAttempt,
  ) {}

  /**
   * Appends a signal with the server's time, adds its points and re-tiers the attempt in one statement,
   * then streams it to watching proctors (proctor and system signals, and candidates who did not join
   * through this process). With `owner`, the signal is only recorded for that candidate's running attempt.
   */
  async recordSignal(
    attemptId: string,
    type: SignalType,
    source: SignalSource,
    actorId: string | null,
    data: Record<string, unknown>,
    mayAutoTerminate = true,
    owner?: string,
  ) {
    const { view, row } = await this.recorder.record(attemptId, type, source, actorId, data, owner);
    await this.afterSignal(attemptId, row, mayAutoTerminate);
    return view;
  }

  /**
   * A candidate's signal. From a socket that joined the running attempt through this process, the signal
   * goes to watching proctors on this process as it arrives (`attempt:signal`, with the running
   * integrity); the next batch write (group commit: at most SIGNAL_WRITE_WINDOW_MS later, so the relay has
   * the CPU first and signals under load share a commit) publishes it to the other processes and stores it
   * in arrival order; the candidate's answer waits for the row. Once stored, proctors get
   * `attempt:signal-stored` (the same signal with the stored integrity: it corrects a total that missed
   * points added through another process, and reaches a proctor on another process who started watching
   * between the relay and the write); if it cannot be stored (the attempt ended meanwhile),
   * `attempt:signal-withdrawn`.
   */
  async candidateSignal(
    user: { id: string },
    attemptId: string,
    type: SignalType,
    data: Record<string, unknown>,
    joinedHere = false,
  ) {
    if (!joinedHere || !this.recorder.relays(attemptId)) {
      return this.recordSignal(attemptId, type, 'candidate', user.id, data, true, user.id);
    }
    const { view, row } = await this.recorder.relayed(user, attemptId, type, data);
    await this.afterSignal(attemptId, row, true);
    return view;
  }

  private async afterSignal(attemptId: string, row: SignalRow, mayAutoTerminate: boolean): Promise<void> {
    const t = integrityThresholds(this.config);
    if (mayAutoTerminate && row.status === 'in_progress' && shouldAutoTerminate(row.integrity_points, t)) {
      const system = { id: 'system', role: 'system' };
      await this.terminating.terminate(system, attemptId, 'integrity threshold reached', true).catch(() => undefined);
    }
  }
}
