import { ScimError, ScimType } from '../errors/scim-error.js';
import type { SchemaRegistry } from '../schema/registry.js';
import type { AttributeDefinition, ResourceTypeName, SchemaDefinition } from '../schema/types.js';
import { canonicalizeValue, isRecord, type Json } from './canonical-value.js';

export interface CanonicalizeResourceOptions {
  /**
   * A `urn:…` key that is not a schema of the resource type (another type's schema, a typo such as
   * `…:enterprise:2.0User`, an extension the tenant has not registered): kept as sent when false
   * (the default, RFC 7644 §3.3 lets servers ignore what they do not know, and entra.md §2.3 lists
   * unknown URIs among what Entra sends), 400 `invalidValue` when true.
   */
  readonly strictExtensions?: boolean;
  /** Keep read-only attributes (`id`, `meta`, `groups`, …) instead of ignoring them (RFC 7644 §3.5.1). */
  readonly keepReadOnly?: boolean;
  /** Check that required attributes and required extensions are present (default true). */
  readonly checkRequired?: boolean;
}

export interface CanonicalResource {
  /** The canonical document (see `src/scim/patch/types.ts`). */
  readonly resource: Json;
  /** Paths of the keys that were left out: unknown attributes and read-only ones, as sent. */
  readonly ignored: readonly string[];
}

const SCHEMAS = 'schemas';

/**
 * The canonical document for a whole resource sent by a client (POST, PUT):
 * - core attribute keys spelled as the registry spells them, values validated and canonicalised
 *   by `canonicalizeValue` (null / `[]` / `{}` → left out);
 * - extension objects under their correctly-cased URN key (any case accepted), their attributes
 *   canonicalised the same way; a URN-qualified attribute key (`urn:…:User:department`) lands in
 *   its extension object, and a key that is the core schema URN is read as core attributes;
 * - `schemas`: known URNs correctly cased, duplicates removed, unknown URNs kept as sent; the core
 *   URN is put first when missing and every extension with data is listed;
 * - unknown attribute keys (not `urn:…`) are left out and reported in `ignored` (Microsoft's
 *   Postman collection expects a PUT with the misspelt `adreses` to succeed);
 * - read-only attributes (`id`, `meta`, `groups`, read-only sub-attributes) are ignored unless
 *   `keepReadOnly`.
 * Errors are 400: `invalidSyntax` when the body is not an object, `invalidValue` for wrong types,
 * a missing required attribute or extension, a key given twice in different cases, or (strict
 * mode) an unknown schema URN key.
 */
