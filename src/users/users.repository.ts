import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { preparedQueryIn } from '../database/prepared-in-transaction.js';
import { AUDIT_COLUMNS } from '../audit/audit.repository.js';
import { preparedQuery } from '../database/prepared.js';
import type { SqlColumn, SqlFragment, SqlRelation } from '../scim/filter/compile-sql.js';
import type { StoredScimSchemaSettings } from '../tenants/tenants.repository.js';
import type { UserGroupRecord } from '../groups/group-mapper.js';
import type { UserRecord } from './user-mapper.js';

type Json = Record<string, unknown>;

/**
 * What the filter compiler targets (`scim_users u`): the columns that hold single-valued
 * attributes exactly as the document does; everything else is read from `u.resource`. The same
 * map as `test/fixtures/scim/filters/sql-targets.json`, whose catalogue is checked against
 * PostgreSQL (a unit test keeps them equal).
 */
export const USER_FILTER_COLUMNS: Readonly<Record<string, SqlColumn>> = {
  id: { sql: 'u.id', type: 'uuid' },
  userName: { sql: 'u.user_name', type: 'string' },
  externalId: { sql: 'u.external_id', type: 'string' },
  displayName: { sql: 'u.display_name', type: 'string' },
  active: { sql: 'u.active', type: 'boolean' },
  'meta.created': { sql: 'u.created_at', type: 'dateTime' },
  'meta.lastModified': { sql: 'u.updated_at', type: 'dateTime' },
};

/**
 * The read-only `groups` of a user (its direct groups) for the filter compiler: rows of
 * `group_members` with the group's displayName (`groups[value eq "…"]`, `groups.display co …`).
 * The same map as the `User` relations of `test/fixtures/scim/filters/sql-targets.json`.
 */
export const USER_FILTER_RELATIONS: Readonly<Record<string, SqlRelation>> = {
  groups: {
    from: 'group_members gm JOIN scim_groups gg ON gg.tenant_id = gm.tenant_id AND gg.id = gm.group_id',
    where: 'gm.tenant_id = u.tenant_id AND gm.member_id = u.id',
    columns: {
      value: { sql: 'gm.group_id', type: 'uuid' },
      display: { sql: 'gg.display_name', type: 'string' },
      type: { sql: "'direct'", type: 'string' },
    },
  },
};

/** Lists without `sortBy` page in creation order; `u.id` makes every order total (stable pages). */
export const USER_LIST_ORDER = 'u.created_at, u.id';

/** The unique index behind 409 `uniqueness` on `userName` (migration 1795478400000). */
export const USER_NAME_UNIQUE_INDEX = 'scim_users_tenant_user_name_key';

/** What a write stores: the document and the columns copied out of it. */
export interface UserColumns {
  readonly userName: string;
  readonly externalId: string | null;
  readonly displayName: string | null;
  readonly active: boolean;
  /** The canonical document, without `id`, `meta` and `password`. */
  readonly resource: Json;
}

/** A user locked for a write, with what the write's rules need from its tenant. */
export interface LockedUser extends UserRecord {
  readonly externalId: string | null;
  /** The tenant's `settings.verifiedDomains` as stored (JSONB, not validated). */
  readonly verifiedDomains: unknown;
}

/**
 * The outcome of a create: a new row, or an unlinked user it must be linked to instead; with the
 * tenant's schema settings as they are now (the create may have started from older ones).
 */
export type InsertOutcome = (
  | { readonly kind: 'inserted'; readonly user: UserRecord; readonly verifiedDomains: unknown }
  | { readonly kind: 'linkable'; readonly user: LockedUser }
) & { readonly settings: StoredScimSchemaSettings };

/** One page of a list and the number of users that match. */
export interface UserPage {
  readonly users: UserRecord[];
  readonly total: number;
}

/**
 * A read together with the tenant's SCIM schema settings, read in the same statement (for
 * `ScimSchemaRegistryService.fromStored`); null when there is no such tenant.
 */
