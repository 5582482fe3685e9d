import { ScimError, ScimType } from '../errors/scim-error.js';
import type { SortOrder } from '../list/paging.js';
import type { SchemaRegistry } from '../schema/registry.js';
import type { ResourceTypeName } from '../schema/types.js';
import type { Filter } from './ast.js';
import {
  attributePathOf,
  bindFilter,
  documentSteps,
  invalidFilter,
  type BoundCompareOp,
  type BoundFilter,
  type BoundValue,
  type JsonStep,
  type ValueRef,
} from './bind-filter.js';
import { DATE_TIME_PATTERN } from './date-time.js';

/** A denormalised, indexed column holding a single-valued attribute (`userName`, `meta.created`). */
export interface SqlColumn {
  /** SQL expression, e.g. `u.user_name`, `u.id`, `u.active`, `u.created_at`. */
  readonly sql: string;
  readonly type: 'string' | 'uuid' | 'boolean' | 'dateTime' | 'integer' | 'decimal';
}

/** A multi-valued attribute stored in another table (group members, a user's groups). */
export interface SqlRelation {
  /** FROM items of the correlated subquery, e.g. `group_members m`. */
  readonly from: string;
  /** Correlation with the outer row, e.g. `m.tenant_id = g.tenant_id AND m.group_id = g.id`. */
  readonly where: string;
  /** Sub-attribute name, as the registry spells it → column: `value` → `m.member_id` (uuid). */
  readonly columns: Readonly<Record<string, SqlColumn>>;
}

/**
 * What a filter compiles against. SQL snippets here are trusted code, written by the repository
 * that owns the table; they are pasted into the output as they are.
 */
export interface SqlFilterTarget {
  readonly registry: SchemaRegistry;
  readonly resourceType: ResourceTypeName;
  /** The JSONB column holding the canonical document, e.g. `u.resource`. */
  readonly document: string;
  /**
   * Canonical path of a single-valued attribute (`ResolvedAttribute.canonicalPath`: `userName`,
   * `meta.created`, `urn:…:User:employeeNumber`) → column. The column must hold exactly the value
   * the document holds (NULL when absent), since the in-memory matcher reads the document.
   */
  readonly columns: Readonly<Record<string, SqlColumn>>;
  /** Canonical path of a multi-valued attribute (`members`) → the table holding its values. */
  readonly relations?: Readonly<Record<string, SqlRelation>>;
}

export interface SqlFragment {
  readonly sql: string;
  readonly params: readonly unknown[];
}

/**
 * Compiles a filter to a SQL boolean expression for a `WHERE` clause, with placeholders
 * `$firstParam`, `$firstParam + 1`, … and their values in `params`; no value from the filter is
 * ever written into the SQL text. Attribute paths resolve through the target's registry (unknown
 * attribute → 400 `invalidFilter`); see `bind-filter.ts` for the semantics, which
 * `matchesFilter` implements in memory.
 *
 * The expression is TRUE for exactly the rows whose document the matcher accepts. For other rows
 * it is FALSE or NULL: comparisons are left bare so that `lower(u.user_name) = lower($1)` can use
 * an index, and a `WHERE` treats NULL as false. Negation is exact all the same: `not (f)` compiles
 * to `(f) IS NOT TRUE` (or `NOT f` where `f` is never NULL, like `EXISTS`). To negate the result
 * yourself, use `IS NOT TRUE` too, never `NOT`.
 *
 * - Strings honour `caseExact`: `lower(x) = lower($n)`; `co`/`sw`/`ew` are `LIKE` with `%`, `_`
 *   and `\` escaped in the parameter; `gt`/`ge`/`lt`/`le` compare code points (`COLLATE "C"`),
 *   lower-cased first unless case-exact.
 * - `uuid` columns: a value that is not a canonical UUID never reaches a `::uuid` cast (`eq` is
 *   `FALSE`); other operators compare the column's text form.
 * - JSONB values are compared only when they have the attribute's JSON type (`jsonb_typeof`
 *   guards; booleans and numbers as JSON values), so unexpected stored data never raises an
 *   error. A stored dateTime is cast only if it matches `DATE_TIME_PATTERN`.
 * - Multi-valued attributes: `EXISTS` over `jsonb_array_elements` (alias `e`, then `e2`, …) or,
 *   for attributes in `relations`, over the relation's table.
 */
