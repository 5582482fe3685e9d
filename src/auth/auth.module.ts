import { AuditModule } from '../audit/audit.module.js';
import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { TenantsModule } from '../tenants/tenants.module.js';
import { AdminGuard } from './admin.guard.js';
import { AdminTokensResolver } from './graphql/admin-tokens.resolver.js';
import { ScimTokensResolver } from './graphql/scim-tokens.resolver.js';
import { ApiTokenEntity } from './api-token.entity.js';
import { ApiTokensRepository } from './api-tokens.repository.js';
import { PlatformAdminTokenEntity } from './platform-admin-token.entity.js';
import { PlatformAdminTokensRepository } from './platform-admin-tokens.repository.js';
import { ScimBearerGuard } from './scim-bearer.guard.js';
import { TokenSigner } from './token-signer.js';
import { TokenStateListener } from './token-state-listener.js';
import { TokensService } from './tokens.service.js';

@Module({
  imports: [
    TypeOrmModule.forFeature([ApiTokenEntity, PlatformAdminTokenEntity]),
    TenantsModule,
    // The audit of its mutations (MutationAuditInterceptor).
    AuditModule,
  ],
  providers: [
    TokenSigner,
    ApiTokensRepository,
    PlatformAdminTokensRepository,
    TokensService,
    TokenStateListener,
    ScimBearerGuard,
    AdminGuard,
    ScimTokensResolver,
    AdminTokensResolver,
  ],
  exports: [TokensService, TokenStateListener, ScimBearerGuard, AdminGuard],
})
export class AuthModule {}
