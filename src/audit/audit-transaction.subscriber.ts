import { Injectable, type OnModuleInit } from '@nestjs/common';
import {
  DataSource,
  type EntitySubscriberInterface,
  type TransactionCommitEvent,
  type TransactionRollbackEvent,
} from 'typeorm';
import { AuditService } from './audit.service.js';

/**
 * Tells AuditService how the transaction holding a request's write row ended, so that the
 * after-response recorder adds a failure row exactly when that row was rolled back. Registered
 * on the data source at start-up; it listens to transaction events only (no entity events).
 */
@Injectable()
export class AuditTransactionSubscriber implements EntitySubscriberInterface, OnModuleInit {
  constructor(
    private readonly dataSource: DataSource,
    private readonly audit: AuditService,
  ) {}

  onModuleInit(): void {
    if (!this.dataSource.subscribers.includes(this)) this.dataSource.subscribers.push(this);
  }

  afterTransactionCommit(event: TransactionCommitEvent): void {
    this.audit.transactionEnded(event.queryRunner, true);
  }

  afterTransactionRollback(event: TransactionRollbackEvent): void {
    this.audit.transactionEnded(event.queryRunner, false);
  }
}
