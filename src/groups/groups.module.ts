import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuditModule } from '../audit/audit.module.js';
import { AuthModule } from '../auth/auth.module.js';
import { TenantsModule } from '../tenants/tenants.module.js';
import { GroupMemberEntity } from './group-member.entity.js';
import { GroupMembershipsRepository } from './group-memberships.repository.js';
import { GroupMemberResolver, GroupsResolver } from './graphql/groups.resolver.js';
import { GroupsDirectoryRepository } from './groups-directory.repository.js';
import { GroupsDirectoryService } from './groups-directory.service.js';
import { GroupsRepository } from './groups.repository.js';
import { GroupsService } from './groups.service.js';
import { ScimGroupEntity } from './scim-group.entity.js';
import { ScimGroupsController } from './scim-groups.controller.js';

/**
 * SCIM Groups: the `scim_groups` and `group_members` tables, their service (every rule) and
 * `/scim/v2/Groups`. Exports the memberships seen from the member's side (a user's `groups`,
 * removing a deleted user everywhere, transitive groups for roles); it imports no feature module
 * that holds members. The directory reads (GraphQL `groups`, `group`, members, a user's groups)
 * live here too.
 */
@Module({
  imports: [
    TypeOrmModule.forFeature([ScimGroupEntity, GroupMemberEntity]),
    AuditModule,
    AuthModule,
    TenantsModule,
  ],
  controllers: [ScimGroupsController],
  providers: [
    GroupsRepository,
    GroupsService,
    GroupMembershipsRepository,
    GroupsDirectoryRepository,
    GroupsDirectoryService,
    GroupsResolver,
    GroupMemberResolver,
  ],
  exports: [GroupsService, GroupMembershipsRepository, GroupsDirectoryService],
})
export class GroupsModule {}
