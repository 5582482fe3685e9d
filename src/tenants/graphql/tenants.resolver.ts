import { AuditedMutation, stringAt } from '../../graphql/audited-mutation.decorator.js';
import { UseGuards } from '@nestjs/common';
import { Args, ID, Mutation, Query, Resolver } from '@nestjs/graphql';
import { AdminGuard } from '../../auth/admin.guard.js';
import {
  assertPlatformAdmin,
  assertTenantAccess,
  CurrentAdmin,
} from '../../auth/current-admin.decorator.js';
import type { AdminPrincipal } from '../../auth/principal.js';
import { TenantsService } from '../tenants.service.js';
import {
  CreateTenantInput,
  ServiceIdentityModel,
  TenantModel,
  toServiceIdentityModel,
  toTenantModel,
} from './tenant.model.js';

@UseGuards(AdminGuard)
@Resolver(() => TenantModel)
export class TenantsResolver {
  constructor(private readonly service: TenantsService) {}

  @Query(() => [TenantModel], { description: 'Every tenant (a tenant admin sees only its own).' })
  async tenants(@CurrentAdmin() admin: AdminPrincipal): Promise<TenantModel[]> {
    if (admin.kind === 'tenant') return [toTenantModel(await this.service.get(admin.tenantId))];
    return (await this.service.list()).map(toTenantModel);
  }

  @AuditedMutation({
    resourceType: 'Tenant',
    target: (_args, result) => {
      const id = stringAt(result, 'id');
      return { tenantId: id, resourceId: id };
    },
  })
  @Mutation(() => TenantModel, {
    description: 'Creates a tenant and its sys.scim identity (platform admin).',
  })
  async createTenant(
    @CurrentAdmin() admin: AdminPrincipal,
    @Args('input') input: CreateTenantInput,
  ): Promise<TenantModel> {
    assertPlatformAdmin(admin);
    return toTenantModel(await this.service.create(input));
  }

  @AuditedMutation({ resourceType: 'ServiceIdentity' })
  @Mutation(() => [ServiceIdentityModel], {
    description: "Recreates the tenant's missing system identities (sys.scim). Idempotent.",
  })
  async setupSystemIdentities(
    @CurrentAdmin() admin: AdminPrincipal,
    @Args('tenantId', { type: () => ID }) tenantId: string,
  ): Promise<ServiceIdentityModel[]> {
    assertTenantAccess(admin, tenantId);
    return (await this.service.setupSystemIdentities(tenantId)).map(toServiceIdentityModel);
  }
}
