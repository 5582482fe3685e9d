import { Field, ID, InputType, ObjectType, registerEnumType } from '@nestjs/graphql';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsOptional,
  IsString,
  MaxLength,
  ValidateNested,
} from 'class-validator';
import type { SchemaRegistry } from '../../scim/schema/registry.js';
import {
  ATTRIBUTE_TYPES,
  MUTABILITIES,
  RETURNED_VALUES,
  UNIQUENESS_VALUES,
  type AttributeDefinition,
  type AttributeType,
  type ExtensionDefinition,
  type Mutability,
  type ResourceTypeName,
  type Returned,
  type Uniqueness,
} from '../../scim/schema/types.js';
import type { TenantSchemaSettings } from '../scim-schema-registry.service.js';

/** A GraphQL enum whose values are spelt exactly as in SCIM (`readWrite`, `dateTime`). */
const enumOf = <T extends string>(values: readonly T[]): { [K in T]: K } =>
  Object.fromEntries(values.map((value) => [value, value])) as { [K in T]: K };

const RESOURCE_TYPES: readonly ResourceTypeName[] = ['User', 'Group'];

export const ScimAttributeTypeEnum = enumOf(ATTRIBUTE_TYPES);
export const ScimMutabilityEnum = enumOf(MUTABILITIES);
export const ScimReturnedEnum = enumOf(RETURNED_VALUES);
export const ScimUniquenessEnum = enumOf(UNIQUENESS_VALUES);
export const ScimResourceTypeEnum = enumOf(RESOURCE_TYPES);

registerEnumType(ScimAttributeTypeEnum, {
  name: 'ScimAttributeType',
  description: 'RFC 7643 §2.3 attribute data type.',
});
registerEnumType(ScimMutabilityEnum, { name: 'ScimMutability', description: 'RFC 7643 §7.' });
registerEnumType(ScimReturnedEnum, { name: 'ScimReturned', description: 'RFC 7643 §7.' });
registerEnumType(ScimUniquenessEnum, { name: 'ScimUniqueness', description: 'RFC 7643 §7.' });
registerEnumType(ScimResourceTypeEnum, {
  name: 'ScimResourceType',
  description: 'A SCIM resource type an extension can extend.',
});

const MAX_ATTRIBUTES = 200;
const MAX_VALUES = 100;

@InputType({
  description:
    'One attribute of a custom SCIM extension (RFC 7643 §7). Left-out characteristics take the RFC 7643 §2.2 defaults.',
})
export class ScimAttributeInput {
  @Field()
  @IsString()
  @MaxLength(100)
  name!: string;

  @Field(() => ScimAttributeTypeEnum)
  @IsIn(ATTRIBUTE_TYPES)
  type!: AttributeType;

  @Field({ nullable: true })
  @IsOptional()
  @IsBoolean()
  multiValued?: boolean;

  @Field({ nullable: true })
  @IsOptional()
  @IsString()
  @MaxLength(1000)
  description?: string;

  @Field({ nullable: true })
  @IsOptional()
  @IsBoolean()
  required?: boolean;

  @Field({ nullable: true })
  @IsOptional()
  @IsBoolean()
  caseExact?: boolean;

  @Field(() => ScimMutabilityEnum, { nullable: true })
  @IsOptional()
  @IsIn(MUTABILITIES)
  mutability?: Mutability;

  @Field(() => ScimReturnedEnum, { nullable: true })
  @IsOptional()
  @IsIn(RETURNED_VALUES)
  returned?: Returned;

  @Field(() => ScimUniquenessEnum, { nullable: true })
  @IsOptional()
  @IsIn(UNIQUENESS_VALUES)
  uniqueness?: Uniqueness;

  @Field(() => [String], { nullable: true })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(MAX_VALUES)
  @IsString({ each: true })
  @MaxLength(200, { each: true })
  canonicalValues?: string[];

  @Field(() => [String], {
    nullable: true,
    description: 'For type reference: User, Group, external, uri, …',
  })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(MAX_VALUES)
  @IsString({ each: true })
  @MaxLength(200, { each: true })
  referenceTypes?: string[];

  @Field(() => [ScimAttributeInput], {
    nullable: true,
    description: 'For type complex: its sub-attributes (never complex themselves).',
  })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(MAX_ATTRIBUTES)
  @ValidateNested({ each: true })
  @Type(() => ScimAttributeInput)
  subAttributes?: ScimAttributeInput[];
}

@InputType({ description: 'A custom SCIM schema extension of a tenant.' })
export class ScimExtensionInput {
  @Field({
    description: 'The schema URN, e.g. urn:ietf:params:scim:schemas:extension:Acme:2.0:User.',
  })
  @IsString()
  @MaxLength(300)
  id!: string;

  @Field()
  @IsString()
  @MaxLength(200)
  name!: string;

  @Field({ nullable: true })
  @IsOptional()
  @IsString()
  @MaxLength(1000)
  description?: string;

  @Field(() => ScimResourceTypeEnum, {
    nullable: true,
    description: 'The resource type extended; inferred when the id ends in :User or :Group.',
  })
  @IsOptional()
  @IsIn(RESOURCE_TYPES)
  resourceType?: ResourceTypeName;

