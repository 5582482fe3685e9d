/** Attribute data types of RFC 7643 §2.3. */
export const ATTRIBUTE_TYPES = [
  'string',
  'boolean',
  'decimal',
  'integer',
  'dateTime',
  'binary',
  'reference',
  'complex',
] as const;
export type AttributeType = (typeof ATTRIBUTE_TYPES)[number];

/** RFC 7643 §7 `mutability`. */
export const MUTABILITIES = ['readOnly', 'readWrite', 'immutable', 'writeOnly'] as const;
export type Mutability = (typeof MUTABILITIES)[number];

/** RFC 7643 §7 `returned`. */
export const RETURNED_VALUES = ['always', 'never', 'default', 'request'] as const;
export type Returned = (typeof RETURNED_VALUES)[number];

/** RFC 7643 §7 `uniqueness`. */
export const UNIQUENESS_VALUES = ['none', 'server', 'global'] as const;
export type Uniqueness = (typeof UNIQUENESS_VALUES)[number];

/** One attribute (or sub-attribute) definition, with the characteristics of RFC 7643 §7. */
export interface AttributeDefinition {
  readonly name: string;
  readonly type: AttributeType;
  readonly multiValued: boolean;
  readonly description: string;
  readonly required: boolean;
  readonly caseExact: boolean;
  readonly mutability: Mutability;
  readonly returned: Returned;
  readonly uniqueness: Uniqueness;
  readonly canonicalValues?: readonly string[];
  /** Only for `reference`: `User`, `Group`, `external`, `uri`, … */
  readonly referenceTypes?: readonly string[];
  /** Only for `complex`; sub-attributes are never complex themselves (RFC 7643 §2.3.8). */
  readonly subAttributes?: readonly AttributeDefinition[];
}

/** A schema (RFC 7643 §7): a URN and the attributes it defines. */
export interface SchemaDefinition {
  readonly id: string;
  readonly name: string;
  readonly description: string;
  readonly attributes: readonly AttributeDefinition[];
}

export type ResourceTypeName = 'User' | 'Group';

export interface SchemaExtensionRef {
  readonly schema: string;
  readonly required: boolean;
}

/** A resource type (RFC 7643 §6). */
export interface ResourceTypeDefinition {
  readonly id: ResourceTypeName;
  readonly name: ResourceTypeName;
  readonly endpoint: string;
  readonly description: string;
  /** URN of the core schema. */
  readonly schema: string;
  readonly schemaExtensions: readonly SchemaExtensionRef[];
}

/**
 * A tenant's custom extension as registered: a schema, the resource type it extends (inferred from
 * a URN ending in `:User` or `:Group` when absent) and whether resources must carry it.
 */
export interface ExtensionDefinition extends SchemaDefinition {
  readonly resourceType?: ResourceTypeName;
  readonly required?: boolean;
}

type Characteristics = Partial<
  Omit<AttributeDefinition, 'name' | 'type' | 'description' | 'subAttributes'>
>;

/**
 * An attribute with the defaults of RFC 7643 §2.2 (optional, single-valued, case-insensitive,
 * readWrite, returned by default, not unique), so definitions spell out only what differs.
 */
export function attribute(
  name: string,
  type: Exclude<AttributeType, 'complex'>,
  description: string,
  characteristics: Characteristics = {},
): AttributeDefinition {
  return {
    name,
    type,
    multiValued: false,
    description,
    required: false,
    caseExact: false,
    mutability: 'readWrite',
    returned: 'default',
    uniqueness: 'none',
    ...characteristics,
  };
}

/** A complex attribute with the RFC 7643 §2.2 defaults. */
export function complexAttribute(
  name: string,
  description: string,
  subAttributes: readonly AttributeDefinition[],
  characteristics: Characteristics = {},
): AttributeDefinition {
  return {
    ...attribute(name, 'string', description, characteristics),
    type: 'complex',
    subAttributes,
  };
}

/**
 * The common attributes of RFC 7643 §3.1. The RFC keeps them out of the schemas, but Entra's
 * gallery harness looks for `externalId` in `/Schemas` (entra.md §2.5), and declaring them lets
 * filters, paths and projections resolve `id`, `externalId` and `meta.*` like any other attribute.
 */
export const COMMON_ATTRIBUTES: readonly AttributeDefinition[] = [
  // `required` is about client input: the service provider assigns `id`.
  attribute(
    'id',
    'string',
    'Unique identifier of the resource, assigned by the service provider.',
    {
      caseExact: true,
      mutability: 'readOnly',
      returned: 'always',
      uniqueness: 'server',
    },
  ),
  attribute('externalId', 'string', 'Identifier of the resource as defined by the client.', {
    caseExact: true,
  }),
  complexAttribute(
    'meta',
    'Resource metadata maintained by the service provider.',
    [
      attribute('resourceType', 'string', 'Name of the resource type of the resource.', {
        caseExact: true,
        mutability: 'readOnly',
      }),
      attribute('created', 'dateTime', 'When the resource was added to the service provider.', {
        mutability: 'readOnly',
      }),
      attribute('lastModified', 'dateTime', 'When the resource was last updated.', {
        mutability: 'readOnly',
      }),
      attribute('location', 'reference', 'URI of the resource being returned.', {
        referenceTypes: ['uri'],
        mutability: 'readOnly',
      }),
      attribute('version', 'string', 'Version (ETag) of the resource being returned.', {
        caseExact: true,
        mutability: 'readOnly',
      }),
    ],
    { mutability: 'readOnly' },
  ),
];
