import { ScimError, ScimType } from '../errors/scim-error.js';
import type { SchemaRegistry } from '../schema/registry.js';
import type { AttributeDefinition, ResourceTypeName, SchemaDefinition } from '../schema/types.js';

/**
 * The `attributes` / `excludedAttributes` of a request (RFC 7644 §3.4.2.5, §3.9), as parsed by
 * {@link parseAttributeList}. Both absent or empty: every attribute returned by default.
 */
export interface Projection {
  readonly attributes?: readonly string[];
  readonly excludedAttributes?: readonly string[];
}

type Json = Record<string, unknown>;

const isRecord = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * Reads an `attributes` or `excludedAttributes` value: a comma-separated string (query), an array
 * of strings (a `.search` body, or a query parameter given twice), or absent. Names are trimmed,
 * keep their spelling (matching is case-insensitive) and are de-duplicated without regard to case.
 * Commas inside `[…]` or quotes do not split, so `emails[type eq "a,b"]` stays one name. Anything
 * else (a number, an object, an array with a non-string) is a 400 `invalidValue`.
 */
export function parseAttributeList(value: unknown, parameter = 'attributes'): string[] {
  if (value === undefined || value === null) return [];
  const items = Array.isArray(value) ? value : [value];
  const names: string[] = [];
  const seen = new Set<string>();
  for (const item of items) {
    if (typeof item !== 'string') {
      throw new ScimError(
        400,
        `${parameter} must be a comma-separated list of attribute names, got ${JSON.stringify(value)}`,
        ScimType.InvalidValue,
      );
    }
    for (const name of splitNames(item)) {
      const lower = name.toLowerCase();
      if (seen.has(lower)) continue;
      seen.add(lower);
      names.push(name);
    }
  }
  return names;
}

/** Splits on commas that are outside brackets and quoted strings; drops empty names. */
function splitNames(text: string): string[] {
  const names: string[] = [];
  let depth = 0;
  let quoted = false;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const char = text.charAt(i);
    if (quoted) {
      if (char === '\\') i++;
      else if (char === '"') quoted = false;
    } else if (char === '"') quoted = true;
    else if (char === '[') depth++;
    else if (char === ']') depth = Math.max(0, depth - 1);
    else if (char === ',' && depth === 0) {
      names.push(text.slice(start, i));
      start = i + 1;
    }
  }
  names.push(text.slice(start));
  return names.map((name) => name.trim()).filter((name) => name !== '');
}

/**
 * `emails[type eq "work"]` → `emails`, `emails[type eq "work"].value` → `emails.value`. RFC 7644
 * allows only attribute paths here; Microsoft's Postman collection sends value filters anyway and
 * expects the attribute back, so the filter is dropped and the whole attribute (or sub-attribute)
 * is selected.
 */
function withoutValueFilter(name: string): string {
  const open = name.indexOf('[');
  if (open < 0) return name;
  const close = name.lastIndexOf(']');
  return name.slice(0, open) + (close > open ? name.slice(close + 1) : '');
}

/** Returns `document` as the projection asks; see {@link ResourceProjection}. */
export function projectResource(
  document: Readonly<Json>,
  projection: Projection,
  registry: SchemaRegistry,
  resourceType: ResourceTypeName,
): Json {
  return new ResourceProjection(projection, registry, resourceType).apply(document);
}

/**
 * Whether an attribute (`members`, `name.givenName`, `urn:…:User:manager`) would be in a response
 * under this projection, so a caller can skip loading it (Groups skip `group_members` for
 * `excludedAttributes=members`).
 */
export function wantsAttribute(
  projection: Projection,
  path: string,
  registry: SchemaRegistry,
  resourceType: ResourceTypeName,
): boolean {
  return new ResourceProjection(projection, registry, resourceType).wants(path);
}

/** What a list names inside one attribute: all of it, or some of its sub-attributes (lower-cased). */
type Named = 'whole' | Set<string>;

/** What a list names inside one schema (the core schema or one extension). */
interface Scope {
  /** The schema's URN itself was named: every attribute of it. */
  whole: boolean;
  /** Lower-cased attribute name → what is named in it. */
  readonly attributes: Map<string, Named>;
}

/** Decides, per sub-attribute, whether it stays in a kept complex value. */
type SubFilter = (name: string, definition: AttributeDefinition | undefined) => boolean;

const EMPTY_SCOPE: Scope = { whole: false, attributes: new Map() };

