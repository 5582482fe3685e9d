import { UseGuards } from '@nestjs/common';
import { Args, Context, ID, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import { GraphQLJSON } from 'graphql-scalars';
import { AdminGuard } from '../../auth/admin.guard.js';
import { assertTenantAccess, CurrentAdmin } from '../../auth/current-admin.decorator.js';
import type { AdminPrincipal } from '../../auth/principal.js';
import { connectionComplexity, pageRequest } from '../../graphql/connection.js';
import type { GraphqlContext } from '../../graphql/loaders.js';
import { DirectoryListArgs } from '../../graphql/scim-filter-argument.js';
import {
  GroupMemberModel,
  GroupRefModel,
  MemberTypeModel,
} from '../../groups/graphql/group.model.js';
import { GroupsDirectoryService } from '../../groups/groups-directory.service.js';
import type { CountedPage } from '../../graphql/scim-filter-argument.js';
import { scimBaseUrl } from '../../scim-http/scim-request.js';
import { UsersDirectoryService } from '../users-directory.service.js';
import { UserConnection, UserModel } from './user.model.js';

@UseGuards(AdminGuard)
@Resolver(() => UserModel)
export class UsersResolver {
  constructor(
    private readonly directory: UsersDirectoryService,
    private readonly groupsDirectory: GroupsDirectoryService,
  ) {}

  @Query(() => UserConnection, {
    description:
      "The tenant's users matching a SCIM filter, by userName (without regard to case). Deleted users never appear.",
    complexity: connectionComplexity,
  })
  users(
    @CurrentAdmin() admin: AdminPrincipal,
    @Args() args: DirectoryListArgs,
    @Context() ctx: GraphqlContext,
  ): Promise<CountedPage<UserModel>> {
    assertTenantAccess(admin, args.tenantId);
    return this.directory.users(ctx.loaders, args.tenantId, args.filter, pageRequest(args));
  }

  @Query(() => UserModel, {
    nullable: true,
    description: 'A user of the tenant; null when there is none or it is deleted.',
  })
  user(
    @CurrentAdmin() admin: AdminPrincipal,
    @Args('tenantId', { type: () => ID }) tenantId: string,
    @Args('id', { type: () => ID }) id: string,
  ): Promise<UserModel | null> {
    assertTenantAccess(admin, tenantId);
    return this.directory.user(tenantId, id);
  }

  @ResolveField(() => GraphQLJSON, {
    description: 'The user as GET /scim/v2/Users/{id} returns it (never the password).',
  })
  scim(@Parent() user: UserModel, @Context() ctx: GraphqlContext): Promise<unknown> {
    return this.directory.scim(ctx.loaders, user, scimBaseUrl(ctx.req));
  }

  @ResolveField(() => [GroupRefModel], { description: 'Direct groups, by displayName.' })
  groups(@Parent() user: UserModel, @Context() ctx: GraphqlContext): Promise<GroupRefModel[]> {
    return this.groupsDirectory.groupsOfUser(ctx.loaders, user.tenantId, user.id);
  }
}

/** `GroupMember.user` (the groups module cannot see users; `GroupMember.group` lives there). */
@UseGuards(AdminGuard)
@Resolver(() => GroupMemberModel)
export class GroupMemberUserResolver {
  constructor(private readonly directory: UsersDirectoryService) {}

  @ResolveField(() => UserModel, { nullable: true, description: 'The member, when a user.' })
  user(
    @Parent() member: GroupMemberModel,
    @Context() ctx: GraphqlContext,
  ): Promise<UserModel | null> | null {
    return member.type === MemberTypeModel.USER
      ? this.directory.userById(ctx.loaders, member.tenantId, member.id)
      : null;
  }
}
