import { Field, Float, ID, Int, ObjectType, registerEnumType } from '@nestjs/graphql';
import { connectionTypes, type Page } from '../../graphql/connection.js';
import type { SyncCycle, SyncCycleResourceCounts } from '../sync-cycles.js';
import type { SyncScope } from '../sync-state.service.js';
import {
  type DirectoryCountsRow,
  type ScimTokensSummaryRow,
  type SyncErrorGroupRow,
  type SyncErrorRow,
} from '../sync-state.repository.js';
import { SyncStatus } from '../sync-status.js';

registerEnumType(SyncStatus, {
  name: 'SyncStatus',
  description: 'Provisioning health, from the SCIM requests the tenant received.',
  valuesMap: {
    IDLE: { description: 'No provisioning request ever.' },
    HEALTHY: { description: 'The newest cycle failed at most 5 % of its requests.' },
    DEGRADED: { description: 'The newest cycle failed more than 5 % of its requests.' },
    FAILING: {
      description:
        'The newest cycle failed more than 40 % of its requests: the level at which Entra quarantines the provisioning job.',
    },
    STALE: {
      description:
        'No provisioning request for more than 2 hours (after having been active), whatever the last cycle looked like.',
    },
  },
});

@ObjectType('SyncError', { description: 'A failed provisioning request (status >= 400).' })
export class SyncErrorModel {
  @Field(() => ID, { description: 'The audit event (see auditEvent).' }) eventId!: string;
  @Field() at!: Date;
  @Field(() => Int) status!: number;
  @Field(() => String, { nullable: true }) scimType!: string | null;
  @Field(() => String, { nullable: true }) detail!: string | null;
  @Field(() => String, {
    nullable: true,
    description: "The request's X-Request-Id (Entra: its client-request-id).",
  })
  requestId!: string | null;
  @Field(() => String, { nullable: true }) method!: string | null;
  @Field(() => String, { nullable: true }) path!: string | null;
  @Field(() => String, { nullable: true }) resourceType!: string | null;
  @Field(() => String, { nullable: true }) resourceId!: string | null;
}

const COUNTS = {
  requests: 'Provisioning requests (reads included).',
  creates: 'Requests whose operation is create or link (failed attempts included).',
  updates: 'Requests whose operation is replace or patch (failed attempts included).',
  deletes: 'Requests whose operation is delete (failed attempts included).',
  failures: 'Requests answered with status >= 400.',
} as const;

@ObjectType('SyncCycleResourceCounts', { description: "One resource type's share of a cycle." })
export class SyncCycleResourceCountsModel {
  @Field({
    description:
      'User, Group, a discovery resource, or "(none)" for /.search, /Bulk and unknown paths.',
  })
  resourceType!: string;
  @Field(() => Int, { description: COUNTS.requests }) requests!: number;
  @Field(() => Int, { description: COUNTS.creates }) creates!: number;
  @Field(() => Int, { description: COUNTS.updates }) updates!: number;
  @Field(() => Int, { description: COUNTS.deletes }) deletes!: number;
  @Field(() => Int, { description: COUNTS.failures }) failures!: number;
}

@ObjectType('SyncCycle', {
  description:
    "A provisioning cycle: a maximal run of the tenant's SCIM requests in which consecutive requests are at most cycleGapMinutes apart.",
})
export class SyncCycleModel {
  @Field(() => ID, { description: 'Opaque (encodes the start); also a cursor for `after`.' })
  id!: string;
  @Field({ description: 'Time of its first request.' }) startedAt!: Date;
  @Field({ description: 'Time of its last request (so far).' }) endedAt!: Date;
  @Field({ description: 'Its last request is at most cycleGapMinutes old: it may still grow.' })
  inProgress!: boolean;
  @Field(() => Int, { description: COUNTS.requests }) requests!: number;
  @Field(() => Int, { description: COUNTS.creates }) creates!: number;
  @Field(() => Int, { description: COUNTS.updates }) updates!: number;
  @Field(() => Int, { description: COUNTS.deletes }) deletes!: number;
  @Field(() => Int, { description: COUNTS.failures }) failures!: number;
  @Field(() => Float, { description: 'failures / requests (0 to 1).' }) errorRate!: number;
  @Field(() => [SyncCycleResourceCountsModel], {
    description: 'The counts per resource type, by resourceType.',
  })
  byResourceType!: SyncCycleResourceCountsModel[];
}