/**
 * A projection compiled for one resource type, to apply to many documents (a list page).
 *
 * Rules (RFC 7644 §3.4.2.5, RFC 7643 §7 `returned`):
 * - `schemas` and attributes `returned: always` (`id`) are always kept; `returned: never`
 *   (`password`) never, at any level.
 * - With a non-empty `attributes`, only the named attributes are kept (plus `always` ones);
 *   `excludedAttributes` is then ignored. Naming a complex attribute keeps all its sub-attributes;
 *   naming `name.givenName` keeps `name` with only `givenName` (and `always` sub-attributes), and
 *   `emails.value` keeps each element's `value`. Naming an extension URN keeps the whole extension
 *   object; naming `urn:…:User:department` (or a bare `department`, when only one extension defines
 *   it) keeps that attribute inside it.
 * - Otherwise every `returned: default` attribute is kept except those named in
 *   `excludedAttributes` (an `always` attribute or sub-attribute cannot be excluded), and
 *   `returned: request` attributes are left out.
 * - Names are matched without regard to case. Names that resolve to no attribute of the resource
 *   type are ignored (neither an error nor a match), because Entra and the Postman collection send
 *   names a server may not support and expect a 200. The one exception: a name equal to a key of
 *   the document that the registry does not know (an unregistered extension URN stored as sent) selects
 *   or excludes that key.
 * - Keys the schema does not define are treated as `returned: default`.
 * - A container the projection emptied (an extension object, a complex value, a multi-valued
 *   attribute whose elements all lost their named sub-attributes) is left out; a container kept
 *   whole stays as it is, even when empty (`members: []`).
 * - `schemas` is returned as stored, also when an extension object is projected away.
 *
 * The input document is never modified; untouched values are shared with it.
 */
export class ResourceProjection {
  private readonly include: boolean;
  private readonly coreUrn: string;
  /** Lower-cased schema URN → what the list names in it. */
  private readonly scopes = new Map<string, Scope>();
  /** Lower-cased names that matched no attribute, for keys the registry does not know. */
  private readonly otherKeys = new Set<string>();

  constructor(
    projection: Projection,
    private readonly registry: SchemaRegistry,
    private readonly resourceType: ResourceTypeName,
  ) {
    const attributes = projection.attributes ?? [];
    this.include = attributes.length > 0;
    this.coreUrn = registry.coreSchemaOf(resourceType).id;
    for (const name of this.include ? attributes : (projection.excludedAttributes ?? [])) {
      this.name(name);
    }
  }

  /** True when this projection keeps every default attribute (no list was given). */
  get isDefault(): boolean {
    return !this.include && this.scopes.size === 0 && this.otherKeys.size === 0;
  }

  apply(document: Readonly<Json>): Json {
    const out: Json = {};
    for (const [key, value] of Object.entries(document)) {
      if (key.toLowerCase() === 'schemas') {
        out[key] = value;
        continue;
      }
      const extension = this.extensionSchema(key);
      if (extension && isRecord(value)) {
        const projected = this.projectObject(extension, value);
        if (projected !== undefined) out[key] = projected;
        continue;
      }
      const definition = this.registry.findAttribute(this.coreUrn, key);
      const projected = definition
        ? this.projectAttribute(definition, value, this.scope(this.coreUrn))
        : this.keepUnknown(this.otherKeys.has(key.toLowerCase()), false)
          ? value
          : undefined;
      if (projected !== undefined) out[key] = projected;
    }
    return out;
  }

  /** Whether the attribute at `path` (any case, URN-qualified or not) would be returned. */
  wants(path: string): boolean {
    const resolved = this.registry.resolve(this.resourceType, withoutValueFilter(path.trim()));
    if (!resolved) {
      return this.keepUnknown(this.otherKeys.has(path.trim().toLowerCase()), false);
    }
    const scope = this.scope(resolved.schema.id);
    const subs = this.decide(resolved.attribute, scope);
    if (subs === undefined) return false;
    return resolved.subAttribute ? subs(resolved.subAttribute.name, resolved.subAttribute) : true;
  }

