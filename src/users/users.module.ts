import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuditModule } from '../audit/audit.module.js';
import { AuthModule } from '../auth/auth.module.js';
import { GroupsModule } from '../groups/groups.module.js';
import { TenantsModule } from '../tenants/tenants.module.js';
import { PurgeDeletedUsersModule } from './purge-deleted-users.module.js';
import { ScimUserEntity } from './scim-user.entity.js';
import { ScimUsersController } from './scim-users.controller.js';
import { UsersStatistics } from './users-statistics.js';
import { UsersRepository } from './users.repository.js';
import { UsersService } from './users.service.js';

/**
 * SCIM Users: the `scim_users` table, its service (every rule) and `/scim/v2/Users`. Reads a
 * user's groups and removes a deleted user from them through GroupsModule.
 */
@Module({
  imports: [
    TypeOrmModule.forFeature([ScimUserEntity]),
    AuditModule,
    AuthModule,
    GroupsModule,
    TenantsModule,
    PurgeDeletedUsersModule,
  ],
  controllers: [ScimUsersController],
  providers: [UsersRepository, UsersService, UsersStatistics],
  exports: [UsersService, UsersRepository],
})
export class UsersModule {}
