import { Injectable } from '@nestjs/common';
import { AUDIT_COLUMNS } from '../audit/audit.repository.js';
import { DataSource, type EntityManager } from 'typeorm';
import { preparedQueryIn } from '../database/prepared-in-transaction.js';
import { preparedQuery } from '../database/prepared.js';
import type { SqlColumn, SqlFragment, SqlRelation } from '../scim/filter/compile-sql.js';
import type { StoredScimSchemaSettings } from '../tenants/tenants.repository.js';
import type { GroupColumns } from './group-document.js';
import type { MemberType } from './group-member.entity.js';
import type { GroupRecord, MemberRecord } from './group-mapper.js';

type Json = Record<string, unknown>;

/**
 * What the filter compiler targets (`scim_groups g`): the columns that hold single-valued
 * attributes exactly as the document does, and `members` in `group_members`. The same map as
 * `test/fixtures/scim/filters/sql-targets.json`, whose catalogue is checked against PostgreSQL
 * (a unit test keeps them equal).
 */
export const GROUP_FILTER_COLUMNS: Readonly<Record<string, SqlColumn>> = {
  id: { sql: 'g.id', type: 'uuid' },
  displayName: { sql: 'g.display_name', type: 'string' },
  externalId: { sql: 'g.external_id', type: 'string' },
  'meta.created': { sql: 'g.created_at', type: 'dateTime' },
  'meta.lastModified': { sql: 'g.updated_at', type: 'dateTime' },
};

export const GROUP_FILTER_RELATIONS: Readonly<Record<string, SqlRelation>> = {
  members: {
    from: 'group_members m',
    where: 'm.tenant_id = g.tenant_id AND m.group_id = g.id',
    columns: {
      value: { sql: 'm.member_id', type: 'uuid' },
      type: { sql: 'm.member_type', type: 'string' },
    },
  },
};

/**
 * `members[<filter>]` of a `remove` evaluated on one row `m` of `group_members` (the row to
 * delete): the filter compiles to `EXISTS` over the same row, found again by primary key.
 */
export const MEMBER_ROW_RELATIONS: Readonly<Record<string, SqlRelation>> = {
  members: {
    from: 'group_members m2',
    where: 'm2.tenant_id = m.tenant_id AND m2.group_id = m.group_id AND m2.member_id = m.member_id',
    columns: {
      value: { sql: 'm2.member_id', type: 'uuid' },
      type: { sql: 'm2.member_type', type: 'string' },
    },
  },
};

/** Lists without `sortBy` page in creation order; `g.id` makes every order total (stable pages). */
export const GROUP_LIST_ORDER = 'g.created_at, g.id';

/** The unique index behind 409 `uniqueness` on `displayName` (migration 1795478580000). */
export const GROUP_DISPLAY_NAME_UNIQUE_INDEX = 'scim_groups_tenant_display_name_key';

/** One page of a list and the number of groups that match. */
export interface GroupPage {
  readonly groups: GroupRecord[];
  readonly total: number;
}

/** A read with the tenant's SCIM schema settings read in the same statement; null: no tenant. */
export type WithSettings<T> = {
  readonly settings: StoredScimSchemaSettings;
  readonly found: T;
} | null;

/** A member that exists in the tenant (a user that is not deleted, or a group). */
export type FoundMember = MemberRecord;

/** How a write locks its group: `update` lets members be added to it meanwhile, `delete` not. */
export type LockMode = 'update' | 'delete';

/** Rows a membership statement inserted and deleted. */
export interface MembershipCounts {
  readonly added: number;
  readonly removed: number;
}

interface RecordRow {
  id: string;
  resource: Json;
  version: number;
  createdAt: Date;
  updatedAt: Date;
}

const RECORD = `g.id, g.resource, g.version, g.created_at AS "createdAt", g.updated_at AS "updatedAt"`;

/** The tenant's schema settings next to the rows of `inner` (one row of NULLs when it has none). */
const withSettings = (inner: string): string => `
  SELECT (t.settings -> 'scimExtensions')::text AS "extensionsJson",
         coalesce(t.settings -> 'strictSchemas' = 'true'::jsonb, false) AS "strictSchemas",
         g.*
  FROM tenants t LEFT JOIN (${inner}) AS g ON true
  WHERE t.id = $1`;

