import { AuditedMutation, stringAt } from '../../graphql/audited-mutation.decorator.js';
import { UseGuards } from '@nestjs/common';
import { Args, ID, Mutation, Query, Resolver } from '@nestjs/graphql';
import { AdminGuard } from '../admin.guard.js';
import {
  assertPlatformAdmin,
  assertTenantAccess,
  CurrentAdmin,
} from '../current-admin.decorator.js';
import type { AdminPrincipal } from '../principal.js';
import { TokensService } from '../tokens.service.js';
import {
  AdminTokenInfoModel,
  MintAdminTokenInput,
  MintedAdminTokenModel,
  toAdminTokenInfo,
} from './admin-token.model.js';

@UseGuards(AdminGuard)
@Resolver(() => AdminTokenInfoModel)
export class AdminTokensResolver {
  constructor(private readonly tokens: TokensService) {}

  @AuditedMutation({
    resourceType: 'AdminToken',
    target: (args, result) => ({
      tenantId: stringAt(args, 'input', 'tenantId'),
      resourceId: stringAt(result, 'info', 'id'),
    }),
  })
  @Mutation(() => MintedAdminTokenModel, {
    description:
      'Mints an admin token for /graphql (platform admin only): of one tenant, or of every tenant when tenantId is left out.',
  })
  async mintAdminToken(
    @CurrentAdmin() admin: AdminPrincipal,
    @Args('input') input: MintAdminTokenInput,
  ): Promise<MintedAdminTokenModel> {
    assertPlatformAdmin(admin);
    const minted = await this.tokens.mintAdminToken(input);
    return { token: minted.token, info: toAdminTokenInfo(minted.info) };
  }

  @Query(() => [AdminTokenInfoModel], {
    description:
      "A tenant's admin tokens, newest first; without tenantId, the platform admin tokens (platform admin only).",
  })
  async adminTokens(
    @CurrentAdmin() admin: AdminPrincipal,
    @Args('tenantId', { type: () => ID, nullable: true }) tenantId?: string | null,
  ): Promise<AdminTokenInfoModel[]> {
    if (tenantId) assertTenantAccess(admin, tenantId);
    else assertPlatformAdmin(admin);
    return (await this.tokens.listAdminTokens(tenantId ?? null)).map(toAdminTokenInfo);
  }

  @AuditedMutation({
    resourceType: 'AdminToken',
    target: (args, result) => ({
      tenantId: stringAt(result, 'tenantId'),
      resourceId: stringAt(args, 'id'),
    }),
  })
  @Mutation(() => AdminTokenInfoModel, {
    description:
      "Revokes an admin token; it fails on its next request. Tenant admins may revoke their own tenant's admin tokens.",
  })
  async revokeAdminToken(
    @CurrentAdmin() admin: AdminPrincipal,
    @Args('id', { type: () => ID }) id: string,
  ): Promise<AdminTokenInfoModel> {
    const scope = admin.kind === 'tenant' ? admin.tenantId : undefined;
    return toAdminTokenInfo(await this.tokens.revokeAdminToken(id, scope));
  }
}