export function compileFilter(
  filter: Filter,
  target: SqlFilterTarget,
  firstParam = 1,
): SqlFragment {
  if (!Number.isSafeInteger(firstParam) || firstParam < 1) {
    throw new RangeError(`firstParam must be a positive integer, got ${firstParam}`);
  }
  const bound = bindFilter(filter, target.registry, target.resourceType);
  const fragment = new SqlCompiler(target).compile(bound, DOCUMENT);
  const pieces = fragment.sql.split(PARAM_MARK);
  let sql = pieces[0] ?? '';
  for (let i = 1; i < pieces.length; i++) sql += `$${firstParam + i - 1}${pieces[i]}`;
  return { sql, params: fragment.params };
}

/**
 * The `ORDER BY` item for `sortBy` (RFC 7644 §3.4.2.3), e.g. `lower(u.user_name) COLLATE "C" ASC
 * NULLS LAST`: strings in code-point order, lower-cased unless case-exact; resources without a
 * value last in both orders. Callers append a unique tie-breaker (`, u.id`) for stable paging.
 * Only single-valued attributes sort; anything else is a 400 `invalidValue` (RFC 7644 names no
 * scimType for a bad `sortBy`; the parameter's value is what is wrong).
 */
export function compileSortBy(
  sortBy: string,
  target: SqlFilterTarget,
  order: SortOrder = 'ascending',
): string {
  const { registry, resourceType } = target;
  const reject = (reason: string): never => {
    throw new ScimError(400, `sortBy "${sortBy}" ${reason}`, ScimType.InvalidValue);
  };
  const path = registry.parsePath(sortBy.trim());
  const resolved = path && registry.resolvePath(resourceType, path);
  if (!resolved) return reject(`is not an attribute of ${resourceType}`);
  const { attribute, subAttribute } = resolved;
  const definition = subAttribute ?? attribute;
  if (
    [attribute, subAttribute].some((d) => d?.returned === 'never' || d?.mutability === 'writeOnly')
  ) {
    return reject('is never returned, so it cannot be sorted on');
  }
  if (attribute.multiValued || definition.multiValued) {
    return reject('is multi-valued; only single-valued attributes can be sorted on');
  }
  if (definition.type === 'complex') return reject('is complex; sort on one of its sub-attributes');
  const direction = order === 'descending' ? 'DESC' : 'ASC';

  const column = own(target.columns, resolved.canonicalPath);
  let expression: string;
  if (column) {
    expression =
      column.type === 'string'
        ? `${definition.caseExact ? paren(column.sql) : `lower(${column.sql})`} COLLATE "C"`
        : column.sql;
  } else {
    const steps = documentSteps(resolved);
    const { json, text } = access(target.document, steps);
    switch (definition.type) {
      case 'boolean':
      case 'integer':
      case 'decimal': {
        const [jsonType, sqlType] =
          definition.type === 'boolean' ? ['boolean', 'boolean'] : ['number', 'numeric'];
        expression = `CASE WHEN jsonb_typeof(${json}) = '${jsonType}' THEN (${json})::${sqlType} END`;
        break;
      }
      case 'dateTime':
        expression = guardedDateTime(text);
        break;
      case 'string':
      case 'reference':
      case 'binary': {
        const value = `CASE WHEN jsonb_typeof(${json}) = 'string' THEN ${text} END`;
        const caseExact = definition.caseExact || definition.type === 'binary';
        expression = `${caseExact ? `(${value})` : `lower(${value})`} COLLATE "C"`;
        break;
      }
    }
  }
  return `${expression} ${direction} NULLS LAST`;
}

// ---- Fragments ------------------------------------------------------------------------------

/** Stands for the next parameter until the final numbering (U+0001 never occurs in our SQL). */
const PARAM_MARK = '\u0001';

/** How loosely a fragment binds: it needs parentheses inside anything that binds tighter. */
const Level = { Or: 0, And: 1, Atom: 2 } as const;
type Level = (typeof Level)[keyof typeof Level];

interface Fragment {
  readonly sql: string;
  readonly params: readonly unknown[];
  readonly level: Level;
  /** Never NULL, so `NOT` negates it exactly. */
  readonly twoValued: boolean;
  readonly constant?: boolean;
}

