import type { PatchOperation } from '../types.js';
import { isRecord, targetOf, type NormalizeContext } from './context.js';

/**
 * No-path `add`/`replace` whose value object has dotted and URN-qualified keys (entra.md §2.6:
 * `aadOptscim062020` collapses simple, dotted and extension attributes into one no-path
 * `replace`, and some tenants and the SCIM Validator send it without the flag; §5 item 4:
 * thomaspoignant/scim-patch#132, Captain-P-Goldfish/SCIM-SDK#193/#267, pingidentity/scim2#224,
 * pond/scimitar#69/#123 stored such keys as literal top-level attributes; §11 item 17).
 *
 * Every key becomes an operation of its own with the key as its path, in the order sent:
 * `{"name.givenName": "Ann", "urn:…:enterprise:2.0:User:employeeNumber": "7"}` →
 * `replace name.givenName "Ann"`, `replace urn:…:User:employeeNumber "7"`. A key that is a schema
 * URN of the resource type (`{"urn:…:enterprise:2.0:User": {"department": "R&D"}}`), and a
 * `path` that is one, expand the same way one level down (`urn:…:User:department`); the core
 * schema URN expands to plain names. `schemas` keys are dropped (the server keeps `schemas`).
 *
 * This is exactly what RFC 7644 §3.5.2.1/§3.5.2.3 make of a no-path value (each attribute is
 * added or replaced as if it had its own path), written out so that the quirks after this one see
 * one attribute per operation (`"active": "False"`, `"manager": "<id>"`, `"title": ""` inside a
 * no-path object are the same quirks as with a path). Keys that are not paths are kept as paths
 * and rejected by the engine (`invalidPath`); a value that is not an object is left to the engine.
 */
export function expandNoPathObjects(
  operations: readonly PatchOperation[],
  context: NormalizeContext,
): PatchOperation[] {
  return operations.flatMap((operation) => {
    if (operation.op === 'remove' || !isRecord(operation.value)) return [operation];
    if (operation.path === undefined) {
      return expand(operation.op, '', operation.value, context);
    }
    const target = targetOf(operation, context);
    if (target?.kind !== 'schema') return [operation];
    return expand(
      operation.op,
      target.isExtension ? target.schema.id : '',
      operation.value,
      context,
    );
  });
}

function expand(
  op: 'add' | 'replace',
  prefix: string,
  value: Record<string, unknown>,
  context: NormalizeContext,
): PatchOperation[] {
  return Object.entries(value).flatMap(([key, item]): PatchOperation[] => {
    if (prefix === '' && key.toLowerCase() === 'schemas') return [];
    const path = prefix === '' ? key : `${prefix}:${key}`;
    const operation: PatchOperation = { op, path, value: item };
    const target = targetOf(operation, context);
    // `{"urn:…:User": {...}}` inside a no-path value (not inside an extension object).
    if (prefix === '' && target?.kind === 'schema' && isRecord(item)) {
      return expand(op, target.isExtension ? target.schema.id : '', item, context);
    }
    return [operation];
  });
}
