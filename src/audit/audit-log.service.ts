import { Injectable } from '@nestjs/common';
import { DomainError, DomainErrorCode } from '../common/domain-error.js';
import { isUuid } from '../common/uuid.js';
import { decodeCursor, encodeCursor, type PageRequest } from '../graphql/connection.js';
import { decodeAuditEventId, isEpochMicros } from './audit-event-id.js';
import {
  type AuditEventRecord,
  type AuditLogFilter,
  AuditLogRepository,
  type AuditLogPosition,
} from './audit-log.repository.js';

/** A page of a tenant's audit log: `first + 1` rows (the extra one only says more follow). */
export interface AuditLogPage {
  readonly rows: readonly AuditEventRecord[];
  readonly cursorOf: (row: AuditEventRecord) => string;
}

const invalid = (message: string): DomainError =>
  new DomainError(DomainErrorCode.InvalidInput, message);

/**
 * Reads of the audit log for the admin API (issue 6, item 2): a tenant's events newest first,
 * filtered, by keyset pages on `(at, id)`, and one event by its self-locating id.
 */
@Injectable()
export class AuditLogService {
  constructor(private readonly repository: AuditLogRepository) {}

  /**
   * One page of the tenant's events matching `filter`. Refuses (INVALID_INPUT) a `from` after
   * `to`, a status outside 100-599, a token id that is not a uuid and a cursor of anything else.
   * The caller has checked that the admin may read the tenant.
   */
  async events(tenantId: string, filter: AuditLogFilter, page: PageRequest): Promise<AuditLogPage> {
    checkFilter(filter);
    const after = page.after === null ? null : positionOf(page.after);
    const rows = await this.repository.page(tenantId, filter, after, page.first + 1);
    return { rows, cursorOf: cursorOf };
  }

  /**
   * The event an `AuditEvent.id` names, or null when it is malformed, missing, or of a tenant
   * `canRead` refuses (indistinguishable on purpose).
   */
  async event(
    id: string,
    canRead: (tenantId: string) => boolean,
  ): Promise<{ tenantId: string; row: AuditEventRecord } | null> {
    const key = decodeAuditEventId(id);
    if (!key || !canRead(key.tenantId)) return null;
    const row = await this.repository.findByKey(key.tenantId, key.atMicros, key.id);
    return row ? { tenantId: key.tenantId, row } : null;
  }
}

function cursorOf(row: AuditEventRecord): string {
  return encodeCursor([row.atMicros, row.id]);
}

/** The position an `after` cursor names; INVALID_INPUT for anything that is not such a cursor. */
function positionOf(cursor: string): AuditLogPosition {
  const [atMicros, id] = decodeCursor(cursor, 2);
  if (!isEpochMicros(atMicros) || !isUuid(id)) throw invalid('after is not a cursor of this list');
  return { atMicros, id };
}

function checkFilter(filter: AuditLogFilter): void {
  const { from, to, status, tokenId } = filter;
  if (from !== undefined && to !== undefined && from.getTime() > to.getTime()) {
    throw invalid('filter.from must not be after filter.to');
  }
  if (status !== undefined && (!Number.isInteger(status) || status < 100 || status > 599)) {
    throw invalid(`filter.status must be an HTTP status from 100 to 599, not ${status}`);
  }
  if (tokenId !== undefined && !isUuid(tokenId)) {
    throw invalid('filter.tokenId is not a token id');
  }
}
