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
 * `scim_users`, mirroring migration 1795478400000. Rows are read and written with raw SQL by
 * UsersRepository; the entity exists so that the schema check sees the table. The expression
 * indexes (`lower(user_name)`, the unlinked-email index) cannot be described by TypeORM and are
 * marked `synchronize: false`: the migration is their definition.
 */
@Entity({ name: 'scim_users' })
@Index('scim_users_tenant_user_name_key', { synchronize: false })
@Index('scim_users_tenant_display_name_idx', { synchronize: false })
@Index('scim_users_tenant_unlinked_email_idx', { synchronize: false })
@Index('scim_users_tenant_external_id_idx', ['tenantId', 'externalId', 'createdAt', 'id'], {
  where: 'deleted_at IS NULL',
})
@Index('scim_users_tenant_created_idx', ['tenantId', 'createdAt', 'id'], {
  where: 'deleted_at IS NULL',
})
@Index('scim_users_tenant_deleted_idx', ['tenantId', 'deletedAt'], {
  where: 'deleted_at IS NOT NULL',
})
@Index('scim_users_tenant_active_idx', ['tenantId', 'active'], { where: 'deleted_at IS NULL' })
export class ScimUserEntity {
  @PrimaryColumn('uuid', { name: 'tenant_id', primaryKeyConstraintName: 'scim_users_pkey' })
  tenantId!: string;

  @PrimaryColumn('uuid', { primaryKeyConstraintName: 'scim_users_pkey' })
  id!: string;

  @Column('text', { name: 'user_name' })
  userName!: string;

  @Column('text', { name: 'external_id', nullable: true })
  externalId!: string | null;

  @Column('text', { name: 'display_name', nullable: true })
  displayName!: string | null;

  @Column('boolean', { default: true })
  active!: boolean;

  /** The canonical SCIM document (without `id`, `meta` and `password`). */
  @Column('jsonb')
  resource!: Record<string, unknown>;

  @Column('text', { name: 'password_hash', nullable: true })
  passwordHash!: string | null;

  @Column('integer', { default: 1 })
  version!: number;

  @Column('timestamptz', { name: 'created_at', default: () => 'now()' })
  createdAt!: Date;

  @Column('timestamptz', { name: 'updated_at', default: () => 'now()' })
  updatedAt!: Date;

  @Column('timestamptz', { name: 'deleted_at', nullable: true })
  deletedAt!: Date | null;

  @ManyToOne(() => TenantEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'tenant_id', foreignKeyConstraintName: 'scim_users_tenant_fkey' })
  tenant?: Relation<TenantEntity>;
}