const TRUE: Fragment = {
  sql: 'TRUE',
  params: [],
  level: Level.Atom,
  twoValued: true,
  constant: true,
};
const FALSE: Fragment = {
  sql: 'FALSE',
  params: [],
  level: Level.Atom,
  twoValued: true,
  constant: true,
};

function atom(sql: string, params: readonly unknown[] = [], twoValued = false): Fragment {
  return { sql, params, level: Level.Atom, twoValued };
}

function wrap(fragment: Fragment, level: Level): string {
  return fragment.level < level ? `(${fragment.sql})` : fragment.sql;
}

function and(left: Fragment, right: Fragment): Fragment {
  if (left === FALSE || right === FALSE) return FALSE;
  if (left === TRUE) return right;
  if (right === TRUE) return left;
  return {
    sql: `${wrap(left, Level.And)} AND ${wrap(right, Level.And)}`,
    params: [...left.params, ...right.params],
    level: Level.And,
    twoValued: left.twoValued && right.twoValued,
  };
}

function or(left: Fragment, right: Fragment): Fragment {
  if (left === TRUE || right === TRUE) return TRUE;
  if (left === FALSE) return right;
  if (right === FALSE) return left;
  return {
    sql: `${left.sql} OR ${right.sql}`,
    params: [...left.params, ...right.params],
    level: Level.Or,
    twoValued: left.twoValued && right.twoValued,
  };
}

function not(fragment: Fragment): Fragment {
  if (fragment === TRUE) return FALSE;
  if (fragment === FALSE) return TRUE;
  if (!fragment.twoValued) return atom(`(${fragment.sql}) IS NOT TRUE`, fragment.params, true);
  const sql =
    fragment.level === Level.Atom && fragment.sql.startsWith('EXISTS ')
      ? `NOT ${fragment.sql}`
      : `NOT (${fragment.sql})`;
  return atom(sql, fragment.params, true);
}

function exists(from: string, where: Fragment): Fragment {
  if (where === FALSE) return FALSE;
  const condition = where === TRUE ? '' : ` WHERE ${where.sql}`;
  return atom(`EXISTS (SELECT 1 FROM ${from}${condition})`, where.params, true);
}

/** `(expr)` unless `expr` is a plain (qualified) name. */
function paren(sql: string): string {
  return /^[A-Za-z_][\w.]*$/.test(sql) ? sql : `(${sql})`;
}

/** A string literal for a JSON key (attribute names and schema URNs from the registry). */
function literal(text: string): string {
  return `'${text.replaceAll("'", "''")}'`;
}

// ---- Compiler -------------------------------------------------------------------------------

type Scope =
  | { readonly kind: 'document' }
  /** Inside `EXISTS` over JSON array elements: `element` is the current one (`e.v`). */
  | { readonly kind: 'json'; readonly element: string; readonly depth: number }
  /** Inside `EXISTS` over a relation's rows. */
  | { readonly kind: 'relation'; readonly relation: SqlRelation; readonly path: string };

const DOCUMENT: Scope = { kind: 'document' };

const SQL_OPS: Readonly<Record<'eq' | 'gt' | 'ge' | 'lt' | 'le', string>> = {
  eq: '=',
  gt: '>',
  ge: '>=',
  lt: '<',
  le: '<=',
};

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const UUID_ANY_CASE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Which `BoundValue` types a column type can hold. */
const COLUMN_HOLDS: Readonly<Record<SqlColumn['type'], BoundValue['type']>> = {
  string: 'string',
  uuid: 'string',
  boolean: 'boolean',
  dateTime: 'dateTime',
  integer: 'number',
  decimal: 'number',
};

type Leaf = Extract<BoundFilter, { kind: 'compare' | 'present' }>;

class SqlCompiler {
  constructor(private readonly target: SqlFilterTarget) {}

  compile(node: BoundFilter, scope: Scope): Fragment {
    switch (node.kind) {
      case 'and':
        return and(this.compile(node.left, scope), this.compile(node.right, scope));
      case 'or':
        return or(this.compile(node.left, scope), this.compile(node.right, scope));
      case 'not':
        return not(this.compile(node.filter, scope));
      case 'object': {
        const { json } = access(this.target.document, node.ref.steps);
        return and(atom(`jsonb_typeof(${json}) = 'object'`), this.compile(node.filter, scope));
      }
      case 'some':
        return this.some(node.ref, scope, (inner) => this.compile(node.filter, inner));
      case 'compare':
      case 'present':
        return this.leaf(node, scope);
    }
  }

