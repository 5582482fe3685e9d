import { ScimError, ScimType } from '../errors/scim-error.js';
import { listResponse, type ListResponse } from '../list/list-response.js';
import { CORE_GROUP_SCHEMA, CORE_GROUP_SCHEMA_URN } from './core-group.js';
import { CORE_USER_SCHEMA, CORE_USER_SCHEMA_URN } from './core-user.js';
import { ENTERPRISE_USER_SCHEMA, ENTERPRISE_USER_SCHEMA_URN } from './enterprise-user.js';
import {
  ATTRIBUTE_TYPES,
  MUTABILITIES,
  RETURNED_VALUES,
  UNIQUENESS_VALUES,
  type AttributeDefinition,
  type AttributeType,
  type ExtensionDefinition,
  type Mutability,
  type ResourceTypeDefinition,
  type ResourceTypeName,
  type Returned,
  type SchemaDefinition,
  type SchemaExtensionRef,
  type Uniqueness,
} from './types.js';

/** Schema of the resources served at `/Schemas` (RFC 7643 §7). */
export const SCHEMA_SCHEMA_URN = 'urn:ietf:params:scim:schemas:core:2.0:Schema';
/** Schema of the resources served at `/ResourceTypes` (RFC 7643 §6). */
export const RESOURCE_TYPE_SCHEMA_URN = 'urn:ietf:params:scim:schemas:core:2.0:ResourceType';

/** An attribute path split into its parts (RFC 7644 §3.10 `[URI ":"] ATTRNAME ["." subAttr]`). */
export interface AttributePath {
  readonly uri?: string;
  readonly attr: string;
  readonly sub?: string;
}

/** What an attribute path designates, with its correctly-cased spelling. */
export interface ResolvedAttribute {
  /** The schema that defines the attribute. */
  readonly schema: SchemaDefinition;
  readonly attribute: AttributeDefinition;
  readonly subAttribute?: AttributeDefinition;
  /** `name.familyName`, or URN-qualified for extensions: `urn:…:enterprise:2.0:User:manager.value`. */
  readonly canonicalPath: string;
  readonly isExtension: boolean;
}

/** How the URNs of an incoming `schemas` array relate to a resource type. */
export interface SchemasClassification {
  /** The resource type's core schema is listed. */
  readonly core: boolean;
  /** Listed extensions of the resource type, correctly cased, without duplicates. */
  readonly extensions: readonly string[];
  /** Entries that are neither, as sent (other resource types' schemas included). */
  readonly unknown: readonly string[];
  /** Extensions the resource type requires that are not listed. */
  readonly missingRequired: readonly string[];
}

/** An attribute as rendered in a `/Schemas` resource. */
export interface ScimAttributeResource {
  readonly name: string;
  readonly type: AttributeType;
  readonly multiValued: boolean;
  readonly description: string;
  readonly required: boolean;
  readonly caseExact: boolean;
  readonly canonicalValues?: string[];
  readonly referenceTypes?: string[];
  readonly mutability: Mutability;
  readonly returned: Returned;
  readonly uniqueness: Uniqueness;
  readonly subAttributes?: ScimAttributeResource[];
}

export interface ScimSchemaResource {
  readonly schemas: [typeof SCHEMA_SCHEMA_URN];
  readonly id: string;
  readonly name: string;
  readonly description: string;
  readonly attributes: ScimAttributeResource[];
  readonly meta: { readonly resourceType: 'Schema'; readonly location: string };
}

export interface ScimResourceTypeResource {
  readonly schemas: [typeof RESOURCE_TYPE_SCHEMA_URN];
  readonly id: ResourceTypeName;
  readonly name: ResourceTypeName;
  readonly endpoint: string;
  readonly description: string;
  readonly schema: string;
  readonly schemaExtensions?: { schema: string; required: boolean }[];
  readonly meta: { readonly resourceType: 'ResourceType'; readonly location: string };
}

const RESOURCE_TYPE_NAMES: readonly ResourceTypeName[] = ['User', 'Group'];

