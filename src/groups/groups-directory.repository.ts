import type { KeysetRange } from '../graphql/scim-filter-argument.js';
import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { preparedQuery } from '../database/prepared.js';
import type { SqlFragment } from '../scim/filter/compile-sql.js';
import type { MemberRecord, UserGroupRecord } from './group-mapper.js';

type Json = Record<string, unknown>;

/** A group as the directory (GraphQL) reads it: its columns, never its member list. */
export interface DirectoryGroupRow {
  readonly id: string;
  readonly displayName: string;
  readonly externalId: string | null;
  readonly resource: Json;
  readonly version: number;
  readonly createdAt: Date;
  readonly updatedAt: Date;
  /** The keyset key of the directory's order: `lower(display_name)` (unique in the tenant). */
  readonly key: string;
}

/** One member of a page of a group's members. */
export interface DirectoryMemberRow extends MemberRecord {
  readonly groupId: string;
}

/** A group a user belongs to directly, with the user it was read for. */
export interface UserGroupRow extends UserGroupRecord {
  readonly userId: string;
}

const COLUMNS = `g.id, g.display_name AS "displayName", g.external_id AS "externalId", g.resource,
  g.version, g.created_at AS "createdAt", g.updated_at AS "updatedAt", lower(g.display_name) AS key`;

/** The directory's order: by name without regard to case, an index range scan of the unique index. */
const ORDER = 'lower(g.display_name)';

/**
 * The group and whether the tenant exists, in one statement: a missing tenant is NOT_FOUND, a
 * missing group null.
 */
const FIND_ONE = `
  SELECT t.id AS "tenantId", ${COLUMNS}
  FROM tenants t
  LEFT JOIN scim_groups g ON g.tenant_id = t.id AND g.id = $2
  WHERE t.id = $1`;

const FIND_BY_IDS = `
  SELECT ${COLUMNS} FROM scim_groups g WHERE g.tenant_id = $1 AND g.id = ANY ($2::uuid[])`;

/** Members of some groups, one grouped count (index-only on the primary key). */
const MEMBER_COUNTS = `
  SELECT m.group_id AS "groupId", count(*)::int AS count
  FROM group_members m
  WHERE m.tenant_id = $1 AND m.group_id = ANY ($2::uuid[])
  GROUP BY m.group_id`;

/**
 * One page of members for each of some groups in one statement: a LATERAL range scan of the
 * primary key per group (`(tenant_id, group_id, member_id)`, from the cursor on, `$3` rows), then
 * the display names (a user's displayName, else its userName; a group's displayName), exactly as
 * SCIM's `members` show them. `after` is the member id the previous page ended with.
 */
const membersPage = (after: boolean): string => `
  SELECT k.group_id AS "groupId", m.member_id AS id, m.member_type AS type,
         CASE m.member_type WHEN 'User' THEN coalesce(u.display_name, u.user_name)
                            ELSE mg.display_name END AS display
  FROM unnest($2::uuid[]) AS k (group_id)
  CROSS JOIN LATERAL (
    SELECT m.member_id, m.member_type FROM group_members m
    WHERE m.tenant_id = $1 AND m.group_id = k.group_id${after ? ' AND m.member_id > $4::uuid' : ''}
    ORDER BY m.member_id
    LIMIT $3
  ) m
  LEFT JOIN scim_users u ON m.member_type = 'User' AND u.tenant_id = $1 AND u.id = m.member_id
  LEFT JOIN scim_groups mg ON m.member_type = 'Group' AND mg.tenant_id = $1 AND mg.id = m.member_id
  ORDER BY k.group_id, m.member_id`;

const MEMBERS_PAGE = membersPage(false);
const MEMBERS_PAGE_AFTER = membersPage(true);

/** The direct groups of some users, in name order (the member index, then the groups). */
const GROUPS_OF_USERS = `
  SELECT m.member_id AS "userId", g.id, g.display_name AS "displayName"
  FROM group_members m
  JOIN scim_groups g ON g.tenant_id = m.tenant_id AND g.id = m.group_id
  WHERE m.tenant_id = $1 AND m.member_id = ANY ($2::uuid[])
  ORDER BY m.member_id, lower(g.display_name), g.id`;

/**
 * Reads of groups and memberships for the directory (GraphQL): keyset pages in name order,
 * batched reads for DataLoaders. Every method is scoped by tenant (first argument).
 */
@Injectable()
export class GroupsDirectoryRepository {
  constructor(private readonly dataSource: DataSource) {}