export function canonicalizeResource(
  input: unknown,
  registry: SchemaRegistry,
  resourceType: ResourceTypeName,
  options: CanonicalizeResourceOptions = {},
): CanonicalResource {
  if (!isRecord(input)) {
    throw new ScimError(400, `A ${resourceType} must be a JSON object`, ScimType.InvalidSyntax);
  }
  const ignored: string[] = [];
  const valueOptions = { keepReadOnly: options.keepReadOnly ?? false, ignored };
  const core = registry.coreSchemaOf(resourceType);
  const coreAttributes: Json = {};
  const extensions = new Map<string, Json>();
  const unknownUrns: Json = {};
  /** Lower-cased canonical path → the key it came from, to reject `userName` + `USERNAME`. */
  const seen = new Map<string, string>();
  let schemas: unknown;

  const claim = (canonicalPath: string, key: string): void => {
    const previous = seen.get(canonicalPath.toLowerCase());
    if (previous !== undefined) {
      invalid(`Attribute ${JSON.stringify(canonicalPath)} is given twice (${previous}, ${key})`);
    }
    seen.set(canonicalPath.toLowerCase(), key);
  };

  const put = (
    schema: SchemaDefinition,
    attribute: AttributeDefinition,
    value: unknown,
    key: string,
  ): void => {
    const isExtension = schema.id !== core.id;
    const path = isExtension ? `${schema.id}:${attribute.name}` : attribute.name;
    claim(path, key);
    if (attribute.mutability === 'readOnly' && !options.keepReadOnly) {
      if (value !== undefined && value !== null) ignored.push(path);
      return;
    }
    const canonical = canonicalizeValue(attribute, value, path, valueOptions);
    if (canonical === undefined) return;
    if (!isExtension) {
      coreAttributes[attribute.name] = canonical;
      return;
    }
    const target = extensions.get(schema.id) ?? {};
    target[attribute.name] = canonical;
    extensions.set(schema.id, target);
  };

  const putAll = (schema: SchemaDefinition, value: unknown, key: string): void => {
    if (value === null || value === undefined) return;
    if (!isRecord(value)) invalid(`${JSON.stringify(key)} must be a JSON object`);
    for (const [name, attributeValue] of Object.entries(value)) {
      const attribute = registry.findAttribute(schema.id, name);
      if (attribute) put(schema, attribute, attributeValue, `${key}.${name}`);
      else ignored.push(`${schema.id === core.id ? '' : `${schema.id}:`}${name}`);
    }
  };

  for (const [key, value] of Object.entries(input)) {
    if (key.toLowerCase() === SCHEMAS) {
      claim(SCHEMAS, key);
      schemas = value;
      continue;
    }
    if (key.slice(0, 4).toLowerCase() !== 'urn:') {
      const attribute = registry.findAttribute(core.id, key);
      if (attribute) put(core, attribute, value, key);
      else ignored.push(key);
      continue;
    }
    const schema = registry.schema(key);
    if (schema && (schema.id === core.id || registry.isExtensionOf(resourceType, schema.id))) {
      claim(`${schema.id}:`, key);
      putAll(schema, value, key);
      continue;
    }
    const resolved = registry.resolve(resourceType, key);
    if (resolved && !resolved.subAttribute) {
      put(resolved.schema, resolved.attribute, value, key);
      continue;
    }
    if (options.strictExtensions) {
      invalid(`${JSON.stringify(key)} is not a schema of the ${resourceType} resource type`);
    }
    if (value !== null && value !== undefined) unknownUrns[key] = structuredClone(value);
  }

  const resource: Json = {
    schemas: canonicalSchemas(schemas, registry, resourceType, [...extensions.keys()]),
    ...coreAttributes,
  };
  // Extensions in the order the registry lists them, so equal inputs give equal documents.
  for (const urn of registry.extensionsOf(resourceType)) {
    const extension = extensions.get(urn);
    if (extension) resource[urn] = extension;
  }
  Object.assign(resource, unknownUrns);

  if (options.checkRequired ?? true) checkRequired(resource, registry, resourceType);
  return { resource, ignored };
}

function invalid(detail: string): never {
  throw new ScimError(400, detail, ScimType.InvalidValue);
}

function canonicalSchemas(
  value: unknown,
  registry: SchemaRegistry,
  resourceType: ResourceTypeName,
  withData: readonly string[],
): string[] {
  if (value !== undefined && value !== null) {
    if (!Array.isArray(value) || !value.every((urn) => typeof urn === 'string')) {
      invalid('"schemas" must be an array of schema URNs');
    }
  }
  const sent = Array.isArray(value)
    ? value.filter((urn): urn is string => typeof urn === 'string')
    : [];
  const core = registry.coreSchemaOf(resourceType).id;
  const result: string[] = [];
  const lower = new Set<string>();
  const add = (urn: string): void => {
    if (lower.has(urn.toLowerCase())) return;
    lower.add(urn.toLowerCase());
    result.push(urn);
  };
  add(core);
  for (const urn of sent) {
    const known = registry.schema(urn);
    const ours = known && (known.id === core || registry.isExtensionOf(resourceType, known.id));
    add(ours ? known.id : urn);
  }
  withData.forEach(add);
  return result;
}

function checkRequired(
  resource: Json,
  registry: SchemaRegistry,
  resourceType: ResourceTypeName,
): void {
  const missing = (schema: SchemaDefinition, container: Json | undefined, prefix: string): void => {
    for (const attribute of schema.attributes) {
      // The service provider assigns read-only attributes such as `id`.
      if (!attribute.required || attribute.mutability === 'readOnly') continue;
      if (container?.[attribute.name] === undefined) {
        invalid(`Attribute ${JSON.stringify(prefix + attribute.name)} is required`);
      }
    }
  };
  missing(registry.coreSchemaOf(resourceType), resource, '');
  for (const schema of registry.extensionSchemasOf(resourceType)) {
    const container = resource[schema.id];
    if (isRecord(container)) missing(schema, container, `${schema.id}:`);
  }
  const { missingRequired } = registry.classifySchemas(resourceType, []);
  for (const urn of missingRequired) {
    if (!isRecord(resource[urn])) invalid(`The extension ${JSON.stringify(urn)} is required`);
  }
}
