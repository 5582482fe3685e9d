import {
  Column,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryColumn,
  type Relation,
} from 'typeorm';
import { TenantEntity } from './tenant.entity.js';

/** A non-human identity of a tenant. `sys.scim` is the one Entra provisioning acts as. */
@Entity({ name: 'service_identities' })
@Index('service_identities_tenant_name_key', ['tenantId', 'name'], { unique: true })
export class ServiceIdentityEntity {
  @PrimaryColumn('uuid', { name: 'tenant_id', primaryKeyConstraintName: 'service_identities_pkey' })
  tenantId!: string;

  @PrimaryColumn('uuid', { primaryKeyConstraintName: 'service_identities_pkey' })
  id!: string;

  @Column('text')
  name!: string;

  @Column('text', { default: '' })
  description!: string;

  @Column('timestamptz', { name: 'created_at', default: () => 'now()' })
  createdAt!: Date;

  @ManyToOne(() => TenantEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'tenant_id', foreignKeyConstraintName: 'service_identities_tenant_fkey' })
  tenant?: Relation<TenantEntity>;
}
