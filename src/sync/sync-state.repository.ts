import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { CycleAggregateRow } from './sync-cycles.js';

/**
 * Read-only aggregate queries behind `syncState`. The sync module is a read model: it owns no
 * table; it reads `audit_events` (the provisioning request stream: rows with `channel = 'scim'`),
 * `scim_users`, `scim_groups` and `api_tokens`, and never writes. Every query is scoped by
 * tenant (`$1`) and aggregates in SQL: no event is loaded into Node.
 *
 * Index use (migration 1795478460000): the cycle walk and its aggregates are range scans of the
 * primary key `(tenant_id, at, id)`; `lastError` and `errorBreakdown` carry the literal
 * `status >= 400` so that the partial `audit_events_failures_idx` serves them.
 */
export const SYNC_QUERIES = {
  /** Newest provisioning request. */
  lastRequestAt: `
    SELECT max(at) AS "at" FROM audit_events WHERE tenant_id = $1 AND channel = 'scim'`,

  /** Newest provisioning request that did not fail (walks back over recent failures only). */
  lastSuccessAt: `
    SELECT max(at) AS "at" FROM audit_events
    WHERE tenant_id = $1 AND channel = 'scim' AND status < 400`,

  /** Newest failed provisioning request. */
  lastError: `
    SELECT id AS "eventId", at, status, scim_type AS "scimType", detail,
           request_id AS "requestId", method, path, resource_type AS "resourceType",
           resource_id AS "resourceId"
    FROM audit_events
    WHERE tenant_id = $1 AND status >= 400 AND channel = 'scim'
    ORDER BY at DESC, id DESC
    LIMIT 1`,

  /**
   * Up to `$4` cycles (maximal runs of requests at most the gap `$2` ms apart), newest first,
   * starting with the newest one that starts before `$3` (microseconds since the epoch; NULL: no
   * bound), each aggregated per resource type; `more` says whether older requests exist.
   *
   * The walk never scans the history: from an event time `t` inside a cycle, the earliest event in
   * `[t - gap, t)` (one index probe) is still in the cycle and may be up to a whole gap earlier;
   * when there is none, `t` is the cycle's start, and the latest event before it (one probe) ends
   * the next older cycle. So the walk costs a few probes per cycle (about its duration divided by
   * the gap), and the aggregates cost the events of the cycles returned.
   */
  cycles: `
    WITH RECURSIVE walk (cycle_end, t, found, c_start, c_end) AS (
      SELECT e.at, e.at, 0, NULL::timestamptz, NULL::timestamptz
      FROM (
        SELECT max(a.at) AS at FROM audit_events a
        WHERE a.tenant_id = $1 AND a.channel = 'scim'
          AND a.at < coalesce('epoch'::timestamptz + $3::bigint * interval '1 microsecond',
                              'infinity'::timestamptz)
      ) e
      WHERE e.at IS NOT NULL
      UNION ALL
      SELECT CASE WHEN p.at IS NULL THEN q.at ELSE w.cycle_end END,
             coalesce(p.at, q.at),
             w.found + CASE WHEN p.at IS NULL THEN 1 ELSE 0 END,
             CASE WHEN p.at IS NULL THEN w.t END,
             CASE WHEN p.at IS NULL THEN w.cycle_end END
      FROM walk w
      CROSS JOIN LATERAL (
        SELECT min(a.at) AS at FROM audit_events a
        WHERE a.tenant_id = $1 AND a.channel = 'scim'
          AND a.at >= w.t - $2::bigint * interval '1 millisecond' AND a.at < w.t
      ) p
      CROSS JOIN LATERAL (
        SELECT max(a.at) AS at FROM audit_events a
        WHERE p.at IS NULL AND a.tenant_id = $1 AND a.channel = 'scim' AND a.at < w.t
      ) q
      WHERE w.t IS NOT NULL AND w.found < $4
    )
    SELECT (extract(epoch FROM w.c_start) * 1000000)::bigint::text AS "startMicros",
           w.c_start AS "startedAt", w.c_end AS "endedAt", g.resource_type AS "resourceType",
           g.requests, g.creates, g.updates, g.deletes, g.failures,
           EXISTS (SELECT 1 FROM walk m WHERE m.found = $4 AND m.t IS NOT NULL) AS more
    FROM walk w
    CROSS JOIN LATERAL (
      SELECT a.resource_type,
             count(*)::int AS requests,
             (count(*) FILTER (WHERE a.operation IN ('create', 'link')))::int AS creates,
             (count(*) FILTER (WHERE a.operation IN ('replace', 'patch')))::int AS updates,
             (count(*) FILTER (WHERE a.operation = 'delete'))::int AS deletes,
             (count(*) FILTER (WHERE a.status >= 400))::int AS failures
      FROM audit_events a
      WHERE a.tenant_id = $1 AND a.channel = 'scim' AND a.at >= w.c_start AND a.at <= w.c_end
      GROUP BY a.resource_type
    ) g
    WHERE w.c_start IS NOT NULL
    ORDER BY w.c_start DESC, g.resource_type NULLS LAST`,

  /**
   * Failures since `$2`, by status and scimType, most frequent first, each with the request id
   * and detail of its newest event.
   */
  errorBreakdown: `
    SELECT g.status, g.scim_type AS "scimType", g.count, g.last_at AS "lastAt",
           s.request_id AS "sampleRequestId", s.detail AS "sampleDetail"
    FROM (
      SELECT status, scim_type, count(*)::int AS count, max(at) AS last_at
      FROM audit_events
      WHERE tenant_id = $1 AND status >= 400 AND channel = 'scim' AND at >= $2
      GROUP BY status, scim_type
    ) g
    CROSS JOIN LATERAL (
      SELECT a.request_id, a.detail FROM audit_events a
      WHERE a.tenant_id = $1 AND a.status >= 400 AND a.channel = 'scim' AND a.at = g.last_at
        AND a.status = g.status AND a.scim_type IS NOT DISTINCT FROM g.scim_type
      ORDER BY a.id DESC
      LIMIT 1
    ) s
    ORDER BY g.count DESC, g.last_at DESC, g.status, g.scim_type NULLS FIRST`,

  /**
   * Users (live, active, soft-deleted) and groups (all, role groups: LIKE pattern `$2`), each a
   * count over its own partial index (`scim_users_tenant_active_idx` for the live and active
   * users, `scim_users_tenant_deleted_idx` for the deleted ones), never a scan of the table.
   */
  counts: `
    SELECT
      (SELECT count(*) FROM scim_users
        WHERE tenant_id = $1 AND deleted_at IS NULL)::int AS users,
      (SELECT count(*) FROM scim_users
        WHERE tenant_id = $1 AND deleted_at IS NULL AND active)::int AS "activeUsers",
      (SELECT count(*) FROM scim_users
        WHERE tenant_id = $1 AND deleted_at IS NOT NULL)::int AS "deletedUsersAwaitingPurge",
      (SELECT count(*) FROM scim_groups WHERE tenant_id = $1)::int AS groups,
      (SELECT count(*) FROM scim_groups
        WHERE tenant_id = $1 AND lower(display_name) LIKE lower($2) ESCAPE '\\')::int
        AS "roleGroups"`,

  /**
   * SCIM tokens neither revoked nor expired at `$2`, those of them expiring within 30 days, and
   * the newest use of any SCIM token of the tenant.
   */
  tokens: `
    SELECT (count(*) FILTER (WHERE revoked_at IS NULL AND expires_at > $2))::int AS active,
           (count(*) FILTER (WHERE revoked_at IS NULL AND expires_at > $2
                               AND expires_at <= $2::timestamptz + interval '30 days'))::int
             AS "expiringWithin30Days",
           max(last_used_at) AS "lastUsedAt"
    FROM api_tokens WHERE tenant_id = $1 AND kind = 'scim'`,
} as const;

