import {
  type BeforeApplicationShutdown,
  Logger,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import type { SchedulerRegistry } from '@nestjs/schedule';

/**
 * Milliseconds from `now` to the next multiple of `interval` since the Unix epoch (never 0): with
 * an hourly interval, the next full hour (UTC). Every instance computes the same instant.
 */
export function delayToNextRun(now: number, interval: number): number {
  return interval - (now % interval);
}

/** What one run of a job did: `skipped` when another instance held the job's advisory lock. */
export interface JobRunResult {
  readonly status: 'done' | 'skipped' | (string & {});
}

/**
 * A job that runs every `intervalMs` (0: never) at wall-clock multiples of the interval, so that
 * N instances fire at the same moment and the job's advisory lock lets exactly one of them work,
 * and a restart does not postpone the next run.
 *
 * The timer is registered in @nestjs/schedule's SchedulerRegistry under `name`. Where
 * ScheduleModule is not loaded (the operator CLI, which runs jobs on demand) nothing is
 * scheduled. On shutdown the timer is cleared and a run in progress is asked to stop (its
 * `signal` aborts) and awaited. Subclasses give the work and how to describe it in the log.
 */
export abstract class WallClockJob implements OnApplicationBootstrap, BeforeApplicationShutdown {
  protected readonly logger: Logger;
  private readonly stop = new AbortController();
  private running: Promise<void> | undefined;

  protected constructor(
    private readonly job: {
      /** The timer's name in the SchedulerRegistry, and the logger's context. */
      readonly name: string;
      readonly logContext: string;
      readonly intervalMs: number;
      /** What the job does, for log lines: "purging deleted users". */
      readonly doing: string;
    },
    private readonly scheduler?: SchedulerRegistry,
  ) {
    this.logger = new Logger(job.logContext);
  }

  /** One run of the job; it should stop between batches once `signal` aborts. */
  protected abstract work(signal: AbortSignal): Promise<JobRunResult>;

  onApplicationBootstrap(): void {
    if (this.scheduler && this.job.intervalMs > 0) this.scheduleNext();
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stop.abort();
    if (this.scheduler?.doesExist('timeout', this.job.name)) {
      this.scheduler.deleteTimeout(this.job.name);
    }
    await this.running;
  }

  /** One scheduled run: never throws (a failure is logged and the next run comes as planned). */
  async run(): Promise<void> {
    try {
      const result = await this.work(this.stop.signal);
      if (result.status === 'skipped') {
        this.logger.debug(`another instance is ${this.job.doing}; skipped`);
      }
    } catch (error) {
      this.logger.error({ err: error }, `${this.job.doing} failed`);
    }
  }

  /** `after`: the instant the previous run was planned for (a timer may fire a little early). */
  private scheduleNext(after = 0): void {
    const scheduler = this.scheduler;
    if (!scheduler || this.stop.signal.aborted) return;
    const now = Math.max(Date.now(), after);
    const at = now + delayToNextRun(now, this.job.intervalMs);
    const timer = setTimeout(() => {
      scheduler.deleteTimeout(this.job.name);
      this.running = this.run().finally(() => {
        this.running = undefined;
        this.scheduleNext(at);
      });
    }, at - Date.now());
    // A pending run never keeps the process alive on its own.
    timer.unref();
    scheduler.addTimeout(this.job.name, timer);
  }
}
