import { Check, Column, Entity, Index, PrimaryColumn } from 'typeorm';
import type { AuditChannel, RequestSummary } from './audit.types.js';

/**
 * `audit_events`, mirroring migration 1795478460000 (which also installs the append-only trigger
 * and the partial-index predicates TypeORM does not compare). Rows are written with raw SQL by
 * AuditRepository; the entity exists so that the schema check sees the table.
 */
@Entity({ name: 'audit_events' })
@Index('audit_events_resource_idx', ['tenantId', 'resourceId', 'at', 'id'])
@Index('audit_events_request_idx', ['tenantId', 'requestId'])
@Index('audit_events_failures_idx', ['tenantId', 'at', 'id', 'status', 'scimType'], {
  where: 'status >= 400',
})
@Index('audit_events_status_idx', ['tenantId', 'status', 'at', 'id'], { where: 'status >= 400' })
@Index('audit_events_token_idx', ['tenantId', 'tokenId', 'at', 'id'])
@Index('audit_events_resource_type_idx', ['tenantId', 'resourceType', 'at', 'id'])
@Index('audit_events_operation_idx', ['tenantId', 'operation', 'at', 'id'])
@Index('audit_events_channel_idx', ['tenantId', 'channel', 'at', 'id'], {
  where: `channel <> 'scim'`,
})
@Check('audit_events_channel_check', `channel IN ('scim', 'graphql', 'system')`)
export class AuditEventEntity {
  @PrimaryColumn('uuid', { name: 'tenant_id', primaryKeyConstraintName: 'audit_events_pkey' })
  tenantId!: string;

  @PrimaryColumn('timestamptz', { primaryKeyConstraintName: 'audit_events_pkey' })
  at!: Date;

  @PrimaryColumn('uuid', { primaryKeyConstraintName: 'audit_events_pkey' })
  id!: string;

  @Column('text', { name: 'request_id', nullable: true })
  requestId!: string | null;

  @Column('uuid', { name: 'token_id', nullable: true })
  tokenId!: string | null;

  @Column('text')
  channel!: AuditChannel;

  @Column('text', { nullable: true })
  method!: string | null;

  @Column('text', { nullable: true })
  path!: string | null;

  @Column('text', { name: 'resource_type', nullable: true })
  resourceType!: string | null;

  @Column('text', { name: 'resource_id', nullable: true })
  resourceId!: string | null;

  @Column('text')
  operation!: string;

  @Column('integer')
  status!: number;

  @Column('text', { name: 'scim_type', nullable: true })
  scimType!: string | null;

  @Column('text', { nullable: true })
  detail!: string | null;

  @Column('real', { name: 'duration_ms', nullable: true })
  durationMs!: number | null;

  @Column('inet', { name: 'client_ip', nullable: true })
  clientIp!: string | null;

  @Column('text', { name: 'user_agent', nullable: true })
  userAgent!: string | null;

  @Column('text', { name: 'changed_attributes', array: true })
  changedAttributes!: string[];

  @Column('jsonb', { nullable: true })
  counts!: Record<string, number> | null;

  @Column('jsonb', { name: 'request_summary', nullable: true })
  requestSummary!: RequestSummary | null;
}
