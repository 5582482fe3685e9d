import { AuditedMutation } from '../../graphql/audited-mutation.decorator.js';
import { UseGuards } from '@nestjs/common';
import { Args, ID, Mutation, Query, Resolver } from '@nestjs/graphql';
import { AdminGuard } from '../../auth/admin.guard.js';
import { assertTenantAccess, CurrentAdmin } from '../../auth/current-admin.decorator.js';
import type { AdminPrincipal } from '../../auth/principal.js';
import { TenantSettingsService } from '../tenant-settings.service.js';
import {
  TenantSettingsModel,
  toTenantSettingsModel,
  UpdateTenantSettingsInput,
} from './tenant-settings.model.js';

@UseGuards(AdminGuard)
@Resolver(() => TenantSettingsModel)
export class TenantSettingsResolver {
  constructor(private readonly settings: TenantSettingsService) {}

  @Query(() => TenantSettingsModel, { description: "The tenant's settings, defaults applied." })
  async tenantSettings(
    @CurrentAdmin() admin: AdminPrincipal,
    @Args('tenantId', { type: () => ID }) tenantId: string,
  ): Promise<TenantSettingsModel> {
    assertTenantAccess(admin, tenantId);
    return toTenantSettingsModel(tenantId, await this.settings.get(tenantId));
  }

  @AuditedMutation({ resourceType: 'TenantSettings' })
  @Mutation(() => TenantSettingsModel, {
    description:
      "Changes some of the tenant's settings (a left-out field stays, null restores the default) and returns them all. An invalid value is refused and nothing is stored.",
  })
  async updateTenantSettings(
    @CurrentAdmin() admin: AdminPrincipal,
    @Args('input') input: UpdateTenantSettingsInput,
  ): Promise<TenantSettingsModel> {
    assertTenantAccess(admin, input.tenantId);
    const { tenantId, ...update } = input;
    return toTenantSettingsModel(tenantId, await this.settings.update(tenantId, update));
  }
}
