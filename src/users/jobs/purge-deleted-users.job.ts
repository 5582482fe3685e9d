import { Injectable, Optional } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { type JobRunResult, WallClockJob } from '../../common/wall-clock-job.js';
import { AppConfig } from '../../config/app-config.js';
import { PurgeDeletedUsersService } from '../purge-deleted-users.service.js';

/** The job's timer in the SchedulerRegistry. */
export const PURGE_JOB_NAME = 'purge-deleted-users';

/**
 * Runs {@link PurgeDeletedUsersService.purgeExpired} every `PURGE_INTERVAL_MS` (0: never), on the
 * wall clock (see WallClockJob); a run in progress stops after its current batch on shutdown.
 */
@Injectable()
export class PurgeDeletedUsersJob extends WallClockJob {
  constructor(
    config: AppConfig,
    private readonly purge: PurgeDeletedUsersService,
    @Optional() scheduler?: SchedulerRegistry,
  ) {
    super(
      {
        name: PURGE_JOB_NAME,
        logContext: 'PurgeDeletedUsers',
        intervalMs: config.PURGE_INTERVAL_MS,
        doing: 'purging deleted users',
      },
      scheduler,
    );
  }

  protected work(signal: AbortSignal): Promise<JobRunResult> {
    return this.purge.purgeExpired({ signal });
  }
}
