import { AuditModule } from '../../audit/audit.module.js';
import { Module } from '@nestjs/common';
import { AuthModule } from '../../auth/auth.module.js';
import { TenantsModule } from '../tenants.module.js';
import { ScimSchemasResolver } from './scim-schemas.resolver.js';
import { TenantSettingsResolver } from './tenant-settings.resolver.js';
import { TenantsResolver } from './tenants.resolver.js';

/** The tenants' GraphQL surface; separate from TenantsModule because the admin guard needs Auth. */
@Module({
  imports: [TenantsModule, AuthModule, AuditModule],
  providers: [TenantsResolver, ScimSchemasResolver, TenantSettingsResolver],
})
export class TenantsGraphqlModule {}