export interface SyncErrorRow {
  readonly eventId: string;
  readonly at: Date;
  readonly status: number;
  readonly scimType: string | null;
  readonly detail: string | null;
  readonly requestId: string | null;
  readonly method: string | null;
  readonly path: string | null;
  readonly resourceType: string | null;
  readonly resourceId: string | null;
}

export interface SyncErrorGroupRow {
  readonly status: number;
  readonly scimType: string | null;
  readonly count: number;
  readonly lastAt: Date;
  readonly sampleRequestId: string | null;
  readonly sampleDetail: string | null;
}

export interface DirectoryCountsRow {
  readonly users: number;
  readonly activeUsers: number;
  readonly deletedUsersAwaitingPurge: number;
  readonly groups: number;
  readonly roleGroups: number;
}

export interface ScimTokensSummaryRow {
  readonly active: number;
  readonly expiringWithin30Days: number;
  readonly lastUsedAt: Date | null;
}

export interface CyclesPageRows {
  readonly rows: readonly CycleAggregateRow[];
  /** Older provisioning requests exist: there is a next page. */
  readonly more: boolean;
}

/** Read-only queries of the sync state (see {@link SYNC_QUERIES}). */
@Injectable()
export class SyncStateRepository {
  constructor(private readonly dataSource: DataSource) {}