export type WithSettings<T> = {
  readonly settings: StoredScimSchemaSettings;
  readonly found: T;
} | null;

/** Which indexed column a hot lookup reads. */
export type LookupColumn = 'userName' | 'externalId' | 'id';

interface RecordRow {
  id: string;
  resource: Json;
  version: number;
  createdAt: Date;
  updatedAt: Date;
  groups: UserGroupRecord[];
}

/**
 * The user's direct groups (`groups`, read-only), in name order, as a correlated subquery: one
 * probe of the member index of `group_members` per user, in the same statement as the user, so
 * that no read pays a second round trip for them (Entra's lookups included).
 */
const GROUPS_OF_USER = `(
  SELECT coalesce(json_agg(json_build_object('id', g.id, 'displayName', g.display_name)
                           ORDER BY lower(g.display_name), g.id), '[]'::json)
  FROM group_members m JOIN scim_groups g ON g.tenant_id = m.tenant_id AND g.id = m.group_id
  WHERE m.tenant_id = u.tenant_id AND m.member_id = u.id)`;

/** The columns every read returns, for `toScimUser`. */
const RECORD = `u.id, u.resource, u.version, u.created_at AS "createdAt", u.updated_at AS "updatedAt", ${GROUPS_OF_USER} AS groups`;

/**
 * The tenant's schema settings as `TenantsRepository.findScimSchemaSettings` reads them, next to
 * the rows of a user query `inner` (one row of NULLs when it has none): hot reads save the round
 * trip of reading them apart. `inner` names the tenant as `$1`.
 */
const withSettings = (inner: string): string => `
  SELECT (t.settings -> 'scimExtensions')::text AS "extensionsJson",
         coalesce(t.settings -> 'strictSchemas' = 'true'::jsonb, false) AS "strictSchemas",
         u.*
  FROM tenants t LEFT JOIN (${inner}) AS u ON true
  WHERE t.id = $1`;

/** Primary email as the account-linking index reads it (the same expression, or no index). */
const PRIMARY_EMAIL = `lower(jsonb_path_query_first(u.resource, '$.emails[*] ? (@.primary == true).value') #>> '{}')`;

/*
 * Reads and writes of one user by id name the primary key's columns only and look at
 * `deleted_at` after the row is found. With `deleted_at IS NULL` in the WHERE, every partial index
 * (`… WHERE deleted_at IS NULL`) that starts with tenant_id would be usable too, and without
 * statistics (a fresh table, a bulk load) the planner takes such a "small" partial index with a
 * filter on id, reading the whole tenant for each request.
 */
const FIND_BY_ID = withSettings(`
  SELECT ${RECORD}, u.deleted_at IS NOT NULL AS deleted FROM scim_users u
  WHERE u.tenant_id = $1 AND u.id = $2`);

/**
 * The hot lookups of Entra's matching (`userName eq`, `externalId eq`, `id eq`) as fixed texts run
 * as prepared statements (planned once per connection), each on its own index, in list order: a
 * page of them and the number of matches. Right after a bulk load the statistics may not know the
 * tenant yet and the planner may walk the tenant through the primary key instead; UsersStatistics
 * keeps them fresh (the e2e suite checks the plans).
 */
const LOOKUPS = {
  /** At most one user (the unique index): no order, page or count to compute in SQL. */
  userName: {
    name: 'scim_users_lookup_user_name',
    text: withSettings(`
      SELECT ${RECORD} FROM scim_users u
      WHERE u.tenant_id = $1 AND lower(u.user_name) = lower($2) AND u.deleted_at IS NULL`),
  },
  externalId: {
    name: 'scim_users_lookup_external_id',
    text: withSettings(`
      SELECT ${RECORD}, count(*) OVER () AS total FROM scim_users u
      WHERE u.tenant_id = $1 AND u.external_id = $2 AND u.deleted_at IS NULL
      ORDER BY u.created_at, u.id LIMIT $3 OFFSET $4`),
  },
} as const;

