import { Injectable } from '@nestjs/common';
import { notFound } from '../common/domain-error.js';
import { AppConfig } from '../config/app-config.js';
import { ScimError } from '../scim/errors/scim-error.js';
import type { ListResponse } from '../scim/list/list-response.js';
import type { ScimResourceTypeResource, ScimSchemaResource } from '../scim/schema/registry.js';
import { ScimSchemaRegistryService } from '../tenants/scim-schema-registry.service.js';
import type { ScimRequestContext } from './scim-request.js';

export const SERVICE_PROVIDER_CONFIG_SCHEMA =
  'urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig';

/** RFC 7643 §5. */
export interface ServiceProviderConfig {
  readonly schemas: [typeof SERVICE_PROVIDER_CONFIG_SCHEMA];
  readonly patch: { readonly supported: boolean };
  readonly bulk: {
    readonly supported: boolean;
    readonly maxOperations: number;
    readonly maxPayloadSize: number;
  };
  readonly filter: { readonly supported: boolean; readonly maxResults: number };
  readonly changePassword: { readonly supported: boolean };
  readonly sort: { readonly supported: boolean };
  readonly etag: { readonly supported: boolean };
  readonly authenticationSchemes: readonly {
    readonly type: string;
    readonly name: string;
    readonly description: string;
    readonly specUri: string;
    readonly primary: boolean;
  }[];
  readonly meta: { readonly resourceType: 'ServiceProviderConfig'; readonly location: string };
}

/**
 * The discovery endpoints of RFC 7644 §4, per tenant: `/ServiceProviderConfig` says what this
 * server really does, `/Schemas` and `/ResourceTypes` come from the tenant's schema registry
 * (built-ins plus its custom extensions).
 */
@Injectable()
export class ScimDiscoveryService {
  constructor(
    private readonly config: AppConfig,
    private readonly registries: ScimSchemaRegistryService,
  ) {}

  /**
   * Truthful by construction: PATCH, filters (with the configured page cap), sorting, ETags and
   * password changes (PUT/PATCH of `password`) are served; Bulk is not, so it says 0 operations.
   * No `documentationUri`: there is no public documentation page to point at.
   */
  serviceProviderConfig(context: ScimRequestContext, query: QueryParams): ServiceProviderConfig {
    refuseFilter(query);
    return {
      schemas: [SERVICE_PROVIDER_CONFIG_SCHEMA],
      patch: { supported: true },
      bulk: { supported: false, maxOperations: 0, maxPayloadSize: 0 },
      filter: { supported: true, maxResults: this.config.SCIM_MAX_RESULTS },
      changePassword: { supported: true },
      sort: { supported: true },
      etag: { supported: true },
      authenticationSchemes: [
        {
          type: 'oauthbearertoken',
          name: 'OAuth Bearer Token',
          description:
            'A bearer token minted by Muster for the tenant, sent as "Authorization: Bearer <token>".',
          specUri: 'https://www.rfc-editor.org/info/rfc6750',
          primary: true,
        },
      ],
      meta: {
        resourceType: 'ServiceProviderConfig',
        location: `${context.baseUrl}/ServiceProviderConfig`,
      },
    };
  }

  async schemas(
    context: ScimRequestContext,
    query: QueryParams,
  ): Promise<ListResponse<ScimSchemaResource>> {
    refuseFilter(query);
    const registry = await this.registries.registryFor(context.tenantId);
    return registry.schemasResource(context.baseUrl);
  }

  async schema(
    context: ScimRequestContext,
    id: string,
    query: QueryParams,
  ): Promise<ScimSchemaResource> {
    refuseFilter(query);
    const registry = await this.registries.registryFor(context.tenantId);
    const schema = registry.schemaResource(id, context.baseUrl);
    if (!schema) throw notFound(`schema ${JSON.stringify(id)}`);
    return schema;
  }

  async resourceTypes(
    context: ScimRequestContext,
    query: QueryParams,
  ): Promise<ListResponse<ScimResourceTypeResource>> {
    refuseFilter(query);
    const registry = await this.registries.registryFor(context.tenantId);
    return registry.resourceTypesResource(context.baseUrl);
  }

  async resourceType(
    context: ScimRequestContext,
    id: string,
    query: QueryParams,
  ): Promise<ScimResourceTypeResource> {
    refuseFilter(query);
    const registry = await this.registries.registryFor(context.tenantId);
    const type = registry.resourceTypeResource(id, context.baseUrl);
    if (!type) throw notFound(`resource type ${JSON.stringify(id)}`);
    return type;
  }
}

export type QueryParams = Readonly<Record<string, unknown>>;

/**
 * RFC 7644 §4: these endpoints ignore query parameters (so `?aadOptscim062020` is harmless), but
 * "if a filter is provided, the service provider SHOULD respond with 403", lest a client believe
 * the filter was applied.
 */
function refuseFilter(query: QueryParams): void {
  if (Object.keys(query).some((key) => key.toLowerCase() === 'filter')) {
    throw new ScimError(403, 'discovery endpoints do not support filter (RFC 7644 §4)');
  }
}