  /**
   * Up to `limit` groups matching `where` (parameters from `$2`; undefined: every group) in the
   * key range, in key order.
   */
  page(
    tenantId: string,
    where: SqlFragment | undefined,
    { after, from, limit }: KeysetRange,
  ): Promise<DirectoryGroupRow[]> {
    const params: unknown[] = [tenantId, ...(where?.params ?? [])];
    const conditions = ['g.tenant_id = $1'];
    if (where) conditions.push(`(${where.sql})`);
    if (after !== null) {
      params.push(after);
      conditions.push(`${ORDER} > $${params.length}`);
    }
    if (from !== null) {
      params.push(from);
      conditions.push(`${ORDER} >= lower($${params.length})`);
    }
    params.push(limit);
    return this.dataSource.query<DirectoryGroupRow[]>(
      `SELECT ${COLUMNS} FROM scim_groups g WHERE ${conditions.join(' AND ')}
       ORDER BY ${ORDER} LIMIT $${params.length}`,
      params,
    );
  }

  /** The number of groups matching `where` (parameters from `$2`). */
  async count(tenantId: string, where: SqlFragment | undefined): Promise<number> {
    const [row] = await this.dataSource.query<{ total: number }[]>(
      `SELECT count(*)::int AS total FROM scim_groups g
       WHERE g.tenant_id = $1${where ? ` AND (${where.sql})` : ''}`,
      [tenantId, ...(where?.params ?? [])],
    );
    return row?.total ?? 0;
  }

  /**
   * The group (null when missing, or when `id` is null), or undefined when the tenant does not
   * exist.
   */
  async findOne(
    tenantId: string,
    id: string | null,
  ): Promise<DirectoryGroupRow | null | undefined> {
    const [row] = await preparedQuery<{ tenantId: string } & Nullable<DirectoryGroupRow>>(
      this.dataSource,
      'directory_group_find_one',
      FIND_ONE,
      [tenantId, id],
    );
    if (!row) return undefined;
    const { tenantId: _tenant, ...group } = row;
    return group.id === null ? null : (group as DirectoryGroupRow);
  }

  findByIds(tenantId: string, ids: readonly string[]): Promise<DirectoryGroupRow[]> {
    return preparedQuery<DirectoryGroupRow>(
      this.dataSource,
      'directory_groups_by_ids',
      FIND_BY_IDS,
      [tenantId, ids],
    );
  }

  /** Group id → its number of direct members (groups without members are left out). */
  async memberCounts(tenantId: string, groupIds: readonly string[]): Promise<Map<string, number>> {
    const rows = await preparedQuery<{ groupId: string; count: number }>(
      this.dataSource,
      'directory_group_member_counts',
      MEMBER_COUNTS,
      [tenantId, groupIds],
    );
    return new Map(rows.map((row) => [row.groupId, row.count]));
  }

  /**
   * Up to `limit` members of each group whose id comes after `afterMemberId`, in member id
   * order, in one statement.
   */
  membersPage(
    tenantId: string,
    groupIds: readonly string[],
    afterMemberId: string | null,
    limit: number,
  ): Promise<DirectoryMemberRow[]> {
    return afterMemberId === null
      ? preparedQuery<DirectoryMemberRow>(
          this.dataSource,
          'directory_group_members_page',
          MEMBERS_PAGE,
          [tenantId, groupIds, limit],
        )
      : preparedQuery<DirectoryMemberRow>(
          this.dataSource,
          'directory_group_members_page_after',
          MEMBERS_PAGE_AFTER,
          [tenantId, groupIds, limit, afterMemberId],
        );
  }

  /** The direct groups of some users, in name order. */
  groupsOfUsers(tenantId: string, userIds: readonly string[]): Promise<UserGroupRow[]> {
    return preparedQuery<UserGroupRow>(
      this.dataSource,
      'directory_groups_of_users',
      GROUPS_OF_USERS,
      [tenantId, userIds],
    );
  }
}

/** The fixed SQL texts, for tests that pin them and for EXPLAIN. */
export const GROUPS_DIRECTORY_QUERIES = {
  findOne: FIND_ONE,
  findByIds: FIND_BY_IDS,
  memberCounts: MEMBER_COUNTS,
  membersPage: MEMBERS_PAGE,
  membersPageAfter: MEMBERS_PAGE_AFTER,
  groupsOfUsers: GROUPS_OF_USERS,
} as const;

type Nullable<T> = { [K in keyof T]: T[K] | null };
