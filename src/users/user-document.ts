import { ScimError, ScimType } from '../scim/errors/scim-error.js';
import { isRecord, type Json } from '../scim/resource/canonical-value.js';
import type { SchemaRegistry } from '../scim/schema/registry.js';
import type { UserColumns } from './users.repository.js';

/**
 * The rules a user's canonical document obeys before it is stored, as pure functions over the
 * document (see `src/scim/patch/types.ts` for its shape). Every refusal is a 400 `ScimError`.
 */

const SCHEMAS = 'schemas';

/** The document without `password`, and the password that was in it (to be hashed). */
export function splitPassword(resource: Json): { document: Json; password?: string } {
  if (!Object.hasOwn(resource, 'password')) return { document: resource };
  const { password, ...document } = resource;
  if (typeof password !== 'string' || password === '') {
    throw new ScimError(
      400,
      'Attribute "password" must be a non-empty string',
      ScimType.InvalidValue,
    );
  }
  return { document, password };
}

/**
 * The columns stored next to the document, and the document as stored:
 * - `userName` must be a non-blank string (it is required, and a blank one cannot be looked up);
 * - `active` absent means active: the document gets `"active": true`, so that the column the host
 *   product reads, the filter `active eq true` and what a GET shows always agree.
 */
export function userColumns(document: Json): UserColumns {
  const { userName, externalId, displayName } = document;
  if (typeof userName !== 'string' || userName.trim() === '') {
    throw new ScimError(
      400,
      userName === undefined
        ? 'Attribute "userName" is required'
        : 'Attribute "userName" must be a non-empty string',
      ScimType.InvalidValue,
    );
  }
  const active = typeof document.active === 'boolean' ? document.active : true;
  return {
    userName,
    externalId: typeof externalId === 'string' ? externalId : null,
    displayName: typeof displayName === 'string' ? displayName : null,
    active,
    resource: document.active === active ? document : { ...document, active },
  };
}

/**
 * The primary email account linking matches on: the `value` of the first element of `emails`
 * marked `primary: true` (the same expression as the linking index), or null.
 */
export function primaryEmailOf(document: Json): string | null {
  const emails = document.emails;
  if (!Array.isArray(emails)) return null;
  const primary = emails.find((email: unknown) => isRecord(email) && email.primary === true) as
    Json | undefined;
  return typeof primary?.value === 'string' ? primary.value : null;
}

/**
 * Account linking (issue 4, item 8): the existing (unlinked) user's document with the sent one
 * applied. Every attribute the client sent replaces the existing one; attributes it did not send
 * stay (they belong to the host product); extension objects merge attribute by attribute, and
 * `schemas` is the union of both (existing first).
 */
export function linkedDocument(existing: Json, sent: Json, registry: SchemaRegistry): Json {
  const merged: Json = {};
  const schemas = new Map<string, string>();
  for (const urn of [...stringList(existing[SCHEMAS]), ...stringList(sent[SCHEMAS])]) {
    if (!schemas.has(urn.toLowerCase())) schemas.set(urn.toLowerCase(), urn);
  }
  merged[SCHEMAS] = [...schemas.values()];
  for (const [key, value] of Object.entries(existing)) {
    if (key !== SCHEMAS) merged[key] = value;
  }
  for (const [key, value] of Object.entries(sent)) {
    if (key === SCHEMAS) continue;
    const before = merged[key];
    merged[key] =
      registry.isExtensionOf('User', key) && isRecord(value) && isRecord(before)
        ? { ...before, ...value }
        : value;
  }
  return merged;
}

function stringList(value: unknown): string[] {
  return Array.isArray(value)
    ? value.filter((item): item is string => typeof item === 'string')
    : [];
}
