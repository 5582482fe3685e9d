// The filter → SQL compiler against a real PostgreSQL: every catalogue filter, and random ones,
// select exactly the rows the in-memory reference matcher selects from the same documents.
//
// Tables are TEMP tables shaped like DESIGN.md's scim_users / scim_groups / group_members (the
// real migrations do not exist yet), in one session of DATABASE_URL (set by the e2e global
// setup). Two tenants hold the same documents with different memberships, so a relation that
// forgot its tenant correlation would show.
//
// Text that differs in case is ASCII in the data set: PostgreSQL's lower() follows the database
// locale (in the C locale it folds ASCII only; glibc and JavaScript also differ on e.g. a final
// sigma), while the matcher uses toLowerCase. Non-ASCII text is either lower-case already
// ("Kim ötzi") or in case-exact attributes (codeName "Ａlpha", "😀"), which compare by code point
// on both sides.
import * as fc from 'fast-check';
import { Client } from 'pg';
import { ScimError, ScimType } from '../src/scim/errors/scim-error.js';
import {
  compareCodePoints,
  compileFilter,
  compileSortBy,
  matchesFilter,
  parseDateTime,
  parseFilter,
  type DateTimeKey,
  type Filter,
} from '../src/scim/filter/index.js';
import type { ResourceTypeName } from '../src/scim/schema/index.js';
import {
  catalogue,
  dataValues,
  filterOver,
  groups,
  memberships,
  registry,
  rowsOf,
  sortCases,
  targetFor,
  users,
  type CatalogueCase,
  type Row,
} from './support/filter-fixtures.js';

const TENANT = '0a0a0a0a-0000-4000-8000-00000000000a';
const OTHER_TENANT = '0b0b0b0b-0000-4000-8000-00000000000b';

const TABLES = `
  CREATE TEMP TABLE scim_users (
    tenant_id uuid NOT NULL,
    id uuid NOT NULL,
    user_name text NOT NULL,
    external_id text,
    display_name text,
    active boolean,
    resource jsonb NOT NULL,
    created_at timestamptz,
    updated_at timestamptz,
    PRIMARY KEY (tenant_id, id)
  );
  CREATE INDEX ON scim_users (tenant_id, lower(user_name));
  CREATE TEMP TABLE scim_groups (
    tenant_id uuid NOT NULL,
    id uuid NOT NULL,
    display_name text NOT NULL,
    external_id text,
    resource jsonb NOT NULL,
    created_at timestamptz,
    updated_at timestamptz,
    PRIMARY KEY (tenant_id, id)
  );
  CREATE TEMP TABLE group_members (
    tenant_id uuid NOT NULL,
    group_id uuid NOT NULL,
    member_id uuid NOT NULL,
    member_type text NOT NULL,
    PRIMARY KEY (tenant_id, group_id, member_id)
  );
`;

const FROM: Record<ResourceTypeName, string> = {
  User: 'scim_users u WHERE u.tenant_id = $1',
  Group: 'scim_groups g WHERE g.tenant_id = $1',
};
const ALIAS: Record<ResourceTypeName, string> = { User: 'u', Group: 'g' };

const text = (document: Record<string, unknown>, key: string): string | null => {
  const value = document[key];
  return typeof value === 'string' ? value : null;
};
const metaOf = (row: Row, key: 'created' | 'lastModified'): string | null => {
  const meta = row.stored.meta as Record<string, unknown> | undefined;
  return meta ? text(meta, key) : null;
};