const FIND_BY_ID = withSettings(`
  SELECT ${RECORD} FROM scim_groups g WHERE g.tenant_id = $1 AND g.id = $2`);

/** Entra's matching lookup (`displayName eq`): at most one group (the unique index). */
const LOOKUP_DISPLAY_NAME = withSettings(`
  SELECT ${RECORD} FROM scim_groups g
  WHERE g.tenant_id = $1 AND lower(g.display_name) = lower($2)`);

const INSERT = `
  INSERT INTO scim_groups (tenant_id, id, display_name, external_id, resource)
  VALUES ($1, $2, $3, $4, $5::jsonb)
  RETURNING id, version, created_at AS "createdAt", updated_at AS "updatedAt"`;

/**
 * A group locked for a write, with the tenant's schema settings. PUT and PATCH take `FOR NO KEY
 * UPDATE`, which does not conflict with the `FOR KEY SHARE` another group's PATCH takes to add
 * this group as a member; DELETE takes `FOR UPDATE`, which waits for such adds (and makes them
 * find the group gone).
 */
const lockText = (mode: LockMode): string => `
  SELECT ${RECORD},
         (t.settings -> 'scimExtensions')::text AS "extensionsJson",
         coalesce(t.settings -> 'strictSchemas' = 'true'::jsonb, false) AS "strictSchemas"
  FROM scim_groups g JOIN tenants t ON t.id = g.tenant_id
  WHERE g.tenant_id = $1 AND g.id = $2
  FOR ${mode === 'delete' ? 'UPDATE' : 'NO KEY UPDATE'} OF g`;

const LOCK = { update: lockText('update'), delete: lockText('delete') } as const;

/** The group as LOCK reads it, without a lock: members-only PATCHes lock the group last. */
const READ = lockText('update').replace(/\s*FOR NO KEY UPDATE OF g\s*$/, '');

const UPDATE = `
  UPDATE scim_groups AS g
  SET display_name = $3, external_id = $4, resource = $5::jsonb,
      version = g.version + 1, updated_at = now()
  WHERE g.tenant_id = $1 AND g.id = $2
  RETURNING ${RECORD}`;

/** A change of the members only: the group's version and lastModified move on. */
const TOUCH = `
  UPDATE scim_groups AS g SET version = g.version + 1, updated_at = now()
  WHERE g.tenant_id = $1 AND g.id = $2
  RETURNING ${RECORD}`;

/**
 * TOUCH for a group the caller did not lock first: it takes the row lock now (and waits for a
 * DELETE, then finds nothing); `$3`, when not null, is the version an If-Match named.
 */
const TOUCH_IF = `
  UPDATE scim_groups AS g SET version = g.version + 1, updated_at = now()
  WHERE g.tenant_id = $1 AND g.id = $2 AND ($3::int IS NULL OR g.version = $3::int)
  RETURNING ${RECORD}`;

/**
 * Entra's common membership PATCH (one add, or one remove with a value list) as one statement,
 * without an explicit transaction: the group is locked for this statement only (and checked
 * against `$4`, an If-Match's version, when not null); for an add, the members `$3` (distinct,
 * canonical) are looked up and locked `FOR KEY SHARE` and inserted only if every one exists; the
 * version is bumped and the audit row (`$5` on, AUDIT_COLUMNS order, its `counts` computed here)
 * inserted only if a row changed. The caller reads `groupOk`/`complete` and, when either is
 * false, takes the transactional path, which answers the 404, 412 or 400 (nothing was changed).
 */
const auditSelect = (changedRows: string): string =>
  AUDIT_COLUMNS.map((column, i) =>
    column === 'counts'
      ? `coalesce($${5 + i}::jsonb, '{}'::jsonb) || jsonb_build_object('membersAdded', ${changedRows === 'added' ? '(SELECT count(*) FROM added)' : '0'}, 'membersRemoved', ${changedRows === 'removed' ? '(SELECT count(*) FROM removed)' : '0'})`
      : `$${5 + i}`,
  ).join(', ');

