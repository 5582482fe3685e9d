import { Module } from '@nestjs/common';
import { AuthModule } from '../../auth/auth.module.js';
import { TenantsModule } from '../../tenants/tenants.module.js';
import { AuditModule } from '../audit.module.js';
import { AuditEventsResolver } from './audit-events.resolver.js';

/**
 * The audit log's GraphQL surface; separate from AuditModule, which imports no feature module,
 * because the admin guard needs Auth and the tenant check needs Tenants.
 */
@Module({
  imports: [AuditModule, AuthModule, TenantsModule],
  providers: [AuditEventsResolver],
})
export class AuditGraphqlModule {}