/** Same lookups, counting only (a page past the end, or `count=0`). */
/** The externalId lookup counting only (a page past the end, or `count=0`). */
const EXTERNAL_ID_COUNT = {
  name: 'scim_users_count_external_id',
  text: withSettings(`
    SELECT count(*) AS total FROM scim_users u
    WHERE u.tenant_id = $1 AND u.external_id = $2 AND u.deleted_at IS NULL`),
} as const;

/**
 * A create in one statement: look for an unlinked user (no externalId) the new one matches by
 * userName or primary email, locking it; insert only when there is none. Only a create that
 * carries an externalId links (it is what links the two): without one, a second POST of a
 * userName is the plain 409 of RFC 7644 (Okta's and Microsoft's duplicate tests). Two concurrent creates
 * of one userName both insert, and the unique index lets exactly one through; two creates that
 * match one unlinked user queue on its row lock, and the second re-reads it (READ COMMITTED) as
 * linked, so it inserts (and meets the unique index) instead of linking twice.
 */
const INSERT_UNLESS_LINKABLE = `
  WITH candidate AS (
    SELECT u.id, u.resource, u.version, u.created_at, u.updated_at, u.external_id
    FROM scim_users u
    WHERE u.tenant_id = $1 AND u.deleted_at IS NULL
      AND (u.external_id IS NULL OR u.external_id = '')
      AND coalesce($4::text, '') <> ''
      AND (lower(u.user_name) = lower($3) OR ${PRIMARY_EMAIL} = lower($9::text))
    ORDER BY lower(u.user_name) = lower($3) DESC, u.created_at, u.id
    LIMIT 1
    FOR UPDATE
  ),
  inserted AS (
    INSERT INTO scim_users
      (tenant_id, id, user_name, external_id, display_name, active, resource, password_hash)
    SELECT $1::uuid, $2::uuid, $3::text, $4::text, $5::text, $6::boolean, $7::jsonb, $8::text
    WHERE NOT EXISTS (SELECT 1 FROM candidate)
    RETURNING id, version, created_at, updated_at
  )
  SELECT coalesce(i.id, c.id) AS id,
         c.resource AS resource,
         coalesce(i.version, c.version) AS version,
         coalesce(i.created_at, c.created_at) AS "createdAt",
         coalesce(i.updated_at, c.updated_at) AS "updatedAt",
         c.external_id AS "externalId",
         i.id IS NOT NULL AS inserted,
         t.settings -> 'verifiedDomains' AS "verifiedDomains",
         (t.settings -> 'scimExtensions')::text AS "extensionsJson",
         coalesce(t.settings -> 'strictSchemas' = 'true'::jsonb, false) AS "strictSchemas"
  FROM (VALUES (1)) AS one (x)
  LEFT JOIN inserted i ON true
  LEFT JOIN candidate c ON true
  LEFT JOIN tenants t ON t.id = $1`;

/**
 * The common create in one statement, without a transaction: the insert happens only when the
 * new user links to nobody (see INSERT_UNLESS_LINKABLE) and the tenant's settings are still those
 * the caller validated the body against (`$10` extensions as text, `$11` strict, `$12` verified
 * domains as JSON); its audit row (`$13` on, AUDIT_COLUMNS order) is inserted with it. No row
 * back: the caller takes the transactional path, which links or reads the new settings.
 */
