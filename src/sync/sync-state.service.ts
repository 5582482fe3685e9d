import { Injectable } from '@nestjs/common';
import type { Page, PageRequest } from '../graphql/connection.js';
import { TenantSettingsService } from '../tenants/tenant-settings.service.js';
import {
  assembleCycles,
  cycleCursorStart,
  errorWindowMs,
  likePrefixPattern,
  type SyncCycle,
} from './sync-cycles.js';
import {
  type DirectoryCountsRow,
  type ScimTokensSummaryRow,
  type SyncErrorGroupRow,
  type SyncErrorRow,
  SyncStateRepository,
} from './sync-state.repository.js';
import { needsNewestCycle, type SyncHealth, syncHealth } from './sync-status.js';

/**
 * One `syncState` query of one tenant: the settings it reads with, one clock reading for all of
 * its parts, and the parts already computed (status, statusReason, lastRequestAt and currentCycle
 * share their queries). Made by {@link SyncStateService.open}; lives as long as the request.
 */
export class SyncScope {
  private readonly computed = new Map<string, Promise<unknown>>();

  constructor(
    readonly tenantId: string,
    readonly cycleGapMinutes: number,
    readonly rolePrefix: string,
    /** "Now" for every part of this query (in progress, STALE, token expiry). */
    readonly asOf: Date,
  ) {}

  get gapMs(): number {
    return this.cycleGapMinutes * 60_000;
  }

  /** `compute()` on first use, the same promise afterwards. */
  once<T>(key: string, compute: () => Promise<T>): Promise<T> {
    let result = this.computed.get(key) as Promise<T> | undefined;
    if (!result) {
      result = compute();
      this.computed.set(key, result);
    }
    return result;
  }
}

/**
 * Provisioning health of a tenant, read from its SCIM request stream (the `scim` rows of the
 * audit log) and its directory. Every part is computed only when asked for, by SQL aggregates.
 */
@Injectable()
export class SyncStateService {
  constructor(
    private readonly repository: SyncStateRepository,
    private readonly settings: TenantSettingsService,
  ) {}

  /** The scope of one query; NOT_FOUND when there is no such tenant. */
  async open(tenantId: string, now = new Date()): Promise<SyncScope> {
    const { cycleGapMinutes, rolePrefix } = await this.settings.get(tenantId);
    return new SyncScope(tenantId, cycleGapMinutes, rolePrefix, now);
  }

  lastRequestAt(scope: SyncScope): Promise<Date | null> {
    return scope.once('lastRequestAt', () => this.repository.lastRequestAt(scope.tenantId));
  }

  lastSuccessAt(scope: SyncScope): Promise<Date | null> {
    return this.repository.lastSuccessAt(scope.tenantId);
  }

  lastError(scope: SyncScope): Promise<SyncErrorRow | null> {
    return this.repository.lastError(scope.tenantId);
  }

  /** Status and reason; the newest cycle is aggregated only when neither IDLE nor STALE. */
  health(scope: SyncScope): Promise<SyncHealth> {
    return scope.once('health', async () => {
      const lastRequestAt = await this.lastRequestAt(scope);
      const newestCycle = needsNewestCycle(scope.asOf, lastRequestAt)
        ? await this.newestCycle(scope)
        : null;
      return syncHealth({ now: scope.asOf, lastRequestAt, newestCycle });
    });
  }

  /** The newest cycle while it is in progress, else null. */
  async currentCycle(scope: SyncScope): Promise<SyncCycle | null> {
    const newest = await this.newestCycle(scope);
    return newest?.inProgress ? newest : null;
  }

  /** A page of cycles, newest first; `after` is the id of the last cycle of the previous page. */
  async cycles(scope: SyncScope, page: PageRequest): Promise<Page<SyncCycle>> {
    const before = page.after === null ? null : cycleCursorStart(scope.tenantId, page.after);
    const { cycles, more } = await this.loadCycles(scope, before, page.first);
    const edges = cycles.map((cycle) => ({ node: cycle, cursor: cycle.id }));
    return {
      edges,
      pageInfo: {
        hasNextPage: more,
        hasPreviousPage: page.after !== null,
        startCursor: edges[0]?.cursor ?? null,
        endCursor: edges.at(-1)?.cursor ?? null,
      },
    };
  }

  counts(scope: SyncScope): Promise<DirectoryCountsRow> {
    return this.repository.counts(scope.tenantId, likePrefixPattern(scope.rolePrefix));
  }

  /** Failures of the last `window` (`24h`, `7d`, at most 90d) by status and scimType. */
  errorBreakdown(scope: SyncScope, window: string): Promise<SyncErrorGroupRow[]> {
    const since = new Date(scope.asOf.getTime() - errorWindowMs(window));
    return this.repository.errorBreakdown(scope.tenantId, since);
  }

  tokens(scope: SyncScope): Promise<ScimTokensSummaryRow> {
    return this.repository.tokens(scope.tenantId, scope.asOf);
  }

  private newestCycle(scope: SyncScope): Promise<SyncCycle | null> {
    return scope.once(
      'newestCycle',
      async () => (await this.loadCycles(scope, null, 1)).cycles[0] ?? null,
    );
  }

  private async loadCycles(
    scope: SyncScope,
    beforeMicros: string | null,
    limit: number,
  ): Promise<{ cycles: SyncCycle[]; more: boolean }> {
    const { rows, more } = await this.repository.cycles(
      scope.tenantId,
      scope.gapMs,
      beforeMicros,
      limit,
    );
    return { cycles: assembleCycles(scope.tenantId, rows, scope.asOf, scope.gapMs), more };
  }
}