describe('filter → SQL on PostgreSQL (test/fixtures/scim/filters/sql-*.json)', () => {
  const client = new Client({ connectionString: process.env.DATABASE_URL });

  beforeAll(async () => {
    await client.connect();
    // Every accepted dateTime carries its zone, so the session's must not matter.
    await client.query("SET TIME ZONE 'Pacific/Chatham'");
    await client.query(TABLES);
    for (const tenant of [TENANT, OTHER_TENANT]) {
      for (const row of users) {
        const d = row.stored;
        await client.query('INSERT INTO scim_users VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)', [
          tenant,
          d.id,
          d.userName,
          text(d, 'externalId'),
          text(d, 'displayName'),
          typeof d.active === 'boolean' ? d.active : null,
          JSON.stringify(d),
          metaOf(row, 'created'),
          metaOf(row, 'lastModified'),
        ]);
      }
      for (const row of groups) {
        const d = row.stored;
        await client.query('INSERT INTO scim_groups VALUES ($1, $2, $3, $4, $5, $6, $7)', [
          tenant,
          d.id,
          d.displayName,
          text(d, 'externalId'),
          JSON.stringify(d),
          metaOf(row, 'created'),
          metaOf(row, 'lastModified'),
        ]);
      }
    }
    for (const m of memberships) {
      await client.query('INSERT INTO group_members VALUES ($1, $2, $3, $4)', [
        TENANT,
        m.groupId,
        m.memberId,
        m.memberType,
      ]);
    }
    // The other tenant: every user is a member of every group.
    await client.query(
      `INSERT INTO group_members SELECT $1, g.id, u.id, 'User'
         FROM scim_groups g JOIN scim_users u ON u.tenant_id = g.tenant_id WHERE g.tenant_id = $1`,
      [OTHER_TENANT],
    );
  });

  afterAll(async () => {
    await client.end();
  });

  /** Keys of the rows of TENANT the compiled filter selects. */
  async function selectWithSql(resourceType: ResourceTypeName, filter: Filter): Promise<string[]> {
    const { sql, params } = compileFilter(filter, targetFor(resourceType), 2);
    const alias = ALIAS[resourceType];
    const { rows } = await client.query<{ id: string }>(
      `SELECT ${alias}.id FROM ${FROM[resourceType]} AND (${sql})`,
      [TENANT, ...params],
    );
    const ids = new Set(rows.map((r) => r.id));
    return rowsOf(resourceType)
      .filter((row) => ids.has(row.stored.id as string))
      .map((row) => row.key)
      .sort();
  }

  function selectInMemory(resourceType: ResourceTypeName, filter: Filter): string[] {
    return rowsOf(resourceType)
      .filter((row) => matchesFilter(filter, row.document, registry, resourceType))
      .map((row) => row.key)
      .sort();
  }

  const compiled = catalogue.filter(
    (c): c is Extract<CatalogueCase, { sql: string }> => 'sql' in c,
  );

  it.each(compiled)('$resourceType: $name', async ({ resourceType, filter, matches }) => {
    const ast = parseFilter(filter);
    const fromSql = await selectWithSql(resourceType, ast);
    expect(fromSql).toEqual(selectInMemory(resourceType, ast));
    expect(fromSql).toEqual(matches);
  });

  it('uses the lower(user_name) index for the Entra lookup', async () => {
    const { sql, params } = compileFilter(
      parseFilter('userName eq "alice@contoso.com"'),
      targetFor('User'),
      2,
    );
    await client.query('SET enable_seqscan = off');
    try {
      const { rows } = await client.query<{ 'QUERY PLAN': string }>(
        `EXPLAIN SELECT u.id FROM ${FROM.User} AND (${sql})`,
        [TENANT, ...params],
      );
      expect(rows.map((r) => r['QUERY PLAN']).join('\n')).toMatch(/Index (Only )?Scan|Bitmap/);
    } finally {
      await client.query('RESET enable_seqscan');
    }
  });

  describe.each<ResourceTypeName>(['User', 'Group'])('random %s filters', (resourceType) => {
    it('select the same rows in SQL and in memory, or are a 400 invalidFilter', async () => {
      let agreed = 0;
      let matchedSome = 0;
      await fc.assert(
        fc.asyncProperty(filterOver(resourceType, dataValues(resourceType)), async (filter) => {
          let fromSql: string[];
          try {
            fromSql = await selectWithSql(resourceType, filter);
          } catch (error) {
            expect(error).toBeInstanceOf(ScimError);
            expect((error as ScimError).status).toBe(400);
            expect((error as ScimError).scimType).toBe(ScimType.InvalidFilter);
            return;
          }
          expect(fromSql).toEqual(selectInMemory(resourceType, filter));
          agreed++;
          if (fromSql.length > 0 && fromSql.length < rowsOf(resourceType).length) matchedSome++;
        }),
        { numRuns: 1000 },
      );
      // Not only errors, and not only trivial results.
      expect(agreed).toBeGreaterThan(100);
      expect(matchedSome).toBeGreaterThan(20);
    });
  });

  describe('sortBy (sql-sort.json)', () => {
    const sorting = sortCases.filter((c) => c.sql !== undefined);

    it.each(sorting)('$resourceType: $name', async ({ resourceType, sortBy, sortOrder }) => {
      const alias = ALIAS[resourceType];
      const orderBy = compileSortBy(sortBy, targetFor(resourceType), sortOrder);
      const { rows } = await client.query<{ id: string }>(
        `SELECT ${alias}.id FROM ${FROM[resourceType]} ORDER BY ${orderBy}, ${alias}.id`,
        [TENANT],
      );
      const byId = new Map(rowsOf(resourceType).map((row) => [row.stored.id as string, row.key]));
      const expected = sortInMemory(resourceType, sortBy, sortOrder ?? 'ascending');
      expect(rows.map((r) => byId.get(r.id))).toEqual(expected);
    });
  });
});

