import type { PatchOperation } from '../types.js';
import { isGroupMembers, targetOf, withParts, type NormalizeContext } from './context.js';

/**
 * Group members given as bare id strings: Microsoft's Postman collection ("Group tests with
 * garbage" → "Group patch add member") sends `{"op":"add","path":"members","value":"string id 1"}`
 * and expects 204 (entra.md §8.1; §5 item 18 on unknown ids, which the server accepts).
 *
 * For `add`/`replace` of `members` (no filter), a non-empty string, alone or as an element of the
 * value array, becomes `{"value": <string>}`. Empty strings are left alone (`""` as a whole value
 * is `empty-value-clears.ts`; inside an array the engine rejects it).
 */
export function wrapMemberBareIds(
  operations: readonly PatchOperation[],
  context: NormalizeContext,
): PatchOperation[] {
  return operations.map((operation) => {
    if (operation.op === 'remove') return operation;
    const target = targetOf(operation, context);
    if (!isGroupMembers(target, context) || target.filter || target.subAttribute) return operation;
    const { value } = operation;
    if (typeof value === 'string') {
      return value === '' ? operation : withParts(operation.op, operation.path, [{ value }]);
    }
    if (!Array.isArray(value) || !value.some((item) => typeof item === 'string' && item !== '')) {
      return operation;
    }
    const wrapped = value.map((item: unknown) =>
      typeof item === 'string' && item !== '' ? { value: item } : item,
    );
    return withParts(operation.op, operation.path, wrapped);
  });
}
