import {
  type BeforeApplicationShutdown,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  Optional,
} from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { AppConfig } from '../../config/app-config.js';
import { AuditRetentionService } from '../audit-retention.service.js';

/** The job's timer in the SchedulerRegistry. */
export const AUDIT_RETENTION_JOB_NAME = 'audit-retention';

/**
 * Milliseconds from `now` to the next multiple of `interval` since the Unix epoch (never 0), as
 * for the purge of deleted users (same rule; the audit module imports no feature module).
 */
export function delayToNextRun(now: number, interval: number): number {
  return interval - (now % interval);
}

/**
 * Runs {@link AuditRetentionService.deleteExpired} every `AUDIT_RETENTION_INTERVAL_MS` (0:
 * never), at wall-clock multiples of the interval, so that N instances fire at the same moment and
 * the advisory lock lets exactly one of them work, and a restart does not postpone the next run.
 *
 * The timer is registered in @nestjs/schedule's SchedulerRegistry. Where ScheduleModule is not
 * loaded (the operator CLI, which runs the job on demand) nothing is scheduled. On shutdown the
 * timer is cleared and a run in progress stops after its current batch.
 */
@Injectable()
export class AuditRetentionJob implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('AuditRetention');
  private readonly stop = new AbortController();
  private running: Promise<void> | undefined;

  constructor(
    private readonly config: AppConfig,
    private readonly retention: AuditRetentionService,
    @Optional() private readonly scheduler?: SchedulerRegistry,
  ) {}

  onApplicationBootstrap(): void {
    if (this.scheduler && this.config.AUDIT_RETENTION_INTERVAL_MS > 0) this.scheduleNext();
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stop.abort();
    if (this.scheduler?.doesExist('timeout', AUDIT_RETENTION_JOB_NAME)) {
      this.scheduler.deleteTimeout(AUDIT_RETENTION_JOB_NAME);
    }
    await this.running;
  }

  /** One scheduled run: never throws (a failure is logged and the next run comes as planned). */
  async run(): Promise<void> {
    try {
      const result = await this.retention.deleteExpired({ signal: this.stop.signal });
      if (result.status === 'skipped') {
        this.logger.debug('another instance is deleting expired audit events; skipped');
      }
    } catch (error) {
      this.logger.error({ err: error }, 'deleting expired audit events failed');
    }
  }

  /** `after`: the instant the previous run was planned for (a timer may fire a little early). */
  private scheduleNext(after = 0): void {
    const scheduler = this.scheduler;
    if (!scheduler || this.stop.signal.aborted) return;
    const now = Math.max(Date.now(), after);
    const at = now + delayToNextRun(now, this.config.AUDIT_RETENTION_INTERVAL_MS);
    const timer = setTimeout(() => {
      scheduler.deleteTimeout(AUDIT_RETENTION_JOB_NAME);
      this.running = this.run().finally(() => {
        this.running = undefined;
        this.scheduleNext(at);
      });
    }, at - Date.now());
    // A pending run never keeps the process alive on its own.
    timer.unref();
    scheduler.addTimeout(AUDIT_RETENTION_JOB_NAME, timer);
  }
}
