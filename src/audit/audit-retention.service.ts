import { withAdvisoryLock } from '../database/advisory-lock.js';
import { Injectable, Logger } from '@nestjs/common';
import { DataSource, type QueryRunner } from 'typeorm';
import { AppConfig } from '../config/app-config.js';
import { auditRetentionDaysOf } from '../tenants/tenant-settings.js';
import { TenantsService } from '../tenants/tenants.service.js';
import { AuditRetentionRepository } from './audit-retention.repository.js';
import { AuditRepository } from './audit.repository.js';
import { AuditService } from './audit.service.js';
import { PLATFORM_AUDIT_TENANT_ID } from './audit.types.js';

/**
 * Advisory lock of the audit retention job, in PostgreSQL's two-key space next to the purge's
 * (`[0x6d757374, 1]`): "must", job 2. Held by the session that runs the job.
 */
export const AUDIT_RETENTION_LOCK_KEYS = [0x6d757374, 2] as const;

/** Events deleted per statement (and per transaction): bounds how long any lock is held. */
export const AUDIT_RETENTION_BATCH_SIZE = 5000;

export interface AuditRetentionOptions {
  /** Events per statement, 1–50 000 (default {@link AUDIT_RETENTION_BATCH_SIZE}). */
  readonly batchSize?: number;
  /** Stops the run after the batch in progress (shutdown). */
  readonly signal?: AbortSignal;
}

export interface TenantAuditRetention {
  readonly tenantId: string;
  readonly retentionDays: number;
  readonly eventsDeleted: number;
}

export type AuditRetentionResult =
  /** Another run (this instance or another one) holds the lock; this one did nothing. */
  | { readonly status: 'skipped' }
  | {
      readonly status: 'done' | 'aborted';
      readonly eventsDeleted: number;
      /** The tenants that had events deleted. */
      readonly tenants: readonly TenantAuditRetention[];
    };

/**
 * Audit retention (issue 6, item 6): events older than their tenant's retention
 * (`auditRetentionDays`, default `AUDIT_RETENTION_DAYS`) are deleted, for every tenant and for the
 * platform audit tenant (which always has the default).
 */
@Injectable()
export class AuditRetentionService {
  private readonly logger = new Logger('AuditRetention');

  constructor(
    private readonly dataSource: DataSource,
    private readonly config: AppConfig,
    private readonly tenants: TenantsService,
    private readonly retention: AuditRetentionRepository,
    private readonly auditRepository: AuditRepository,
    private readonly audit: AuditService,
  ) {}

  /**
   * One run over every tenant, under a session advisory lock so that of N instances (or CLI
   * runs) started together exactly one works and the others answer `skipped` at once.
   *
   * Each batch (at most `batchSize` events of one tenant, oldest first) is its own short
   * transaction, the only kind the append-only trigger lets delete. A tenant that had events
   * deleted gets one `system` audit row (operation `purge`, resource type `AuditEvent`, counts
   * `{deleted}`) once its batches are done.
   */
  async deleteExpired(options: AuditRetentionOptions = {}): Promise<AuditRetentionResult> {
    const batchSize = options.batchSize ?? AUDIT_RETENTION_BATCH_SIZE;
    if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > 50_000) {
      throw new RangeError(`batchSize must be a whole number from 1 to 50000, not ${batchSize}`);
    }
    const result = await withAdvisoryLock(this.dataSource, AUDIT_RETENTION_LOCK_KEYS, (runner) =>
      this.deleteLocked(runner, batchSize, options.signal),
    );
    return result === 'skipped' ? { status: 'skipped' } : result;
  }

  /** Every tenant with its retention; the platform audit tenant last, with the default. */
  private async retentions(): Promise<Array<{ tenantId: string; retentionDays: number }>> {
    const defaultDays = this.config.AUDIT_RETENTION_DAYS;
    const tenants = (await this.tenants.list()).map((tenant) => ({
      tenantId: tenant.id,
      retentionDays: auditRetentionDaysOf(tenant.settings.auditRetentionDays, defaultDays),
    }));
    return [...tenants, { tenantId: PLATFORM_AUDIT_TENANT_ID, retentionDays: defaultDays }];
  }

  private async deleteLocked(
    runner: QueryRunner,
    batchSize: number,
    signal: AbortSignal | undefined,
  ): Promise<AuditRetentionResult> {
    const done: TenantAuditRetention[] = [];
    for (const { tenantId, retentionDays } of await this.retentions()) {
      let eventsDeleted = 0;
      let aborted = false;
      for (;;) {
        if (signal?.aborted) {
          aborted = true;
          break;
        }
        const deleted = await this.deleteBatch(runner, tenantId, retentionDays, batchSize);
        eventsDeleted += deleted;
        if (deleted < batchSize) break;
      }
      if (eventsDeleted > 0) {
        done.push({ tenantId, retentionDays, eventsDeleted });
        await this.audit.record(
          tenantId,
          {
            channel: 'system',
            operation: 'purge',
            status: 200,
            resourceType: 'AuditEvent',
            counts: { deleted: eventsDeleted },
          },
          runner.manager,
        );
      }
      if (aborted) return this.finish('aborted', done);
    }
    return this.finish('done', done);
  }

  private async deleteBatch(
    runner: QueryRunner,
    tenantId: string,
    retentionDays: number,
    batchSize: number,
  ): Promise<number> {
    await runner.startTransaction();
    try {
      await this.auditRepository.allowRetentionDelete(runner.manager);
      const deleted = await this.retention.deleteExpired(
        tenantId,
        retentionDays,
        batchSize,
        runner.manager,
      );
      await runner.commitTransaction();
      return deleted;
    } catch (error) {
      await runner.rollbackTransaction();
      throw error;
    }
  }

  private finish(
    status: 'done' | 'aborted',
    tenants: TenantAuditRetention[],
  ): AuditRetentionResult {
    const eventsDeleted = tenants.reduce((sum, tenant) => sum + tenant.eventsDeleted, 0);
    if (eventsDeleted > 0 || status === 'aborted') {
      this.logger.log(
        { status, eventsDeleted, tenants: tenants.length },
        'deleted audit events past their retention',
      );
    }
    return { status, eventsDeleted, tenants };
  }
}
