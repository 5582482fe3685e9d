import { ScimError, ScimType } from '../../errors/scim-error.js';
import type { PatchOpName, PatchOperation } from '../types.js';
import type { RawOperation } from './envelope.js';

const OP_NAMES: readonly PatchOpName[] = ['add', 'replace', 'remove'];

/**
 * `op` without case: Entra's default wire format sends `Add`, `Replace` and `Remove`, the
 * `aadOptscim062020` one `add`, `replace`, `remove` (entra.md §2.3, §2.6, §3.3; §5 item 1:
 * thomaspoignant/scim-patch#5/#6 and onyx-dot-app/onyx#8692 rejected the capitalised form; §11
 * item 15). Any other name is 400 `invalidSyntax` naming the operation.
 *
 * This is where raw operations become standard `PatchOperation`s, so it runs right after the
 * envelope is read and before every other quirk.
 */
export function normalizeOpNames(operations: readonly RawOperation[]): PatchOperation[] {
  return operations.map((operation, index) => {
    const lower = operation.op.toLowerCase();
    const op = OP_NAMES.find((name) => name === lower);
    if (op === undefined) {
      const shown = operation.op.length > 40 ? `${operation.op.slice(0, 37)}...` : operation.op;
      throw new ScimError(
        400,
        `Operation ${index + 1}: "op" must be "add", "replace" or "remove" (any case), not ${JSON.stringify(shown)}`,
        ScimType.InvalidSyntax,
      );
    }
    return { ...operation, op };
  });
}
