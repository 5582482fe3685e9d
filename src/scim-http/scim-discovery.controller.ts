import { Controller, Get, Param, Query, UseGuards } from '@nestjs/common';
import { ScimBearerGuard } from '../auth/scim-bearer.guard.js';
import type { ListResponse } from '../scim/list/list-response.js';
import type { ScimResourceTypeResource, ScimSchemaResource } from '../scim/schema/registry.js';
import {
  ScimDiscoveryService,
  type QueryParams,
  type ServiceProviderConfig,
} from './scim-discovery.service.js';
import { ScimContext, type ScimRequestContext } from './scim-request.js';

/**
 * RFC 7644 §4 discovery, authenticated like every SCIM route. Paths match without regard to case
 * and with or without a trailing slash (Express routing); `/serviceConfiguration` is the spelling
 * Microsoft's Postman collection asks for (entra.md §8.1).
 */
@UseGuards(ScimBearerGuard)
@Controller('scim/v2')
export class ScimDiscoveryController {
  constructor(private readonly discovery: ScimDiscoveryService) {}

  @Get(['ServiceProviderConfig', 'serviceConfiguration'])
  serviceProviderConfig(
    @ScimContext() context: ScimRequestContext,
    @Query() query: QueryParams,
  ): ServiceProviderConfig {
    return this.discovery.serviceProviderConfig(context, query);
  }

  @Get('Schemas')
  schemas(
    @ScimContext() context: ScimRequestContext,
    @Query() query: QueryParams,
  ): Promise<ListResponse<ScimSchemaResource>> {
    return this.discovery.schemas(context, query);
  }

  @Get('Schemas/:id')
  schema(
    @ScimContext() context: ScimRequestContext,
    @Param('id') id: string,
    @Query() query: QueryParams,
  ): Promise<ScimSchemaResource> {
    return this.discovery.schema(context, id, query);
  }

  @Get('ResourceTypes')
  resourceTypes(
    @ScimContext() context: ScimRequestContext,
    @Query() query: QueryParams,
  ): Promise<ListResponse<ScimResourceTypeResource>> {
    return this.discovery.resourceTypes(context, query);
  }

  @Get('ResourceTypes/:id')
  resourceType(
    @ScimContext() context: ScimRequestContext,
    @Param('id') id: string,
    @Query() query: QueryParams,
  ): Promise<ScimResourceTypeResource> {
    return this.discovery.resourceType(context, id, query);
  }
}