  /** Records one name of the list. */
  private name(raw: string): void {
    const name = withoutValueFilter(raw.trim());
    if (name === '') return;
    const schema = this.registry.schema(name);
    if (
      schema &&
      (schema.id === this.coreUrn || this.registry.isExtensionOf(this.resourceType, schema.id))
    ) {
      this.scopeFor(schema.id).whole = true;
      return;
    }
    const resolved = this.registry.resolve(this.resourceType, name);
    if (!resolved) {
      this.otherKeys.add(name.toLowerCase());
      return;
    }
    const { attributes } = this.scopeFor(resolved.schema.id);
    const key = resolved.attribute.name.toLowerCase();
    const named = attributes.get(key);
    if (!resolved.subAttribute) attributes.set(key, 'whole');
    else if (named === undefined)
      attributes.set(key, new Set([resolved.subAttribute.name.toLowerCase()]));
    else if (named !== 'whole') named.add(resolved.subAttribute.name.toLowerCase());
  }

  private scopeFor(urn: string): Scope {
    const key = urn.toLowerCase();
    let scope = this.scopes.get(key);
    if (!scope) {
      scope = { whole: false, attributes: new Map() };
      this.scopes.set(key, scope);
    }
    return scope;
  }

  private scope(urn: string): Scope {
    return this.scopes.get(urn.toLowerCase()) ?? EMPTY_SCOPE;
  }

  private extensionSchema(key: string): SchemaDefinition | undefined {
    if (!key.toLowerCase().startsWith('urn:')) return undefined;
    if (!this.registry.isExtensionOf(this.resourceType, key)) return undefined;
    return this.registry.schema(key);
  }

  /** A key without a definition counts as `returned: default`. */
  private keepUnknown(named: boolean, wholeScope: boolean): boolean {
    return this.include ? named || wholeScope : !(named || wholeScope);
  }

  /** An extension object: its attributes are projected one by one. */
  private projectObject(schema: SchemaDefinition, value: Json): Json | undefined {
    const scope = this.scope(schema.id);
    const out: Json = {};
    let dropped = false;
    for (const [key, item] of Object.entries(value)) {
      const definition = this.registry.findAttribute(schema.id, key);
      const projected = definition
        ? this.projectAttribute(definition, item, scope)
        : this.keepUnknown(false, scope.whole)
          ? item
          : undefined;
      if (projected === undefined) dropped = true;
      else out[key] = projected;
    }
    return dropped && Object.keys(out).length === 0 ? undefined : out;
  }

  private projectAttribute(definition: AttributeDefinition, value: unknown, scope: Scope): unknown {
    const keep = this.decide(definition, scope);
    if (keep === undefined) return undefined;
    if (Array.isArray(value)) {
      if (!definition.subAttributes) return value;
      let dropped = false;
      const elements: unknown[] = [];
      for (const element of value as unknown[]) {
        const projected = isRecord(element)
          ? this.projectSubAttributes(definition, element, keep)
          : element;
        if (projected === undefined) dropped = true;
        else elements.push(projected);
      }
      return dropped && elements.length === 0 ? undefined : elements;
    }
    if (isRecord(value) && definition.subAttributes) {
      return this.projectSubAttributes(definition, value, keep);
    }
    return value;
  }

  private projectSubAttributes(
    definition: AttributeDefinition,
    value: Json,
    keep: SubFilter,
  ): Json | undefined {
    const out: Json = {};
    let dropped = false;
    for (const [key, item] of Object.entries(value)) {
      if (keep(key, this.registry.subAttributeOf(definition, key))) out[key] = item;
      else dropped = true;
    }
    return dropped && Object.keys(out).length === 0 ? undefined : out;
  }

  /**
   * Whether an attribute is returned (undefined: it is not), and if so which of its
   * sub-attributes are.
   */
  private decide(definition: AttributeDefinition, scope: Scope): SubFilter | undefined {
    const { returned } = definition;
    if (returned === 'never') return undefined;
    const named = scope.attributes.get(definition.name.toLowerCase());
    const notNever: SubFilter = (_name, sub) => sub?.returned !== 'never';

    if (this.include) {
      if (returned === 'always' || scope.whole || named === 'whole') return notNever;
      if (named === undefined) return undefined;
      return (name, sub) =>
        sub?.returned === 'always' || (sub?.returned !== 'never' && named.has(name.toLowerCase()));
    }

    if (returned !== 'always') {
      if (returned === 'request' || scope.whole || named === 'whole') return undefined;
    }
    const excluded = named instanceof Set ? named : undefined;
    return (name, sub) => {
      if (sub?.returned === 'always') return true;
      if (sub?.returned === 'never' || sub?.returned === 'request') return false;
      return !excluded?.has(name.toLowerCase());
    };
  }
}
