import { BeforeApplicationShutdown, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { InjectQueue, OnWorkerEvent, Processor, WorkerHost } from '@nestjs/bullmq';
import { Job, Queue } from 'bullmq';
import { AppConfig } from '../config/app-config';
import { Reconciler } from './reconciler';

export const RECONCILE_QUEUE = 'reconcile';
const SCHEDULER_ID = 'reconcile';

/**
 * The reconciliation sweep: a repeatable job every RECONCILE_INTERVAL (one worker runs each), once at
 * worker start, and at once when the job's schedule is found missing (Redis restarted without its data:
 * every timer is gone, so the database is read again now and the schedule put back).
 */
@Processor(RECONCILE_QUEUE, { concurrency: 1 })
@Injectable()
export class ReconcileProcessor extends WorkerHost implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('Reconcile');
  private watchdog?: NodeJS.Timeout;

  constructor(
    private readonly reconciler: Reconciler,
    private readonly config: AppConfig,
    @InjectQueue(RECONCILE_QUEUE) private readonly queue: Queue,
  ) {
    super();
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.ensureSchedule();
    void this.sweep('start');
    const every = this.config.env.RECONCILE_INTERVAL.toMillis();
    this.watchdog = setInterval(() => {
      this.queue
        .getJobScheduler(SCHEDULER_ID)
        .then(async (scheduler) => {
          if (scheduler) return;
          this.logger.warn('the reconcile schedule is missing (Redis lost its data?): sweeping now');
          await this.ensureSchedule();
          await this.sweep('schedule missing');
        })
        .catch((err) => this.logger.debug(`reconcile watchdog: ${err}`));
    }, every);
  }

  beforeApplicationShutdown(): void {
    if (this.watchdog) clearInterval(this.watchdog);
  }

  private ensureSchedule() {
    return this.queue.upsertJobScheduler(
      SCHEDULER_ID,
      { every: this.config.env.RECONCILE_INTERVAL.toMillis() },
      { name: 'reconcile', opts: { removeOnComplete: 100, removeOnFail: 100 } },
    );
  }

  /** Runs the sweeps in this process (start, watchdog) and logs rather than throws. */
  async sweep(why: string): Promise<void> {
    try {
      const results = await this.reconciler.runAll();
      this.logger.debug({ results }, `reconciled (${why})`);
    } catch (err) {
      this.logger.warn(`reconcile sweep (${why}) failed: ${(err as Error)?.message ?? err}`);
    }
  }

  async process(_job: Job): Promise<unknown> {
    return this.reconciler.runAll();
  }

  @OnWorkerEvent('failed')
  onFailed(job: Job, err: Error): void {
    this.logger.warn({ jobId: job?.id }, `reconcile failed: ${err.message}`);
  }
}