const memberStatement = (change: 'added' | 'removed'): string => `
  WITH grp AS (
    SELECT 1 FROM scim_groups g
    WHERE g.tenant_id = $1 AND g.id = $2 AND ($4::int IS NULL OR g.version = $4::int)
    FOR NO KEY UPDATE
  ),
  ${
    change === 'added'
      ? `users AS (
    SELECT u.id, u.deleted_at FROM scim_users u
    WHERE u.tenant_id = $1 AND u.id = ANY ($3::uuid[])
    FOR KEY SHARE
  ),
  groups AS (
    SELECT g.id FROM scim_groups g
    WHERE g.tenant_id = $1 AND g.id = ANY ($3::uuid[]) AND g.id <> $2
    FOR KEY SHARE
  ),
  found AS (
    SELECT id, 'User' AS type FROM users WHERE deleted_at IS NULL
    UNION ALL
    SELECT id, 'Group' AS type FROM groups
  ),
  complete AS (SELECT count(*) = cardinality($3::uuid[]) AS ok FROM found),
  added AS (
    INSERT INTO group_members (tenant_id, group_id, member_id, member_type)
    SELECT $1::uuid, $2::uuid, f.id, f.type FROM found f
    WHERE (SELECT ok FROM complete) AND EXISTS (SELECT 1 FROM grp)
    ON CONFLICT DO NOTHING
    RETURNING 1
  ),`
      : `complete AS (SELECT true AS ok),
  removed AS (
    DELETE FROM group_members m
    WHERE m.tenant_id = $1 AND m.group_id = $2 AND m.member_id = ANY ($3::uuid[])
      AND EXISTS (SELECT 1 FROM grp)
    RETURNING 1
  ),`
  }
  touched AS (
    UPDATE scim_groups AS g SET version = g.version + 1, updated_at = now()
    WHERE g.tenant_id = $1 AND g.id = $2 AND EXISTS (SELECT 1 FROM ${change})
    RETURNING ${RECORD}
  ),
  audited AS (
    INSERT INTO audit_events (${AUDIT_COLUMNS.join(', ')})
    SELECT ${auditSelect(change)} FROM touched
  )
  SELECT EXISTS (SELECT 1 FROM grp) AS "groupOk", (SELECT ok FROM complete) AS complete,
         (SELECT count(*) FROM ${change})::int AS changed, t.*
  FROM (VALUES (1)) AS one (x) LEFT JOIN touched t ON true`;

const ADD_MEMBERS_NOW = memberStatement('added');
const REMOVE_MEMBERS_NOW = memberStatement('removed');

/**
 * Deletes a group, its members and its memberships in other groups, in one statement; answers
 * how many rows of each kind went.
 */
const DELETE = `
  WITH memberships AS (
    DELETE FROM group_members m
    WHERE m.tenant_id = $1 AND (m.group_id = $2 OR m.member_id = $2)
    RETURNING m.group_id
  ),
  deleted AS (
    DELETE FROM scim_groups g WHERE g.tenant_id = $1 AND g.id = $2 RETURNING g.id
  )
  SELECT (SELECT count(*) FROM deleted)::int AS deleted,
         (SELECT count(*) FROM memberships WHERE group_id = $2)::int AS members,
         (SELECT count(*) FROM memberships WHERE group_id <> $2)::int AS memberships`;

/**
 * Which of the given ids are members a group can have: users of the tenant that are not deleted,
 * and groups of the tenant; with their type and display name. Each found row is locked `FOR KEY
 * SHARE` until the transaction ends, so a concurrent delete of that user or group waits for this
 * write (and then removes the new membership too) or, if it came first, makes it find nothing
 * (the lock returns the row as the delete left it). Users are found by primary key and only then
 * checked for `deleted_at` (as in UsersRepository: with `deleted_at IS NULL` in the WHERE, the
 * planner may walk a partial index of the whole tenant instead).
 */
const FIND_MEMBERS = `
  WITH users AS (
    SELECT u.id, coalesce(u.display_name, u.user_name) AS display, u.deleted_at
    FROM scim_users u
    WHERE u.tenant_id = $1 AND u.id = ANY ($2::uuid[])
    FOR KEY SHARE
  ),
  groups AS (
    SELECT g.id, g.display_name AS display
    FROM scim_groups g
    WHERE g.tenant_id = $1 AND g.id = ANY ($2::uuid[])
    FOR KEY SHARE
  )
  SELECT id, 'User' AS type, display FROM users WHERE deleted_at IS NULL
  UNION ALL
  SELECT id, 'Group' AS type, display FROM groups`;