const BUILT_IN_SCHEMAS = [CORE_USER_SCHEMA, ENTERPRISE_USER_SCHEMA, CORE_GROUP_SCHEMA].map(
  deepFreeze,
);

const BUILT_IN_RESOURCE_TYPES: readonly ResourceTypeDefinition[] = [
  {
    id: 'User',
    name: 'User',
    endpoint: '/Users',
    description: 'User Account',
    schema: CORE_USER_SCHEMA_URN,
    schemaExtensions: [{ schema: ENTERPRISE_USER_SCHEMA_URN, required: false }],
  },
  {
    id: 'Group',
    name: 'Group',
    endpoint: '/Groups',
    description: 'Group',
    schema: CORE_GROUP_SCHEMA_URN,
    schemaExtensions: [],
  },
];

/** A custom extension after validation. */
interface RegisteredExtension {
  readonly schema: SchemaDefinition;
  readonly resourceType: ResourceTypeName;
  readonly required: boolean;
}

interface ResourceTypeIndex {
  readonly definition: ResourceTypeDefinition;
  readonly core: SchemaDefinition;
  readonly extensions: readonly SchemaDefinition[];
  /** Lower-cased extension URN → the extension. */
  readonly extensionsByUrn: ReadonlyMap<string, SchemaExtensionRef>;
  /** `pathKey(uri, attr, sub)` (lower-cased) → resolution; built once, so lookups are one get. */
  readonly paths: ReadonlyMap<string, ResolvedAttribute>;
}

/**
 * The schemas and resource types one tenant's SCIM endpoint serves: the built-ins (core User with
 * the Enterprise extension, core Group) plus the tenant's custom extensions. Immutable; every
 * lookup is case-insensitive (RFC 7643 §2.1, entra.md §3.3) and answered from maps built in the
 * constructor, because the filter compiler, PATCH engine and projection ask on every request.
 */
export class SchemaRegistry {
  private static builtInRegistry: SchemaRegistry | undefined;

  private readonly custom: readonly RegisteredExtension[];
  private readonly allSchemas: readonly SchemaDefinition[];
  private readonly schemasByUrn = new Map<string, SchemaDefinition>();
  /** Lower-cased URNs, longest first, for splitting `urn:…:attr` paths. */
  private readonly urnsLongestFirst: readonly string[];
  private readonly types = new Map<ResourceTypeName, ResourceTypeIndex>();
  private readonly typesByName = new Map<string, ResourceTypeDefinition>();
  /** Lower-cased schema URN → lower-cased attribute name → attribute. */
  private readonly attributesByUrn = new Map<string, Map<string, AttributeDefinition>>();
  private readonly subAttributes = new WeakMap<
    AttributeDefinition,
    Map<string, AttributeDefinition>
  >();

  private constructor(custom: readonly RegisteredExtension[]) {
    this.custom = custom;
    const ordered: SchemaDefinition[] = [];
    for (const base of BUILT_IN_RESOURCE_TYPES) {
      const own = custom.filter((extension) => extension.resourceType === base.id);
      const definition: ResourceTypeDefinition = deepFreeze({
        ...base,
        schemaExtensions: [
          ...base.schemaExtensions,
          ...own.map(({ schema, required }) => ({ schema: schema.id, required })),
        ],
      });
      const core = builtInSchema(definition.schema);
      const extensions = [
        ...base.schemaExtensions.map((ref) => builtInSchema(ref.schema)),
        ...own.map((extension) => extension.schema),
      ];
      ordered.push(core, ...extensions);
      this.types.set(definition.name, indexResourceType(definition, core, extensions));
      this.typesByName.set(definition.name.toLowerCase(), definition);
    }
    this.allSchemas = Object.freeze(ordered);
    for (const schema of ordered) {
      this.schemasByUrn.set(schema.id.toLowerCase(), schema);
      const byName = new Map<string, AttributeDefinition>();
      for (const attribute of schema.attributes) {
        byName.set(attribute.name.toLowerCase(), attribute);
        if (attribute.subAttributes) {
          this.subAttributes.set(
            attribute,
            new Map(attribute.subAttributes.map((sub) => [sub.name.toLowerCase(), sub])),
          );
        }
      }
      this.attributesByUrn.set(schema.id.toLowerCase(), byName);
    }
    this.urnsLongestFirst = [...this.schemasByUrn.keys()].sort((a, b) => b.length - a.length);
  }

