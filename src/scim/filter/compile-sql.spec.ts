import * as fc from 'fast-check';
import {
  catalogue,
  filterOver,
  registry,
  sortCases,
  targetFor,
  type CatalogueCase,
} from '../../../test/support/filter-fixtures.js';
import { ScimError, ScimType } from '../errors/scim-error.js';
import { SchemaRegistry } from '../schema/index.js';
import type { ResourceTypeName } from '../schema/index.js';
import { compileFilter, compileSortBy, parseFilter, type SqlFilterTarget } from './index.js';

type Compiled = Extract<CatalogueCase, { sql: string }>;
type Failing = Extract<CatalogueCase, { error: string }>;

const compiled = catalogue.filter((c): c is Compiled => 'sql' in c);
const failing = catalogue.filter((c): c is Failing => 'error' in c);

function compileError(run: () => unknown): ScimError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(ScimError);
    return error as ScimError;
  }
  throw new Error('expected a ScimError');
}

describe('compileFilter: SQL pinned for every catalogue filter (sql-catalogue.json)', () => {
  it('has a catalogue covering Users and Groups, valid and invalid', () => {
    expect(compiled.length).toBeGreaterThanOrEqual(60);
    expect(failing.length).toBeGreaterThanOrEqual(20);
    expect(new Set(catalogue.map((c) => c.resourceType))).toEqual(new Set(['User', 'Group']));
    const names = new Set(catalogue.map((c) => `${c.resourceType}: ${c.name}`));
    expect(names.size).toBe(catalogue.length);
  });

  it.each(compiled)('$resourceType: $name', ({ resourceType, filter, sql, params }) => {
    expect(compileFilter(parseFilter(filter), targetFor(resourceType))).toEqual({ sql, params });
  });

  it.each(failing)('$resourceType rejects $name', ({ resourceType, filter, error }) => {
    const thrown = compileError(() => compileFilter(parseFilter(filter), targetFor(resourceType)));
    expect(thrown.toDocument()).toEqual({
      schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'],
      status: '400',
      scimType: ScimType.InvalidFilter,
      detail: error,
    });
  });
});

describe('compileFilter details', () => {
  const users = targetFor('User');

  it('numbers placeholders from firstParam, in the order of params', () => {
    const filter = parseFilter('userName eq "a" or emails[type eq "work"].value sw "b"');
    const { sql, params } = compileFilter(filter, users, 3);
    expect(sql.match(/\$\d+/g)).toEqual(['$3', '$4', '$5']);
    expect(params).toEqual(['a', 'work', 'b%']);
    expect(() => compileFilter(filter, users, 0)).toThrow(RangeError);
    expect(() => compileFilter(filter, users, 1.5)).toThrow(RangeError);
  });

  it('never writes a filter value into the SQL text', () => {
    const value = "x' OR 1=1 --";
    const { sql, params } = compileFilter(
      parseFilter(`title eq ${JSON.stringify(value)} or userName co ${JSON.stringify(value)}`),
      users,
    );
    expect(sql).not.toContain('1=1');
    expect(params).toEqual([value, `%${value}%`]);
  });

  it('uses JSONB for an attribute the target does not map to a column', () => {
    const jsonOnly: SqlFilterTarget = { ...users, columns: {}, relations: {} };
    expect(compileFilter(parseFilter('userName eq "Bob"'), jsonOnly)).toEqual({
      sql: "jsonb_typeof(u.resource->'userName') = 'string' AND lower(u.resource->>'userName') = lower($1)",
      params: ['Bob'],
    });
    expect(compileFilter(parseFilter('groups.value eq "x"'), jsonOnly).sql).toContain(
      "jsonb_array_elements(CASE jsonb_typeof(u.resource->'groups') WHEN 'array'",
    );
  });

  it('resolves names through the target registry only (no state shared between tenants)', () => {
    const filter = parseFilter('badgeNumber eq 7');
    const plain: SqlFilterTarget = { ...users, registry: SchemaRegistry.builtIn() };
    expect(compileError(() => compileFilter(filter, plain)).message).toBe(
      'invalid filter: unknown attribute "badgeNumber" for resource type User',
    );
    expect(compileFilter(filter, users).params).toEqual([7]);
    const other = SchemaRegistry.builtIn().withExtensions([
      {
        id: 'urn:example:other:2.0:User',
        name: 'Other',
        description: '',
        attributes: [{ ...textAttribute('badgeNumber'), caseExact: true }],
      },
    ]);
    expect(compileFilter(parseFilter('badgeNumber eq "7"'), { ...users, registry: other })).toEqual(
      {
        sql: "jsonb_typeof(u.resource->'urn:example:other:2.0:User'->'badgeNumber') = 'string' AND u.resource->'urn:example:other:2.0:User'->>'badgeNumber' = $1",
        params: ['7'],
      },
    );
    // The first registry is untouched.
    expect(compileFilter(filter, users).params).toEqual([7]);
  });

  it('casts a safe integer for an integer column to bigint, anything else to numeric', () => {
    const versioned: SqlFilterTarget = {
      ...users,
      columns: {
        ...users.columns,
        'urn:ietf:params:scim:schemas:extension:acme:2.0:User:badgeNumber': {
          sql: 'u.badge',
          type: 'integer',
        },
      },
    };
    expect(compileFilter(parseFilter('badgeNumber ge 7'), versioned).sql).toBe(
      'u.badge >= $1::bigint',
    );
    expect(compileFilter(parseFilter('badgeNumber ge 7.5'), versioned).sql).toBe(
      'u.badge >= $1::numeric',
    );
    expect(compileFilter(parseFilter('badgeNumber ge 1e300'), versioned).sql).toBe(
      'u.badge >= $1::numeric',
    );
  });

  it('refuses a column whose type cannot hold the attribute (a programming error)', () => {
    const wrong: SqlFilterTarget = {
      ...users,
      columns: { title: { sql: 'u.title', type: 'boolean' } },
    };
    expect(() => compileFilter(parseFilter('title eq "x"'), wrong)).toThrow(TypeError);
  });

  it('ignores inherited properties of the column and relation maps', () => {
    const custom = registry.withExtensions([
      {
        id: 'urn:example:proto:2.0:User',
        name: 'Proto',
        description: '',
        attributes: [textAttribute('constructor')],
      },
    ]);
    const { sql } = compileFilter(parseFilter('constructor pr'), { ...users, registry: custom });
    expect(sql).toBe(
      "u.resource->'urn:example:proto:2.0:User'->'constructor' NOT IN ('null', '\"\"', '[]', '{}')",
    );
  });
});

