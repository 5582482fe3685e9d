import type { SchemaRegistry } from '../../schema/registry.js';
import type { AttributeDefinition } from '../../schema/types.js';
import type { PatchOperation } from '../types.js';
import {
  booleanFromString,
  isRecord,
  targetOf,
  withParts,
  type NormalizeContext,
} from './context.js';

/**
 * Booleans sent as the strings `"True"`/`"False"` (entra.md §2.3 "Disable", §4: Entra's default
 * `active` mapping is a `Switch` expression and expressions yield strings; §5 item 2:
 * AzureAD/SCIMReferenceCode#21, Captain-P-Goldfish/scim-for-keycloak#119, bytebase/bytebase#19073;
 * §11 items 13 and 22). The `aadOptscim062020` form sends real booleans, which pass unchanged.
 *
 * A string `true`/`false` in any case becomes the boolean wherever the schema registry says the
 * target is `boolean`: the attribute (`active`), the sub-attribute of the path
 * (`emails[type eq "work"].primary`), or a key inside a complex value
 * (`{"primary": "True", "value": "Admin"}` for `roles`, each element of an array of them). Other
 * strings, and strings where the target is not boolean, are left for the engine to accept or
 * reject. Filter literals inside a path (`roles[primary eq "True"]`) are `role-primary.ts`.
 */
export function coerceBooleanStrings(
  operations: readonly PatchOperation[],
  context: NormalizeContext,
): PatchOperation[] {
  return operations.map((operation) => {
    if (operation.op === 'remove' || operation.value === undefined) return operation;
    const target = targetOf(operation, context);
    if (target?.kind !== 'attribute') return operation;
    const { attribute, subAttribute, filter } = target;
    const value = subAttribute
      ? coerce(subAttribute, operation.value, subAttribute.multiValued, context.registry)
      : // `attr[filter]` takes one element; the attribute itself takes a value or an array.
        coerce(attribute, operation.value, attribute.multiValued && !filter, context.registry);
    return value === operation.value ? operation : withParts(operation.op, operation.path, value);
  });
}

/** `value` with boolean strings coerced; the same object when nothing changed. */
function coerce(
  definition: AttributeDefinition,
  value: unknown,
  many: boolean,
  registry: SchemaRegistry,
): unknown {
  if (many && Array.isArray(value)) {
    const items = value.map((item) => coerce(definition, item, false, registry));
    return items.every((item, i) => item === value[i]) ? value : items;
  }
  if (definition.type === 'boolean') return booleanFromString(value);
  if (definition.type !== 'complex' || !isRecord(value)) return value;
  let changed = false;
  const entries = Object.entries(value).map(([key, item]): [string, unknown] => {
    const sub = registry.subAttributeOf(definition, key);
    const next = sub ? coerce(sub, item, sub.multiValued, registry) : item;
    if (next !== item) changed = true;
    return [key, next];
  });
  return changed ? Object.fromEntries(entries) : value;
}
