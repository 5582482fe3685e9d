import {
  type BeforeApplicationShutdown,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  Optional,
} from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { AppConfig } from '../../config/app-config.js';
import { PurgeDeletedUsersService } from '../purge-deleted-users.service.js';

/** The job's timer in the SchedulerRegistry. */
export const PURGE_JOB_NAME = 'purge-deleted-users';

/**
 * Milliseconds from `now` to the next multiple of `interval` since the Unix epoch (never 0): with
 * an hourly interval, the next full hour (UTC). Every instance computes the same instant.
 */
export function delayToNextRun(now: number, interval: number): number {
  return interval - (now % interval);
}

/**
 * Runs {@link PurgeDeletedUsersService.purgeExpired} every `PURGE_INTERVAL_MS` (0: never), at
 * wall-clock multiples of the interval, so that N instances fire at the same moment and the
 * advisory lock lets exactly one of them purge, and a restart does not postpone the next run.
 *
 * The timer is registered in @nestjs/schedule's SchedulerRegistry. Where ScheduleModule is not
 * loaded (the operator CLI, which runs the purge on demand) nothing is scheduled. On shutdown the
 * timer is cleared and a run in progress stops after its current batch.
 */
@Injectable()
export class PurgeDeletedUsersJob implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('PurgeDeletedUsers');
  private readonly stop = new AbortController();
  private running: Promise<void> | undefined;

  constructor(
    private readonly config: AppConfig,
    private readonly purge: PurgeDeletedUsersService,
    @Optional() private readonly scheduler?: SchedulerRegistry,
  ) {}

  onApplicationBootstrap(): void {
    if (this.scheduler && this.config.PURGE_INTERVAL_MS > 0) this.scheduleNext();
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stop.abort();
    if (this.scheduler?.doesExist('timeout', PURGE_JOB_NAME)) {
      this.scheduler.deleteTimeout(PURGE_JOB_NAME);
    }
    await this.running;
  }

  /** One scheduled run: never throws (a failure is logged and the next run comes as planned). */
  async run(): Promise<void> {
    try {
      const result = await this.purge.purgeExpired({ signal: this.stop.signal });
      if (result.status === 'skipped') {
        this.logger.debug('another instance is purging deleted users; skipped');
      }
    } catch (error) {
      this.logger.error({ err: error }, 'purging deleted users failed');
    }
  }

  /** `after`: the instant the previous run was planned for (a timer may fire a little early). */
  private scheduleNext(after = 0): void {
    const scheduler = this.scheduler;
    if (!scheduler || this.stop.signal.aborted) return;
    const now = Math.max(Date.now(), after);
    const at = now + delayToNextRun(now, this.config.PURGE_INTERVAL_MS);
    const timer = setTimeout(() => {
      scheduler.deleteTimeout(PURGE_JOB_NAME);
      this.running = this.run().finally(() => {
        this.running = undefined;
        this.scheduleNext(at);
      });
    }, at - Date.now());
    // A pending run never keeps the process alive on its own.
    timer.unref();
    scheduler.addTimeout(PURGE_JOB_NAME, timer);
  }
}
