import { Injectable, Logger, type BeforeApplicationShutdown } from '@nestjs/common';
import { DataSource } from 'typeorm';

/** Creates through this process after which `scim_users` is analyzed again. */
export const ANALYZE_AFTER_CREATES = 500;
/** At most one ANALYZE per process in this many milliseconds. */
export const ANALYZE_MIN_INTERVAL_MS = 30_000;

/**
 * Keeps the planner's statistics on `scim_users` in step with bulk loads.
 *
 * A new tenant's first Entra sync creates thousands of users in minutes. Until `scim_users` is
 * analyzed again, PostgreSQL believes the tenant has about one row, so for `userName eq` it sees
 * no difference between the `userName` index and walking the tenant's rows through the primary
 * key, and may pick the latter: each lookup then reads the whole tenant (the 10× slower plan of
 * the Entra guide). Autovacuum fixes it only after a tenth of the table changed and its next nap.
 *
 * So every {@link ANALYZE_AFTER_CREATES} creates, this process runs `ANALYZE scim_users` (at most
 * once per {@link ANALYZE_MIN_INTERVAL_MS}, one at a time, off the request path: a failure is
 * logged, never surfaced). The migration also lowers the table's autovacuum analyze thresholds.
 */
@Injectable()
export class UsersStatistics implements BeforeApplicationShutdown {
  private readonly logger = new Logger('UsersStatistics');
  private createsSinceAnalyze = 0;
  private lastAnalyzeAt = 0;
  private running: Promise<void> | undefined;

  constructor(private readonly dataSource: DataSource) {}

  /** A user was created (committed). */
  created(): void {
    this.createsSinceAnalyze++;
    if (this.createsSinceAnalyze < ANALYZE_AFTER_CREATES || this.running) return;
    if (Date.now() - this.lastAnalyzeAt < ANALYZE_MIN_INTERVAL_MS) return;
    this.createsSinceAnalyze = 0;
    this.lastAnalyzeAt = Date.now();
    this.running = this.analyze().finally(() => {
      this.running = undefined;
    });
  }

  /** The ANALYZE in progress, if any (tests and shutdown wait for it). */
  settled(): Promise<void> {
    return this.running ?? Promise.resolve();
  }

  beforeApplicationShutdown(): Promise<void> {
    return this.settled();
  }

  private async analyze(): Promise<void> {
    try {
      await this.dataSource.query('ANALYZE scim_users');
    } catch (error) {
      this.logger.warn({ err: error }, 'could not analyze scim_users');
    }
  }
}
