import { ScimError, ScimType } from '../errors/scim-error.js';
import { jsonEqual, sameValue } from '../patch/json.js';
import type { SchemaRegistry } from '../schema/registry.js';
import type { ResourceTypeName } from '../schema/types.js';
import { isRecord, type Json } from './canonical-value.js';

/**
 * What changes between two canonical documents of one resource type (see
 * `src/scim/patch/types.ts`), as audit rows name it and as a replace (PUT) must respect it.
 */

const SCHEMAS = 'schemas';

/**
 * The attribute paths a document holds, as audit rows name them: core attributes by name,
 * extension attributes as `<urn>:<name>`; `schemas` is not an attribute.
 */
export function attributePaths(
  document: Json,
  registry: SchemaRegistry,
  resourceType: ResourceTypeName,
): string[] {
  const paths: string[] = [];
  for (const [key, value] of Object.entries(document)) {
    if (key === SCHEMAS) continue;
    if (registry.isExtensionOf(resourceType, key) && isRecord(value)) {
      for (const name of Object.keys(value)) paths.push(`${key}:${name}`);
    } else {
      paths.push(key);
    }
  }
  return paths;
}

/** The attribute paths whose stored value differs between two documents (exact JSON equality). */
export function changedPaths(
  before: Json,
  after: Json,
  registry: SchemaRegistry,
  resourceType: ResourceTypeName,
): string[] {
  const valueAt = (document: Json, path: string): unknown => {
    const colon = path.lastIndexOf(':');
    const urn = colon < 0 ? '' : path.slice(0, colon);
    if (colon < 0 || !registry.isExtensionOf(resourceType, urn)) return document[path];
    const extension = document[urn];
    return isRecord(extension) ? extension[path.slice(colon + 1)] : undefined;
  };
  const paths = new Set([
    ...attributePaths(before, registry, resourceType),
    ...attributePaths(after, registry, resourceType),
  ]);
  return [...paths].filter((path) => !jsonEqual(valueAt(before, path), valueAt(after, path)));
}

/**
 * A replace (PUT) may not change an `immutable` attribute that has a value (RFC 7643 §2.2): a
 * different value is a 400 `mutability`; leaving it out keeps the stored value (a client cannot
 * clear it either), and re-sending it in another case where it is not case-exact keeps the stored
 * spelling. Returns the document to store.
 */
export function keepImmutable(
  before: Json,
  after: Json,
  registry: SchemaRegistry,
  resourceType: ResourceTypeName,
): Json {
  const result: Json = { ...after };
  const core = registry.coreSchemaOf(resourceType);
  for (const schema of [core, ...registry.extensionSchemasOf(resourceType)]) {
    const isCore = schema.id === core.id;
    const beforeContainer = isCore ? before : before[schema.id];
    if (!isRecord(beforeContainer)) continue;
    for (const attribute of schema.attributes) {
      if (attribute.mutability !== 'immutable') continue;
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