/** Adds members (ids and types as parallel arrays); members already there are no conflict. */
const ADD_MEMBERS = `
  WITH added AS (
    INSERT INTO group_members (tenant_id, group_id, member_id, member_type)
    SELECT $1::uuid, $2::uuid, a.id, a.type FROM unnest($3::uuid[], $4::text[]) AS a (id, type)
    ON CONFLICT DO NOTHING
    RETURNING 1
  )
  SELECT (SELECT count(*) FROM added)::int AS added, 0 AS removed`;

const REMOVE_MEMBERS = `
  WITH removed AS (
    DELETE FROM group_members m
    WHERE m.tenant_id = $1 AND m.group_id = $2 AND m.member_id = ANY ($3::uuid[])
    RETURNING 1
  )
  SELECT 0 AS added, (SELECT count(*) FROM removed)::int AS removed`;

const REMOVE_ALL_MEMBERS = `
  WITH removed AS (
    DELETE FROM group_members m WHERE m.tenant_id = $1 AND m.group_id = $2 RETURNING 1
  )
  SELECT 0 AS added, (SELECT count(*) FROM removed)::int AS removed`;

/**
 * The members become exactly the given ones: the difference is computed by PostgreSQL (rows not
 * listed are deleted, listed ones inserted unless present), never read into the server.
 */
const REPLACE_MEMBERS = `
  WITH removed AS (
    DELETE FROM group_members m
    WHERE m.tenant_id = $1 AND m.group_id = $2 AND m.member_id <> ALL ($3::uuid[])
    RETURNING 1
  ),
  added AS (
    INSERT INTO group_members (tenant_id, group_id, member_id, member_type)
    SELECT $1::uuid, $2::uuid, a.id, a.type FROM unnest($3::uuid[], $4::text[]) AS a (id, type)
    ON CONFLICT DO NOTHING
    RETURNING 1
  )
  SELECT (SELECT count(*) FROM added)::int AS added, (SELECT count(*) FROM removed)::int AS removed`;

/** `remove members[<filter>]`: `where` is the compiled filter over row `m`, parameters from `$3`. */
const removeMembersWhere = (where: string): string => `
  WITH removed AS (
    DELETE FROM group_members m
    WHERE m.tenant_id = $1 AND m.group_id = $2 AND (${where})
    RETURNING 1
  )
  SELECT 0 AS added, (SELECT count(*) FROM removed)::int AS removed`;

/**
 * The members of some groups with what a response shows of them, in one statement (joins for the
 * display names, never a query per member); in group order, then member id order.
 */
const MEMBERS_OF = `
  SELECT m.group_id AS "groupId", m.member_id AS id, m.member_type AS type,
         CASE m.member_type WHEN 'User' THEN coalesce(u.display_name, u.user_name)
                            ELSE mg.display_name END AS display
  FROM group_members m
  LEFT JOIN scim_users u
    ON m.member_type = 'User' AND u.tenant_id = m.tenant_id AND u.id = m.member_id
  LEFT JOIN scim_groups mg
    ON m.member_type = 'Group' AND mg.tenant_id = m.tenant_id AND mg.id = m.member_id
  WHERE m.tenant_id = $1 AND m.group_id = ANY ($2::uuid[])
  ORDER BY m.group_id, m.member_id`;

/**
 * Queries on `scim_groups` and on a group's rows of `group_members`, all scoped by tenant (first
 * argument). Writes take the caller's transaction (`manager` from `dataSource.transaction`).
 */