  /** The built-in schemas and resource types only (shared: the registry is immutable). */
  static builtIn(): SchemaRegistry {
    SchemaRegistry.builtInRegistry ??= new SchemaRegistry([]);
    return SchemaRegistry.builtInRegistry;
  }

  /**
   * A registry that also serves `extensions` (tenant-defined, e.g.
   * `urn:ietf:params:scim:schemas:extension:Acme:2.0:User`). Definitions usually come from stored
   * JSON, so each is checked as untrusted input: a bad one is a 400 `invalidValue` naming the fault.
   * Characteristics left out take the defaults of RFC 7643 §2.2.
   */
  withExtensions(extensions: readonly ExtensionDefinition[]): SchemaRegistry {
    if (!Array.isArray(extensions)) fail('Schema extensions must be an array');
    const taken = [...this.schemasByUrn.keys()];
    const added: RegisteredExtension[] = [];
    extensions.forEach((input: unknown, position) => {
      const extension = validateExtension(input, position, taken);
      taken.push(extension.schema.id.toLowerCase());
      added.push(extension);
    });
    return new SchemaRegistry([...this.custom, ...added]);
  }

  /** Every schema, grouped by resource type: User, its extensions, Group, its extensions. */
  get schemas(): readonly SchemaDefinition[] {
    return this.allSchemas;
  }

  /** User first, then Group (the Postman collection checks `Resources[0].endpoint`). */
  get resourceTypes(): readonly ResourceTypeDefinition[] {
    return RESOURCE_TYPE_NAMES.map((name) => this.index(name).definition);
  }

  /** A schema by URN, any case. */
  schema(urn: string): SchemaDefinition | undefined {
    return this.schemasByUrn.get(urn.toLowerCase());
  }

  /** A resource type by name (`User`, `group`, …). */
  resourceType(name: string): ResourceTypeDefinition | undefined {
    return this.typesByName.get(name.toLowerCase());
  }

  coreSchemaOf(resourceType: ResourceTypeName): SchemaDefinition {
    return this.index(resourceType).core;
  }

  /** The extension URNs valid for a resource type, correctly cased. */
  extensionsOf(resourceType: ResourceTypeName): readonly string[] {
    return this.index(resourceType).definition.schemaExtensions.map((ref) => ref.schema);
  }

  /** The extension schemas of a resource type. */
  extensionSchemasOf(resourceType: ResourceTypeName): readonly SchemaDefinition[] {
    return this.index(resourceType).extensions;
  }

  /** Whether `urn` (any case) is an extension of the resource type. */
  isExtensionOf(resourceType: ResourceTypeName, urn: string): boolean {
    return this.index(resourceType).extensionsByUrn.has(urn.toLowerCase());
  }

  /** An attribute of a schema; URN and name in any case. */
  findAttribute(schemaUrn: string, name: string): AttributeDefinition | undefined {
    return this.attributesByUrn.get(schemaUrn.toLowerCase())?.get(name.toLowerCase());
  }

  /** A sub-attribute of a schema's complex attribute; URN and names in any case. */
  findSubAttribute(schemaUrn: string, name: string, sub: string): AttributeDefinition | undefined {
    const attribute = this.findAttribute(schemaUrn, name);
    return attribute && this.subAttributeOf(attribute, sub);
  }

