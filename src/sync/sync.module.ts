import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module.js';
import { TenantsModule } from '../tenants/tenants.module.js';
import { SyncStateResolver } from './graphql/sync-state.resolver.js';
import { SyncStateRepository } from './sync-state.repository.js';
import { SyncStateService } from './sync-state.service.js';

/**
 * `syncState`: a read model over the audit log, the directory and the tokens. It owns no table
 * and no entity (see SyncStateRepository).
 */
@Module({
  imports: [TenantsModule, AuthModule],
  providers: [SyncStateRepository, SyncStateService, SyncStateResolver],
})
export class SyncModule {}
