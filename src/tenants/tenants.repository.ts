import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { DataSource, type EntityManager } from 'typeorm';
import { ServiceIdentityEntity } from './service-identity.entity.js';
import { TenantEntity } from './tenant.entity.js';

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
