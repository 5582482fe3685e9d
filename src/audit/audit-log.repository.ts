import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { microsToTimestamp } from './audit-event-id.js';
import type { AuditChannel, AuditOutcome, RequestSummary } from './audit.types.js';

/** A validated filter of the audit log (AuditLogService checks it); every field optional. */
export interface AuditLogFilter {
  /** Inclusive. */
  readonly from?: Date;
  /** Exclusive. */
  readonly to?: Date;
  readonly resourceType?: string;
  readonly resourceId?: string;
  readonly operation?: string;
  readonly status?: number;
  readonly outcome?: AuditOutcome;
  readonly scimType?: string;
  readonly requestId?: string;
  /** A uuid. */
  readonly tokenId?: string;
  readonly channel?: AuditChannel;
}

/** Where a page starts: strictly after (older than) this row in `(at, id)` DESC order. */
export interface AuditLogPosition {
  /** `at` in whole microseconds since the epoch (decimal text). */
  readonly atMicros: string;
  /** A uuid. */
  readonly id: string;
}

/** One row of `audit_events` as the admin API reads it. */
export interface AuditEventRecord {
  readonly atMicros: string;
  readonly id: string;
  readonly requestId: string | null;
  readonly tokenId: string | null;
  readonly channel: AuditChannel;
  readonly method: string | null;
  readonly path: string | null;
  readonly resourceType: string | null;
  readonly resourceId: string | null;
  readonly operation: string;
  readonly status: number;
  readonly scimType: string | null;
  readonly detail: string | null;
  readonly durationMs: number | null;
  readonly clientIp: string | null;
  readonly userAgent: string | null;
  readonly changedAttributes: string[];
  readonly counts: Record<string, number> | null;
  readonly requestSummary: RequestSummary | null;
}

/** `at` leaves as exact microseconds (extract(epoch) is numeric since PostgreSQL 14). */
const COLUMNS = `(extract(epoch FROM at) * 1000000)::bigint::text AS "atMicros", id,
  request_id AS "requestId", token_id AS "tokenId", channel, method, path,
  resource_type AS "resourceType", resource_id AS "resourceId", operation, status,
  scim_type AS "scimType", detail, duration_ms AS "durationMs", host(client_ip) AS "clientIp",
  user_agent AS "userAgent", changed_attributes AS "changedAttributes", counts,
  request_summary AS "requestSummary"`;

/**
 * The SELECT of one page of a tenant's audit log, newest first, keyset on `(at, id)`. Values are
 * bound parameters; the only literals are the predicates of the partial indexes of migration
 * 1795478460000 (`status >= 400`, `channel <> 'scim'`), added whenever the filter implies them
 * so that the planner can use those indexes. Pinned by a unit test.
 */
export function auditEventsQuery(
  tenantId: string,
  filter: AuditLogFilter,
  after: AuditLogPosition | null,
  limit: number,
): { sql: string; params: unknown[] } {
  const params: unknown[] = [tenantId];
  const bind = (value: unknown): string => {
    params.push(value);
    return `$${params.length}`;
  };
  const where = ['tenant_id = $1'];
  const equal = (column: string, value: string | number | undefined): void => {
    if (value !== undefined) where.push(`${column} = ${bind(value)}`);
  };

  if (filter.from !== undefined) where.push(`at >= ${bind(filter.from)}`);
  if (filter.to !== undefined) where.push(`at < ${bind(filter.to)}`);
  equal('resource_type', filter.resourceType);
  equal('resource_id', filter.resourceId);
  equal('operation', filter.operation);
  equal('status', filter.status);
  equal('scim_type', filter.scimType);
  equal('request_id', filter.requestId);
  equal('token_id', filter.tokenId);
  equal('channel', filter.channel);
  switch (filter.outcome) {
    case undefined:
      break;
    case 'success':
      where.push('status < 400');
      break;
    case 'clientError':
      where.push('status < 500');
      break;
    case 'serverError':
      where.push('status >= 500');
      break;
  }
  const failuresOnly =
    (filter.status !== undefined && filter.status >= 400) ||
    filter.outcome === 'clientError' ||
    filter.outcome === 'serverError' ||
    filter.scimType !== undefined;
  if (failuresOnly) where.push('status >= 400');
  if (filter.channel !== undefined && filter.channel !== 'scim') where.push(`channel <> 'scim'`);
  if (after) {
    where.push(
      `(at, id) < (${bind(microsToTimestamp(after.atMicros))}::timestamptz, ${bind(after.id)}::uuid)`,
    );
  }
  const sql = `SELECT ${COLUMNS}
FROM audit_events
WHERE ${where.join(' AND ')}
ORDER BY at DESC, id DESC
LIMIT ${bind(limit)}`;
  return { sql, params };
}

/** One row by its primary key. */
export const AUDIT_EVENT_BY_KEY_SQL = `SELECT ${COLUMNS}
FROM audit_events
WHERE tenant_id = $1 AND at = $2::timestamptz AND id = $3::uuid`;

/** Reads of `audit_events` for the admin API (the writes are in AuditRepository). */
@Injectable()
export class AuditLogRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** At most `limit` rows of the tenant matching `filter`, after `after`, newest first. */
  page(
    tenantId: string,
    filter: AuditLogFilter,
    after: AuditLogPosition | null,
    limit: number,
  ): Promise<AuditEventRecord[]> {
    const { sql, params } = auditEventsQuery(tenantId, filter, after, limit);
    return this.dataSource.query(sql, params);
  }

  async findByKey(
    tenantId: string,
    atMicros: string,
    id: string,
  ): Promise<AuditEventRecord | null> {
    const rows: AuditEventRecord[] = await this.dataSource.query(AUDIT_EVENT_BY_KEY_SQL, [
      tenantId,
      microsToTimestamp(atMicros),
      id,
    ]);
    return rows[0] ?? null;
  }
}
