import type { Filter } from '../../filter/ast.js';
import type { AttributePatchPath } from '../path.js';
import type { PatchOperation } from '../types.js';
import {
  isRecord,
  pathText,
  targetOf,
  withParts,
  type Json,
  type NormalizeContext,
} from './context.js';
import { DocumentView } from './document-view.js';

/**
 * `""` or `null` as an `add`/`replace` value means "clear this attribute" (entra.md §4: a
 * `Switch` expression can yield an empty value, and Microsoft's validators send `""` and `null`,
 * "treat both as remove"; §8.2 "Null update" of the gallery harness, with one `replace` per path
 * or one no-path `replace`; §11 item 20: "subsequent GET shows it absent/empty").
 *
 * - `path` without filter → `remove path` (the engine treats removing an absent attribute as a
 *   no-op, so clearing what is already empty succeeds). One exception: `add` of `""`/`null` to
 *   a whole multi-valued attribute (`add members ""`) adds nothing and is dropped, rather than
 *   read as "remove every value".
 * - An extension's URN as `path` → `remove` of the extension object.
 * - A filtered path (`emails[type eq "work"].value`) → `remove` of what it selects; when it
 *   selects nothing the operation is dropped (there is nothing to clear, and the engine would
 *   answer `noTarget`). Clearing the `value` of a multi-valued complex attribute, or leaving an
 *   element with nothing but the attributes its filter names and `primary` (`{"type": "work"}`),
 *   removes the element itself, so GET shows no empty work email.
 * - Inside the value object of a single-valued complex attribute (`name`: `{"givenName": ""}`),
 *   `""` sub-attribute values become `null`, which the engine's merge reads as "clear this one".
 * The manager's `""` is `manager-reference.ts`. A no-path operation has an object value and was
 * split into one operation per key by `no-path-keys.ts`, so its `""` keys are handled here too.
 * "Selects" is judged on the document as the earlier operations of the request leave it.
 */
export function clearEmptyValues(
  operations: readonly PatchOperation[],
  context: NormalizeContext,
): PatchOperation[] {
  const view = new DocumentView(context);
  return operations.flatMap((operation) => {
    const rewritten = rewrite(operation, context, view);
    rewritten.forEach((result) => view.apply(result));
    return rewritten;
  });
}

function rewrite(
  operation: PatchOperation,
  context: NormalizeContext,
  view: DocumentView,
): PatchOperation[] {
  if (operation.op === 'remove' || operation.path === undefined) return [operation];
  const target = targetOf(operation, context);
  if (!target) return [operation];
  const { value } = operation;
  const empty = value === '' || value === null;
  if (target.kind === 'schema') {
    return empty && target.isExtension ? [{ op: 'remove', path: target.text }] : [operation];
  }
  if (!empty) return [clearSubAttributes(operation, target)];
  if (!target.filter) {
    const addsNothing = operation.op === 'add' && target.attribute.multiValued;
    return addsNothing && !target.subAttribute ? [] : [{ op: 'remove', path: operation.path }];
  }
  const selected = view.selected(target);
  if (selected.length === 0) return [];
  const sub = target.subAttribute;
  if (sub && !removesElement(target, target.filter, selected)) {
    return [{ op: 'remove', path: operation.path }];
  }
  return [{ op: 'remove', path: pathText(target, target.filter, undefined) }];
}

/** Whether clearing `path`'s sub-attribute in `selected` should remove the elements instead. */
function removesElement(path: AttributePatchPath, filter: Filter, selected: unknown[]): boolean {
  const { attribute, subAttribute } = path;
  if (!attribute.multiValued || attribute.type !== 'complex' || !subAttribute) return false;
  if (subAttribute.name === 'value') return true;
  const kept = new Set([...filterAttributes(filter), 'primary', subAttribute.name]);
  return selected.every(
    (element) => isRecord(element) && Object.keys(element).every((key) => kept.has(key)),
  );
}

function filterAttributes(filter: Filter): string[] {
  switch (filter.op) {
    case 'and':
    case 'or':
      return [...filterAttributes(filter.left), ...filterAttributes(filter.right)];
    case 'not':
      return filterAttributes(filter.filter);
    case 'valuePath':
      return [];
    case 'pr':
    case 'eq':
    case 'ne':
    case 'co':
    case 'sw':
    case 'ew':
    case 'gt':
    case 'ge':
    case 'lt':
    case 'le':
      return [filter.path.attr];
  }
}

/** `{"givenName": ""}` for a single-valued complex attribute → `{"givenName": null}`. */
function clearSubAttributes(operation: PatchOperation, target: AttributePatchPath): PatchOperation {
  const { attribute, filter, subAttribute } = target;
  const { value } = operation;
  if (attribute.type !== 'complex' || attribute.multiValued || filter || subAttribute) {
    return operation;
  }
  if (!isRecord(value) || !Object.values(value).includes('')) return operation;
  const cleared: Json = Object.fromEntries(
    Object.entries(value).map(([key, item]) => [key, item === '' ? null : item]),
  );
  return withParts(operation.op, operation.path, cleared);
}