  /** Some element of the multi-valued attribute `ref` (document-scoped) satisfies `inner`. */
  private some(ref: ValueRef, scope: Scope, inner: (scope: Scope) => Fragment): Fragment {
    const path = attributePathOf(ref.resolved);
    const relation = own(this.target.relations, path);
    if (relation) {
      const correlation: Fragment = {
        sql: relation.where,
        params: [],
        level: /\bOR\b/i.test(relation.where) ? Level.Or : Level.And,
        twoValued: false,
      };
      return exists(relation.from, and(correlation, inner({ kind: 'relation', relation, path })));
    }
    const depth = scope.kind === 'json' ? scope.depth + 1 : 1;
    const { json } = access(this.target.document, ref.steps);
    return this.elements(json, depth, inner);
  }

  /** `EXISTS` over the elements of the JSON array `array` (no rows if it is not an array). */
  private elements(array: string, depth: number, inner: (scope: Scope) => Fragment): Fragment {
    const alias = depth === 1 ? 'e' : `e${depth}`;
    const where = inner({ kind: 'json', element: `${alias}.v`, depth });
    const source = `jsonb_array_elements(CASE jsonb_typeof(${array}) WHEN 'array' THEN ${array} END) AS ${alias}(v)`;
    return exists(source, where);
  }

  private leaf(node: Leaf, scope: Scope): Fragment {
    const { ref } = node;
    if (scope.kind === 'relation') return this.relationLeaf(node, scope);
    if (ref.scope === 'document' && !ref.steps.some((s) => s.multiValued)) {
      const column = own(this.target.columns, ref.resolved.canonicalPath);
      if (column) return columnPredicate(node, column, ref.resolved.canonicalPath);
    }
    const base = ref.scope === 'document' ? this.target.document : jsonElement(scope);
    const depth = scope.kind === 'json' ? scope.depth : 0;
    return this.jsonSteps(node, base, ref.steps, depth);
  }

  /** Walks `steps` from `base`, opening an `EXISTS` at each multi-valued step. */
  private jsonSteps(node: Leaf, base: string, steps: readonly JsonStep[], depth: number): Fragment {
    const at = steps.findIndex((s) => s.multiValued);
    if (at < 0) return jsonPredicate(node, access(base, steps));
    const { json: array } = access(base, steps.slice(0, at + 1));
    const rest = steps.slice(at + 1);
    return this.elements(array, depth + 1, (inner) =>
      this.jsonSteps(node, jsonElement(inner), rest, depth + 1),
    );
  }

  private relationLeaf(node: Leaf, scope: Extract<Scope, { kind: 'relation' }>): Fragment {
    const { steps, resolved } = node.ref;
    const [first, ...rest] = steps;
    if (first === undefined && node.kind === 'present') return TRUE; // a row is a present value
    const column =
      first && !first.multiValued && rest.length === 0
        ? own(scope.relation.columns, first.key)
        : undefined;
    if (!first || !column) {
      throw invalidFilter(`"${resolved.canonicalPath}" cannot be used in a filter`);
    }
    return columnPredicate(node, column, `${scope.path}.${first.key}`);
  }
}

/** `record[key]` if it is the record's own (a custom attribute may be named `constructor`). */
function own<T>(record: Readonly<Record<string, T>> | undefined, key: string): T | undefined {
  return record !== undefined && Object.hasOwn(record, key) ? record[key] : undefined;
}

function jsonElement(scope: Scope): string {
  if (scope.kind !== 'json') throw new TypeError('element reference outside a JSON value filter');
  return scope.element;
}

/**
 * `json`: the jsonb value at `steps` from `base`; `text`: the same as text (`->>`, or `#>> '{}'`
 * for the base itself), meaningful when the value is a JSON string.
 */
function access(base: string, steps: readonly JsonStep[]): { json: string; text: string } {
  if (steps.length === 0) return { json: base, text: `${base} #>> '{}'` };
  let json = base;
  let text = '';
  for (const step of steps) {
    text = `${json}->>${literal(step.key)}`;
    json = `${json}->${literal(step.key)}`;
  }
  return { json, text };
}