  /** A sub-attribute, by name in any case, of an attribute (indexed when it is one of ours). */
  subAttributeOf(attribute: AttributeDefinition, name: string): AttributeDefinition | undefined {
    const lower = name.toLowerCase();
    const indexed = this.subAttributes.get(attribute);
    if (indexed) return indexed.get(lower);
    return attribute.subAttributes?.find((sub) => sub.name.toLowerCase() === lower);
  }

  /**
   * Resolves an attribute path for a resource type. With a URN, only that schema (core or one of
   * the type's extensions) is searched; without, the core schema first, then an extension that
   * alone defines the name (so `manager.value` finds the Enterprise extension).
   */
  resolvePath(resourceType: ResourceTypeName, path: AttributePath): ResolvedAttribute | undefined {
    if (path.sub === '') return undefined;
    return this.types.get(resourceType)?.paths.get(pathKey(path.uri ?? '', path.attr, path.sub));
  }

  /** `resolvePath` for a path written out: `name.givenName`, `urn:…:2.0:User:manager.value`. */
  resolve(resourceType: ResourceTypeName, path: string): ResolvedAttribute | undefined {
    const parsed = this.parsePath(path);
    return parsed && this.resolvePath(resourceType, parsed);
  }

  /**
   * Splits `[URI ":"] ATTRNAME ["." subAttr]`. A path starting with `urn:` (any case) names the
   * longest registered schema URN it starts with, followed by `:`; URNs contain dots (`2.0`), so
   * the split cannot just look for the first dot. Returns the URN correctly cased, or undefined
   * when no registered URN matches or a name is malformed. Whether the attribute exists is for
   * `resolvePath` to say.
   */
  parsePath(path: string): AttributePath | undefined {
    let uri: string | undefined;
    let rest = path;
    if (path.slice(0, 4).toLowerCase() === 'urn:') {
      const lower = path.toLowerCase();
      const urn = this.urnsLongestFirst.find(
        (candidate) => lower.startsWith(candidate) && lower.charAt(candidate.length) === ':',
      );
      if (urn === undefined) return undefined;
      uri = this.schemasByUrn.get(urn)?.id;
      rest = path.slice(urn.length + 1);
    }
    const dot = rest.indexOf('.');
    const attr = dot < 0 ? rest : rest.slice(0, dot);
    const sub = dot < 0 ? undefined : rest.slice(dot + 1);
    if (!ATTRNAME.test(attr) || (sub !== undefined && !SUB_ATTRNAME.test(sub))) return undefined;
    return { ...(uri === undefined ? {} : { uri }), attr, ...(sub === undefined ? {} : { sub }) };
  }

  /** Sorts the URNs of a resource's `schemas` array; what to do about unknown ones is the caller's. */
  classifySchemas(
    resourceType: ResourceTypeName,
    schemas: readonly string[],
  ): SchemasClassification {
    const index = this.index(resourceType);
    const coreUrn = index.core.id.toLowerCase();
    let core = false;
    const extensions: string[] = [];
    const unknown: string[] = [];
    for (const urn of schemas) {
      const lower = urn.toLowerCase();
      const extension = index.extensionsByUrn.get(lower);
      if (lower === coreUrn) core = true;
      else if (!extension) unknown.push(urn);
      else if (!extensions.includes(extension.schema)) extensions.push(extension.schema);
    }
    const missingRequired = index.definition.schemaExtensions
      .filter((ref) => ref.required && !extensions.includes(ref.schema))
      .map((ref) => ref.schema);
    return { core, extensions, unknown, missingRequired };
  }

  /** The `/Schemas` ListResponse. */
  schemasResource(baseUrl = ''): ListResponse<ScimSchemaResource> {
    const resources = this.allSchemas.map((schema) => toScimSchemaResource(schema, baseUrl));
    return listResponse(resources, resources.length, 1);
  }

  /** `/Schemas/{urn}`, any case; undefined for an unknown URN. */
  schemaResource(urn: string, baseUrl = ''): ScimSchemaResource | undefined {
    const schema = this.schema(urn);
    return schema && toScimSchemaResource(schema, baseUrl);
  }

