import { withAdvisoryLock } from '../database/advisory-lock.js';
import { Injectable, Logger } from '@nestjs/common';
import { DataSource, type QueryRunner } from 'typeorm';
import { AuditService } from '../audit/audit.service.js';
import { AppConfig } from '../config/app-config.js';
import { retentionDaysOf } from '../tenants/tenant-settings.js';
import { DeletedUsersRepository } from './deleted-users.repository.js';

/**
 * Advisory lock of the purge, in PostgreSQL's two-key space (which never collides with the
 * one-key lock of the migrations): "must", job 1. Held by the session that runs the purge.
 */
export const PURGE_LOCK_KEYS = [0x6d757374, 1] as const;

/** Users deleted per statement (and per transaction): bounds how long any row lock is held. */
export const PURGE_BATCH_SIZE = 1000;

export interface PurgeOptions {
  /** Users per statement, 1–10 000 (default {@link PURGE_BATCH_SIZE}). */
  readonly batchSize?: number;
  /** Stops the run after the batch in progress (shutdown). */
  readonly signal?: AbortSignal;
}

export interface TenantPurge {
  readonly tenantId: string;
  readonly retentionDays: number;
  readonly usersPurged: number;
}

export type PurgeResult =
  /** Another run (this instance or another one) holds the lock; this one did nothing. */
  | { readonly status: 'skipped' }
  | {
      readonly status: 'done' | 'aborted';
      readonly usersPurged: number;
      /** The tenants that had users purged. */
      readonly tenants: readonly TenantPurge[];
    };

/**
 * The purge of soft-deleted users (issue 4, item 7): users deleted longer ago than their tenant's
 * retention (`softDeleteRetentionDays`, default `SOFT_DELETE_RETENTION_DAYS`) are deleted for good.
 * Deactivated users (`active = false`) are not deleted users and are never purged.
 */
@Injectable()
export class PurgeDeletedUsersService {
  private readonly logger = new Logger('PurgeDeletedUsers');

  constructor(
    private readonly dataSource: DataSource,
    private readonly config: AppConfig,
    private readonly deletedUsers: DeletedUsersRepository,
    private readonly audit: AuditService,
  ) {}

  /**
   * One run over every tenant, under a session advisory lock so that of N instances (or CLI
   * runs) started together exactly one works and the others answer `skipped` at once.
   *
   * Each batch (at most `batchSize` users of one tenant) is its own transaction, together with
   * its audit row (channel `system`, operation `purge`, counts `{usersPurged}`): a purged user
   * is never without its audit row, and no lock is held for longer than one batch.
   */
  async purgeExpired(options: PurgeOptions = {}): Promise<PurgeResult> {
    const batchSize = options.batchSize ?? PURGE_BATCH_SIZE;
    if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > 10_000) {
      throw new RangeError(`batchSize must be a whole number from 1 to 10000, not ${batchSize}`);
    }
    const result = await withAdvisoryLock(this.dataSource, PURGE_LOCK_KEYS, (runner) =>
      this.purgeLocked(runner, batchSize, options.signal),
    );
    return result === 'skipped' ? { status: 'skipped' } : result;
  }

  private async purgeLocked(
    runner: QueryRunner,
    batchSize: number,
    signal: AbortSignal | undefined,
  ): Promise<PurgeResult> {
    const tenants: TenantPurge[] = [];
    const candidates = await this.deletedUsers.tenantsWithDeletedUsers(runner.manager);
    for (const { tenantId, retentionSetting } of candidates) {
      const retentionDays = retentionDaysOf(
        retentionSetting,
        this.config.SOFT_DELETE_RETENTION_DAYS,
      );
      let usersPurged = 0;
      let aborted = false;
      for (;;) {
        if (signal?.aborted) {
          aborted = true;
          break;
        }
        const purged = await this.purgeBatch(runner, tenantId, retentionDays, batchSize);
        usersPurged += purged;
        if (purged < batchSize) break;
      }
      if (usersPurged > 0) tenants.push({ tenantId, retentionDays, usersPurged });
      if (aborted) return this.finish('aborted', tenants);
    }
    return this.finish('done', tenants);
  }

  private async purgeBatch(
    runner: QueryRunner,
    tenantId: string,
    retentionDays: number,
    batchSize: number,
  ): Promise<number> {
    await runner.startTransaction();
    try {
      const purged = await this.deletedUsers.purgeBatch(
        runner.manager,
        tenantId,
        retentionDays,
        batchSize,
      );
      if (purged > 0) {
        await this.audit.record(
          tenantId,
          {
            channel: 'system',
            operation: 'purge',
            status: 200,
            resourceType: 'User',
            counts: { usersPurged: purged },
          },
          runner.manager,
        );
      }
      await runner.commitTransaction();
      return purged;
    } catch (error) {
      await runner.rollbackTransaction();
      throw error;
    }
  }

  private finish(status: 'done' | 'aborted', tenants: TenantPurge[]): PurgeResult {
    const usersPurged = tenants.reduce((sum, tenant) => sum + tenant.usersPurged, 0);
    if (usersPurged > 0 || status === 'aborted') {
      this.logger.log({ status, usersPurged, tenants: tenants.length }, 'purged deleted users');
    }
    return { status, usersPurged, tenants };
  }
}
