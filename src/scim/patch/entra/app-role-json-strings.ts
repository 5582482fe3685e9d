import type { PatchOperation } from '../types.js';
import { isRecord, targetOf, withParts, type NormalizeContext } from './context.js';

/**
 * App roles as JSON text: with the `AppRoleAssignmentsComplex` mapping, Entra PATCHes `roles`
 * with elements whose `value` is a JSON-encoded object,
 * `{"value": "{\"id\":\"…\",\"value\":\"Admin\",\"displayName\":\"Admin\"}"}`, while its POST sends
 * plain objects (entra.md §2.3 "Roles", §11 item 21; Captain-P-Goldfish/SCIM-SDK#516 quotes such a
 * request; MicrosoftDocs/azure-docs#50772 describes the mismatch).
 *
 * For `add`/`replace` of `roles` (the whole attribute or one element selected by a filter), an
 * element whose `value` is a string holding a JSON object with a string `value` becomes that role:
 * `value` ← the object's `value`, `display` ← its `displayName` unless the element has a
 * `display` already; the app role's `id` has no place in the RFC 7643 role and is dropped. So
 * PATCHed roles look like POSTed ones and filters such as `roles[value eq "Admin"]` work. Any
 * other `value` (not JSON, JSON of something else) is kept as sent: it is a valid string.
 */
export function decodeAppRoleJsonStrings(
  operations: readonly PatchOperation[],
  context: NormalizeContext,
): PatchOperation[] {
  if (context.resourceType !== 'User') return [...operations];
  return operations.map((operation) => {
    if (operation.op === 'remove') return operation;
    const target = targetOf(operation, context);
    if (target?.kind !== 'attribute' || target.isExtension || target.subAttribute) {
      return operation;
    }
    if (target.attribute.name !== 'roles') return operation;
    const { value } = operation;
    const decoded = Array.isArray(value) && !target.filter ? value.map(decode) : decode(value);
    const same = Array.isArray(value)
      ? Array.isArray(decoded) && decoded.every((item, i) => item === value[i])
      : decoded === value;
    return same ? operation : withParts(operation.op, operation.path, decoded);
  });
}

/** One role element, decoded when its `value` is an app role as JSON; else the same object. */
function decode(element: unknown): unknown {
  if (!isRecord(element)) return element;
  const key = Object.keys(element).find((name) => name.toLowerCase() === 'value');
  const text = key === undefined ? undefined : element[key];
  if (typeof text !== 'string' || !text.trimStart().startsWith('{')) return element;
  let role: unknown;
  try {
    role = JSON.parse(text);
  } catch {
    return element;
  }
  if (!isRecord(role) || typeof role.value !== 'string') return element;
  const hasDisplay = Object.keys(element).some((name) => name.toLowerCase() === 'display');
  const rest = Object.fromEntries(Object.entries(element).filter(([name]) => name !== key));
  return {
    ...rest,
    value: role.value,
    ...(!hasDisplay && typeof role.displayName === 'string' ? { display: role.displayName } : {}),
  };
}
