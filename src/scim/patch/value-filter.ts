import type { CompareOp, CompareValue, Filter } from '../filter/ast.js';
import { compareCodePoints } from '../filter/matcher.js';
import { isRecord, isUnassigned } from '../resource/canonical-value.js';
import type { AttributeDefinition } from '../schema/types.js';

/**
 * Evaluates the value selection filter of a PATCH path (`emails[type eq "work"]`) on one value of
 * the attribute. The filter comes from `parsePatchPath`, so its names are already the registry's
 * sub-attribute names (or `value` for a multi-valued attribute of simple values).
 *
 * Semantics (RFC 7644 §3.4.2.2): strings compare per the sub-attribute's `caseExact`
 * (case-insensitive means both sides lower-cased); `gt`/`ge`/`lt`/`le` compare strings by code
 * point (as the filter compiler's `COLLATE "C"` does), numbers numerically and dateTimes
 * chronologically; a comparison whose value has the wrong JSON type for the attribute, or on an
 * unassigned attribute, is false, except `ne`, which is always the negation of `eq`; `eq null` matches an unassigned attribute; `pr` means assigned
 * (not null, "", [] or {}). (`parsePatchPath` already rejected ordering operators on booleans.)
 *
 * A small matcher of its own rather than the filter module's document matcher: it works on one
 * element, relative paths, and must never throw on odd stored data.
 */
export function matchesValueFilter(
  filter: Filter,
  attribute: AttributeDefinition,
  element: unknown,
): boolean {
  switch (filter.op) {
    case 'and':
      return (
        matchesValueFilter(filter.left, attribute, element) &&
        matchesValueFilter(filter.right, attribute, element)
      );
    case 'or':
      return (
        matchesValueFilter(filter.left, attribute, element) ||
        matchesValueFilter(filter.right, attribute, element)
      );
    case 'not':
      return !matchesValueFilter(filter.filter, attribute, element);
    case 'valuePath':
      // parsePatchPath rejects nested value paths; a hand-built AST simply matches nothing.
      return false;
    case 'pr': {
      const { definition, value } = operand(attribute, element, filter.path.attr);
      return definition !== undefined && !isUnassigned(value) && value !== '';
    }
    case 'eq':
    case 'ne':
    case 'co':
    case 'sw':
    case 'ew':
    case 'gt':
    case 'ge':
    case 'lt':
    case 'le': {
      const { definition, value } = operand(attribute, element, filter.path.attr);
      if (!definition) return filter.op === 'ne';
      return compare(filter.op, definition, value, filter.value);
    }
  }
}

/** The definition and value that a relative name designates in one element. */
function operand(
  attribute: AttributeDefinition,
  element: unknown,
  name: string,
): { definition: AttributeDefinition | undefined; value: unknown } {
  if (attribute.type !== 'complex') {
    return { definition: name === 'value' ? attribute : undefined, value: element };
  }
  const definition = attribute.subAttributes?.find((sub) => sub.name === name);
  return { definition, value: isRecord(element) ? element[name] : undefined };
}

function compare(
  op: CompareOp,
  definition: AttributeDefinition,
  actual: unknown,
  expected: CompareValue,
): boolean {
  if (op === 'ne') return !compare('eq', definition, actual, expected);
  if (expected === null) return op === 'eq' && isUnassigned(actual);
  // A multi-valued sub-attribute (only in custom extensions) matches when one of its values does.
  if (Array.isArray(actual))
    return actual.some((item) => compareOne(op, definition, item, expected));
  return compareOne(op, definition, actual, expected);
}

function compareOne(
  op: Exclude<CompareOp, 'ne'>,
  definition: AttributeDefinition,
  actual: unknown,
  expected: string | number | boolean,
): boolean {
  switch (definition.type) {
    case 'boolean':
      return op === 'eq' && typeof actual === 'boolean' && actual === expected;
    case 'integer':
    case 'decimal':
      if (typeof actual !== 'number' || typeof expected !== 'number') return false;
      return order(op, actual - expected, String(actual), String(expected));
    case 'dateTime': {
      if (typeof actual !== 'string' || typeof expected !== 'string') return false;
      const left = Date.parse(actual);
      const right = Date.parse(expected);
      if (Number.isNaN(left) || Number.isNaN(right)) return false;
      return order(op, left - right, actual, expected);
    }
    case 'string':
    case 'reference':
    case 'binary': {
      if (typeof actual !== 'string' || typeof expected !== 'string') return false;
      const left = definition.caseExact ? actual : actual.toLowerCase();
      const right = definition.caseExact ? expected : expected.toLowerCase();
      return order(op, compareCodePoints(left, right), left, right);
    }
    case 'complex':
      return false;
  }
}

/** `difference` orders the operands; `left`/`right` are their text, for co/sw/ew. */
function order(
  op: Exclude<CompareOp, 'ne'>,
  difference: number,
  left: string,
  right: string,
): boolean {
  switch (op) {
    case 'eq':
      return difference === 0;
    case 'co':
      return left.includes(right);
    case 'sw':
      return left.startsWith(right);
    case 'ew':
      return left.endsWith(right);
    case 'gt':
      return difference > 0;
    case 'ge':
      return difference >= 0;
    case 'lt':
      return difference < 0;
    case 'le':
      return difference <= 0;
  }
}