@Injectable()
export class GroupsRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** The group, or null when there is none, and the tenant's schema settings. */
  async findById(tenantId: string, id: string): Promise<WithSettings<GroupRecord | null>> {
    return this.single('scim_groups_find_by_id', FIND_BY_ID, [tenantId, id]);
  }

  /** The group whose displayName is `displayName` without regard to case, if any. */
  async findByDisplayName(
    tenantId: string,
    displayName: string,
  ): Promise<WithSettings<GroupRecord | null>> {
    return this.single('scim_groups_lookup_display_name', LOOKUP_DISPLAY_NAME, [
      tenantId,
      displayName,
    ]);
  }

  /**
   * A page of the groups matching a compiled filter (`where` numbers its parameters from `$2`;
   * undefined: every group), in `orderBy` order, and the number of matches (counted in parallel).
   */
  async list(
    tenantId: string,
    where: SqlFragment | undefined,
    orderBy: string,
    limit: number,
    offset: number,
  ): Promise<GroupPage> {
    const condition = `g.tenant_id = $1${where ? ` AND (${where.sql})` : ''}`;
    const params: unknown[] = [tenantId, ...(where?.params ?? [])];
    const count = this.dataSource.query<{ total: string }[]>(
      `SELECT count(*) AS total FROM scim_groups g WHERE ${condition}`,
      params,
    );
    const page =
      limit > 0
        ? this.dataSource.query<RecordRow[]>(
            `SELECT ${RECORD} FROM scim_groups g WHERE ${condition} ORDER BY ${orderBy}
             LIMIT $${params.length + 1} OFFSET $${params.length + 2}`,
            [...params, limit, offset],
          )
        : Promise.resolve([]);
    const [counted, groups] = await Promise.all([count, page]);
    return { groups, total: Number(counted[0]?.total ?? 0) };
  }

  /**
   * The members of the given groups (of the tenant), by group id; a group without members is
   * absent from the map. `manager`: read inside that transaction.
   */
  async membersOf(
    tenantId: string,
    groupIds: readonly string[],
    manager?: EntityManager,
  ): Promise<Map<string, MemberRecord[]>> {
    const byGroup = new Map<string, MemberRecord[]>();
    if (groupIds.length === 0) return byGroup;
    const params = [tenantId, groupIds];
    const rows = manager
      ? await preparedQueryIn<MemberRow>(manager, 'group_members_of', MEMBERS_OF, params)
      : await preparedQuery<MemberRow>(this.dataSource, 'group_members_of', MEMBERS_OF, params);
    for (const { groupId, ...member } of rows) {
      const list = byGroup.get(groupId);
      if (list) list.push(member);
      else byGroup.set(groupId, [member]);
    }
    return byGroup;
  }

  /** Inserts a group; a displayName clash throws the unique violation of {@link GROUP_DISPLAY_NAME_UNIQUE_INDEX}. */
  async insert(
    manager: EntityManager,
    tenantId: string,
    id: string,
    group: GroupColumns,
  ): Promise<GroupRecord> {
    const [row] = await preparedQueryIn<Omit<RecordRow, 'resource'>>(
      manager,
      'scim_groups_insert',
      INSERT,
      [tenantId, id, group.displayName, group.externalId, JSON.stringify(group.resource)],
    );
    if (!row) throw new Error('the insert returned no row');
    return { ...row, resource: group.resource };
  }

  /** The group, locked until the transaction ends (see {@link LockMode}); null when there is none. */
  async lock(
    manager: EntityManager,
    tenantId: string,
    id: string,
    mode: LockMode,
  ): Promise<{ group: GroupRecord; settings: StoredScimSchemaSettings } | null> {
    const [row] = await preparedQueryIn<RecordRow & StoredScimSchemaSettings>(
      manager,
      `scim_groups_lock_${mode}`,
      LOCK[mode],
      [tenantId, id],
    );
    if (!row) return null;
    const { extensionsJson, strictSchemas, ...group } = row;
    return { group, settings: { extensionsJson, strictSchemas } };
  }

  /**
   * One membership add or remove as a statement of its own (ADD_MEMBERS_NOW / REMOVE_MEMBERS_NOW):
   * `ok` false when the group is gone or not at `expectedVersion`, or (add) a member does not
   * exist — then nothing changed; else how many rows changed and, when any did, the group as
   * it now is (its audit row inserted with it).
   */
  async changeMembersNow(
    kind: 'add' | 'remove',
    tenantId: string,
    groupId: string,
    memberIds: readonly string[],
    expectedVersion: number | null,
    auditParams: readonly unknown[],
  ): Promise<{ ok: boolean; changed: number; group: GroupRecord | null }> {
    const [row] = await preparedQuery<
      { groupOk: boolean; complete: boolean; changed: number } & Nullable<RecordRow>
    >(
      this.dataSource,
      kind === 'add' ? 'scim_groups_add_members_now' : 'scim_groups_remove_members_now',
      kind === 'add' ? ADD_MEMBERS_NOW : REMOVE_MEMBERS_NOW,
      [tenantId, groupId, memberIds, expectedVersion, ...auditParams],
    );
    if (!row) throw new Error('the membership statement returned no row');
    const { groupOk, complete, changed, ...record } = row;
    return {
      ok: groupOk && complete,
      changed,
      group: record.id === null ? null : (record as RecordRow),
    };
  }

  /** The group (not locked) with the tenant's schema settings, in the caller's transaction. */
  async read(
    manager: EntityManager,
    tenantId: string,
    id: string,
  ): Promise<{ group: GroupRecord; settings: StoredScimSchemaSettings } | null> {
    const [row] = await preparedQueryIn<RecordRow & StoredScimSchemaSettings>(
      manager,
      'scim_groups_read',
      READ,
      [tenantId, id],
    );
    if (!row) return null;
    const { extensionsJson, strictSchemas, ...group } = row;
    return { group, settings: { extensionsJson, strictSchemas } };
  }

  /**
   * Bumps the version of a group the caller did not lock (its members changed), locking it until
   * the transaction ends; null when it is gone or not at `expectedVersion` (when given).
   */
  async touchIf(
    manager: EntityManager,
    tenantId: string,
    id: string,
    expectedVersion: number | null,
  ): Promise<GroupRecord | null> {
    const [row] = await preparedQueryIn<RecordRow>(manager, 'scim_groups_touch_if', TOUCH_IF, [
      tenantId,
      id,
      expectedVersion,
    ]);
    return row ?? null;
  }

  /**
   * Stores a new state of a group the caller locked and bumps its version. A displayName clash
   * throws the unique violation of {@link GROUP_DISPLAY_NAME_UNIQUE_INDEX}.
   */
  async update(
    manager: EntityManager,
    tenantId: string,
    id: string,
    group: GroupColumns,
  ): Promise<GroupRecord> {
    const [row] = await preparedQueryIn<RecordRow>(manager, 'scim_groups_update', UPDATE, [
      tenantId,
      id,
      group.displayName,
      group.externalId,
      JSON.stringify(group.resource),
    ]);
    if (!row) throw new Error(`group ${id} vanished while locked`);
    return row;
  }

  /** Bumps the version of a locked group whose members changed. */
  async touch(manager: EntityManager, tenantId: string, id: string): Promise<GroupRecord> {
    const [row] = await preparedQueryIn<RecordRow>(manager, 'scim_groups_touch', TOUCH, [
      tenantId,
      id,
    ]);
    if (!row) throw new Error(`group ${id} vanished while locked`);
    return row;
  }

  /**
   * Deletes a group the caller locked (`lock(…, 'delete')`) with its member rows and its rows as
   * a member of other groups.
   */
  async delete(
    manager: EntityManager,
    tenantId: string,
    id: string,
  ): Promise<{ members: number; memberships: number }> {
    const [row] = await preparedQueryIn<{ deleted: number; members: number; memberships: number }>(
      manager,
      'scim_groups_delete',
      DELETE,
      [tenantId, id],
    );
    if (!row || row.deleted !== 1) throw new Error(`group ${id} vanished while locked`);
    return { members: row.members, memberships: row.memberships };
  }

  /**
   * Which of `ids` (canonical UUIDs) are members a group of the tenant can have, each locked `FOR
   * KEY SHARE` (see {@link FIND_MEMBERS}).
   */
  async findMembers(
    manager: EntityManager,
    tenantId: string,
    ids: readonly string[],
  ): Promise<FoundMember[]> {
    if (ids.length === 0) return [];
    return preparedQueryIn<FoundMember>(manager, 'group_members_find', FIND_MEMBERS, [
      tenantId,
      ids,
    ]);
  }

  /** Adds members to a locked group (`ON CONFLICT DO NOTHING`): one statement for all of them. */
  addMembers(
    manager: EntityManager,
    tenantId: string,
    groupId: string,
    members: readonly { id: string; type: MemberType }[],
  ): Promise<MembershipCounts> {
    if (members.length === 0) return Promise.resolve({ added: 0, removed: 0 });
    return this.counts(manager, 'group_members_add', ADD_MEMBERS, [
      tenantId,
      groupId,
      members.map((m) => m.id),
      members.map((m) => m.type),
    ]);
  }

  /** Removes the listed members (ids that are not members are no error). */
  removeMembers(
    manager: EntityManager,
    tenantId: string,
    groupId: string,
    ids: readonly string[],
  ): Promise<MembershipCounts> {
    if (ids.length === 0) return Promise.resolve({ added: 0, removed: 0 });
    return this.counts(manager, 'group_members_remove', REMOVE_MEMBERS, [tenantId, groupId, ids]);
  }

  removeAllMembers(
    manager: EntityManager,
    tenantId: string,
    groupId: string,
  ): Promise<MembershipCounts> {
    return this.counts(manager, 'group_members_remove_all', REMOVE_ALL_MEMBERS, [
      tenantId,
      groupId,
    ]);
  }

  /** Makes the members exactly `members`, in one statement (see {@link REPLACE_MEMBERS}). */
  replaceMembers(
    manager: EntityManager,
    tenantId: string,
    groupId: string,
    members: readonly { id: string; type: MemberType }[],
  ): Promise<MembershipCounts> {
    return this.counts(manager, 'group_members_replace', REPLACE_MEMBERS, [
      tenantId,
      groupId,
      members.map((m) => m.id),
      members.map((m) => m.type),
    ]);
  }

  /**
   * Removes the members matching a filter compiled against {@link MEMBER_ROW_RELATIONS}
   * (parameters numbered from `$3`).
   */
  async removeMembersWhere(
    manager: EntityManager,
    tenantId: string,
    groupId: string,
    where: SqlFragment,
  ): Promise<MembershipCounts> {
    const [row] = await manager.query<MembershipCounts[]>(removeMembersWhere(where.sql), [
      tenantId,
      groupId,
      ...where.params,
    ]);
    return row ?? { added: 0, removed: 0 };
  }

  private async counts(
    manager: EntityManager,
    name: string,
    text: string,
    values: unknown[],
  ): Promise<MembershipCounts> {
    const [row] = await preparedQueryIn<MembershipCounts>(manager, name, text, values);
    return row ?? { added: 0, removed: 0 };
  }

  private async single(
    name: string,
    text: string,
    values: unknown[],
  ): Promise<WithSettings<GroupRecord | null>> {
    const [row] = await preparedQuery<StoredScimSchemaSettings & Nullable<RecordRow>>(
      this.dataSource,
      name,
      text,
      values,
    );
    if (!row) return null;
    const { extensionsJson, strictSchemas, ...record } = row;
    return {
      settings: { extensionsJson, strictSchemas },
      found: record.id === null ? null : (record as RecordRow),
    };
  }
}

/**
 * The fixed SQL texts, for the tests that pin them (a change here is a reviewed query change).
 */
export const GROUP_QUERIES = {
  findById: FIND_BY_ID,
  lookupDisplayName: LOOKUP_DISPLAY_NAME,
  insert: INSERT,
  lockUpdate: LOCK.update,
  lockDelete: LOCK.delete,
  update: UPDATE,
  touch: TOUCH,
  read: READ,
  touchIf: TOUCH_IF,
  addMembersNow: ADD_MEMBERS_NOW,
  removeMembersNow: REMOVE_MEMBERS_NOW,
  delete: DELETE,
  findMembers: FIND_MEMBERS,
  addMembers: ADD_MEMBERS,
  removeMembers: REMOVE_MEMBERS,
  removeAllMembers: REMOVE_ALL_MEMBERS,
  replaceMembers: REPLACE_MEMBERS,
  removeMembersWhere: removeMembersWhere('<filter>'),
  membersOf: MEMBERS_OF,
} as const;

interface MemberRow extends MemberRecord {
  readonly groupId: string;
}

/** The columns of a LEFT JOINed row: NULL when the inner query had no row. */
type Nullable<T> = { [K in keyof T]: T[K] | null };
