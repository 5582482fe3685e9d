import { UseGuards } from '@nestjs/common';
import { Args, ID, Mutation, Query, Resolver } from '@nestjs/graphql';
import { AdminGuard } from '../admin.guard.js';
import { assertTenantAccess, CurrentAdmin } from '../current-admin.decorator.js';
import type { AdminPrincipal } from '../principal.js';
import { TokensService } from '../tokens.service.js';
import {
  MintedScimTokenModel,
  MintScimTokenInput,
  ScimTokenInfoModel,
  toScimTokenInfo,
} from './scim-token.model.js';

@UseGuards(AdminGuard)
@Resolver(() => ScimTokenInfoModel)
export class ScimTokensResolver {
  constructor(private readonly tokens: TokensService) {}

  @Mutation(() => MintedScimTokenModel, {
    description:
      "Mints a SCIM token for the tenant's sys.scim identity (paste it into Entra as Secret Token).",
  })
  async mintScimToken(
    @CurrentAdmin() admin: AdminPrincipal,
    @Args('input') input: MintScimTokenInput,
  ): Promise<MintedScimTokenModel> {
    assertTenantAccess(admin, input.tenantId);
    const minted = await this.tokens.mintScimToken(input);
    return { token: minted.token, info: toScimTokenInfo(minted.info) };
  }

  @Query(() => [ScimTokenInfoModel], { description: "The tenant's SCIM tokens, newest first." })
  async scimTokens(
    @CurrentAdmin() admin: AdminPrincipal,
    @Args('tenantId', { type: () => ID }) tenantId: string,
  ): Promise<ScimTokenInfoModel[]> {
    assertTenantAccess(admin, tenantId);
    return (await this.tokens.listScimTokens(tenantId)).map(toScimTokenInfo);
  }

  @Mutation(() => ScimTokenInfoModel, {
    description: 'Revokes a SCIM token; it fails on its next request.',
  })
  async revokeScimToken(
    @CurrentAdmin() admin: AdminPrincipal,
    @Args('id', { type: () => ID }) id: string,
  ): Promise<ScimTokenInfoModel> {
    const scope = admin.kind === 'tenant' ? admin.tenantId : undefined;
    return toScimTokenInfo(await this.tokens.revokeScimToken(id, scope));
  }
}
