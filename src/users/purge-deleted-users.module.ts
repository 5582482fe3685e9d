import { Module } from '@nestjs/common';
import { AuditModule } from '../audit/audit.module.js';
import { DeletedUsersRepository } from './deleted-users.repository.js';
import { PurgeDeletedUsersJob } from './jobs/purge-deleted-users.job.js';
import { PurgeDeletedUsersService } from './purge-deleted-users.service.js';

/** The purge of soft-deleted users: its queries, the service method and the scheduled job. */
@Module({
  imports: [AuditModule],
  providers: [DeletedUsersRepository, PurgeDeletedUsersService, PurgeDeletedUsersJob],
  exports: [PurgeDeletedUsersService],
})
export class PurgeDeletedUsersModule {}
