// Fixtures of the filter → SQL compiler (test/fixtures/scim/filters/sql-*.json), shared by the unit
// specs (src/scim/filter/*.spec.ts) and the PostgreSQL integration suite (test/filter-sql.e2e-spec.ts).
import * as fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  COMPARE_OPS,
  type AttrPath,
  type CompareValue,
  type Filter,
  type SqlFilterTarget,
} from '../../src/scim/filter/index.js';
import { SchemaRegistry } from '../../src/scim/schema/index.js';
import type { ExtensionDefinition, ResourceTypeName } from '../../src/scim/schema/index.js';

/** One catalogue filter: the SQL it compiles to and the data rows it selects, or its error. */
export type CatalogueCase = {
  readonly name: string;
  readonly resourceType: ResourceTypeName;
  readonly filter: string;
} & (
  | {
      readonly sql: string;
      readonly params: readonly unknown[];
      /** Keys of the rows of sql-data.json the filter selects, sorted. */
      readonly matches: readonly string[];
    }
  | {
      /** The 400 invalidFilter detail. */
      readonly error: string;
      /** The error is about the SQL mapping (a relation column), so the matcher does not raise it. */
      readonly sqlOnly?: boolean;
    }
);

export interface SortCase {
  readonly name: string;
  readonly resourceType: ResourceTypeName;
  readonly sortBy: string;
  readonly sortOrder?: 'ascending' | 'descending';
  readonly sql?: string;
  readonly error?: string;
}

type Json = Record<string, unknown>;

interface Data {
  readonly users: readonly { key: string; document: Json }[];
  readonly groups: readonly { key: string; document: Json; members: readonly string[] }[];
}

/** A stored row: the document as in the `resource` column, and as the matcher sees it. */
export interface Row {
  readonly key: string;
  readonly kind: ResourceTypeName;
  /** What the `resource` JSONB column holds (no `members` / `groups`). */
  readonly stored: Json;
  /** `stored` plus what the relations hold: user `groups`, group `members`. */
  readonly document: Json;
}

export interface Membership {
  readonly groupId: string;
  readonly memberId: string;
  readonly memberType: ResourceTypeName;
}

export function fixture<T>(name: string): T {
  const file = join(process.cwd(), 'test/fixtures/scim/filters', name);
  return JSON.parse(readFileSync(file, 'utf8')) as T;
}

const targets = fixture<{
  extensions: ExtensionDefinition[];
  targets: Record<ResourceTypeName, Omit<SqlFilterTarget, 'registry' | 'resourceType'>>;
}>('sql-targets.json');

/** The built-ins plus the test extensions (`acme` User, `o'reilly` Group). */
export const registry = SchemaRegistry.builtIn().withExtensions(targets.extensions);

/** `sql-targets.json`: users as `u` (scim_users), groups as `g` (scim_groups), members in `group_members`. */
export function targetFor(resourceType: ResourceTypeName): SqlFilterTarget {
  return { registry, resourceType, ...targets.targets[resourceType] };
}

export const catalogue = fixture<CatalogueCase[]>('sql-catalogue.json');
export const sortCases = fixture<SortCase[]>('sql-sort.json');

const data = fixture<Data>('sql-data.json');

const idOf = (document: Json): string => document.id as string;

const byRef = new Map<string, { kind: ResourceTypeName; document: Json }>([
  ...data.users.map(
    (u) => [`user:${u.key}`, { kind: 'User' as const, document: u.document }] as const,
  ),
  ...data.groups.map(
    (g) => [`group:${g.key}`, { kind: 'Group' as const, document: g.document }] as const,
  ),
]);

function member(ref: string): { kind: ResourceTypeName; document: Json } {
  const found = byRef.get(ref);
  if (!found) throw new Error(`sql-data.json: unknown member ${ref}`);
  return found;
}

export const memberships: readonly Membership[] = data.groups.flatMap((g) =>
  g.members.map((ref) => {
    const { kind, document } = member(ref);
    return { groupId: idOf(g.document), memberId: idOf(document), memberType: kind };
  }),
);

export const users: readonly Row[] = data.users.map(({ key, document }) => {
  const groups = data.groups
    .filter((g) => g.members.includes(`user:${key}`))
    .map((g) => ({ value: idOf(g.document), display: g.document.displayName, type: 'direct' }));
  return {
    key,
    kind: 'User',
    stored: document,
    document: groups.length > 0 ? { ...document, groups } : document,
  };
});

export const groups: readonly Row[] = data.groups.map(({ key, document, members }) => {
  const values = members.map((ref) => {
    const { kind, document: m } = member(ref);
    return { value: idOf(m), type: kind, display: m.displayName ?? m.userName };
  });
  return {
    key,
    kind: 'Group',
    stored: document,
    document: values.length > 0 ? { ...document, members: values } : document,
  };
});

export function rowsOf(resourceType: ResourceTypeName): readonly Row[] {
  return resourceType === 'User' ? users : groups;
}

// ---- Random filters over the test schemas (property tests) ---------------------------------

/** Every attribute path of a resource type (sub-attributes included), and a few that do not exist. */
function pathsOf(resourceType: ResourceTypeName): string[] {
  const paths: string[] = ['nope', 'name.nope', 'urn:example:nope:1.0:User:x'];
  const [core, ...extensions] = [
    registry.coreSchemaOf(resourceType),
    ...registry.extensionSchemasOf(resourceType),
  ];
  for (const schema of [core, ...extensions]) {
    const prefix = schema === core ? '' : `${schema?.id}:`;
    for (const attribute of schema?.attributes ?? []) {
      paths.push(prefix + attribute.name);
      for (const sub of attribute.subAttributes ?? []) {
        paths.push(`${prefix}${attribute.name}.${sub.name}`);
      }
    }
  }
  return paths;
}

