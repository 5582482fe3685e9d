import type { PatchOperation } from '../types.js';
import { decodeAppRoleJsonStrings } from './app-role-json-strings.js';
import { coerceBooleanStrings } from './boolean-strings.js';
import type { NormalizeContext, Quirk } from './context.js';
import { clearEmptyValues } from './empty-value-clears.js';
import { readEnvelope } from './envelope.js';
import { createMissingElements } from './filtered-missing-element.js';
import { normalizeManager } from './manager-reference.js';
import { wrapMemberBareIds } from './member-bare-ids.js';
import { rewriteMemberRemoveValueList } from './member-remove-value-list.js';
import { expandNoPathObjects } from './no-path-keys.js';
import { normalizeOpNames } from './op-case.js';
import { coerceFilterBooleans } from './role-primary.js';

export type { NormalizeContext, Quirk } from './context.js';
export { PATCH_OP_SCHEMA } from './envelope.js';

/**
 * The quirks, in the order they run. Each is a pure `(operations, context) => operations` and
 * documents its source in entra.md. They run after `envelope.ts` (the PatchOp message, empty
 * `Operations`) and `op-case.ts` (which turns raw operations into `PatchOperation`s). The order
 * matters where quirks compose:
 * 1. `no-path-keys` first, so that every later quirk sees one attribute per operation;
 * 2. the value and filter rewrites that need no state (`boolean-strings`, `role-primary`,
 *    `app-role-json-strings`, `member-bare-ids`, `member-remove-value-list`), so that
 *    `roles[primary eq "True"]` has become `roles[primary eq true]` before anything evaluates it;
 * 3. the quirks that look at the current values, each with its own `DocumentView`: `manager-reference`
 *    (it owns every `""`/`null` of the manager), then `empty-value-clears`, then
 *    `filtered-missing-element` last, so it creates elements from final values and filters.
 */
const QUIRKS: readonly Quirk[] = [
  expandNoPathObjects,
  coerceBooleanStrings,
  coerceFilterBooleans,
  decodeAppRoleJsonStrings,
  wrapMemberBareIds,
  rewriteMemberRemoveValueList,
  normalizeManager,
  clearEmptyValues,
  createMissingElements,
];

/**
 * Reads a PATCH request body as Microsoft Entra ID sends it, in its default wire format or the
 * `aadOptscim062020` one (entra.md §2.3, §2.4, §2.6; the server cannot tell which a tenant uses),
 * and returns the standard RFC 7644 operations that mean the same, for `applyPatch`.
 *
 * The PatchOp envelope is validated here (`envelope.ts`, `op-case.ts`): a body that is not a
 * PatchOp message is a 400 `invalidSyntax`. Everything else that is wrong (unknown paths, values
 * of the wrong type, `noTarget`) is left for the engine to report. An empty result (`Operations:
 * []`, or only operations that change nothing) means: answer success, change nothing. Throws only
 * `ScimError`. `context.resource` is the current canonical document; it is not modified.
 */
export function normalizePatchRequest(body: unknown, context: NormalizeContext): PatchOperation[] {
  const operations = normalizeOpNames(readEnvelope(body));
  return QUIRKS.reduce<PatchOperation[]>((current, quirk) => quirk(current, context), operations);
}
