import { Check, Column, Entity, Index, PrimaryColumn } from 'typeorm';

/** What a member row points at: a user (`scim_users`) or a group (`scim_groups`). */
export type MemberType = 'User' | 'Group';

/**
 * `group_members`, mirroring migration 1795478580000: one row per direct membership. No foreign
 * keys (a member is in one of two tables); GroupsService and UsersService keep the rows
 * consistent. Written and read with raw SQL by GroupsRepository and GroupMembershipsRepository.
 */
@Entity({ name: 'group_members' })
@Index('group_members_tenant_member_idx', ['tenantId', 'memberId', 'groupId'])
@Check('group_members_member_type_check', `member_type IN ('User', 'Group')`)
export class GroupMemberEntity {
  @PrimaryColumn('uuid', { name: 'tenant_id', primaryKeyConstraintName: 'group_members_pkey' })
  tenantId!: string;

  @PrimaryColumn('uuid', { name: 'group_id', primaryKeyConstraintName: 'group_members_pkey' })
  groupId!: string;

  @PrimaryColumn('uuid', { name: 'member_id', primaryKeyConstraintName: 'group_members_pkey' })
  memberId!: string;

  @Column('text', { name: 'member_type' })
  memberType!: MemberType;
}
