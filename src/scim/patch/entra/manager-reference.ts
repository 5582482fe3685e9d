import { ENTERPRISE_USER_SCHEMA_URN } from '../../schema/enterprise-user.js';
import type { AttributePatchPath, PatchPath } from '../path.js';
import type { PatchOperation } from '../types.js';
import { attributeText, isRecord, targetOf, type NormalizeContext } from './context.js';
import { DocumentView } from './document-view.js';

/**
 * The Enterprise `manager` as Entra sends it (entra.md §2.3 "Manager"; §5 items 6 and 7; §8.2
 * "Manager" of the gallery harness; §11 item 19). The attribute is complex (`{"value": id}`),
 * but Entra adds and replaces it with the manager's id as a **bare string**
 * (Captain-P-Goldfish/SCIM-SDK#686), older documentation shows `[{"$ref": …, "value": …}]`,
 * the harness removes it with `""`, and some tenants with `manager[value eq "<id>"]`
 * (thomaspoignant/scim-patch#453). The path may be `manager` or URN-qualified, in any case.
 *
 * `add`/`replace` of the whole manager:
 * - a non-empty string id → `{"value": id}` (ids of unknown users are accepted, §2.3);
 * - an object with a `value` → kept (`"$ref": null` included: the engine's merge clears a stored
 *   `$ref` with it); an object whose `value` is `""` or `null` → `remove` of the manager;
 * - a one-element array → its element, read as above; `[]`, `""` and `null` → `remove`;
 * - when the id changes and the stored manager holds more than its `value` (a `$ref`, the
 *   server-maintained `displayName`), a `remove` goes first, so nothing of the previous manager
 *   survives the engine's merge (RFC 7644 §3.5.2.3 would keep unspecified sub-attributes).
 * `manager.value` set to `""`/`null` or removed → `remove` of the whole manager.
 * `remove` of `manager[value eq "<id>"]` (with or without `.value`, or set to `""`/`null`) →
 * `remove` of the manager
 * when that is the current manager or there is none (removal stays idempotent for Entra's
 * retries); when another manager is set, the operation is dropped: the named one is already gone,
 * and answering `noTarget` would only make Entra retry. Other values are left to the engine.
 */
export function normalizeManager(
  operations: readonly PatchOperation[],
  context: NormalizeContext,
): PatchOperation[] {
  const view = new DocumentView(context);
  return operations.flatMap((operation) => {
    const rewritten = rewrite(operation, targetOf(operation, context), view);
    rewritten.forEach((result) => view.apply(result));
    return rewritten;
  });
}

function isManager(path: PatchPath | undefined): path is AttributePatchPath {
  return (
    path?.kind === 'attribute' &&
    path.schema.id === ENTERPRISE_USER_SCHEMA_URN &&
    path.attribute.name === 'manager'
  );
}

function rewrite(
  operation: PatchOperation,
  target: PatchPath | undefined,
  view: DocumentView,
): PatchOperation[] {
  if (!isManager(target)) return [operation];
  const whole = attributeText(target);
  const removal: PatchOperation = { op: 'remove', path: whole };
  const sub = target.subAttribute?.name;
  const clears = operation.op === 'remove' || operation.value === '' || operation.value === null;
  if (target.filter) {
    if (!clears || (sub !== undefined && sub !== 'value')) return [operation];
    const current = view.values(target);
    return current.length === 0 || view.selected(target).length > 0 ? [removal] : [];
  }
  if (sub !== undefined) return sub === 'value' && clears ? [removal] : [operation];
  if (operation.op === 'remove') return [operation];
  const reference = managerValue(operation.value);
  if (reference === undefined) return [operation];
  if (reference === null) return [removal];
  const [current] = view.values(target);
  const replaced =
    isRecord(current) &&
    current.value !== reference.id &&
    Object.keys(current).some((key) => key !== 'value');
  const write: PatchOperation =
    reference.value === operation.value
      ? operation
      : { op: operation.op, path: whole, value: reference.value };
  return replaced ? [removal, write] : [write];
}

/**
 * The manager a value names: `{id, value}` with the value to write, `null` for "no manager",
 * undefined for a value this quirk does not understand (left to the engine).
 */
function managerValue(value: unknown): { id: unknown; value: unknown } | null | undefined {
  if (value === null || value === '') return null;
  if (typeof value === 'string') return { id: value, value: { value } };
  if (Array.isArray(value)) {
    if (value.length === 0) return null;
    return value.length === 1 ? managerValue(value[0]) : undefined;
  }
  if (!isRecord(value)) return undefined;
  const keys = Object.keys(value).filter((key) => key.toLowerCase() === 'value');
  if (keys.length !== 1 || keys[0] === undefined) return undefined;
  const id = value[keys[0]];
  if (id === null || id === '') return null;
  return { id, value };
}
