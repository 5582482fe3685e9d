import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * A minted platform-admin token (migration 1795478640000): admin of every tenant. Its id is the
 * JWT `jti`; the token itself is never stored.
 */
@Entity({ name: 'platform_admin_tokens' })
export class PlatformAdminTokenEntity {
  @PrimaryColumn('uuid', { primaryKeyConstraintName: 'platform_admin_tokens_pkey' })
  id!: string;

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
}