  /** The `/ResourceTypes` ListResponse: User (with its extensions) first, then Group. */
  resourceTypesResource(baseUrl = ''): ListResponse<ScimResourceTypeResource> {
    const resources = this.resourceTypes.map((type) => toResourceTypeResource(type, baseUrl));
    return listResponse(resources, resources.length, 1);
  }

  /** `/ResourceTypes/{name}`, any case; undefined for an unknown name. */
  resourceTypeResource(name: string, baseUrl = ''): ScimResourceTypeResource | undefined {
    const type = this.resourceType(name);
    return type && toResourceTypeResource(type, baseUrl);
  }

  private index(resourceType: ResourceTypeName): ResourceTypeIndex {
    const index = this.types.get(resourceType);
    if (!index) throw new TypeError(`Unknown resource type ${String(resourceType)}`);
    return index;
  }
}

/**
 * A schema as served at `/Schemas` (RFC 7643 §7, entra.md §2.5): characteristics spelled in
 * camelCase, and no key with a null or undefined value (`canonicalValues`, `referenceTypes` and
 * `subAttributes` appear only where they say something), since Entra's validators reject nulls.
 */
export function toScimSchemaResource(schema: SchemaDefinition, baseUrl = ''): ScimSchemaResource {
  return {
    schemas: [SCHEMA_SCHEMA_URN],
    id: schema.id,
    name: schema.name,
    description: schema.description,
    attributes: schema.attributes.map(renderAttribute),
    meta: { resourceType: 'Schema', location: `${trimSlash(baseUrl)}/Schemas/${schema.id}` },
  };
}

/** A resource type as served at `/ResourceTypes` (RFC 7643 §6). */
export function toResourceTypeResource(
  type: ResourceTypeDefinition,
  baseUrl = '',
): ScimResourceTypeResource {
  return {
    schemas: [RESOURCE_TYPE_SCHEMA_URN],
    id: type.id,
    name: type.name,
    endpoint: type.endpoint,
    description: type.description,
    schema: type.schema,
    ...(type.schemaExtensions.length > 0
      ? {
          schemaExtensions: type.schemaExtensions.map(({ schema, required }) => ({
            schema,
            required,
          })),
        }
      : {}),
    meta: {
      resourceType: 'ResourceType',
      location: `${trimSlash(baseUrl)}/ResourceTypes/${type.id}`,
    },
  };
}

function renderAttribute(attribute: AttributeDefinition): ScimAttributeResource {
  const { canonicalValues, referenceTypes, subAttributes } = attribute;
  return {
    name: attribute.name,
    type: attribute.type,
    multiValued: attribute.multiValued,
    description: attribute.description,
    required: attribute.required,
    caseExact: attribute.caseExact,
    ...(canonicalValues?.length ? { canonicalValues: [...canonicalValues] } : {}),
    ...(referenceTypes?.length ? { referenceTypes: [...referenceTypes] } : {}),
    mutability: attribute.mutability,
    returned: attribute.returned,
    uniqueness: attribute.uniqueness,
    ...(subAttributes?.length ? { subAttributes: subAttributes.map(renderAttribute) } : {}),
  };
}

const trimSlash = (url: string): string => url.replace(/\/+$/, '');

const pathKey = (uri: string, attr: string, sub: string | undefined): string =>
  `${uri.toLowerCase()}\u0000${attr.toLowerCase()}\u0000${sub === undefined ? '' : sub.toLowerCase()}`;

function builtInSchema(urn: string): SchemaDefinition {
  const schema = BUILT_IN_SCHEMAS.find((candidate) => candidate.id === urn);
  if (!schema) throw new TypeError(`No built-in schema ${urn}`);
  return schema;
}

