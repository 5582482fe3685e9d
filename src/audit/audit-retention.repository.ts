import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';

/**
 * Deletes at most `$3` events of tenant `$1` older than `$2` days, oldest first, and answers how
 * many it deleted. The oldest rows are the start of the primary key `(tenant_id, at, id)`: the
 * CTE reads `$3` index entries and the DELETE finds each row by its key. No `FOR UPDATE`: audit
 * rows are never updated, and only one retention run works at a time (advisory lock).
 */
export const DELETE_EXPIRED_AUDIT_EVENTS_SQL = `WITH expired AS (
  SELECT at, id FROM audit_events
  WHERE tenant_id = $1 AND at < now() - make_interval(days => $2::int)
  ORDER BY at, id
  LIMIT $3
), deleted AS (
  DELETE FROM audit_events e
  USING expired x
  WHERE e.tenant_id = $1 AND e.at = x.at AND e.id = x.id
  RETURNING 1
)
SELECT count(*)::int AS deleted FROM deleted`;

/** The delete of the audit retention job (the table's append-only trigger must allow it). */
@Injectable()
export class AuditRetentionRepository {
  /**
   * Runs {@link DELETE_EXPIRED_AUDIT_EVENTS_SQL} in `manager`'s transaction, which must have
   * called AuditRepository.allowRetentionDelete; the number of events deleted.
   */
  async deleteExpired(
    tenantId: string,
    retentionDays: number,
    limit: number,
    manager: EntityManager,
  ): Promise<number> {
    const rows: Array<{ deleted: number }> = await manager.query(DELETE_EXPIRED_AUDIT_EVENTS_SQL, [
      tenantId,
      retentionDays,
      limit,
    ]);
    return rows[0]?.deleted ?? 0;
  }
}