const INSERT_IF_PLAIN = `
  WITH candidate AS (
    SELECT 1 FROM scim_users u
    WHERE u.tenant_id = $1 AND u.deleted_at IS NULL
      AND (u.external_id IS NULL OR u.external_id = '')
      AND coalesce($4::text, '') <> ''
      AND (lower(u.user_name) = lower($3) OR ${PRIMARY_EMAIL} = lower($9::text))
    LIMIT 1
  ),
  unchanged AS (
    SELECT 1 FROM tenants t
    WHERE t.id = $1
      AND (t.settings -> 'scimExtensions')::text IS NOT DISTINCT FROM $10::text
      AND coalesce(t.settings -> 'strictSchemas' = 'true'::jsonb, false) = $11::boolean
      AND t.settings -> 'verifiedDomains' IS NOT DISTINCT FROM $12::jsonb
  ),
  inserted AS (
    INSERT INTO scim_users
      (tenant_id, id, user_name, external_id, display_name, active, resource, password_hash)
    SELECT $1::uuid, $2::uuid, $3::text, $4::text, $5::text, $6::boolean, $7::jsonb, $8::text
    WHERE NOT EXISTS (SELECT 1 FROM candidate) AND EXISTS (SELECT 1 FROM unchanged)
    RETURNING id, version, created_at AS "createdAt", updated_at AS "updatedAt"
  ),
  audited AS (
    INSERT INTO audit_events (${AUDIT_COLUMNS.join(', ')})
    SELECT ${AUDIT_COLUMNS.map((_, i) => `$${13 + i}`).join(', ')} FROM inserted
  )
  SELECT * FROM inserted`;

const LOCK = `
  SELECT ${RECORD}, u.deleted_at IS NOT NULL AS deleted, u.external_id AS "externalId",
         t.settings -> 'verifiedDomains' AS "verifiedDomains",
         (t.settings -> 'scimExtensions')::text AS "extensionsJson",
         coalesce(t.settings -> 'strictSchemas' = 'true'::jsonb, false) AS "strictSchemas"
  FROM scim_users u JOIN tenants t ON t.id = u.tenant_id
  WHERE u.tenant_id = $1 AND u.id = $2
  FOR UPDATE OF u`;

const UPDATE = `
  UPDATE scim_users AS u
  SET user_name = $3, external_id = $4, display_name = $5, active = $6, resource = $7::jsonb,
      password_hash = coalesce($8, u.password_hash), version = u.version + 1, updated_at = now()
  WHERE u.tenant_id = $1 AND u.id = $2
  RETURNING ${RECORD}`;

/** The user as `LOCK` reads it, without the lock: the first step of an optimistic write. */
const READ_FOR_WRITE = LOCK.replace(/\s*FOR UPDATE OF u\s*$/, '');

/**
 * An optimistic write in one statement: the new state, only if the user is still at the version
 * the caller read (a soft delete bumps the version too, so a deleted user never matches; the
 * WHERE names the primary key only, see above), and its audit row, inserted only when the update was
 * (`$9` on are the audit row's columns, see AUDIT_COLUMNS). No row back: another writer got there
 * first, and the caller reads again. Atomic without an explicit transaction.
 */
const UPDATE_IF_VERSION = `
  WITH updated AS (
    UPDATE scim_users AS u
    SET user_name = $3, external_id = $4, display_name = $5, active = $6, resource = $7::jsonb,
        password_hash = coalesce($8, u.password_hash), version = u.version + 1, updated_at = now()
    WHERE u.tenant_id = $1 AND u.id = $2 AND u.version = $${9 + AUDIT_COLUMNS.length}
    RETURNING ${RECORD}
  ),
  audited AS (
    INSERT INTO audit_events (${AUDIT_COLUMNS.join(', ')})
    SELECT ${AUDIT_COLUMNS.map((_, i) => `$${9 + i}`).join(', ')} FROM updated
  )
  SELECT * FROM updated`;

const SOFT_DELETE = `
  UPDATE scim_users SET deleted_at = now(), version = version + 1
  WHERE tenant_id = $1 AND id = $2
  RETURNING id`;

/**
 * Queries on `scim_users`, all scoped by tenant (first argument) and blind to deleted users.
 * Hot paths run as named prepared statements with fixed texts; writes take the caller's
 * transaction (`manager` from `dataSource.transaction`).
 */