/** Every spelling of every attribute path of one resource type, lower-cased, to its resolution. */
function indexResourceType(
  definition: ResourceTypeDefinition,
  core: SchemaDefinition,
  extensions: readonly SchemaDefinition[],
): ResourceTypeIndex {
  const paths = new Map<string, ResolvedAttribute>();
  const qualified = (schema: SchemaDefinition, isExtension: boolean): void => {
    for (const attribute of schema.attributes) {
      const prefix = isExtension ? `${schema.id}:` : '';
      const resolved: ResolvedAttribute = Object.freeze({
        schema,
        attribute,
        canonicalPath: prefix + attribute.name,
        isExtension,
      });
      paths.set(pathKey(schema.id, attribute.name, undefined), resolved);
      for (const sub of attribute.subAttributes ?? []) {
        paths.set(
          pathKey(schema.id, attribute.name, sub.name),
          Object.freeze({
            schema,
            attribute,
            subAttribute: sub,
            canonicalPath: `${prefix}${attribute.name}.${sub.name}`,
            isExtension,
          }),
        );
      }
    }
  };
  const unqualified = (schema: SchemaDefinition, attribute: AttributeDefinition): void => {
    for (const sub of [undefined, ...(attribute.subAttributes ?? [])]) {
      const resolved = paths.get(pathKey(schema.id, attribute.name, sub?.name));
      if (resolved) paths.set(pathKey('', attribute.name, sub?.name), resolved);
    }
  };

  qualified(core, false);
  for (const extension of extensions) qualified(extension, true);

  for (const attribute of core.attributes) unqualified(core, attribute);
  // An extension attribute answers to its bare name only when no core attribute and no other
  // extension of the type has that name, so an unqualified path never silently picks one of two.
  const owners = new Map<string, SchemaDefinition[]>();
  for (const extension of extensions) {
    for (const attribute of extension.attributes) {
      const name = attribute.name.toLowerCase();
      owners.set(name, [...(owners.get(name) ?? []), extension]);
    }
  }
  const coreNames = new Set(core.attributes.map((attribute) => attribute.name.toLowerCase()));
  for (const [name, schemas] of owners) {
    const [only] = schemas;
    if (coreNames.has(name) || schemas.length !== 1 || !only) continue;
    const attribute = only.attributes.find((candidate) => candidate.name.toLowerCase() === name);
    if (attribute) unqualified(only, attribute);
  }

  return {
    definition,
    core,
    extensions,
    extensionsByUrn: new Map(
      definition.schemaExtensions.map((ref) => [ref.schema.toLowerCase(), ref] as const),
    ),
    paths,
  };
}

// ----- validation of custom extensions -----

/** RFC 7643 §2.1: `ATTRNAME = ALPHA *(nameChar)`, `nameChar = "-" / "_" / DIGIT / ALPHA`. */
const ATTRNAME = /^[A-Za-z][A-Za-z0-9_-]*$/;
/** Sub-attributes may also be the reserved `$ref` (RFC 7643 §2.4), in any case like every name. */
const SUB_ATTRNAME = /^(?:[A-Za-z][A-Za-z0-9_-]*|\$ref)$/i;
/**
 * `urn:<NID>:<NSS>` (RFC 8141) without characters that would break a path or filter (spaces,
 * quotes, brackets); must not end with `:`, which would make `<urn>:<attr>` ambiguous.
 */
const URN = /^urn:[a-z0-9][a-z0-9-]{0,31}:[a-z0-9()+,.:=@;$_!*'%/~&-]*[a-z0-9()+,.=@;$_!*'%/~&-]$/i;
/** Namespaces RFC 7643 §10.2 reserves for the SCIM specifications themselves. */
const RESERVED_URN_PREFIXES = ['urn:ietf:params:scim:schemas:core:', 'urn:ietf:params:scim:api:'];

const SCHEMA_KEYS = new Set([
  'id',
  'name',
  'description',
  'attributes',
  'resourceType',
  'required',
  // Harmless in a definition copied from a /Schemas response.
  'schemas',
  'meta',
]);
const ATTRIBUTE_KEYS = new Set([
  'name',
  'type',
  'multiValued',
  'description',
  'required',
  'caseExact',
  'mutability',
  'returned',
  'uniqueness',
  'canonicalValues',
  'referenceTypes',
  'subAttributes',
]);

