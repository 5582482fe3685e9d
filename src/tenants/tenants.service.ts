import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { DomainError, DomainErrorCode, notFound } from '../common/domain-error.js';
import { isUuid } from '../common/uuid.js';
import { isUniqueViolation } from '../database/prepared.js';
import type { ServiceIdentityEntity } from './service-identity.entity.js';
import { SYSTEM_IDENTITIES } from './system-identities.js';
import type { TenantEntity } from './tenant.entity.js';
import { TenantsRepository } from './tenants.repository.js';

export const SLUG_PATTERN = /^[a-z0-9][a-z0-9-]{0,62}$/;

export interface CreateTenant {
  readonly slug: string;
  readonly name?: string;
}

@Injectable()
export class TenantsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly tenants: TenantsRepository,
  ) {}

  /** Creates a tenant together with its system identities (`sys.scim`), in one transaction. */
  async create(input: CreateTenant): Promise<TenantEntity> {
    const slug = input.slug.trim();
    if (!SLUG_PATTERN.test(slug)) {
      throw new DomainError(
        DomainErrorCode.InvalidInput,
        'slug must be 1-63 characters of lower-case letters, digits and dashes, starting with a letter or digit',
      );
    }
    const name = input.name?.trim() || slug;
    try {
      return await this.dataSource.transaction(async (manager) => {
        const tenant = await this.tenants.insert(manager, { slug, name });
        await this.tenants.ensureIdentities(manager, tenant.id, SYSTEM_IDENTITIES);
        return tenant;
      });
    } catch (error) {
      if (isUniqueViolation(error, 'tenants_slug_key')) {
        throw new DomainError(
          DomainErrorCode.Conflict,
          `a tenant with slug "${slug}" already exists`,
        );
      }
      throw error;
    }
  }

  /** Recreates any missing system identity of the tenant. Safe to call any number of times. */
  async setupSystemIdentities(tenantId: string): Promise<ServiceIdentityEntity[]> {
    await this.get(tenantId);
    await this.dataSource.transaction((manager) =>
      this.tenants.ensureIdentities(manager, tenantId, SYSTEM_IDENTITIES),
    );
    return this.tenants.listIdentities(tenantId);
  }

  list(): Promise<TenantEntity[]> {
    return this.tenants.list();
  }

  async get(id: string): Promise<TenantEntity> {
    const tenant = isUuid(id) ? await this.tenants.findById(id) : null;
    if (!tenant) throw notFound('tenant');
    return tenant;
  }

  /** Whether a tenant with this id exists (any text: a non-UUID is simply not one). */
  async exists(id: string): Promise<boolean> {
    return isUuid(id) && (await this.tenants.findById(id)) !== null;
  }

  async getBySlug(slug: string): Promise<TenantEntity> {
    const tenant = await this.tenants.findBySlug(slug);
    if (!tenant) throw notFound(`tenant "${slug}"`);
    return tenant;
  }

  /** The tenant's identity of that name, recreating system identities first if it went missing. */
  async identity(tenantId: string, name: string): Promise<ServiceIdentityEntity> {
    const found = await this.tenants.findIdentity(tenantId, name);
    if (found) return found;
    const identities = await this.setupSystemIdentities(tenantId);
    const created = identities.find((identity) => identity.name === name);
    if (!created) throw notFound(`service identity "${name}"`);
    return created;
  }
}