  async lastRequestAt(tenantId: string): Promise<Date | null> {
    return this.newest(SYNC_QUERIES.lastRequestAt, tenantId);
  }

  async lastSuccessAt(tenantId: string): Promise<Date | null> {
    return this.newest(SYNC_QUERIES.lastSuccessAt, tenantId);
  }

  async lastError(tenantId: string): Promise<SyncErrorRow | null> {
    const rows: SyncErrorRow[] = await this.dataSource.query(SYNC_QUERIES.lastError, [tenantId]);
    return rows[0] ?? null;
  }

  /**
   * Up to `limit` cycles of `gapMs`, newest first, from the newest one starting before
   * `beforeMicros` (microseconds since the epoch, decimal text; null: from the newest request).
   */
  async cycles(
    tenantId: string,
    gapMs: number,
    beforeMicros: string | null,
    limit: number,
  ): Promise<CyclesPageRows> {
    // The planner cannot know how many requests a cycle holds (its bounds come from the walk),
    // so it prices the aggregates at a default share of the tenant's log: far above
    // jit_above_cost. JIT compilation then costs about a second for a query that runs in
    // milliseconds (measured: 1.2 s instead of 20 ms for 10 cycles), hence off for this one.
    const rows = await this.dataSource.transaction(async (manager) => {
      await manager.query(`SELECT set_config('jit', 'off', true)`);
      const found: Array<CycleAggregateRow & { more: boolean }> = await manager.query(
        SYNC_QUERIES.cycles,
        [tenantId, gapMs, beforeMicros, limit],
      );
      return found;
    });
    return {
      rows: rows.map(({ more: _more, ...row }) => row),
      more: rows[0]?.more ?? false,
    };
  }

  errorBreakdown(tenantId: string, since: Date): Promise<SyncErrorGroupRow[]> {
    return this.dataSource.query(SYNC_QUERIES.errorBreakdown, [tenantId, since]);
  }

  async counts(tenantId: string, roleGroupPattern: string): Promise<DirectoryCountsRow> {
    const rows: DirectoryCountsRow[] = await this.dataSource.query(SYNC_QUERIES.counts, [
      tenantId,
      roleGroupPattern,
    ]);
    return rows[0]!;
  }

  async tokens(tenantId: string, now: Date): Promise<ScimTokensSummaryRow> {
    const rows: ScimTokensSummaryRow[] = await this.dataSource.query(SYNC_QUERIES.tokens, [
      tenantId,
      now,
    ]);
    return rows[0]!;
  }

  private async newest(sql: string, tenantId: string): Promise<Date | null> {
    const rows: Array<{ at: Date | null }> = await this.dataSource.query(sql, [tenantId]);
    return rows[0]?.at ?? null;
  }
}
