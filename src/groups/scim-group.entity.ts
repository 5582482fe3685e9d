import {
  Column,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryColumn,
  type Relation,
} from 'typeorm';
import { TenantEntity } from '../tenants/tenant.entity.js';

/**
 * `scim_groups`, mirroring migration 1795478580000. Rows are read and written with raw SQL by
 * GroupsRepository; the entity exists so that the schema check sees the table. The expression
 * index on `lower(display_name)` cannot be described by TypeORM and is marked
 * `synchronize: false`: the migration is its definition.
 */
@Entity({ name: 'scim_groups' })
@Index('scim_groups_tenant_display_name_key', { synchronize: false })
@Index('scim_groups_tenant_external_id_idx', ['tenantId', 'externalId', 'createdAt', 'id'])
@Index('scim_groups_tenant_created_idx', ['tenantId', 'createdAt', 'id'])
export class ScimGroupEntity {
  @PrimaryColumn('uuid', { name: 'tenant_id', primaryKeyConstraintName: 'scim_groups_pkey' })
  tenantId!: string;

  @PrimaryColumn('uuid', { primaryKeyConstraintName: 'scim_groups_pkey' })
  id!: string;

  @Column('text', { name: 'display_name' })
  displayName!: string;

  @Column('text', { name: 'external_id', nullable: true })
  externalId!: string | null;

  /** The canonical SCIM document (without `id`, `meta` and `members`). */
  @Column('jsonb')
  resource!: Record<string, unknown>;

  @Column('integer', { default: 1 })
  version!: number;

  @Column('timestamptz', { name: 'created_at', default: () => 'now()' })
  createdAt!: Date;

  @Column('timestamptz', { name: 'updated_at', default: () => 'now()' })
  updatedAt!: Date;

  @ManyToOne(() => TenantEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'tenant_id', foreignKeyConstraintName: 'scim_groups_tenant_fkey' })
  tenant?: Relation<TenantEntity>;
}