const two = (n: number): string => String(n).padStart(2, '0');

/** Valid dateTimes across the accepted range, with 0–9 fraction digits and any offset. */
export const dateTimeText: fc.Arbitrary<string> = fc
  .record({
    year: fc.integer({ min: 1, max: 9999 }),
    month: fc.integer({ min: 1, max: 12 }),
    day: fc.integer({ min: 1, max: 28 }),
    hour: fc.integer({ min: 0, max: 23 }),
    minute: fc.integer({ min: 0, max: 59 }),
    second: fc.integer({ min: 0, max: 59 }),
    fraction: fc.stringMatching(/^(\.[0-9]{1,9})?$/),
    zone: fc.constantFrom('Z', '+01:00', '-05:30', '+14:59', '-00:00'),
  })
  .map(
    (t) =>
      `${String(t.year).padStart(4, '0')}-${two(t.month)}-${two(t.day)}T${two(t.hour)}:${two(t.minute)}:${two(t.second)}${t.fraction}${t.zone}`,
  );

/** Attributes to put value filters on: complex ones, and one that is not (an error). */
const VALUE_PATH_ATTRIBUTES: Record<ResourceTypeName, readonly string[]> = {
  User: ['emails', 'groups', 'name', 'skills', 'office', 'manager', 'roles', 'userName'],
  Group: ['members', 'members', 'meta', 'displayName'],
};

/**
 * Filters over a resource type's attributes (and some unknown ones), every operator, values of
 * every JSON type: `values` adds realistic ones (those of the data set) so filters also match.
 */
export function filterOver(
  resourceType: ResourceTypeName,
  values: readonly CompareValue[],
): fc.Arbitrary<Filter> {
  const value: fc.Arbitrary<CompareValue> = fc.oneof(
    fc.string({ maxLength: 8 }),
    fc.constantFrom('2019-03-01T09:00:00Z', 'True', '05fe36cb-8626-49e1-8c92-2d8011c3fbe3', '%_\\'),
    dateTimeText,
    fc.integer({ min: -100, max: 100 }),
    fc.double({ noNaN: true, noDefaultInfinity: true }),
    fc.boolean(),
    fc.constant(null),
    ...(values.length > 0 ? [fc.constantFrom(...values), fc.constantFrom(...values)] : []),
  );
  const path: fc.Arbitrary<AttrPath> = fc
    .constantFrom(...pathsOf(resourceType))
    .map((text) => registry.parsePath(text) ?? { attr: 'nope' });
  const leaf = fc.oneof(
    fc
      .record({ op: fc.constantFrom(...COMPARE_OPS), path, value })
      .map(({ op, path, value }): Filter => ({ op, path, value })),
    path.map((path): Filter => ({ op: 'pr', path })),
  );
  const inner: fc.Arbitrary<Filter> = fc.oneof(
    fc
      .record({
        op: fc.constantFrom(...COMPARE_OPS),
        attr: fc.constantFrom(
          'value',
          'type',
          'primary',
          'display',
          'name',
          'level',
          'created',
          'nope',
        ),
        value,
      })
      .map(({ op, attr, value }): Filter => ({ op, path: { attr }, value })),
    fc
      .constantFrom('value', 'type', 'keywords', 'givenName', 'floor')
      .map((attr): Filter => ({ op: 'pr', path: { attr } })),
  );
  const innerTree = fc.letrec<{ node: Filter }>((tie) => ({
    node: fc.oneof(
      { maxDepth: 2, depthSize: 'small' },
      inner,
      fc
        .record({ left: tie('node'), right: tie('node') })
        .map((f): Filter => ({ op: 'and', ...f })),
      fc.record({ left: tie('node'), right: tie('node') }).map((f): Filter => ({ op: 'or', ...f })),
      tie('node').map((filter): Filter => ({ op: 'not', filter })),
    ),
  })).node;
  const valuePath = fc
    .record({
      attr: fc.constantFrom(...VALUE_PATH_ATTRIBUTES[resourceType]),
      filter: innerTree,
    })
    .map(({ attr, filter }): Filter => ({ op: 'valuePath', path: { attr }, filter }));
  return fc.letrec<{ node: Filter }>((tie) => ({
    node: fc.oneof(
      { maxDepth: 3, depthSize: 'small' },
      leaf,
      valuePath,
      fc
        .record({ left: tie('node'), right: tie('node') })
        .map((f): Filter => ({ op: 'and', ...f })),
      fc.record({ left: tie('node'), right: tie('node') }).map((f): Filter => ({ op: 'or', ...f })),
      tie('node').map((filter): Filter => ({ op: 'not', filter })),
    ),
  })).node;
}

/** Every scalar in the data set, and ASCII case variants of its strings. */
export function dataValues(resourceType: ResourceTypeName): CompareValue[] {
  const found = new Set<CompareValue>();
  const visit = (value: unknown): void => {
    if (typeof value === 'string') {
      found.add(value);
      // ASCII only: PostgreSQL's lower() folds nothing else in the C locale (embedded PG).
      found.add(value.replace(/[a-z]/g, (c) => c.toUpperCase()));
    } else if (typeof value === 'number' || typeof value === 'boolean') {
      found.add(value);
    } else if (Array.isArray(value)) {
      value.forEach(visit);
    } else if (typeof value === 'object' && value !== null) {
      Object.values(value).forEach(visit);
    }
  };
  for (const row of rowsOf(resourceType)) visit(row.document);
  return [...found];
}
