import { Module } from '@nestjs/common';
import { TenantsModule } from '../tenants/tenants.module.js';
import { AuditRetentionRepository } from './audit-retention.repository.js';
import { AuditRetentionService } from './audit-retention.service.js';
import { AuditModule } from './audit.module.js';
import { AuditRetentionJob } from './jobs/audit-retention.job.js';

/**
 * Audit retention: its delete, the service method and the scheduled job. Separate from
 * AuditModule, which imports no feature module, because it reads every tenant's retention.
 */
@Module({
  imports: [AuditModule, TenantsModule],
  providers: [AuditRetentionRepository, AuditRetentionService, AuditRetentionJob],
  exports: [AuditRetentionService],
})
export class AuditRetentionModule {}
