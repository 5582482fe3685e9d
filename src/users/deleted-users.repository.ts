import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';

/** A tenant that holds soft-deleted users, with its retention setting as stored. */
export interface TenantWithDeletedUsers {
  readonly tenantId: string;
  /** `settings -> 'softDeleteRetentionDays'` as stored (JSONB, not validated): null when unset. */
  readonly retentionSetting: unknown;
}

/**
 * Tenants that have at least one soft-deleted user: one probe of `scim_users_tenant_deleted_idx`
 * per tenant. The only query here that is not scoped by tenant, because it is how the purge job
 * (a system job over every tenant) finds the tenants to work on.
 */
export const TENANTS_WITH_DELETED_USERS_SQL = `SELECT t.id AS "tenantId",
       t.settings -> 'softDeleteRetentionDays' AS "retentionSetting"
FROM tenants t
WHERE EXISTS (
  SELECT 1 FROM scim_users u WHERE u.tenant_id = t.id AND u.deleted_at IS NOT NULL
)
ORDER BY t.id`;

/**
 * Hard-deletes at most `$3` users of tenant `$1` that were soft-deleted more than `$2` days ago,
 * oldest deletion first, and answers how many it deleted. Users that are only deactivated
 * (`active = false`, `deleted_at IS NULL`) never match. `SKIP LOCKED`: a row some other
 * transaction holds is left for the next run instead of making the job wait. The ids are handed
 * over as an array so that the DELETE is a primary-key lookup whatever the statistics say.
 */
export const PURGE_BATCH_SQL = `WITH expired AS (
  SELECT id FROM scim_users
  WHERE tenant_id = $1 AND deleted_at IS NOT NULL
    AND deleted_at < now() - make_interval(days => $2::int)
  ORDER BY deleted_at
  LIMIT $3
  FOR UPDATE SKIP LOCKED
), purged AS (
  DELETE FROM scim_users
  WHERE tenant_id = $1 AND id = ANY (ARRAY(SELECT id FROM expired))
  RETURNING id
)
SELECT count(*)::int AS purged FROM purged`;

/** The queries of the purge of soft-deleted users (the SCIM read and write paths are in UsersRepository). */
@Injectable()
export class DeletedUsersRepository {
  constructor(private readonly dataSource: DataSource) {}

  tenantsWithDeletedUsers(manager?: EntityManager): Promise<TenantWithDeletedUsers[]> {
    return (manager ?? this.dataSource.manager).query(TENANTS_WITH_DELETED_USERS_SQL);
  }

  /** Runs {@link PURGE_BATCH_SQL} in `manager`'s transaction; the number of users deleted. */
  async purgeBatch(
    manager: EntityManager,
    tenantId: string,
    retentionDays: number,
    limit: number,
  ): Promise<number> {
    const rows: Array<{ purged: number }> = await manager.query(PURGE_BATCH_SQL, [
      tenantId,
      retentionDays,
      limit,
    ]);
    return rows[0]?.purged ?? 0;
  }
}