  @Field({ nullable: true, description: 'Whether resources must carry the extension.' })
  @IsOptional()
  @IsBoolean()
  required?: boolean;

  @Field(() => [ScimAttributeInput])
  @IsArray()
  @ArrayMaxSize(MAX_ATTRIBUTES)
  @ValidateNested({ each: true })
  @Type(() => ScimAttributeInput)
  attributes!: ScimAttributeInput[];
}

@ObjectType('ScimAttribute', { description: "An attribute as the tenant's /Schemas serves it." })
export class ScimAttributeModel {
  @Field() name!: string;
  @Field(() => ScimAttributeTypeEnum) type!: AttributeType;
  @Field() multiValued!: boolean;
  @Field() description!: string;
  @Field() required!: boolean;
  @Field() caseExact!: boolean;
  @Field(() => ScimMutabilityEnum) mutability!: Mutability;
  @Field(() => ScimReturnedEnum) returned!: Returned;
  @Field(() => ScimUniquenessEnum) uniqueness!: Uniqueness;
  @Field(() => [String], { nullable: true }) canonicalValues!: string[] | null;
  @Field(() => [String], { nullable: true }) referenceTypes!: string[] | null;
  @Field(() => [ScimAttributeModel], { nullable: true }) subAttributes!:
    ScimAttributeModel[] | null;
}

@ObjectType('ScimExtension', {
  description: 'A custom SCIM schema extension, with defaults applied.',
})
export class ScimExtensionModel {
  @Field() id!: string;
  @Field() name!: string;
  @Field() description!: string;
  @Field(() => ScimResourceTypeEnum) resourceType!: ResourceTypeName;
  @Field() required!: boolean;
  @Field(() => [ScimAttributeModel]) attributes!: ScimAttributeModel[];
}

@ObjectType('ScimSchemaSettings', { description: "How a tenant's SCIM endpoint treats schemas." })
export class ScimSchemaSettingsModel {
  @Field(() => ID) tenantId!: string;
  @Field({
    description:
      "Unknown URNs in a resource's schemas are rejected (invalidValue) instead of stored as sent.",
  })
  strictSchemas!: boolean;
  @Field(() => [ScimExtensionModel]) extensions!: ScimExtensionModel[];
}

/**
 * A GraphQL input as stored and as the registry reads it: left-out (or null) fields are left out,
 * so the registry applies its defaults and reports every fault (it checks stored definitions as
 * untrusted input, which is why the partial object may stand in for an `ExtensionDefinition`).
 */
export function toExtensionDefinition(input: ScimExtensionInput): ExtensionDefinition {
  return withoutNulls({
    id: input.id,
    name: input.name,
    description: input.description,
    resourceType: input.resourceType,
    required: input.required,
    attributes: input.attributes.map(toAttributeDefinition),
  }) as unknown as ExtensionDefinition;
}

function toAttributeDefinition(input: ScimAttributeInput): AttributeDefinition {
  return withoutNulls({
    name: input.name,
    type: input.type,
    multiValued: input.multiValued,
    description: input.description,
    required: input.required,
    caseExact: input.caseExact,
    mutability: input.mutability,
    returned: input.returned,
    uniqueness: input.uniqueness,
    canonicalValues: input.canonicalValues,
    referenceTypes: input.referenceTypes,
    subAttributes: input.subAttributes?.map(toAttributeDefinition),
  }) as unknown as AttributeDefinition;
}

function withoutNulls(record: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(record).filter(([, value]) => value !== undefined && value !== null),
  );
}

/** The tenant's custom extensions (not the built-in Enterprise one), as its registry serves them. */
export function toScimSchemaSettingsModel(
  tenantId: string,
  settings: TenantSchemaSettings,
  builtIn: SchemaRegistry,
): ScimSchemaSettingsModel {
  const { registry } = settings;
  const extensions: ScimExtensionModel[] = [];
  for (const type of registry.resourceTypes) {
    for (const ref of type.schemaExtensions) {
      const schema = registry.schema(ref.schema);
      if (!schema || builtIn.schema(ref.schema)) continue;
      extensions.push({
        id: schema.id,
        name: schema.name,
        description: schema.description,
        resourceType: type.name,
        required: ref.required,
        attributes: schema.attributes.map(toAttributeModel),
      });
    }
  }
  return { tenantId, strictSchemas: settings.strictSchemas, extensions };
}

function toAttributeModel(attribute: AttributeDefinition): ScimAttributeModel {
  return {
    name: attribute.name,
    type: attribute.type,
    multiValued: attribute.multiValued,
    description: attribute.description,
    required: attribute.required,
    caseExact: attribute.caseExact,
    mutability: attribute.mutability,
    returned: attribute.returned,
    uniqueness: attribute.uniqueness,
    canonicalValues: attribute.canonicalValues ? [...attribute.canonicalValues] : null,
    referenceTypes: attribute.referenceTypes ? [...attribute.referenceTypes] : null,
    subAttributes: attribute.subAttributes ? attribute.subAttributes.map(toAttributeModel) : null,
  };
}
