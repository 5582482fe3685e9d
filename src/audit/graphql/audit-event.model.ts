import {
  ArgsType,
  Field,
  Float,
  ID,
  InputType,
  Int,
  ObjectType,
  registerEnumType,
} from '@nestjs/graphql';
import { Type } from 'class-transformer';
import {
  IsDate,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  IsUUID,
  MaxLength,
  ValidateNested,
} from 'class-validator';
import { GraphQLJSON } from 'graphql-scalars';
import { connectionTypes, PageArgs } from '../../graphql/connection.js';
import { encodeAuditEventId, microsToDate } from '../audit-event-id.js';
import type { AuditEventRecord, AuditLogFilter } from '../audit-log.repository.js';
import {
  AUDIT_CHANNELS,
  AUDIT_OUTCOMES,
  type AuditChannel,
  type AuditOutcome,
  outcomeOf,
} from '../audit.types.js';

/** GraphQL names of the stored values. */
export const AuditOutcomeEnum = {
  SUCCESS: 'success',
  CLIENT_ERROR: 'clientError',
  SERVER_ERROR: 'serverError',
} as const satisfies Record<string, AuditOutcome>;

export const AuditChannelEnum = {
  SCIM: 'scim',
  GRAPHQL: 'graphql',
  SYSTEM: 'system',
} as const satisfies Record<string, AuditChannel>;

registerEnumType(AuditOutcomeEnum, {
  name: 'AuditOutcome',
  description: 'How a request ended: status below 400, 400-499, or 500 and above.',
});
registerEnumType(AuditChannelEnum, {
  name: 'AuditChannel',
  description: 'Where an audited action came from: the SCIM API, the admin API, or a job.',
});

/** Longest text a filter value may be (the stored columns are cut at 64-2048 characters). */
const MAX_FILTER_TEXT = 2048;

@InputType({
  description:
    'Audit events to return: every field given must match (and). Fields are compared exactly.',
})
export class AuditEventFilter {
  @Field({ nullable: true, description: 'Events at or after this instant (inclusive).' })
  @IsOptional()
  @IsDate()
  from?: Date;

  @Field({ nullable: true, description: 'Events before this instant (exclusive).' })
  @IsOptional()
  @IsDate()
  to?: Date;

  @Field({ nullable: true, description: 'User, Group, ServiceProviderConfig, Schema, …' })
  @IsOptional()
  @IsString()
  @MaxLength(MAX_FILTER_TEXT)
  resourceType?: string;

  @Field({ nullable: true, description: 'The id of the user or group a request named.' })
  @IsOptional()
  @IsString()
  @MaxLength(MAX_FILTER_TEXT)
  resourceId?: string;

  @Field({
    nullable: true,
    description: 'create, link, replace, patch, delete, purge, read, list, search, bulk, other, …',
  })
  @IsOptional()
  @IsString()
  @MaxLength(MAX_FILTER_TEXT)
  operation?: string;

  @Field(() => Int, { nullable: true, description: 'The HTTP status answered (100-599).' })
  @IsOptional()
  @IsInt()
  status?: number;

  @Field(() => AuditOutcomeEnum, { nullable: true })
  @IsOptional()
  @IsIn(AUDIT_OUTCOMES)
  outcome?: AuditOutcome;

  @Field({
    nullable: true,
    description: 'The SCIM error type of a failure (uniqueness, invalidFilter, …).',
  })
  @IsOptional()
  @IsString()
  @MaxLength(MAX_FILTER_TEXT)
  scimType?: string;

  @Field({
    nullable: true,
    description: "The request id (X-Request-Id, Entra's client-request-id).",
  })
  @IsOptional()
  @IsString()
  @MaxLength(MAX_FILTER_TEXT)
  requestId?: string;

  @Field(() => ID, { nullable: true, description: 'The token the request authenticated with.' })
  @IsOptional()
  @IsUUID()
  tokenId?: string;

  @Field(() => AuditChannelEnum, { nullable: true })
  @IsOptional()
  @IsIn(AUDIT_CHANNELS)
  channel?: AuditChannel;
}

