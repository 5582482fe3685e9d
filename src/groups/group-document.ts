import { ScimError, ScimType } from '../scim/errors/scim-error.js';
import { jsonEqual, sameValue } from '../scim/patch/json.js';
import { isRecord } from '../scim/resource/canonical-value.js';
import type { SchemaRegistry } from '../scim/schema/registry.js';

/**
 * The rules a group's canonical document obeys before it is stored, as pure functions over the
 * document (see `src/scim/patch/types.ts` for its shape). Every refusal is a 400 `ScimError`.
 */

type Json = Record<string, unknown>;

const SCHEMAS = 'schemas';
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

/**
 * The attribute paths a document holds, as audit rows name them: core attributes by name,
 * extension attributes as `<urn>:<name>`; `schemas` is not an attribute.
 */
export function groupAttributePaths(document: Json, registry: SchemaRegistry): string[] {
  const paths: string[] = [];
  for (const [key, value] of Object.entries(document)) {
    if (key === SCHEMAS) continue;
    if (registry.isExtensionOf('Group', key) && isRecord(value)) {
      for (const name of Object.keys(value)) paths.push(`${key}:${name}`);
    } else {
      paths.push(key);
    }
  }
  return paths;
}

/** The attribute paths whose stored value differs between two documents (exact JSON equality). */
export function changedGroupPaths(before: Json, after: Json, registry: SchemaRegistry): string[] {
  const valueAt = (document: Json, path: string): unknown => {
    const colon = path.lastIndexOf(':');
    const urn = colon < 0 ? '' : path.slice(0, colon);
    if (colon < 0 || !registry.isExtensionOf('Group', urn)) return document[path];
    const extension = document[urn];
    return isRecord(extension) ? extension[path.slice(colon + 1)] : undefined;
  };
  const paths = new Set([
    ...groupAttributePaths(before, registry),
    ...groupAttributePaths(after, registry),
  ]);
  return [...paths].filter((path) => !jsonEqual(valueAt(before, path), valueAt(after, path)));
}

/**
 * A replace (PUT) may not change an `immutable` attribute that has a value (RFC 7643 §2.2; the
 * core Group has none, a tenant's Group extension may): a different value is a 400 `mutability`;
 * leaving it out keeps the stored value. Returns the document to store.
 */
export function keepGroupImmutable(before: Json, after: Json, registry: SchemaRegistry): Json {
  const result: Json = { ...after };
  const core = registry.coreSchemaOf('Group');
  for (const schema of [core, ...registry.extensionSchemasOf('Group')]) {
    const isCore = schema.id === core.id;
    const beforeContainer = isCore ? before : before[schema.id];
    if (!isRecord(beforeContainer)) continue;
    for (const attribute of schema.attributes) {
      if (attribute.mutability !== 'immutable' || attribute.name === MEMBERS) continue;
      const old = beforeContainer[attribute.name];
      if (old === undefined) continue;
      const container = isCore ? result : result[schema.id];
      const sent = isRecord(container) ? container[attribute.name] : undefined;
      const path = isCore ? attribute.name : `${schema.id}:${attribute.name}`;
      if (sent !== undefined && !sameValue(attribute, old, sent)) {
        throw new ScimError(
          400,
          `Attribute ${JSON.stringify(path)} is immutable and already has a value`,
          ScimType.Mutability,
        );
      }
      if (isCore) {
        result[attribute.name] = old;
        continue;
      }
      result[schema.id] = { ...(isRecord(container) ? container : {}), [attribute.name]: old };
      const listed = Array.isArray(result[SCHEMAS])
        ? (result[SCHEMAS] as unknown[]).filter((urn): urn is string => typeof urn === 'string')
        : [];
      if (!listed.some((urn) => urn.toLowerCase() === schema.id.toLowerCase())) {
        result[SCHEMAS] = [...listed, schema.id];
      }
    }
  }
  return result;
}
