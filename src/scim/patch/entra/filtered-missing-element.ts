import type { PatchOperation } from '../types.js';
import { attributeText, isGroupMembers, targetOf, type NormalizeContext } from './context.js';
import { DocumentView, missingElement } from './document-view.js';

/**
 * A filtered `add`/`replace` on an element that does not exist yet creates it (entra.md §2.3:
 * Entra uses `Add` for attributes that were empty, "including filtered paths on a multi-valued
 * attribute that has no element of that type yet — the server must *create* the element …
 * Do the same for `Replace` on a missing element"; §5 item 5: Captain-P-Goldfish/SCIM-SDK#416,
 * Captain-P-Goldfish/scim-for-keycloak#73, Metatavu/keycloak-scim-server#35/#40,
 * limosa-io/laravel-scim-server#34, thomaspoignant/scim-patch#42, zitadel/zitadel#9690; §11
 * item 16). RFC 7644 answers `noTarget`, which is what the engine does for a filter that
 * selects nothing.
 *
 * `add`/`replace` of `attr[a eq x and b eq y].sub` with value `v`, where `attr` is multi-valued
 * and complex and no element matches, becomes `add attr [{a: x, b: y, sub: v}]`; without `.sub`
 * the value object's sub-attributes are merged into the described element. So
 * `emails[type eq "work"].value` → `{"type": "work", "value": …}`, and (after `role-primary.ts`)
 * `roles[primary eq true].value` → `{"primary": true, "value": …}`. Only filters made of `eq`
 * comparisons joined by `and` describe an element; any other filter (`co`, `or`, `not`, …) is
 * left alone and the engine answers `noTarget`. When an element matches, the operation is left
 * to the engine, which updates it. Group `members` are not in the document and never match, so
 * they are excluded (a filtered `add`/`replace` of members is the engine's `invalidPath`).
 *
 * "No element matches" is judged on the document as the earlier operations of the request leave
 * it: Entra sends `addresses[type eq "work"].streetAddress`, `.locality`, `.postalCode` as
 * separate operations, the first creates the work address and the others update that element.
 * This quirk runs last, after every rewrite of values and filters.
 */
export function createMissingElements(
  operations: readonly PatchOperation[],
  context: NormalizeContext,
): PatchOperation[] {
  const view = new DocumentView(context);
  return operations.map((operation) => {
    const rewritten = rewrite(operation, context, view);
    view.apply(rewritten);
    return rewritten;
  });
}

function rewrite(
  operation: PatchOperation,
  context: NormalizeContext,
  view: DocumentView,
): PatchOperation {
  if (operation.op === 'remove') return operation;
  const target = targetOf(operation, context);
  if (target?.kind !== 'attribute' || !target.filter || isGroupMembers(target, context)) {
    return operation;
  }
  if (view.selected(target).length > 0) return operation;
  const element = missingElement(target, operation.value, context.registry);
  return element ? { op: 'add', path: attributeText(target), value: [element] } : operation;
}
