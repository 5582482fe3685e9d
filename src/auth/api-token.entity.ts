import {
  Check,
  Column,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryColumn,
  type Relation,
} from 'typeorm';
import { ServiceIdentityEntity } from '../tenants/service-identity.entity.js';
import { TenantEntity } from '../tenants/tenant.entity.js';

export type TokenKind = 'scim' | 'admin';

/**
 * The record of a minted token: its id is the JWT `jti`. The token string itself is never stored;
 * it is shown once when minted.
 */
@Entity({ name: 'api_tokens' })
@Index('api_tokens_tenant_kind_idx', ['tenantId', 'kind', 'createdAt'])
@Index('api_tokens_id_idx', ['id'])
@Check('api_tokens_kind_check', `kind IN ('scim', 'admin')`)
export class ApiTokenEntity {
  @PrimaryColumn('uuid', { name: 'tenant_id', primaryKeyConstraintName: 'api_tokens_pkey' })
  tenantId!: string;

  @PrimaryColumn('uuid', { primaryKeyConstraintName: 'api_tokens_pkey' })
  id!: string;

  @Column('text')
  kind!: TokenKind;

  @Column('uuid', { name: 'identity_id', nullable: true })
  identityId!: string | null;

  @Column('text', { default: '' })
  label!: string;

  @Column('timestamptz', { name: 'created_at', default: () => 'now()' })
  createdAt!: Date;

  @Column('timestamptz', { name: 'expires_at' })
  expiresAt!: Date;

  @Column('timestamptz', { name: 'revoked_at', nullable: true })
  revokedAt!: Date | null;

  @Column('timestamptz', { name: 'last_used_at', nullable: true })
  lastUsedAt!: Date | null;

  /** The token that replaced this one (`rotateScimToken`); null unless rotated. */
  @Column('uuid', { name: 'replaced_by', nullable: true })
  replacedBy!: string | null;

  @ManyToOne(() => TenantEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'tenant_id', foreignKeyConstraintName: 'api_tokens_tenant_fkey' })
  tenant?: Relation<TenantEntity>;

  @ManyToOne(() => ServiceIdentityEntity, { onDelete: 'CASCADE' })
  @JoinColumn([
    {
      name: 'tenant_id',
      referencedColumnName: 'tenantId',
      foreignKeyConstraintName: 'api_tokens_identity_fkey',
    },
    {
      name: 'identity_id',
      referencedColumnName: 'id',
      foreignKeyConstraintName: 'api_tokens_identity_fkey',
    },
  ])
  identity?: Relation<ServiceIdentityEntity>;
}
