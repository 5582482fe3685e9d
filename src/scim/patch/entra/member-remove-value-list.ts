import { ScimError, ScimType } from '../../errors/scim-error.js';
import type { Filter } from '../../filter/ast.js';
import { DEFAULT_FILTER_LIMITS } from '../../filter/parser.js';
import { printFilter } from '../../filter/printer.js';
import type { PatchOperation } from '../types.js';
import {
  attributeText,
  isGroupMembers,
  isRecord,
  targetOf,
  type NormalizeContext,
} from './context.js';

/**
 * Group member removal with a value list: Entra's default format removes members with
 * `{"op":"Remove","path":"members","value":[{"$ref":null,"value":"<id>"}, …]}` — a value array
 * instead of a path filter (entra.md §2.4; §5 item 3: MicrosoftDocs/azure-docs#30826,
 * apache/directory-scimple#436/#447, pingidentity/scim2#174, Captain-P-Goldfish/SCIM-SDK#149/#167,
 * ssoready/ssoready#182, thomaspoignant/scim-patch#959; §11 item 25). RFC 7644 §3.5.2.2 has no
 * value on `remove`, so a strict reading removes every member: the one outcome that must not happen.
 *
 * `remove` of `members` (any case, no filter) with a value becomes
 * `remove members[value eq "a" or value eq "b" …]`, which the engine turns into one
 * `{kind: 'remove', values: ['a', 'b']}` delta: only the listed members go, and ids that are not
 * members are no error (§2.4). The value may be an array or a single item; an item is
 * `{"value": "<id>"}` (other keys such as `$ref`, `display` are ignored) or a bare id string.
 * Ids are written as JSON string literals by `printFilter`, so quotes and backslashes survive.
 * Duplicates are dropped; a long list is split over several operations so that no filter exceeds
 * the filter parser's limits. `value: []` removes nothing: the operation is dropped. Without a
 * value (or with `null`) the operation stays the RFC's "remove all members", which Microsoft's
 * Postman collection also exercises (§8.1). An item without a usable id is 400 `invalidValue`.
 * The `aadOptscim062020` form (`members[value eq "<id>"]`, no value) is standard and passes.
 */
export function rewriteMemberRemoveValueList(
  operations: readonly PatchOperation[],
  context: NormalizeContext,
): PatchOperation[] {
  return operations.flatMap((operation, index) => {
    if (operation.op !== 'remove' || operation.value === undefined || operation.value === null) {
      return [operation];
    }
    const target = targetOf(operation, context);
    if (!isGroupMembers(target, context) || target.filter || target.subAttribute) {
      return [operation];
    }
    const ids = memberIds(operation.value, index);
    const attribute = attributeText(target);
    return chunks(ids).map((filter): PatchOperation => ({
      op: 'remove',
      path: `${attribute}[${printFilter(filter)}]`,
    }));
  });
}

/** Room left in a filter for the comparisons (the parser's limits, with a margin). */
const MAX_FILTER_LENGTH = DEFAULT_FILTER_LIMITS.maxLength - 96;
const MAX_COMPARISONS = Math.min(DEFAULT_FILTER_LIMITS.maxComparisons, 100);

function memberIds(value: unknown, index: number): string[] {
  const items: readonly unknown[] = Array.isArray(value) ? value : [value];
  const ids: string[] = [];
  items.forEach((item, position) => {
    const id = idOf(item);
    if (id === undefined) {
      throw new ScimError(
        400,
        `Operation ${index + 1}: "remove" of members lists the members to remove as ` +
          `{"value": "<id>"}; item ${position + 1} has no non-empty string "value"`,
        ScimType.InvalidValue,
      );
    }
    if (comparison(id).length > MAX_FILTER_LENGTH) {
      throw new ScimError(
        400,
        `Operation ${index + 1}: member id ${position + 1} is too long`,
        ScimType.InvalidValue,
      );
    }
    if (!ids.includes(id)) ids.push(id);
  });
  return ids;
}

function idOf(item: unknown): string | undefined {
  if (typeof item === 'string') return item === '' ? undefined : item;
  if (!isRecord(item)) return undefined;
  const keys = Object.keys(item).filter((key) => key.toLowerCase() === 'value');
  const id = keys.length === 1 && keys[0] !== undefined ? item[keys[0]] : undefined;
  return typeof id === 'string' && id !== '' ? id : undefined;
}

const equals = (id: string): Filter => ({ op: 'eq', path: { attr: 'value' }, value: id });
const comparison = (id: string): string => printFilter(equals(id));

/** `value eq "a" or value eq "b" …`, split where a filter would get too long. */
function chunks(ids: readonly string[]): Filter[] {
  const filters: Filter[] = [];
  let current: Filter | undefined;
  let length = 0;
  let count = 0;
  for (const id of ids) {
    const size = comparison(id).length + ' or '.length;
    if (current && (length + size > MAX_FILTER_LENGTH || count >= MAX_COMPARISONS)) {
      filters.push(current);
      current = undefined;
    }
    if (!current) {
      length = 0;
      count = 0;
    }
    current = current ? { op: 'or', left: current, right: equals(id) } : equals(id);
    length += size;
    count += 1;
  }
  if (current) filters.push(current);
  return filters;
}
