import { ScimError, ScimType } from '../scim/errors/scim-error.js';
import { isRecord, type Json } from '../scim/resource/canonical-value.js';

/**
 * The rules a group's canonical document obeys before it is stored, as pure functions over the
 * document (see `src/scim/patch/types.ts` for its shape). Every refusal is a 400 `ScimError`.
 */

const MEMBERS = 'members';

/** What a group write stores: the document and the columns copied out of it. */
export interface GroupColumns {
  readonly displayName: string;
  readonly externalId: string | null;
  /** The canonical document, without `id`, `meta` and `members`. */
  readonly resource: Json;
}

/** The columns stored next to the document; `displayName` must be a non-blank string. */
export function groupColumns(document: Json): GroupColumns {
  const { displayName, externalId } = document;
  if (typeof displayName !== 'string' || displayName.trim() === '') {
    throw new ScimError(
      400,
      displayName === undefined
        ? 'Attribute "displayName" is required'
        : 'Attribute "displayName" must be a non-empty string',
      ScimType.InvalidValue,
    );
  }
  return {
    displayName,
    externalId: typeof externalId === 'string' ? externalId : null,
    resource: document,
  };
}

/**
 * A whole group as sent (POST, PUT), canonical, split into the document to store and its member
 * ids (`members[].value`, duplicates dropped, in the order sent). Other member sub-attributes are
 * the server's to fill in (`display`, `$ref`, `type` come from the member itself). A member
 * without a non-empty string `value` is a 400 `invalidValue`.
 */
export function splitMembers(resource: Json): { document: Json; memberIds: string[] } {
  if (!Object.hasOwn(resource, MEMBERS)) return { document: resource, memberIds: [] };
  const { [MEMBERS]: members, ...document } = resource;
  const items: readonly unknown[] = Array.isArray(members) ? members : [members];
  const ids = new Set<string>();
  items.forEach((item, position) => {
    const id = isRecord(item) ? item.value : undefined;
    if (typeof id !== 'string' || id === '') {
      throw new ScimError(
        400,
        `members[${position}].value must be the id of a user or group of this tenant`,
        ScimType.InvalidValue,
      );
    }
    ids.add(id);
  });
  return { document, memberIds: [...ids] };
}
