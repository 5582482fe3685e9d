import { Field, ID, Int, ObjectType, registerEnumType } from '@nestjs/graphql';
import { connectionTypes } from '../../graphql/connection.js';
import type { MemberType } from '../group-member.entity.js';
import type {
  DirectoryGroupRow,
  DirectoryMemberRow,
  UserGroupRow,
} from '../groups-directory.repository.js';

/**
 * A SCIM group as the host product reads it. `memberCount` and `members` are resolved by
 * GroupsResolver through per-request DataLoaders; other modules may add fields the same way.
 */
@ObjectType('Group', { description: 'A group provisioned through SCIM.' })
export class GroupModel {
  @Field(() => ID) id!: string;
  @Field() displayName!: string;
  @Field(() => String, { nullable: true }) externalId!: string | null;
  @Field() createdAt!: Date;
  @Field() updatedAt!: Date;
  @Field(() => Int, { description: 'Row version, as in the ETag and meta.version.' })
  version!: number;

  /** Not a field: the tenant, for the field resolvers. */
  tenantId!: string;
}

@ObjectType('GroupRef', { description: 'A group a user belongs to directly.' })
export class GroupRefModel {
  @Field(() => ID) id!: string;
  @Field() displayName!: string;
}

export enum MemberTypeModel {
  USER = 'USER',
  GROUP = 'GROUP',
}
registerEnumType(MemberTypeModel, { name: 'MemberType', description: 'What a member is.' });

/** A direct member of a group. `user` and `group` are resolved through DataLoaders by id. */
@ObjectType('GroupMember', { description: 'A direct member of a group: a user or a group.' })
export class GroupMemberModel {
  @Field(() => MemberTypeModel) type!: MemberTypeModel;
  @Field(() => ID) id!: string;
  @Field(() => String, {
    nullable: true,
    description: "A user's displayName (else its userName), or a group's displayName.",
  })
  display!: string | null;

  /** Not a field: the tenant, for the field resolvers. */
  tenantId!: string;
}

export const { Connection: GroupConnection } = connectionTypes(GroupModel, 'Group', {
  withTotalCount: true,
});
export const { Connection: GroupMemberConnection } = connectionTypes(
  GroupMemberModel,
  'GroupMember',
);

export const toGroupModel = (tenantId: string, row: DirectoryGroupRow): GroupModel => ({
  id: row.id,
  displayName: row.displayName,
  externalId: row.externalId,
  createdAt: row.createdAt,
  updatedAt: row.updatedAt,
  version: row.version,
  tenantId,
});

export const toGroupRefModel = (row: UserGroupRow): GroupRefModel => ({
  id: row.id,
  displayName: row.displayName,
});

const MEMBER_TYPES: Record<MemberType, MemberTypeModel> = {
  User: MemberTypeModel.USER,
  Group: MemberTypeModel.GROUP,
};

export const toGroupMemberModel = (
  tenantId: string,
  row: DirectoryMemberRow,
): GroupMemberModel => ({
  type: MEMBER_TYPES[row.type],
  id: row.id,
  display: row.display,
  tenantId,
});