type Json = Record<string, unknown>;

function fail(detail: string): never {
  throw new ScimError(400, detail, ScimType.InvalidValue);
}

const isRecord = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

function validateExtension(
  input: unknown,
  position: number,
  taken: readonly string[],
): RegisteredExtension {
  const label =
    isRecord(input) && typeof input.id === 'string'
      ? `Schema extension ${JSON.stringify(input.id)}`
      : `Schema extension #${position + 1}`;
  const where = (detail: string): never => fail(`${label}: ${detail}`);
  if (!isRecord(input)) return where('must be an object');
  rejectUnknownKeys(input, SCHEMA_KEYS, where);

  const { id } = input;
  if (typeof id !== 'string' || !URN.test(id)) {
    return where('id must be a URN such as urn:ietf:params:scim:schemas:extension:Name:2.0:User');
  }
  const lower = id.toLowerCase();
  if (RESERVED_URN_PREFIXES.some((prefix) => lower.startsWith(prefix))) {
    return where('id is in a namespace reserved for the SCIM specifications');
  }
  for (const other of taken) {
    if (other === lower) return where('id is already registered');
    // One URN extending another would make `<urn>:<attr>` paths ambiguous.
    if (other.startsWith(`${lower}:`) || lower.startsWith(`${other}:`)) {
      return where(`id overlaps with the registered schema ${other}`);
    }
  }

  const resourceType = extensionResourceType(input.resourceType, id, where);
  const required = optionalBoolean(input, 'required', where);
  const { name } = input;
  if (typeof name !== 'string' || name.trim() === '')
    return where('name must be a non-empty string');
  const description = optionalString(input, 'description', where);
  const attributes = validateAttributes(input.attributes, undefined, where);

  return {
    schema: deepFreeze({ id, name, description, attributes }),
    resourceType,
    required,
  };
}

function extensionResourceType(
  value: unknown,
  id: string,
  where: (detail: string) => never,
): ResourceTypeName {
  if (value === undefined) {
    const suffix = /:(user|group)$/i.exec(id)?.[1]?.toLowerCase();
    if (suffix === 'user') return 'User';
    if (suffix === 'group') return 'Group';
    return where(
      'resourceType is required (User or Group) when the id does not end in :User or :Group',
    );
  }
  const type = RESOURCE_TYPE_NAMES.find(
    (name) => typeof value === 'string' && name.toLowerCase() === value.toLowerCase(),
  );
  return type ?? where('resourceType must be User or Group');
}

/**
 * `parent` is the complex attribute whose sub-attributes these are; errors name attributes by
 * path (`badge.level`) and go through the extension-level `fail`.
 */
function validateAttributes(
  value: unknown,
  parent: string | undefined,
  fail: (detail: string) => never,
): AttributeDefinition[] {
  const what =
    parent === undefined ? 'attributes' : `attribute ${JSON.stringify(parent)} subAttributes`;
  if (!Array.isArray(value) || value.length === 0) {
    return fail(`${what} must be a non-empty array`);
  }
  const seen = new Set<string>();
  return value.map((item: unknown, position) => {
    const path =
      isRecord(item) && typeof item.name === 'string'
        ? parent === undefined
          ? item.name
          : `${parent}.${item.name}`
        : undefined;
    const label = path === undefined ? `${what}[${position}]` : `attribute ${JSON.stringify(path)}`;
    const where = (detail: string): never => fail(`${label} ${detail}`);
    const attribute = validateAttribute(item, parent !== undefined, where, (subAttributes) =>
      validateAttributes(subAttributes, path, fail),
    );
    const lower = attribute.name.toLowerCase();
    // Names are case-insensitive, so `Foo` and `foo` would be one attribute.
    if (seen.has(lower)) return where('is defined twice (names are case-insensitive)');
    seen.add(lower);
    return attribute;
  });
}

