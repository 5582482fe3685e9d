import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { DataSource, type EntityManager } from 'typeorm';
import { ServiceIdentityEntity } from './service-identity.entity.js';
import type { TenantSettings } from './tenant-settings.js';
import { TenantEntity } from './tenant.entity.js';

/** A tenant's SCIM schema settings as stored. */
export interface StoredScimSchemaSettings {
  /** `settings.scimExtensions` as PostgreSQL prints the JSONB (stable: usable as a cache key). */
  readonly extensionsJson: string | null;
  readonly strictSchemas: boolean;
}

/** Queries on `tenants` and `service_identities`. Identity queries are scoped by tenant id. */
@Injectable()
export class TenantsRepository {
  constructor(private readonly dataSource: DataSource) {}

  async insert(
    manager: EntityManager,
    tenant: Pick<TenantEntity, 'slug' | 'name'>,
  ): Promise<TenantEntity> {
    const rows: TenantEntity[] = await manager.query(
      `INSERT INTO tenants (id, slug, name) VALUES ($1, $2, $3)
       RETURNING id, slug, name, settings, created_at AS "createdAt", updated_at AS "updatedAt"`,
      [randomUUID(), tenant.slug, tenant.name],
    );
    const [created] = rows;
    if (!created) throw new Error('INSERT … RETURNING returned no row');
    return created;
  }

  list(): Promise<TenantEntity[]> {
    return this.dataSource.getRepository(TenantEntity).find({ order: { slug: 'ASC' } });
  }

  findById(id: string): Promise<TenantEntity | null> {
    return this.dataSource.getRepository(TenantEntity).findOneBy({ id });
  }

  findBySlug(slug: string): Promise<TenantEntity | null> {
    return this.dataSource.getRepository(TenantEntity).findOneBy({ slug });
  }

  /** The SCIM schema settings of a tenant, or null when there is no such tenant. */
  async findScimSchemaSettings(tenantId: string): Promise<StoredScimSchemaSettings | null> {
    const rows: StoredScimSchemaSettings[] = await this.dataSource.query(
      `SELECT (settings -> 'scimExtensions')::text AS "extensionsJson",
              coalesce(settings -> 'strictSchemas' = 'true'::jsonb, false) AS "strictSchemas"
       FROM tenants WHERE id = $1`,
      [tenantId],
    );
    return rows[0] ?? null;
  }

  /** Sets the given settings keys (the others stay); false when there is no such tenant. */
  async mergeSettings(tenantId: string, settings: Partial<TenantSettings>): Promise<boolean> {
    // Through a CTE so that the driver answers rows (it answers [rows, count] for a bare UPDATE).
    const rows: unknown[] = await this.dataSource.query(
      `WITH updated AS (
         UPDATE tenants SET settings = settings || $2::jsonb, updated_at = now()
         WHERE id = $1 RETURNING id
       )
       SELECT id FROM updated`,
      [tenantId, JSON.stringify(settings)],
    );
    return rows.length > 0;
  }

  /** The tenant's stored settings (no defaults applied), or null when there is no such tenant. */
  async findSettings(tenantId: string): Promise<TenantSettings | null> {
    const rows: Array<{ settings: TenantSettings }> = await this.dataSource.query(
      `SELECT settings FROM tenants WHERE id = $1`,
      [tenantId],
    );
    return rows[0]?.settings ?? null;
  }

  /**
   * Sets the keys of `set` and removes the keys in `unset`, in one statement (concurrent updates of
   * different keys both land). Answers the settings as stored after it, or null when there is no
   * such tenant.
   */
  async updateSettings(
    tenantId: string,
    set: Partial<TenantSettings>,
    unset: readonly string[],
  ): Promise<TenantSettings | null> {
    const rows: Array<{ settings: TenantSettings }> = await this.dataSource.query(
      `WITH updated AS (
         UPDATE tenants SET settings = (settings - $3::text[]) || $2::jsonb, updated_at = now()
         WHERE id = $1 RETURNING settings
       )
       SELECT settings FROM updated`,
      [tenantId, JSON.stringify(set), [...unset]],
    );
    return rows[0]?.settings ?? null;
  }

  /** Creates the named identities that are missing; existing ones are left as they are. */
  async ensureIdentities(
    manager: EntityManager,
    tenantId: string,
    identities: ReadonlyArray<{ name: string; description: string }>,
  ): Promise<void> {
    for (const identity of identities) {
      await manager.query(
        `INSERT INTO service_identities (tenant_id, id, name, description) VALUES ($1, $2, $3, $4)
         ON CONFLICT (tenant_id, name) DO NOTHING`,
        [tenantId, randomUUID(), identity.name, identity.description],
      );
    }
  }

  listIdentities(tenantId: string): Promise<ServiceIdentityEntity[]> {
    return this.dataSource
      .getRepository(ServiceIdentityEntity)
      .find({ where: { tenantId }, order: { name: 'ASC' } });
  }

  findIdentity(tenantId: string, name: string): Promise<ServiceIdentityEntity | null> {
    return this.dataSource.getRepository(ServiceIdentityEntity).findOneBy({ tenantId, name });
  }
}