export const { Connection: SyncCycleConnection } = connectionTypes(SyncCycleModel, 'SyncCycle');

@ObjectType('DirectoryCounts', { description: "What the tenant's directory holds now." })
export class DirectoryCountsModel {
  @Field(() => Int, { description: 'Users not deleted.' }) users!: number;
  @Field(() => Int, { description: 'Users not deleted with active = true.' }) activeUsers!: number;
  @Field(() => Int, {
    description:
      'Soft-deleted users, kept until the purge job deletes them (softDeleteRetentionDays after their deletion).',
  })
  deletedUsersAwaitingPurge!: number;
  @Field(() => Int, { description: 'Groups, role groups included.' }) groups!: number;
  @Field(() => Int, {
    description: "Groups whose displayName starts with the tenant's rolePrefix (any case).",
  })
  roleGroups!: number;
}

@ObjectType('SyncErrorGroup', { description: 'Failures of one status and scimType.' })
export class SyncErrorGroupModel {
  @Field(() => Int) status!: number;
  @Field(() => String, { nullable: true }) scimType!: string | null;
  @Field(() => Int) count!: number;
  @Field({ description: 'Time of the newest of them.' }) lastAt!: Date;
  @Field(() => String, { nullable: true, description: 'Request id of the newest of them.' })
  sampleRequestId!: string | null;
  @Field(() => String, { nullable: true, description: 'Detail of the newest of them.' })
  sampleDetail!: string | null;
}

@ObjectType('ScimTokensSummary', { description: "The tenant's SCIM tokens at a glance." })
export class ScimTokensSummaryModel {
  @Field(() => Int, { description: 'SCIM tokens neither revoked nor expired.' }) active!: number;
  @Field(() => Int, { description: 'Active SCIM tokens that expire within 30 days.' })
  expiringWithin30Days!: number;
  @Field(() => Date, {
    nullable: true,
    description: 'Newest use of any SCIM token of the tenant (revoked and expired ones included).',
  })
  lastUsedAt!: Date | null;
}

@ObjectType('SyncState', {
  description:
    "Is provisioning working? Read from the tenant's provisioning requests: the audit events of channel scim (every SCIM request: reads, writes and failures; a failure is status >= 400).",
})
export class SyncStateModel {
  @Field(() => ID) tenantId!: string;

  @Field(() => Int, {
    description: 'Quiet minutes that end a cycle (tenant setting cycleGapMinutes, default 10).',
  })
  cycleGapMinutes!: number;

  /** The query's scope (not a field): what the field resolvers read with. */
  scope!: SyncScope;
}

export const toSyncStateModel = (scope: SyncScope): SyncStateModel => ({
  tenantId: scope.tenantId,
  cycleGapMinutes: scope.cycleGapMinutes,
  scope,
});

export const toSyncErrorModel = (row: SyncErrorRow): SyncErrorModel => ({ ...row });

const toResourceCountsModel = (counts: SyncCycleResourceCounts): SyncCycleResourceCountsModel => ({
  ...counts,
});

export const toSyncCycleModel = (cycle: SyncCycle): SyncCycleModel => ({
  ...cycle,
  byResourceType: cycle.byResourceType.map(toResourceCountsModel),
});

export const toDirectoryCountsModel = (row: DirectoryCountsRow): DirectoryCountsModel => ({
  ...row,
});

export const toSyncErrorGroupModel = (row: SyncErrorGroupRow): SyncErrorGroupModel => ({
  ...row,
});

export const toScimTokensSummaryModel = (row: ScimTokensSummaryRow): ScimTokensSummaryModel => ({
  ...row,
});

export const toSyncCyclePage = (page: Page<SyncCycle>): Page<SyncCycleModel> => ({
  pageInfo: page.pageInfo,
  edges: page.edges.map(({ node, cursor }) => ({ node: toSyncCycleModel(node), cursor })),
});