function guardedDateTime(text: string): string {
  return `CASE WHEN ${text} ~ ${literal(DATE_TIME_PATTERN)} THEN (${text})::timestamptz END`;
}

/** The comparison on one JSON value (`json`, and `text` when it is a string). */
function jsonPredicate(node: Leaf, { json, text }: { json: string; text: string }): Fragment {
  if (node.kind === 'present') return atom(`${json} NOT IN ('null', '""', '[]', '{}')`);
  const { op, value } = node;
  switch (value.type) {
    case 'string':
      return and(
        atom(`jsonb_typeof(${json}) = 'string'`),
        stringComparison(text, op, value.value, value.caseExact),
      );
    case 'boolean':
      return atom(`${json} = to_jsonb(${PARAM_MARK}::boolean)`, [value.value]);
    case 'number': {
      const comparison = atom(`${json} ${sqlOp(op)} to_jsonb(${PARAM_MARK}::numeric)`, [
        value.value,
      ]);
      return op === 'eq' ? comparison : and(atom(`jsonb_typeof(${json}) = 'number'`), comparison);
    }
    case 'dateTime':
      return atom(`${guardedDateTime(text)} ${sqlOp(op)} ${PARAM_MARK}::timestamptz`, [
        value.value,
      ]);
  }
}

function columnPredicate(node: Leaf, column: SqlColumn, path: string): Fragment {
  const { sql } = column;
  if (node.kind === 'present') {
    return column.type === 'string' ? atom(`${sql} <> ''`) : atom(`${sql} IS NOT NULL`, [], true);
  }
  const { op, value } = node;
  if (COLUMN_HOLDS[column.type] !== value.type) {
    throw new TypeError(`column ${sql} (${column.type}) cannot hold ${path} (${value.type})`);
  }
  switch (value.type) {
    case 'string':
      if (column.type !== 'uuid') return stringComparison(sql, op, value.value, value.caseExact);
      if (op === 'eq') {
        // The column's text form is a lower-case canonical UUID; nothing else can equal it.
        const canonical = (value.caseExact ? UUID : UUID_ANY_CASE).test(value.value);
        return canonical ? atom(`${sql} = ${PARAM_MARK}::uuid`, [value.value]) : FALSE;
      }
      return stringComparison(`${paren(sql)}::text`, op, value.value, value.caseExact);
    case 'boolean':
      return atom(`${sql} = ${PARAM_MARK}`, [value.value]);
    case 'number': {
      const type =
        column.type === 'integer' && Number.isSafeInteger(value.value) ? 'bigint' : 'numeric';
      return atom(`${sql} ${sqlOp(op)} ${PARAM_MARK}::${type}`, [value.value]);
    }
    case 'dateTime':
      return atom(`${sql} ${sqlOp(op)} ${PARAM_MARK}::timestamptz`, [value.value]);
  }
}

function stringComparison(
  text: string,
  op: BoundCompareOp,
  value: string,
  caseExact: boolean,
): Fragment {
  const fold = (sql: string): string => (caseExact ? sql : `lower(${sql})`);
  switch (op) {
    case 'eq':
      return atom(`${fold(text)} = ${fold(PARAM_MARK)}`, [value]);
    case 'co':
    case 'sw':
    case 'ew': {
      const escaped = value.replace(/[\\%_]/g, '\\$&');
      const pattern = op === 'co' ? `%${escaped}%` : op === 'sw' ? `${escaped}%` : `%${escaped}`;
      return atom(`${fold(text)} LIKE ${fold(PARAM_MARK)}`, [pattern]);
    }
    case 'gt':
    case 'ge':
    case 'lt':
    case 'le':
      return atom(
        `${caseExact ? paren(text) : fold(text)} COLLATE "C" ${SQL_OPS[op]} ${fold(PARAM_MARK)}`,
        [value],
      );
  }
}

function sqlOp(op: BoundCompareOp): string {
  switch (op) {
    case 'eq':
    case 'gt':
    case 'ge':
    case 'lt':
    case 'le':
      return SQL_OPS[op];
    case 'co':
    case 'sw':
    case 'ew':
      // The binder allows substring operators on strings only.
      throw new TypeError(`${op} does not apply here`);
  }
}
