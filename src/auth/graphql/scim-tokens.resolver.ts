import { AuditedMutation, stringAt } from '../../graphql/audited-mutation.decorator.js';
import { UseGuards } from '@nestjs/common';
import { Args, ID, Mutation, Query, Resolver } from '@nestjs/graphql';
import { AdminGuard } from '../admin.guard.js';
import { assertTenantAccess, CurrentAdmin } from '../current-admin.decorator.js';
import type { AdminPrincipal } from '../principal.js';
import { ROTATION_OVERLAP_DEFAULT, TokensService } from '../tokens.service.js';
import {
  MintedScimTokenModel,
  MintScimTokenInput,
  RotatedScimTokenModel,
  ScimTokenInfoModel,
  toScimTokenInfo,
} from './scim-token.model.js';

@UseGuards(AdminGuard)
@Resolver(() => ScimTokenInfoModel)
export class ScimTokensResolver {
  constructor(private readonly tokens: TokensService) {}

  @AuditedMutation({
    resourceType: 'ScimToken',
    target: (args, result) => ({
      tenantId: stringAt(args, 'input', 'tenantId'),
      resourceId: stringAt(result, 'info', 'id'),
    }),
  })
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

  @AuditedMutation({
    resourceType: 'ScimToken',
    target: (args, result) => ({
      tenantId: stringAt(result, 'tenantId'),
      resourceId: stringAt(args, 'id'),
    }),
  })
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

  @AuditedMutation({
    resourceType: 'ScimToken',
    target: (args, result) => ({
      tenantId: stringAt(result, 'info', 'tenantId'),
      resourceId: stringAt(args, 'id'),
    }),
  })
  @Mutation(() => RotatedScimTokenModel, {
    description:
      'Rotates a SCIM token: a new token now, while the old one keeps working for the overlap (30s, 90min, 24h, 7d; default 24h, at most 30d) and then expires.',
  })
  async rotateScimToken(
    @CurrentAdmin() admin: AdminPrincipal,
    @Args('id', { type: () => ID }) id: string,
    @Args('overlap', { nullable: true, defaultValue: ROTATION_OVERLAP_DEFAULT })
    overlap: string,
  ): Promise<RotatedScimTokenModel> {
    const scope = admin.kind === 'tenant' ? admin.tenantId : undefined;
    const rotated = await this.tokens.rotateScimToken(id, overlap, scope);
    return {
      token: rotated.token,
      info: toScimTokenInfo(rotated.info),
      previous: toScimTokenInfo(rotated.previous),
    };
  }
}
