import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { preparedQueryIn } from '../database/prepared-in-transaction.js';
import type { AuditEventRow } from './audit.types.js';

/** Columns of `audit_events` in insert order; `tenant_id` first, as in every key. */
export const AUDIT_COLUMNS = [
  'tenant_id',
  'at',
  'id',
  'request_id',
  'token_id',
  'channel',
  'method',
  'path',
  'resource_type',
  'resource_id',
  'operation',
  'status',
  'scim_type',
  'detail',
  'duration_ms',
  'client_ip',
  'user_agent',
  'changed_attributes',
  'counts',
  'request_summary',
] as const;

/** Most rows in one INSERT (20 parameters each, far below PostgreSQL's 65 535). */
export const MAX_ROWS_PER_INSERT = 500;

/**
 * The INSERT for `rows` rows: one VALUES tuple of bound parameters per row, nothing else. Pinned
 * by a unit test (hot path: every write request runs the one-row form inside its transaction).
 */
export function auditInsertSql(rows: number): string {
  if (!Number.isInteger(rows) || rows < 1 || rows > MAX_ROWS_PER_INSERT) {
    throw new RangeError(`an audit insert takes 1 to ${MAX_ROWS_PER_INSERT} rows, not ${rows}`);
  }
  const width = AUDIT_COLUMNS.length;
  const tuples = Array.from(
    { length: rows },
    (_, row) => `(${AUDIT_COLUMNS.map((_, col) => `$${row * width + col + 1}`).join(', ')})`,
  );
  return `INSERT INTO audit_events (${AUDIT_COLUMNS.join(', ')}) VALUES ${tuples.join(', ')}`;
}

const INSERT_ONE = auditInsertSql(1);

/** The bound parameters of one row, in {@link AUDIT_COLUMNS} order. */
export function auditInsertParams(tenantId: string, row: AuditEventRow): unknown[] {
  return [
    tenantId,
    row.at,
    row.id,
    row.requestId,
    row.tokenId,
    row.channel,
    row.method,
    row.path,
    row.resourceType,
    row.resourceId,
    row.operation,
    row.status,
    row.scimType,
    row.detail,
    row.durationMs,
    row.clientIp,
    row.userAgent,
    // node-postgres turns a JS array into a PostgreSQL array literal (text[]).
    [...row.changedAttributes],
    // JSON text, so that an array or a string is never mistaken for a PostgreSQL array.
    row.counts === null ? null : JSON.stringify(row.counts),
    row.requestSummary === null ? null : JSON.stringify(row.requestSummary),
  ];
}

/** Writes to `audit_events`. The table is append-only: there is no update, and no delete here. */
@Injectable()
export class AuditRepository {
  constructor(private readonly dataSource: DataSource) {}

  /**
   * Inserts rows of one tenant, on `manager` when given (inside the caller's transaction),
   * else on the pool. At most {@link MAX_ROWS_PER_INSERT} rows per statement. The one row of a
   * write, inside its transaction, is a named prepared statement (planned once per connection).
   */
  async insert(
    tenantId: string,
    rows: readonly AuditEventRow[],
    manager: EntityManager = this.dataSource.manager,
  ): Promise<void> {
    const [only] = rows;
    if (rows.length === 1 && only && manager.queryRunner?.isTransactionActive) {
      await preparedQueryIn(
        manager,
        'audit_events_insert',
        INSERT_ONE,
        auditInsertParams(tenantId, only),
      );
      return;
    }
    for (let start = 0; start < rows.length; start += MAX_ROWS_PER_INSERT) {
      const chunk = rows.slice(start, start + MAX_ROWS_PER_INSERT);
      await manager.query(
        auditInsertSql(chunk.length),
        chunk.flatMap((row) => auditInsertParams(tenantId, row)),
      );
    }
  }

  /**
   * Lets the current transaction of `manager` delete audit rows (the retention job): the
   * append-only trigger refuses DELETE and TRUNCATE otherwise. Ends with the transaction.
   */
  async allowRetentionDelete(manager: EntityManager): Promise<void> {
    if (!manager.queryRunner?.isTransactionActive) {
      throw new Error('allowRetentionDelete must run inside a transaction');
    }
    await manager.query(`SELECT set_config('muster.audit_retention', 'on', true)`);
  }
}