function textAttribute(name: string) {
  return {
    name,
    type: 'string' as const,
    multiValued: false,
    description: '',
    required: false,
    caseExact: false,
    mutability: 'readWrite' as const,
    returned: 'default' as const,
    uniqueness: 'none' as const,
  };
}

describe('compileSortBy (sql-sort.json)', () => {
  const sorting = sortCases.filter((c) => c.sql !== undefined);
  const rejected = sortCases.filter((c) => c.error !== undefined);

  it.each(sorting)('$resourceType: $name', ({ resourceType, sortBy, sortOrder, sql }) => {
    expect(compileSortBy(sortBy, targetFor(resourceType), sortOrder)).toBe(sql);
  });

  it.each(rejected)('$resourceType rejects $name', ({ resourceType, sortBy, error }) => {
    const thrown = compileError(() => compileSortBy(sortBy, targetFor(resourceType)));
    expect(thrown.status).toBe(400);
    expect(thrown.scimType).toBe(ScimType.InvalidValue);
    expect(thrown.message).toBe(error);
  });
});

// ---- Property: any filter over the schema compiles or is a ScimError, and binds every value ----

describe('compileFilter properties', () => {
  it.each<ResourceTypeName>(['User', 'Group'])(
    '%s: compiles or throws a 400 invalidFilter, with one bound parameter per placeholder',
    (resourceType) => {
      const target = targetFor(resourceType);
      fc.assert(
        fc.property(
          filterOver(resourceType, []),
          fc.integer({ min: 1, max: 5 }),
          (filter, first) => {
            let result;
            try {
              result = compileFilter(filter, target, first);
            } catch (error) {
              expect(error).toBeInstanceOf(ScimError);
              expect((error as ScimError).status).toBe(400);
              expect((error as ScimError).scimType).toBe(ScimType.InvalidFilter);
              return;
            }
            const placeholders = (result.sql.match(/\$\d+/g) ?? []).map((p) => Number(p.slice(1)));
            expect(placeholders).toEqual(result.params.map((_, i) => first + i));
            expect(result.sql).not.toContain('\u0001');
          },
        ),
        { numRuns: 2000 },
      );
    },
  );
});