/** The arguments of `auditEvents`: the tenant, the filter and the page. */
@ArgsType()
export class AuditEventsArgs extends PageArgs {
  @Field(() => ID)
  @IsString()
  tenantId!: string;

  @Field(() => AuditEventFilter, { nullable: true })
  @IsOptional()
  @ValidateNested()
  @Type(() => AuditEventFilter)
  filter?: AuditEventFilter | null;
}

@ObjectType('AuditEvent', {
  description:
    'One audited request or action. Request summaries are redacted when written (no secrets, no passwords).',
})
export class AuditEventModel {
  @Field(() => ID, { description: 'Opaque; auditEvent(id) reads the event back.' })
  id!: string;

  @Field(() => ID, { description: 'The uuid of the stored row.' })
  eventId!: string;

  @Field({ description: 'When the request arrived (shown to the millisecond).' })
  at!: Date;

  @Field(() => String, { nullable: true })
  requestId!: string | null;

  @Field(() => ID, { nullable: true, description: 'The token the request authenticated with.' })
  tokenId!: string | null;

  @Field(() => AuditChannelEnum)
  channel!: AuditChannel;

  @Field(() => String, { nullable: true })
  method!: string | null;

  @Field(() => String, { nullable: true, description: 'Without the query string.' })
  path!: string | null;

  @Field(() => String, { nullable: true })
  resourceType!: string | null;

  @Field(() => String, { nullable: true })
  resourceId!: string | null;

  @Field()
  operation!: string;

  @Field(() => Int)
  status!: number;

  @Field(() => AuditOutcomeEnum)
  outcome!: AuditOutcome;

  @Field(() => String, { nullable: true })
  scimType!: string | null;

  @Field(() => String, { nullable: true })
  detail!: string | null;

  @Field(() => Float, { nullable: true })
  durationMs!: number | null;

  @Field(() => String, { nullable: true })
  clientIp!: string | null;

  @Field(() => String, { nullable: true })
  userAgent!: string | null;

  @Field(() => [String], { description: 'Names of the attributes a write changed (no values).' })
  changedAttributes!: string[];

  @Field(() => GraphQLJSON, {
    nullable: true,
    description: 'Counts of a membership change or a job, e.g. {"membersAdded": 3}.',
  })
  counts!: Record<string, number> | null;

  @Field(() => GraphQLJSON, {
    nullable: true,
    description: 'The request as received (query and body), redacted and size-bounded.',
  })
  requestSummary!: unknown;
}

export const { Edge: AuditEventEdge, Connection: AuditEventConnection } = connectionTypes(
  AuditEventModel,
  'AuditEvent',
);

/** The service's filter: a field GraphQL gives as null counts as left out. */
export function toAuditLogFilter(input: AuditEventFilter | null | undefined): AuditLogFilter {
  const given = <T>(value: T | null | undefined): T | undefined => value ?? undefined;
  return {
    from: given(input?.from),
    to: given(input?.to),
    resourceType: given(input?.resourceType),
    resourceId: given(input?.resourceId),
    operation: given(input?.operation),
    status: given(input?.status),
    outcome: given(input?.outcome),
    scimType: given(input?.scimType),
    requestId: given(input?.requestId),
    tokenId: given(input?.tokenId),
    channel: given(input?.channel),
  };
}

export const toAuditEventModel = (tenantId: string, row: AuditEventRecord): AuditEventModel => ({
  id: encodeAuditEventId({ tenantId, atMicros: row.atMicros, id: row.id }),
  eventId: row.id,
  at: microsToDate(row.atMicros),
  requestId: row.requestId,
  tokenId: row.tokenId,
  channel: row.channel,
  method: row.method,
  path: row.path,
  resourceType: row.resourceType,
  resourceId: row.resourceId,
  operation: row.operation,
  status: row.status,
  outcome: outcomeOf(row.status),
  scimType: row.scimType,
  detail: row.detail,
  durationMs: row.durationMs,
  clientIp: row.clientIp,
  userAgent: row.userAgent,
  changedAttributes: row.changedAttributes,
  counts: row.counts,
  requestSummary: row.requestSummary,
});
