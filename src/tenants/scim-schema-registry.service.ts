import { Injectable } from '@nestjs/common';
import { DomainError, DomainErrorCode, notFound } from '../common/domain-error.js';
import { isUuid } from '../common/uuid.js';
import { ScimError } from '../scim/errors/scim-error.js';
import { SchemaRegistry } from '../scim/schema/registry.js';
import type { ExtensionDefinition } from '../scim/schema/types.js';
import { TenantsRepository, type StoredScimSchemaSettings } from './tenants.repository.js';

/** What a tenant's SCIM endpoint validates and serves resources against. */
export interface TenantSchemaSettings {
  /** Built-in schemas plus the tenant's custom extensions. */
  readonly registry: SchemaRegistry;
  /** Unknown URNs in a resource's `schemas` are a 400 `invalidValue` (else stored as sent). */
  readonly strictSchemas: boolean;
}

/** Registries kept in memory at most; beyond it the oldest built is dropped (and rebuilt on use). */
const CACHE_LIMIT = 1000;

/**
 * The per-tenant schema registry: `SchemaRegistry.builtIn().withExtensions(settings.scimExtensions)`.
 *
 * Every call reads the tenant's settings (one primary-key lookup) and rebuilds the registry only
 * when the stored extensions differ from the cached ones, so a change made through any instance
 * is seen by every instance on its next request, without a shared cache or a message bus.
 */
@Injectable()
export class ScimSchemaRegistryService {
  /** Tenant id → the registry built from the extensions JSON it was built from. */
  private readonly cache = new Map<string, { extensionsJson: string; registry: SchemaRegistry }>();

  constructor(private readonly tenants: TenantsRepository) {}

  async schemaSettings(tenantId: string): Promise<TenantSchemaSettings> {
    const stored = isUuid(tenantId) ? await this.tenants.findScimSchemaSettings(tenantId) : null;
    if (!stored) throw notFound('tenant');
    return {
      registry: this.registry(tenantId, stored.extensionsJson),
      strictSchemas: stored.strictSchemas,
    };
  }

  async registryFor(tenantId: string): Promise<SchemaRegistry> {
    return (await this.schemaSettings(tenantId)).registry;
  }

  /**
   * The same settings from values the caller read itself, in the shape `findScimSchemaSettings`
   * reads them (`(settings -> 'scimExtensions')::text`, `strictSchemas` as a boolean): a hot path
   * that joins them into its own query saves a round trip, and shares this cache.
   */
  fromStored(tenantId: string, stored: StoredScimSchemaSettings): TenantSchemaSettings {
    return {
      registry: this.registry(tenantId, stored.extensionsJson),
      strictSchemas: stored.strictSchemas,
    };
  }

  /**
   * Replaces the tenant's custom extensions. Each definition is validated exactly as the registry
   * will read it; an invalid one is an `INVALID_INPUT` error naming the fault, and nothing is stored.
   * Data already stored under a removed extension stays in the resources (as an unknown URN).
   */
  async setExtensions(
    tenantId: string,
    extensions: readonly ExtensionDefinition[],
  ): Promise<TenantSchemaSettings> {
    try {
      SchemaRegistry.builtIn().withExtensions(extensions);
    } catch (error) {
      if (error instanceof ScimError) {
        throw new DomainError(DomainErrorCode.InvalidInput, error.message);
      }
      throw error;
    }
    await this.merge(tenantId, { scimExtensions: [...extensions] });
    return this.schemaSettings(tenantId);
  }

  async setStrictSchemas(tenantId: string, strict: boolean): Promise<TenantSchemaSettings> {
    await this.merge(tenantId, { strictSchemas: strict });
    return this.schemaSettings(tenantId);
  }

  private async merge(
    tenantId: string,
    settings: { scimExtensions?: ExtensionDefinition[]; strictSchemas?: boolean },
  ): Promise<void> {
    const updated = isUuid(tenantId) && (await this.tenants.mergeSettings(tenantId, settings));
    if (!updated) throw notFound('tenant');
  }

  private registry(tenantId: string, extensionsJson: string | null): SchemaRegistry {
    if (extensionsJson === null || extensionsJson === '[]') {
      this.cache.delete(tenantId);
      return SchemaRegistry.builtIn();
    }
    const cached = this.cache.get(tenantId);
    if (cached?.extensionsJson === extensionsJson) return cached.registry;

    let registry: SchemaRegistry;
    try {
      registry = SchemaRegistry.builtIn().withExtensions(
        JSON.parse(extensionsJson) as ExtensionDefinition[],
      );
    } catch (error) {
      // Stored definitions were validated on the way in: failing now is a server fault (500), not
      // something the SCIM client did.
      const reason = error instanceof Error ? error.message : String(error);
      throw new Error(`tenant ${tenantId} has invalid stored SCIM extensions: ${reason}`, {
        cause: error,
      });
    }
    this.cache.delete(tenantId);
    this.cache.set(tenantId, { extensionsJson, registry });
    if (this.cache.size > CACHE_LIMIT) {
      const oldest = this.cache.keys().next();
      if (!oldest.done) this.cache.delete(oldest.value);
    }
    return registry;
  }
}
