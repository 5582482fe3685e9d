export { CORE_GROUP_SCHEMA, CORE_GROUP_SCHEMA_URN } from './core-group.js';
export { CORE_USER_SCHEMA, CORE_USER_SCHEMA_URN } from './core-user.js';
export { ENTERPRISE_USER_SCHEMA, ENTERPRISE_USER_SCHEMA_URN } from './enterprise-user.js';
export {
  RESOURCE_TYPE_SCHEMA_URN,
  SCHEMA_SCHEMA_URN,
  SchemaRegistry,
  toResourceTypeResource,
  toScimSchemaResource,
  type AttributePath,
  type ResolvedAttribute,
  type SchemasClassification,
  type ScimAttributeResource,
  type ScimResourceTypeResource,
  type ScimSchemaResource,
} from './registry.js';
export {
  ATTRIBUTE_TYPES,
  attribute,
  COMMON_ATTRIBUTES,
  complexAttribute,
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
