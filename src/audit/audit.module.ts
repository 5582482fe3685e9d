import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuditEventEntity } from './audit-event.entity.js';
import { AuditLogRepository } from './audit-log.repository.js';
import { AuditLogService } from './audit-log.service.js';
import { AuditTransactionSubscriber } from './audit-transaction.subscriber.js';
import { AuditWriter } from './audit-writer.js';
import { AuditRepository } from './audit.repository.js';
import { AuditService } from './audit.service.js';

/**
 * The audit trail (`audit_events`): the one service every feature module writes it through, and
 * the reads of the admin API (AuditLogService). It imports no feature module; the SCIM request
 * hook lives in ScimAuditModule, the GraphQL queries in AuditGraphqlModule, the retention job in
 * AuditRetentionModule (which uses AuditRepository to delete).
 */
@Module({
  imports: [TypeOrmModule.forFeature([AuditEventEntity])],
  providers: [
    AuditRepository,
    AuditWriter,
    AuditService,
    AuditTransactionSubscriber,
    AuditLogRepository,
    AuditLogService,
  ],
  exports: [AuditService, AuditLogService, AuditRepository],
})
export class AuditModule {}