function validateAttribute(
  input: unknown,
  isSub: boolean,
  where: (detail: string) => never,
  validateSubAttributes: (value: unknown) => AttributeDefinition[],
): AttributeDefinition {
  if (!isRecord(input)) return where('must be an object');
  rejectUnknownKeys(input, ATTRIBUTE_KEYS, where);
  const { name } = input;
  if (typeof name !== 'string' || !(isSub ? SUB_ATTRNAME : ATTRNAME).test(name)) {
    return where(
      'has an invalid name: a letter, then letters, digits, "-" or "_" (RFC 7643 §2.1)' +
        (isSub ? ', or "$ref"' : ''),
    );
  }
  const type = oneOf(input, 'type', ATTRIBUTE_TYPES, 'string', where);
  if (name.toLowerCase() === '$ref' && (name !== '$ref' || type !== 'reference')) {
    return where('must be spelt "$ref" and be of type reference');
  }

  const referenceTypes = optionalStrings(input, 'referenceTypes', where);
  if (type === 'reference' && !referenceTypes?.length) {
    return where('of type reference needs referenceTypes (RFC 7643 §7)');
  }
  if (type !== 'reference' && referenceTypes !== undefined) {
    return where('has referenceTypes but is not of type reference');
  }

  let subAttributes: AttributeDefinition[] | undefined;
  if (type === 'complex') {
    // RFC 7643 §2.3.8: a complex attribute's sub-attributes are never complex.
    if (isSub) return where('is complex inside a complex attribute; only one level is allowed');
    subAttributes = validateSubAttributes(input.subAttributes);
  } else if (input.subAttributes !== undefined) {
    return where('has subAttributes but is not of type complex');
  }

  const canonicalValues = optionalStrings(input, 'canonicalValues', where);
  return {
    name,
    type,
    multiValued: optionalBoolean(input, 'multiValued', where),
    description: optionalString(input, 'description', where),
    required: optionalBoolean(input, 'required', where),
    caseExact: optionalBoolean(input, 'caseExact', where),
    mutability: oneOf(input, 'mutability', MUTABILITIES, 'readWrite', where),
    returned: oneOf(input, 'returned', RETURNED_VALUES, 'default', where),
    uniqueness: oneOf(input, 'uniqueness', UNIQUENESS_VALUES, 'none', where),
    ...(canonicalValues?.length ? { canonicalValues } : {}),
    ...(referenceTypes ? { referenceTypes } : {}),
    ...(subAttributes ? { subAttributes } : {}),
  };
}

function rejectUnknownKeys(
  input: Json,
  allowed: ReadonlySet<string>,
  where: (detail: string) => never,
): void {
  const unknown = Object.keys(input).filter((key) => !allowed.has(key));
  if (unknown.length > 0) where(`has unknown keys ${unknown.map((k) => `"${k}"`).join(', ')}`);
}

function oneOf<T extends string>(
  input: Json,
  key: string,
  values: readonly T[],
  fallback: T,
  where: (detail: string) => never,
): T {
  const value = input[key];
  if (value === undefined) return fallback;
  const match = values.find((candidate) => candidate === value);
  return (
    match ?? where(`has ${key} ${JSON.stringify(value)}; expected one of ${values.join(', ')}`)
  );
}

function optionalBoolean(input: Json, key: string, where: (detail: string) => never): boolean {
  const value = input[key];
  if (value === undefined) return false;
  return typeof value === 'boolean' ? value : where(`${key} must be true or false`);
}

function optionalString(input: Json, key: string, where: (detail: string) => never): string {
  const value = input[key];
  if (value === undefined) return '';
  return typeof value === 'string' ? value : where(`${key} must be a string`);
}

function optionalStrings(
  input: Json,
  key: string,
  where: (detail: string) => never,
): string[] | undefined {
  const value = input[key];
  if (value === undefined) return undefined;
  if (!Array.isArray(value) || !value.every((item) => typeof item === 'string')) {
    return where(`${key} must be an array of strings`);
  }
  return [...value];
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}
