import { Check, Column, Entity, Index, PrimaryColumn } from 'typeorm';
import type { TenantSettings } from './tenant-settings.js';

@Entity({ name: 'tenants' })
@Index('tenants_slug_key', ['slug'], { unique: true })
@Check('tenants_slug_format', `slug ~ '^[a-z0-9][a-z0-9-]{0,62}$'`)
export class TenantEntity {
  @PrimaryColumn('uuid', { primaryKeyConstraintName: 'tenants_pkey' })
  id!: string;

  @Column('text')
  slug!: string;

  @Column('text')
  name!: string;

  @Column('jsonb', { default: {} })
  settings!: TenantSettings;

  @Column('timestamptz', { name: 'created_at', default: () => 'now()' })
  createdAt!: Date;

  @Column('timestamptz', { name: 'updated_at', default: () => 'now()' })
  updatedAt!: Date;
}
