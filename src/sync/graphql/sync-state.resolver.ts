import { UseGuards } from '@nestjs/common';
import { Args, ID, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import { AdminGuard } from '../../auth/admin.guard.js';
import { assertTenantAccess, CurrentAdmin } from '../../auth/current-admin.decorator.js';
import type { AdminPrincipal } from '../../auth/principal.js';
import {
  PageArgs,
  connectionComplexity,
  type Page,
  pageRequest,
} from '../../graphql/connection.js';
import { MAX_ERROR_WINDOW } from '../sync-cycles.js';
import { SyncStateService } from '../sync-state.service.js';
import { SyncStatus } from '../sync-status.js';
import {
  DirectoryCountsModel,
  ScimTokensSummaryModel,
  SyncCycleConnection,
  SyncCycleModel,
  SyncErrorGroupModel,
  SyncErrorModel,
  SyncStateModel,
  toDirectoryCountsModel,
  toScimTokensSummaryModel,
  toSyncCycleModel,
  toSyncCyclePage,
  toSyncErrorGroupModel,
  toSyncErrorModel,
  toSyncStateModel,
} from './sync-state.model.js';

/**
 * `syncState(tenantId)`: the tenant check and the settings happen once, in the query; each field
 * is computed only when selected (fields that share a query share its result, see SyncScope).
 */
@UseGuards(AdminGuard)
@Resolver(() => SyncStateModel)
export class SyncStateResolver {
  constructor(private readonly sync: SyncStateService) {}

  @Query(() => SyncStateModel, {
    description: "Provisioning health of a tenant at a glance: is Entra's sync working?",
  })
  async syncState(
    @CurrentAdmin() admin: AdminPrincipal,
    @Args('tenantId', { type: () => ID }) tenantId: string,
  ): Promise<SyncStateModel> {
    assertTenantAccess(admin, tenantId);
    return toSyncStateModel(await this.sync.open(tenantId));
  }

  @ResolveField(() => SyncStatus, {
    description:
      'IDLE: no provisioning request ever. STALE: the last one is more than 2 hours old. Else from the newest cycle (in progress or not): error rate over 40 % FAILING, over 5 % DEGRADED, else HEALTHY.',
  })
  async status(@Parent() state: SyncStateModel): Promise<SyncStatus> {
    return (await this.sync.health(state.scope)).status;
  }

  @ResolveField(() => String, {
    description:
      'Why the status is what it is, in one sentence (e.g. "12 of the 100 requests of the last cycle failed (12 %): over 5 %.").',
  })
  async statusReason(@Parent() state: SyncStateModel): Promise<string> {
    return (await this.sync.health(state.scope)).reason;
  }

  @ResolveField(() => Date, { nullable: true, description: 'Newest provisioning request.' })
  lastRequestAt(@Parent() state: SyncStateModel): Promise<Date | null> {
    return this.sync.lastRequestAt(state.scope);
  }

  @ResolveField(() => Date, {
    nullable: true,
    description: 'Newest provisioning request that succeeded (status < 400).',
  })
  lastSuccessAt(@Parent() state: SyncStateModel): Promise<Date | null> {
    return this.sync.lastSuccessAt(state.scope);
  }

  @ResolveField(() => SyncErrorModel, {
    nullable: true,
    description: 'Newest failed provisioning request (status >= 400).',
  })
  async lastError(@Parent() state: SyncStateModel): Promise<SyncErrorModel | null> {
    const error = await this.sync.lastError(state.scope);
    return error && toSyncErrorModel(error);
  }

  @ResolveField(() => SyncCycleModel, {
    nullable: true,
    description:
      'The newest cycle while it is in progress (its last request is at most cycleGapMinutes old), else null.',
  })
  async currentCycle(@Parent() state: SyncStateModel): Promise<SyncCycleModel | null> {
    const cycle = await this.sync.currentCycle(state.scope);
    return cycle && toSyncCycleModel(cycle);
  }

  @ResolveField(() => SyncCycleConnection, {
    description:
      'Provisioning cycles, newest first. A new cycle starts after a quiet gap of more than cycleGapMinutes between two requests.',
    complexity: connectionComplexity,
  })
  async cycles(
    @Parent() state: SyncStateModel,
    @Args() page: PageArgs,
  ): Promise<Page<SyncCycleModel>> {
    return toSyncCyclePage(await this.sync.cycles(state.scope, pageRequest(page)));
  }

  @ResolveField(() => DirectoryCountsModel, { description: "What the tenant's directory holds." })
  async counts(@Parent() state: SyncStateModel): Promise<DirectoryCountsModel> {
    return toDirectoryCountsModel(await this.sync.counts(state.scope));
  }

  @ResolveField(() => [SyncErrorGroupModel], {
    description:
      'Failed provisioning requests of the last `window`, grouped by status and scimType, most frequent first.',
  })
  async errorBreakdown(
    @Parent() state: SyncStateModel,
    @Args('window', {
      type: () => String,
      nullable: true,
      defaultValue: '24h',
      description: `How far back: 30s, 90min, 24h, 7d … (at most ${MAX_ERROR_WINDOW.text}).`,
    })
    window: string | null,
  ): Promise<SyncErrorGroupModel[]> {
    return (await this.sync.errorBreakdown(state.scope, window ?? '24h')).map(
      toSyncErrorGroupModel,
    );
  }

  @ResolveField(() => ScimTokensSummaryModel, { description: "The tenant's SCIM tokens." })
  async tokens(@Parent() state: SyncStateModel): Promise<ScimTokensSummaryModel> {
    return toScimTokensSummaryModel(await this.sync.tokens(state.scope));
  }
}