@Injectable()
export class UsersRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** The user, unless there is none or it is deleted, and the tenant's schema settings. */
  async findById(tenantId: string, id: string): Promise<WithSettings<UserRecord | null>> {
    const [row] = await preparedQuery<SettingsRow & Nullable<RecordRow & { deleted: boolean }>>(
      this.dataSource,
      'scim_users_find_by_id',
      FIND_BY_ID,
      [tenantId, id],
    );
    if (!row) return null;
    const { extensionsJson, strictSchemas, deleted, ...record } = row;
    const settings = { extensionsJson, strictSchemas };
    return { settings, found: record.id === null || deleted ? null : (record as RecordRow) };
  }

  /**
   * A page of the users whose `column` equals `value` (userName: without regard to case; id:
   * exactly), and the tenant's schema settings.
   */
  async lookup(
    tenantId: string,
    column: LookupColumn,
    value: string,
    limit: number,
    offset: number,
  ): Promise<WithSettings<UserPage>> {
    // userName and id match at most one user: its page is cut here.
    const single = (settings: StoredScimSchemaSettings, user: UserRecord | null) => ({
      settings,
      found: { users: user && offset === 0 && limit > 0 ? [user] : [], total: user ? 1 : 0 },
    });
    if (column === 'id') {
      const byId = await this.findById(tenantId, value);
      return byId && single(byId.settings, byId.found);
    }
    if (column === 'userName') {
      const { name, text } = LOOKUPS.userName;
      const [row] = await preparedQuery<SettingsRow & Nullable<RecordRow>>(
        this.dataSource,
        name,
        text,
        [tenantId, value],
      );
      if (!row) return null;
      const { extensionsJson, strictSchemas } = row;
      return single({ extensionsJson, strictSchemas }, row.id === null ? null : recordOf(row));
    }
    if (limit > 0) {
      const { name, text } = LOOKUPS.externalId;
      const rows = await preparedQuery<SettingsRow & Nullable<RecordRow & { total: string }>>(
        this.dataSource,
        name,
        text,
        [tenantId, value, limit, offset],
      );
      const [first] = rows;
      if (!first) return null;
      const settings = { extensionsJson: first.extensionsJson, strictSchemas: first.strictSchemas };
      if (first.id !== null || offset === 0) {
        const users = rows.filter((row) => row.id !== null).map(recordOf);
        return {
          settings,
          found: { users, total: first.total === null ? 0 : Number(first.total) },
        };
      }
    }
    const { name, text } = EXTERNAL_ID_COUNT;
    const [row] = await preparedQuery<SettingsRow & { total: string | null }>(
      this.dataSource,
      name,
      text,
      [tenantId, value],
    );
    if (!row) return null;
    const { total, ...settings } = row;
    return { settings, found: { users: [], total: Number(total ?? 0) } };
  }

  /**
   * A page of the users matching a compiled filter (`where` numbers its parameters from `$2`;
   * undefined: every user), in `orderBy` order, and the number of matches (counted in parallel).
   */
  async list(
    tenantId: string,
    where: SqlFragment | undefined,
    orderBy: string,
    limit: number,
    offset: number,
  ): Promise<UserPage> {
    const condition = `u.tenant_id = $1 AND u.deleted_at IS NULL${where ? ` AND (${where.sql})` : ''}`;
    const params: unknown[] = [tenantId, ...(where?.params ?? [])];
    const count = this.dataSource.query<{ total: string }[]>(
      `SELECT count(*) AS total FROM scim_users u WHERE ${condition}`,
      params,
    );
    const page =
      limit > 0
        ? this.dataSource.query<RecordRow[]>(
            `SELECT ${RECORD} FROM scim_users u WHERE ${condition} ORDER BY ${orderBy}
             LIMIT $${params.length + 1} OFFSET $${params.length + 2}`,
            [...params, limit, offset],
          )
        : Promise.resolve([]);
    const [counted, users] = await Promise.all([count, page]);
    return { users, total: Number(counted[0]?.total ?? 0) };
  }

  /**
   * Inserts a new user unless it carries an externalId and an unlinked user of the tenant (no
   * externalId, not deleted) has its userName (any case) or, failing that, its primary email
   * (`primaryEmail`, any case): that user is then returned locked, for the caller to link. A
   * clash with a linked user's userName throws the unique violation of
   * {@link USER_NAME_UNIQUE_INDEX}.
   */
  async insertUnlessLinkable(
    manager: EntityManager,
    tenantId: string,
    id: string,
    user: UserColumns,
    passwordHash: string | null,
    primaryEmail: string | null,
  ): Promise<InsertOutcome> {
    const [row] = await preparedQueryIn<
      RecordRow &
        SettingsRow & { externalId: string | null; inserted: boolean; verifiedDomains: unknown }
    >(manager, 'scim_users_insert_unless_linkable', INSERT_UNLESS_LINKABLE, [
      ...userParams(tenantId, id, user, passwordHash),
      primaryEmail,
    ]);
    if (!row) throw new Error('the create statement returned no row');
    const { externalId, inserted, verifiedDomains, extensionsJson, strictSchemas, ...record } = row;
    const settings = { extensionsJson, strictSchemas };
    return inserted
      ? {
          kind: 'inserted',
          user: { ...record, resource: user.resource, groups: [] },
          verifiedDomains,
          settings,
        }
      : {
          kind: 'linkable',
          user: { ...record, groups: [], externalId, verifiedDomains },
          settings,
        };
  }

  /**
   * Inserts a new user and its audit row in one statement (INSERT_IF_PLAIN), unless it links to
   * an existing user or the tenant's settings are no longer `expected`: null then. A userName
   * clash throws the unique violation of {@link USER_NAME_UNIQUE_INDEX}.
   */
  async insertIfPlain(
    tenantId: string,
    id: string,
    user: UserColumns,
    passwordHash: string | null,
    primaryEmail: string | null,
    expected: { settings: StoredScimSchemaSettings; verifiedDomains: unknown },
    auditParams: readonly unknown[],
  ): Promise<UserRecord | null> {
    const [row] = await preparedQuery<Omit<RecordRow, 'resource' | 'groups'>>(
      this.dataSource,
      'scim_users_insert_if_plain',
      INSERT_IF_PLAIN,
      [
        ...userParams(tenantId, id, user, passwordHash),
        primaryEmail,
        expected.settings.extensionsJson,
        expected.settings.strictSchemas,
        expected.verifiedDomains === undefined || expected.verifiedDomains === null
          ? null
          : JSON.stringify(expected.verifiedDomains),
        ...auditParams,
      ],
    );
    return row ? { ...row, resource: user.resource, groups: [] } : null;
  }

  /**
   * The user, locked until the transaction ends (`FOR UPDATE`), with what writes need from its
   * tenant; null when there is none or it is deleted.
   */
  async lock(
    manager: EntityManager,
    tenantId: string,
    id: string,
  ): Promise<{ user: LockedUser; settings: StoredScimSchemaSettings } | null> {
    const [row] = await preparedQueryIn<LockedUser & SettingsRow & { deleted: boolean }>(
      manager,
      'scim_users_lock',
      LOCK,
      [tenantId, id],
    );
    return forWrite(row);
  }

  /**
   * Stores a new state of a user the caller locked (`lock`) and bumps its version. `passwordHash` null keeps the
   * stored password. A userName clash throws the unique violation of {@link USER_NAME_UNIQUE_INDEX}.
   */
  async update(
    manager: EntityManager,
    tenantId: string,
    id: string,
    user: UserColumns,
    passwordHash: string | null,
  ): Promise<UserRecord> {
    const [row] = await preparedQueryIn<RecordRow>(
      manager,
      'scim_users_update',
      UPDATE,
      userParams(tenantId, id, user, passwordHash),
    );
    if (!row) throw new Error(`user ${id} vanished while locked`);
    return row;
  }

  /**
   * The user (not locked) with what writes need from its tenant, for an optimistic write
   * ({@link updateIfVersion}); null when there is none or it is deleted.
   */
  async readForWrite(
    tenantId: string,
    id: string,
  ): Promise<{ user: LockedUser; settings: StoredScimSchemaSettings } | null> {
    const [row] = await preparedQuery<LockedUser & SettingsRow & { deleted: boolean }>(
      this.dataSource,
      'scim_users_read_for_write',
      READ_FOR_WRITE,
      [tenantId, id],
    );
    return forWrite(row);
  }

  /**
   * Stores a new state of a user and its audit row (`auditParams`, in AUDIT_COLUMNS order) in one
   * statement, if the user is still at `version` and not deleted; null otherwise (read again).
   * A userName clash throws the unique violation of {@link USER_NAME_UNIQUE_INDEX}.
   */
  async updateIfVersion(
    tenantId: string,
    id: string,
    version: number,
    user: UserColumns,
    passwordHash: string | null,
    auditParams: readonly unknown[],
  ): Promise<UserRecord | null> {
    const [row] = await preparedQuery<RecordRow>(
      this.dataSource,
      'scim_users_update_if_version',
      UPDATE_IF_VERSION,
      [...userParams(tenantId, id, user, passwordHash), ...auditParams, version],
    );
    return row ?? null;
  }

  /** Marks a user the caller locked (`lock`) deleted, and bumps its version. */
  async softDelete(manager: EntityManager, tenantId: string, id: string): Promise<void> {
    const rows = await preparedQueryIn<{ id: string }>(
      manager,
      'scim_users_soft_delete',
      SOFT_DELETE,
      [tenantId, id],
    );
    if (rows.length === 0) throw new Error(`user ${id} vanished while locked`);
  }
}

