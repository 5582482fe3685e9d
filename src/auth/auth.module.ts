import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { TenantsModule } from '../tenants/tenants.module.js';
import { AdminGuard } from './admin.guard.js';
import { ScimTokensResolver } from './graphql/scim-tokens.resolver.js';
import { ApiTokenEntity } from './api-token.entity.js';
import { ApiTokensRepository } from './api-tokens.repository.js';
import { ScimBearerGuard } from './scim-bearer.guard.js';
import { TokenSigner } from './token-signer.js';
import { TokenStateListener } from './token-state-listener.js';
import { TokensService } from './tokens.service.js';

@Module({
  imports: [TypeOrmModule.forFeature([ApiTokenEntity]), TenantsModule],
  providers: [
    TokenSigner,
    ApiTokensRepository,
    TokensService,
    TokenStateListener,
    ScimBearerGuard,
    AdminGuard,
    ScimTokensResolver,
  ],
  exports: [TokensService, TokenStateListener, ScimBearerGuard, AdminGuard],
})
export class AuthModule {}
