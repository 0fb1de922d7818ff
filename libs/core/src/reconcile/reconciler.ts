import { Injectable } from '@nestjs/common';

export type Sweep = () => Promise<unknown>;

/** The reconciliation sweeps domain modules register: each settles from the database what a lost timer left undone. */
@Injectable()
export class Reconciler {
  private readonly sweeps = new Map<string, Sweep>();

  register(name: string, sweep: Sweep): void {
    this.sweeps.set(name, sweep);
  }

  /** Runs every sweep; one failing does not stop the others (the first error is thrown at the end). */
  async runAll(): Promise<Record<string, unknown>> {
    const results: Record<string, unknown> = {};
    let firstError: unknown;
    for (const [name, sweep] of this.sweeps) {
      try {
        results[name] = await sweep();
      } catch (err) {
        results[name] = { error: String((err as Error)?.message ?? err) };
        firstError ??= err;
      }
    }
    if (firstError) throw firstError;
    return results;
  }
}
