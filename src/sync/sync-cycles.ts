import { DomainError, DomainErrorCode } from '../common/domain-error.js';
import { checkInterval } from '../config/interval.js';
import { decodeCursor, encodeCursor } from '../graphql/connection.js';
import { errorRate } from './sync-status.js';

/**
 * Provisioning cycles as the admin API shows them, assembled from the per-cycle, per-resource-type
 * aggregate rows of SyncStateRepository.cycles. Pure: no DB, no clock.
 */

/** The resource type shown for requests that address none (`/.search`, `/Bulk`, unknown paths). */
export const NO_RESOURCE_TYPE = '(none)';

/** Longest `errorBreakdown` window. */
export const MAX_ERROR_WINDOW = { ms: 90 * 86_400_000, text: '90d' } as const;

export interface CycleCounts {
  readonly requests: number;
  readonly creates: number;
  readonly updates: number;
  readonly deletes: number;
  readonly failures: number;
}

export interface SyncCycleResourceCounts extends CycleCounts {
  readonly resourceType: string;
}

export interface SyncCycle extends CycleCounts {
  /** Opaque; encodes the tenant and the start (to the microsecond); also the `after` cursor. */
  readonly id: string;
  readonly startedAt: Date;
  readonly endedAt: Date;
  /** The cycle may still grow: its last request is at most the gap old. */
  readonly inProgress: boolean;
  readonly errorRate: number;
  readonly byResourceType: readonly SyncCycleResourceCounts[];
}

/** One aggregate row: one resource type of one cycle. */
export interface CycleAggregateRow extends CycleCounts {
  /** Start in microseconds since the epoch, as decimal text (exact, unlike a Date). */
  readonly startMicros: string;
  readonly startedAt: Date;
  readonly endedAt: Date;
  readonly resourceType: string | null;
}

/** The id (and cursor) of the cycle of `tenantId` that starts at `startMicros`. */
export function cycleId(tenantId: string, startMicros: string): string {
  return encodeCursor([tenantId, startMicros]);
}

/**
 * The start (microseconds since the epoch, decimal text) that a cursor of this tenant's cycles
 * encodes; anything else (a cursor of another list, of another tenant) is BAD_USER_INPUT.
 */
export function cycleCursorStart(tenantId: string, cursor: string): string {
  const [tenant, start] = decodeCursor(cursor, 2);
  if (tenant !== tenantId || typeof start !== 'string' || !/^-?[0-9]{1,18}$/.test(start)) {
    throw new DomainError(DomainErrorCode.InvalidInput, 'after is not a cursor of this list');
  }
  return start;
}

/**
 * Cycles, newest first, from rows ordered by start descending. A cycle is in progress while
 * `now - endedAt <= gap`.
 */
export function assembleCycles(
  tenantId: string,
  rows: readonly CycleAggregateRow[],
  now: Date,
  gapMs: number,
): SyncCycle[] {
  const byStart = new Map<string, CycleAggregateRow[]>();
  for (const row of rows) {
    const group = byStart.get(row.startMicros);
    if (group) group.push(row);
    else byStart.set(row.startMicros, [row]);
  }
  return [...byStart.entries()].map(([startMicros, group]) => {
    const first = group[0]!;
    const byResourceType = group.map((row) => ({
      resourceType: row.resourceType ?? NO_RESOURCE_TYPE,
      requests: row.requests,
      creates: row.creates,
      updates: row.updates,
      deletes: row.deletes,
      failures: row.failures,
    }));
    const totals = sumCounts(byResourceType);
    return {
      id: cycleId(tenantId, startMicros),
      startedAt: first.startedAt,
      endedAt: first.endedAt,
      inProgress: now.getTime() - first.endedAt.getTime() <= gapMs,
      ...totals,
      errorRate: errorRate(totals.requests, totals.failures),
      byResourceType,
    };
  });
}

function sumCounts(counts: readonly CycleCounts[]): CycleCounts {
  return counts.reduce(
    (sum, row) => ({
      requests: sum.requests + row.requests,
      creates: sum.creates + row.creates,
      updates: sum.updates + row.updates,
      deletes: sum.deletes + row.deletes,
      failures: sum.failures + row.failures,
    }),
    { requests: 0, creates: 0, updates: 0, deletes: 0, failures: 0 },
  );
}

/** Milliseconds of an `errorBreakdown` window (`24h`, `7d`, at most 90d); else BAD_USER_INPUT. */
export function errorWindowMs(window: string): number {
  const checked = checkInterval('window', window, {
    minMs: 1_000,
    maxMs: MAX_ERROR_WINDOW.ms,
    maxText: MAX_ERROR_WINDOW.text,
  });
  if (!checked.ok) throw new DomainError(DomainErrorCode.InvalidInput, checked.message);
  return checked.ms;
}

/**
 * A LIKE pattern matching text that starts with `prefix`: `\`, `%` and `_` are escaped (with the
 * pattern's `ESCAPE '\'`), so a prefix such as `role_` matches only itself.
 */
export function likePrefixPattern(prefix: string): string {
  return `${prefix.replace(/[\\%_]/g, (char) => `\\${char}`)}%`;
}
