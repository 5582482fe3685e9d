import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuditEventEntity } from './audit-event.entity.js';
import { AuditTransactionSubscriber } from './audit-transaction.subscriber.js';
import { AuditWriter } from './audit-writer.js';
import { AuditRepository } from './audit.repository.js';
import { AuditService } from './audit.service.js';

/**
 * The audit trail (`audit_events`) and the one service every feature module writes it through.
 * It imports no feature module; the SCIM request hook lives in ScimAuditModule.
 */
@Module({
  imports: [TypeOrmModule.forFeature([AuditEventEntity])],
  providers: [AuditRepository, AuditWriter, AuditService, AuditTransactionSubscriber],
  exports: [AuditService],
})
export class AuditModule {}