type SortKey = string | number | boolean | DateTimeKey;

/** The order RFC 7644 §3.4.2.3 asks for, computed from the documents; ties by id, absent last. */
function sortInMemory(
  resourceType: ResourceTypeName,
  sortBy: string,
  order: 'ascending' | 'descending',
): string[] {
  const resolved = registry.resolve(resourceType, sortBy);
  if (!resolved) throw new Error(`unknown sortBy ${sortBy}`);
  const definition = resolved.subAttribute ?? resolved.attribute;
  const keyOf = (row: Row): SortKey | undefined => {
    let value: unknown = resolved.isExtension ? row.document[resolved.schema.id] : row.document;
    for (const name of [resolved.attribute.name, resolved.subAttribute?.name]) {
      if (name === undefined) continue;
      const isObject = typeof value === 'object' && value !== null && !Array.isArray(value);
      value = isObject ? (value as Record<string, unknown>)[name] : undefined;
    }
    switch (definition.type) {
      case 'string':
      case 'reference':
      case 'binary':
        if (typeof value !== 'string') return undefined;
        return definition.caseExact ? value : value.toLowerCase();
      case 'integer':
      case 'decimal':
        return typeof value === 'number' ? value : undefined;
      case 'boolean':
        return typeof value === 'boolean' ? value : undefined;
      case 'dateTime':
        return typeof value === 'string' ? parseDateTime(value) : undefined;
      case 'complex':
        return undefined;
    }
  };
  const compareKeys = (a: SortKey, b: SortKey): number => {
    if (typeof a === 'string' && typeof b === 'string') return compareCodePoints(a, b);
    if (typeof a === 'number' && typeof b === 'number') return a - b;
    if (typeof a === 'boolean' && typeof b === 'boolean') return Number(a) - Number(b);
    const x = a as DateTimeKey;
    const y = b as DateTimeKey;
    return x.seconds - y.seconds || x.micros - y.micros;
  };
  const direction = order === 'descending' ? -1 : 1;
  return rowsOf(resourceType)
    .map((row) => ({ row, key: keyOf(row), id: row.stored.id as string }))
    .sort((a, b) => {
      if (a.key === undefined || b.key === undefined) {
        if (a.key !== b.key) return a.key === undefined ? 1 : -1;
      } else {
        const byKey = direction * compareKeys(a.key, b.key);
        if (byKey !== 0) return byKey;
      }
      return compareCodePoints(a.id, b.id);
    })
    .map(({ row }) => row.key);
}