/**
 * The fixed SQL texts of the hot paths, for the tests that pin them and check their plans (the
 * e2e suite EXPLAINs them right after a bulk load, with stale statistics).
 */
export const USER_QUERIES = {
  findById: FIND_BY_ID,
  lookups: LOOKUPS,
  insertUnlessLinkable: INSERT_UNLESS_LINKABLE,
  lock: LOCK,
  update: UPDATE,
  readForWrite: READ_FOR_WRITE,
  insertIfPlain: INSERT_IF_PLAIN,
  updateIfVersion: UPDATE_IF_VERSION,
} as const;

type SettingsRow = StoredScimSchemaSettings;

/** The parameters `$1`–`$8` of the statements that write a user's columns. */
function userParams(
  tenantId: string,
  id: string,
  user: UserColumns,
  passwordHash: string | null,
): unknown[] {
  return [
    tenantId,
    id,
    user.userName,
    user.externalId,
    user.displayName,
    user.active,
    JSON.stringify(user.resource),
    passwordHash,
  ];
}

/** A row of LOCK / READ_FOR_WRITE: the user and its tenant's settings, unless deleted. */
function forWrite(
  row: (LockedUser & SettingsRow & { deleted: boolean }) | undefined,
): { user: LockedUser; settings: StoredScimSchemaSettings } | null {
  if (!row || row.deleted) return null;
  const { deleted: _deleted, extensionsJson, strictSchemas, ...user } = row;
  return { user, settings: { extensionsJson, strictSchemas } };
}

/** The columns of a LEFT JOINed row: NULL when the inner query had no row. */
type Nullable<T> = { [K in keyof T]: T[K] | null };

function recordOf(row: Nullable<RecordRow> & { total?: unknown }): UserRecord {
  return {
    id: row.id!,
    resource: row.resource!,
    version: row.version!,
    createdAt: row.createdAt!,
    updatedAt: row.updatedAt!,
    groups: row.groups ?? [],
  };
}
