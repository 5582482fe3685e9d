import type { SchemaRegistry } from '../schema/registry.js';
import type { ResourceTypeName } from '../schema/types.js';
import type { Filter } from './ast.js';
import {
  bindFilter,
  type BoundCompareOp,
  type BoundFilter,
  type BoundValue,
  type JsonStep,
} from './bind-filter.js';
import { compareDateTimes, parseDateTime } from './date-time.js';

/**
 * Whether a canonical document (see `patch/types.ts`) satisfies `filter`: the reference meaning
 * of a filter, which `compileFilter` reproduces in SQL (an integration test runs both on the same
 * data). Errors are those of `compileFilter` (400 `invalidFilter`), minus the ones about the SQL
 * mapping. Attributes kept outside the stored document (group `members`, user `groups`) are read
 * from the document like any other, so pass a document that has them.
 *
 * Values are compared only when they have the attribute's JSON type. Strings follow `caseExact`
 * (`toLowerCase`, which equals PostgreSQL's `lower()` on ASCII and, in a UTF-8 locale, on most
 * other text) and order by code point, as `COLLATE "C"` does; numbers as numbers; dateTimes as
 * instants at microsecond precision. `pr` means present and not null, "", [] or {}.
 */
export function matchesFilter(
  filter: Filter,
  document: object,
  registry: SchemaRegistry,
  resourceType: ResourceTypeName,
): boolean {
  return evaluate(bindFilter(filter, registry, resourceType), document, undefined);
}

function evaluate(node: BoundFilter, document: unknown, element: unknown): boolean {
  switch (node.kind) {
    case 'and':
      return evaluate(node.left, document, element) && evaluate(node.right, document, element);
    case 'or':
      return evaluate(node.left, document, element) || evaluate(node.right, document, element);
    case 'not':
      return !evaluate(node.filter, document, element);
    case 'object':
      return (
        valuesAt(document, node.ref.steps).some(isObject) &&
        evaluate(node.filter, document, element)
      );
    case 'some':
      return valuesAt(document, node.ref.steps).some(
        (array) =>
          Array.isArray(array) && array.some((item) => evaluate(node.filter, document, item)),
      );
    case 'present': {
      const base = node.ref.scope === 'document' ? document : element;
      return valuesAt(base, node.ref.steps).some(isPresent);
    }
    case 'compare': {
      const { op, value } = node;
      const base = node.ref.scope === 'document' ? document : element;
      return valuesAt(base, node.ref.steps).some((stored) => compare(stored, op, value));
    }
  }
}

/** The values at `steps` from `base`: a multi-valued step contributes each array element. */
function valuesAt(base: unknown, steps: readonly JsonStep[]): unknown[] {
  let current: unknown[] = [base];
  for (const { key, multiValued } of steps) {
    const next: unknown[] = [];
    for (const item of current) {
      if (!isObject(item) || !Object.hasOwn(item, key)) continue;
      const member = item[key];
      if (!multiValued) next.push(member);
      else if (Array.isArray(member)) next.push(...(member as unknown[]));
    }
    current = next;
  }
  return current;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isPresent(value: unknown): boolean {
  if (value === undefined || value === null || value === '') return false;
  if (Array.isArray(value)) return value.length > 0;
  return !isObject(value) || Object.keys(value).length > 0;
}

function compare(stored: unknown, op: BoundCompareOp, value: BoundValue): boolean {
  switch (value.type) {
    case 'string': {
      if (typeof stored !== 'string') return false;
      const a = value.caseExact ? stored : stored.toLowerCase();
      const b = value.caseExact ? value.value : value.value.toLowerCase();
      switch (op) {
        case 'co':
          return a.includes(b);
        case 'sw':
          return a.startsWith(b);
        case 'ew':
          return a.endsWith(b);
        case 'eq':
        case 'gt':
        case 'ge':
        case 'lt':
        case 'le':
          return holds(op, compareCodePoints(a, b));
      }
      break;
    }
    case 'boolean':
      return stored === value.value;
    case 'number':
      return typeof stored === 'number' && holds(op, stored - value.value);
    case 'dateTime': {
      const key = typeof stored === 'string' ? parseDateTime(stored) : undefined;
      return key !== undefined && holds(op, compareDateTimes(key, value.key));
    }
  }
  return false;
}

/** Whether `op` holds for a comparison result (negative, zero, positive). */
function holds(op: BoundCompareOp, order: number): boolean {
  switch (op) {
    case 'eq':
      return order === 0;
    case 'gt':
      return order > 0;
    case 'ge':
      return order >= 0;
    case 'lt':
      return order < 0;
    case 'le':
      return order <= 0;
    case 'co':
    case 'sw':
    case 'ew':
      return false; // strings only, handled above
  }
}

/**
 * Orders strings by Unicode code point (UTF-8 byte order, PostgreSQL's `COLLATE "C"`), not by
 * UTF-16 code unit as `<` does: surrogates (U+10000 and up) sort after U+E000–U+FFFF.
 */
export function compareCodePoints(a: string, b: string): number {
  const length = Math.min(a.length, b.length);
  for (let i = 0; i < length; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x !== y) return codePointRank(x) - codePointRank(y);
  }
  return a.length - b.length;
}

function codePointRank(unit: number): number {
  if (unit < 0xd800) return unit;
  return unit >= 0xe000 ? unit - 0x800 : unit + 0x2000;
}
