import { AuditedMutation } from '../../graphql/audited-mutation.decorator.js';
import { ParseArrayPipe, UseGuards } from '@nestjs/common';
import { Args, ID, Mutation, Query, Resolver } from '@nestjs/graphql';
import { AdminGuard } from '../../auth/admin.guard.js';
import { assertTenantAccess, CurrentAdmin } from '../../auth/current-admin.decorator.js';
import type { AdminPrincipal } from '../../auth/principal.js';
import { SchemaRegistry } from '../../scim/schema/registry.js';
import { ScimSchemaRegistryService } from '../scim-schema-registry.service.js';
import {
  ScimExtensionInput,
  ScimSchemaSettingsModel,
  toExtensionDefinition,
  toScimSchemaSettingsModel,
} from './scim-schema.model.js';

/** The global ValidationPipe skips array arguments; this validates each extension like an input. */
const EXTENSIONS_PIPE = new ParseArrayPipe({
  items: ScimExtensionInput,
  whitelist: true,
  forbidNonWhitelisted: true,
});

@UseGuards(AdminGuard)
@Resolver(() => ScimSchemaSettingsModel)
export class ScimSchemasResolver {
  constructor(private readonly schemas: ScimSchemaRegistryService) {}

  @Query(() => ScimSchemaSettingsModel, {
    description: "The tenant's custom SCIM extensions and schema strictness.",
  })
  async scimSchemaSettings(
    @CurrentAdmin() admin: AdminPrincipal,
    @Args('tenantId', { type: () => ID }) tenantId: string,
  ): Promise<ScimSchemaSettingsModel> {
    assertTenantAccess(admin, tenantId);
    const settings = await this.schemas.schemaSettings(tenantId);
    return toScimSchemaSettingsModel(tenantId, settings, SchemaRegistry.builtIn());
  }

  @AuditedMutation({ resourceType: 'TenantSettings' })
  @Mutation(() => ScimSchemaSettingsModel, {
    description:
      "Replaces the tenant's custom SCIM extensions (served at /Schemas and /ResourceTypes). An invalid definition is refused and nothing is stored.",
  })
  async setScimExtensions(
    @CurrentAdmin() admin: AdminPrincipal,
    @Args('tenantId', { type: () => ID }) tenantId: string,
    @Args('extensions', { type: () => [ScimExtensionInput] }, EXTENSIONS_PIPE)
    extensions: ScimExtensionInput[],
  ): Promise<ScimSchemaSettingsModel> {
    assertTenantAccess(admin, tenantId);
    const settings = await this.schemas.setExtensions(
      tenantId,
      extensions.map(toExtensionDefinition),
    );
    return toScimSchemaSettingsModel(tenantId, settings, SchemaRegistry.builtIn());
  }

  @AuditedMutation({ resourceType: 'TenantSettings' })
  @Mutation(() => ScimSchemaSettingsModel, {
    description:
      'Strict: resources listing a schema URN the tenant does not serve are refused (invalidValue). Lenient (default): such URNs are stored and returned as sent.',
  })
  async setScimSchemaStrictness(
    @CurrentAdmin() admin: AdminPrincipal,
    @Args('tenantId', { type: () => ID }) tenantId: string,
    @Args('strict') strict: boolean,
  ): Promise<ScimSchemaSettingsModel> {
    assertTenantAccess(admin, tenantId);
    const settings = await this.schemas.setStrictSchemas(tenantId, strict);
    return toScimSchemaSettingsModel(tenantId, settings, SchemaRegistry.builtIn());
  }
}
