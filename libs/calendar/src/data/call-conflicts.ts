import { sqlState } from '@vetting/core';

/*
 * The database's answers when it refuses a call write, as the use cases read them.
 */

/**
 * The talent manager's time went meanwhile: the exclusion constraint on vetting_calls (overlap, 23P01; its
 * twin is `offersSlot`'s overlap check) or the daily cap `talent_manager_day_load_cap` (23514, kept by the
 * `vetting_calls_day_load` trigger; its twin is `offersSlot`'s `dailyCap` check in domain/slot-grid.rules.ts).
 */
export const isTimeTaken = (err: unknown) => sqlState(err) === '23P01' || isDayFull(err);

/** The daily cap: a concurrent booking took the day's last place. */
export const isDayFull = (err: unknown) =>
  sqlState(err) === '23514' && String((err as Error)?.message).includes('talent_manager_day_load_cap');

/** One active call per invitation (unique index): the invitation already has one. */
export const isDuplicateCall = (err: unknown) => sqlState(err) === '23505';

/** A deadlock or serialization failure: nothing was written, the client may simply try again. */
export const isRetryable = (err: unknown) => sqlState(err) === '40P01' || sqlState(err) === '40001';
