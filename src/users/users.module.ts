import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuditModule } from '../audit/audit.module.js';
import { AuthModule } from '../auth/auth.module.js';
import { GroupsModule } from '../groups/groups.module.js';
import { TenantsModule } from '../tenants/tenants.module.js';
import { GroupMemberUserResolver, UsersResolver } from './graphql/users.resolver.js';
import { PurgeDeletedUsersModule } from './purge-deleted-users.module.js';
import { ScimUserEntity } from './scim-user.entity.js';
import { ScimUsersController } from './scim-users.controller.js';
import { UsersDirectoryRepository } from './users-directory.repository.js';
import { UsersDirectoryService } from './users-directory.service.js';
import { UsersStatistics } from './users-statistics.js';
import { UsersRepository } from './users.repository.js';
import { UsersService } from './users.service.js';

/**
 * SCIM Users: the `scim_users` table, its service (every rule) and `/scim/v2/Users`. Reads a
 * user's groups and removes a deleted user from them through GroupsModule. The directory reads
 * (GraphQL `users`, `user`, `GroupMember.user`) live here too.
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
  providers: [
    UsersRepository,
    UsersService,
    UsersStatistics,
    UsersDirectoryRepository,
    UsersDirectoryService,
    UsersResolver,
    GroupMemberUserResolver,
  ],
  exports: [UsersService, UsersRepository],
})
export class UsersModule {}
