import { Injectable, Optional } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { type JobRunResult, WallClockJob } from '../../common/wall-clock-job.js';
import { AppConfig } from '../../config/app-config.js';
import { AuditRetentionService } from '../audit-retention.service.js';

/** The job's timer in the SchedulerRegistry. */
export const AUDIT_RETENTION_JOB_NAME = 'audit-retention';

/**
 * Runs {@link AuditRetentionService.deleteExpired} every `AUDIT_RETENTION_INTERVAL_MS` (0:
 * never), on the wall clock (see WallClockJob); a run in progress stops after its current batch
 * on shutdown.
 */
@Injectable()
export class AuditRetentionJob extends WallClockJob {
  constructor(
    config: AppConfig,
    private readonly retention: AuditRetentionService,
    @Optional() scheduler?: SchedulerRegistry,
  ) {
    super(
      {
        name: AUDIT_RETENTION_JOB_NAME,
        logContext: 'AuditRetention',
        intervalMs: config.AUDIT_RETENTION_INTERVAL_MS,
        doing: 'deleting expired audit events',
      },
      scheduler,
    );
  }

  protected work(signal: AbortSignal): Promise<JobRunResult> {
    return this.retention.deleteExpired({ signal });
  }
}
