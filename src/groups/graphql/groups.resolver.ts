import { UseGuards } from '@nestjs/common';
import { Args, Context, ID, Int, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import { AdminGuard } from '../../auth/admin.guard.js';
import { assertTenantAccess, CurrentAdmin } from '../../auth/current-admin.decorator.js';
import type { AdminPrincipal } from '../../auth/principal.js';
import {
  connectionComplexity,
  PageArgs,
  pageRequest,
  type Page,
} from '../../graphql/connection.js';
import type { GraphqlContext } from '../../graphql/loaders.js';
import { DirectoryListArgs } from '../../graphql/scim-filter-argument.js';
import { GroupsDirectoryService } from '../groups-directory.service.js';
import type { CountedPage } from '../../graphql/scim-filter-argument.js';
import {
  GroupConnection,
  GroupMemberConnection,
  GroupMemberModel,
  GroupModel,
  MemberTypeModel,
} from './group.model.js';

@UseGuards(AdminGuard)
@Resolver(() => GroupModel)
export class GroupsResolver {
  constructor(private readonly directory: GroupsDirectoryService) {}

  @Query(() => GroupConnection, {
    description:
      "The tenant's groups matching a SCIM filter, by displayName (without regard to case).",
    complexity: connectionComplexity,
  })
  groups(
    @CurrentAdmin() admin: AdminPrincipal,
    @Args() args: DirectoryListArgs,
  ): Promise<CountedPage<GroupModel>> {
    assertTenantAccess(admin, args.tenantId);
    return this.directory.groups(args.tenantId, args.filter, pageRequest(args));
  }

  @Query(() => GroupModel, {
    nullable: true,
    description: 'A group of the tenant; null when there is none.',
  })
  group(
    @CurrentAdmin() admin: AdminPrincipal,
    @Args('tenantId', { type: () => ID }) tenantId: string,
    @Args('id', { type: () => ID }) id: string,
  ): Promise<GroupModel | null> {
    assertTenantAccess(admin, tenantId);
    return this.directory.group(tenantId, id);
  }

  @ResolveField(() => Int, { description: 'Direct members (users and groups).' })
  memberCount(@Parent() group: GroupModel, @Context() ctx: GraphqlContext): Promise<number> {
    return this.directory.memberCount(ctx.loaders, group.tenantId, group.id);
  }

  @ResolveField(() => GroupMemberConnection, {
    description: 'Direct members, by member id.',
    complexity: connectionComplexity,
  })
  members(
    @Parent() group: GroupModel,
    @Args() args: PageArgs,
    @Context() ctx: GraphqlContext,
  ): Promise<Page<GroupMemberModel>> {
    return this.directory.members(ctx.loaders, group.tenantId, group.id, pageRequest(args));
  }
}

/** `GroupMember.group`; `GroupMember.user` is resolved by the users module (it owns users). */
@UseGuards(AdminGuard)
@Resolver(() => GroupMemberModel)
export class GroupMemberResolver {
  constructor(private readonly directory: GroupsDirectoryService) {}

  @ResolveField(() => GroupModel, { nullable: true, description: 'The member, when a group.' })
  group(
    @Parent() member: GroupMemberModel,
    @Context() ctx: GraphqlContext,
  ): Promise<GroupModel | null> | null {
    return member.type === MemberTypeModel.GROUP
      ? this.directory.groupById(ctx.loaders, member.tenantId, member.id)
      : null;
  }
}
