import type { Filter } from '../../filter/ast.js';
import type { SchemaRegistry } from '../../schema/registry.js';
import type { AttributeDefinition } from '../../schema/types.js';
import type { PatchOperation } from '../types.js';
import {
  booleanFromString,
  pathText,
  targetOf,
  withParts,
  type NormalizeContext,
} from './context.js';

/**
 * The string `"True"` inside a path's value filter: Entra's `SingleAppRoleAssignment` mapping
 * writes to `roles[primary eq "True"].value` (entra.md §2.3 "Roles" and "Paths seen": "Note the
 * **string** `"True"` inside filter brackets"; §2.5: a harness derives `emails[primary eq "True"]`
 * paths too; §11 item 21). `primary` is a boolean, and a boolean never equals a string, so the
 * filter would select nothing and the engine would answer `noTarget`.
 *
 * Every comparison in a value filter whose sub-attribute is `boolean` and whose literal is the
 * string `true`/`false` (any case) gets the boolean literal, and the path is written out again
 * (`roles[primary eq true].value`); every other path is left exactly as sent. With the filter
 * fixed, the engine updates the primary role when there is one, and `filtered-missing-element.ts`
 * creates `{"primary": true, "value": …}` when there is none.
 */
export function coerceFilterBooleans(
  operations: readonly PatchOperation[],
  context: NormalizeContext,
): PatchOperation[] {
  return operations.map((operation) => {
    const target = targetOf(operation, context);
    if (target?.kind !== 'attribute' || !target.filter) return operation;
    const filter = coerceFilter(target.filter, target.attribute, context.registry);
    if (filter === target.filter) return operation;
    return withParts(operation.op, pathText(target, filter, target.subAttribute), operation.value);
  });
}

/** The filter with boolean string literals coerced; the same object when nothing changed. */
function coerceFilter(
  filter: Filter,
  attribute: AttributeDefinition,
  registry: SchemaRegistry,
): Filter {
  switch (filter.op) {
    case 'and':
    case 'or': {
      const left = coerceFilter(filter.left, attribute, registry);
      const right = coerceFilter(filter.right, attribute, registry);
      return left === filter.left && right === filter.right
        ? filter
        : { op: filter.op, left, right };
    }
    case 'not': {
      const inner = coerceFilter(filter.filter, attribute, registry);
      return inner === filter.filter ? filter : { op: 'not', filter: inner };
    }
    case 'pr':
    case 'valuePath':
      return filter;
    case 'eq':
    case 'ne':
    case 'co':
    case 'sw':
    case 'ew':
    case 'gt':
    case 'ge':
    case 'lt':
    case 'le': {
      const sub = registry.subAttributeOf(attribute, filter.path.attr);
      const definition = attribute.type === 'complex' ? sub : attribute;
      if (definition?.type !== 'boolean') return filter;
      const value = booleanFromString(filter.value);
      return typeof value === 'boolean' && value !== filter.value ? { ...filter, value } : filter;
    }
  }
}
