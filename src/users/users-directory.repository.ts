import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { preparedQuery } from '../database/prepared.js';
import type { KeysetRange } from '../graphql/scim-filter-argument.js';
import type { SqlFragment } from '../scim/filter/compile-sql.js';

type Json = Record<string, unknown>;

/** A user as the directory (GraphQL) reads it; never deleted, never its password hash. */
export interface DirectoryUserRow {
  readonly id: string;
  readonly userName: string;
  readonly externalId: string | null;
  readonly displayName: string | null;
  readonly active: boolean;
  /** The canonical document: no `id`, `meta`, `password` or `groups`. */
  readonly resource: Json;
  readonly version: number;
  readonly createdAt: Date;
  readonly updatedAt: Date;
  /** The keyset key of the directory's order: `lower(user_name)` (unique among live users). */
  readonly key: string;
}

const COLUMNS = `u.id, u.user_name AS "userName", u.external_id AS "externalId",
  u.display_name AS "displayName", u.active, u.resource, u.version, u.created_at AS "createdAt",
  u.updated_at AS "updatedAt", lower(u.user_name) AS key`;

/**
 * The directory's order: userName without regard to case, the expression of the unique index
 * `scim_users_tenant_user_name_key` (`(tenant_id, lower(user_name)) WHERE deleted_at IS NULL`),
 * so that a page is a range scan of it from the cursor on.
 */
const ORDER = 'lower(u.user_name)';

/**
 * The user (null when missing or deleted) and whether the tenant exists, in one statement. Only
 * the primary key's columns are named in the join (see UsersRepository's FIND_BY_ID).
 */
const FIND_ONE = `
  SELECT t.id AS "tenantId", u.deleted_at IS NOT NULL AS deleted, ${COLUMNS}
  FROM tenants t
  LEFT JOIN scim_users u ON u.tenant_id = t.id AND u.id = $2
  WHERE t.id = $1`;

const FIND_BY_IDS = `
  SELECT ${COLUMNS} FROM scim_users u
  WHERE u.tenant_id = $1 AND u.id = ANY ($2::uuid[]) AND u.deleted_at IS NULL`;

/**
 * Reads of users for the directory (GraphQL): keyset pages in userName order and batched reads
 * by id for DataLoaders. Scoped by tenant (first argument); deleted users are never read.
 */
@Injectable()
export class UsersDirectoryRepository {
  constructor(private readonly dataSource: DataSource) {}

  /**
   * Up to `limit` live users matching `where` (parameters from `$2`; undefined: every user) in
   * the key range, in key order.
   */
  page(
    tenantId: string,
    where: SqlFragment | undefined,
    { after, from, limit }: KeysetRange,
  ): Promise<DirectoryUserRow[]> {
    const params: unknown[] = [tenantId, ...(where?.params ?? [])];
    const conditions = ['u.tenant_id = $1', 'u.deleted_at IS NULL'];
    if (after !== null) {
      params.push(after);
      conditions.push(`${ORDER} > $${params.length}`);
    }
    if (from !== null) {
      params.push(from);
      conditions.push(`${ORDER} >= lower($${params.length})`);
    }
    if (where) conditions.push(`(${where.sql})`);
    params.push(limit);
    return this.dataSource.query<DirectoryUserRow[]>(
      `SELECT ${COLUMNS} FROM scim_users u WHERE ${conditions.join(' AND ')}
       ORDER BY ${ORDER} LIMIT $${params.length}`,
      params,
    );
  }

  /** The number of live users matching `where` (parameters from `$2`). */
  async count(tenantId: string, where: SqlFragment | undefined): Promise<number> {
    const [row] = await this.dataSource.query<{ total: number }[]>(
      `SELECT count(*)::int AS total FROM scim_users u
       WHERE u.tenant_id = $1 AND u.deleted_at IS NULL${where ? ` AND (${where.sql})` : ''}`,
      [tenantId, ...(where?.params ?? [])],
    );
    return row?.total ?? 0;
  }

  /**
   * The user (null when missing or deleted, or when `id` is null), or undefined when the tenant
   * does not exist.
   */
  async findOne(tenantId: string, id: string | null): Promise<DirectoryUserRow | null | undefined> {
    const [row] = await preparedQuery<
      { tenantId: string; deleted: boolean } & Nullable<DirectoryUserRow>
    >(this.dataSource, 'directory_user_find_one', FIND_ONE, [tenantId, id]);
    if (!row) return undefined;
    const { tenantId: _tenant, deleted, ...user } = row;
    return user.id === null || deleted ? null : (user as DirectoryUserRow);
  }

  /** The live users among `ids`, in no particular order. */
  findByIds(tenantId: string, ids: readonly string[]): Promise<DirectoryUserRow[]> {
    return preparedQuery<DirectoryUserRow>(this.dataSource, 'directory_users_by_ids', FIND_BY_IDS, [
      tenantId,
      ids,
    ]);
  }
}

/** The fixed SQL texts, for tests that pin them and for EXPLAIN. */
export const USERS_DIRECTORY_QUERIES = { findOne: FIND_ONE, findByIds: FIND_BY_IDS } as const;

type Nullable<T> = { [K in keyof T]: T[K] | null };
