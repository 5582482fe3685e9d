import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { preparedQueryIn } from '../database/prepared-in-transaction.js';
import { preparedQuery } from '../database/prepared.js';

/** A group a user belongs to directly or through nested groups (see `transitiveGroupsOfUser`). */
export interface TransitiveGroup {
  readonly id: string;
  readonly displayName: string;
  /** The user is a member of this group itself (not only of a group nested in it). */
  readonly direct: boolean;
}

/** Removes a member from every group of the tenant; answers how many memberships went. */
const REMOVE_MEMBER_EVERYWHERE = `
  WITH removed AS (
    DELETE FROM group_members m WHERE m.tenant_id = $1 AND m.member_id = $2 RETURNING 1
  )
  SELECT count(*)::int AS removed FROM removed`;

/**
 * Every group a user belongs to, directly or through groups nested in groups, in one recursive
 * statement: from the user's own rows up the "member of" edges (`UNION` drops rows already
 * reached, so cycles of groups end the walk instead of looping).
 */
const TRANSITIVE_GROUPS_OF_USER = `
  WITH RECURSIVE reached (group_id) AS (
    SELECT m.group_id FROM group_members m WHERE m.tenant_id = $1 AND m.member_id = $2
    UNION
    SELECT m.group_id
    FROM reached r
    JOIN group_members m ON m.tenant_id = $1 AND m.member_id = r.group_id
  )
  SELECT g.id, g.display_name AS "displayName",
         EXISTS (
           SELECT 1 FROM group_members d
           WHERE d.tenant_id = $1 AND d.group_id = g.id AND d.member_id = $2
         ) AS direct
  FROM reached r
  JOIN scim_groups g ON g.tenant_id = $1 AND g.id = r.group_id
  ORDER BY lower(g.display_name), g.id`;

/**
 * Memberships seen from the member's side: a user's `groups`, removing a deleted user from every
 * group, and the transitive groups of a user (for effective roles). Every method is scoped by
 * tenant (first argument after the transaction, if any).
 */
@Injectable()
export class GroupMembershipsRepository {
  constructor(private readonly dataSource: DataSource) {}

  /**
   * Removes a member (a user being deleted) from every group, in the caller's transaction; the
   * number of memberships removed. The caller holds the member's row lock, which makes concurrent
   * adds of that member wait (see GroupsRepository.findMembers).
   */
  async removeEverywhere(
    manager: EntityManager,
    tenantId: string,
    memberId: string,
  ): Promise<number> {
    const [row] = await preparedQueryIn<{ removed: number }>(
      manager,
      'group_members_remove_everywhere',
      REMOVE_MEMBER_EVERYWHERE,
      [tenantId, memberId],
    );
    return row?.removed ?? 0;
  }

  /** Every group the user belongs to, directly or through nested groups, in name order. */
  transitiveGroupsOfUser(tenantId: string, userId: string): Promise<TransitiveGroup[]> {
    return preparedQuery<TransitiveGroup>(
      this.dataSource,
      'group_members_transitive_groups_of_user',
      TRANSITIVE_GROUPS_OF_USER,
      [tenantId, userId],
    );
  }
}

/** The fixed SQL texts, for the tests that pin them. */
export const MEMBERSHIP_QUERIES = {
  removeEverywhere: REMOVE_MEMBER_EVERYWHERE,
  transitiveGroupsOfUser: TRANSITIVE_GROUPS_OF_USER,
} as const;
