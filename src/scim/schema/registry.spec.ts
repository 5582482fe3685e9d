import { readFileSync } from 'node:fs';
import { ScimError } from '../errors/scim-error.js';
import {
  CORE_GROUP_SCHEMA_URN,
  CORE_USER_SCHEMA_URN,
  ENTERPRISE_USER_SCHEMA_URN,
  MUTABILITIES,
  RETURNED_VALUES,
  SchemaRegistry,
  UNIQUENESS_VALUES,
  type AttributeDefinition,
  type ExtensionDefinition,
  type ResourceTypeName,
  type ScimAttributeResource,
  type ScimSchemaResource,
} from './index.js';

const fixture = (name: string): unknown =>
  JSON.parse(
    readFileSync(new URL(`../../../test/fixtures/scim/schema/${name}`, import.meta.url), 'utf8'),
  );

const extensionFixtures = fixture('extensions.json') as {
  valid: ExtensionDefinition[];
  invalid: { case: string; extension: unknown; detail: string }[];
};

const ENTERPRISE = ENTERPRISE_USER_SCHEMA_URN;
const ACME_USER = 'urn:ietf:params:scim:schemas:extension:Acme:2.0:User';
const ACME_PEOPLE = 'urn:acme:scim:people:v1.2';
const ACME_GROUP = 'urn:ietf:params:scim:schemas:extension:Acme:2.0:Group';

const registry = SchemaRegistry.builtIn();
const custom = registry.withExtensions(extensionFixtures.valid);

/** Every key path in `value` whose value is null or undefined. */
function nullishPaths(value: unknown, path = '$'): string[] {
  if (Array.isArray(value)) return value.flatMap((item, i) => nullishPaths(item, `${path}[${i}]`));
  if (typeof value !== 'object' || value === null) return [];
  return Object.entries(value).flatMap(([key, child]) =>
    child === null || child === undefined
      ? [`${path}.${key}`]
      : nullishPaths(child, `${path}.${key}`),
  );
}

function rendered(urn: string, target = registry): ScimSchemaResource {
  const schema = target.schemaResource(urn);
  if (!schema) throw new Error(`no schema ${urn}`);
  return schema;
}

function renderedAttribute(urn: string, name: string, sub?: string): ScimAttributeResource {
  const attribute = rendered(urn).attributes.find((a) => a.name === name);
  const result = sub ? attribute?.subAttributes?.find((s) => s.name === sub) : attribute;
  if (!result) throw new Error(`no attribute ${name}${sub ? `.${sub}` : ''}`);
  return result;
}

function scimError(run: () => unknown): ScimError {
  try {
    run();
  } catch (error) {
    if (error instanceof ScimError) return error;
    throw error;
  }
  throw new Error('expected a ScimError');
}

describe('SchemaRegistry.resolve', () => {
  it.each<[ResourceTypeName, string, string, string, boolean]>([
    // resource type, path as sent, canonical path, defining schema, isExtension
    ['User', 'USERNAME', 'userName', CORE_USER_SCHEMA_URN, false],
    ['User', 'userName', 'userName', CORE_USER_SCHEMA_URN, false],
    ['User', 'Name.FamilyName', 'name.familyName', CORE_USER_SCHEMA_URN, false],
    ['User', 'name', 'name', CORE_USER_SCHEMA_URN, false],
    ['User', 'emails.Value', 'emails.value', CORE_USER_SCHEMA_URN, false],
    ['User', 'EMAILS.TYPE', 'emails.type', CORE_USER_SCHEMA_URN, false],
    ['User', 'addresses.postalCode', 'addresses.postalCode', CORE_USER_SCHEMA_URN, false],
    ['User', 'addresses.primary', 'addresses.primary', CORE_USER_SCHEMA_URN, false],
    ['User', 'roles.primary', 'roles.primary', CORE_USER_SCHEMA_URN, false],
    ['User', 'groups.value', 'groups.value', CORE_USER_SCHEMA_URN, false],
    ['User', 'groups.$REF', 'groups.$ref', CORE_USER_SCHEMA_URN, false],
    ['User', 'meta.created', 'meta.created', CORE_USER_SCHEMA_URN, false],
    ['User', 'Meta.LastModified', 'meta.lastModified', CORE_USER_SCHEMA_URN, false],
    ['User', 'id', 'id', CORE_USER_SCHEMA_URN, false],
    ['User', 'EXTERNALID', 'externalId', CORE_USER_SCHEMA_URN, false],
    ['User', 'active', 'active', CORE_USER_SCHEMA_URN, false],
    ['User', 'password', 'password', CORE_USER_SCHEMA_URN, false],
    ['User', 'x509Certificates.value', 'x509Certificates.value', CORE_USER_SCHEMA_URN, false],
    [
      'User',
      'urn:ietf:params:scim:schemas:core:2.0:user:Name.GivenName',
      'name.givenName',
      CORE_USER_SCHEMA_URN,
      false,
    ],
    [
      'User',
      'URN:IETF:PARAMS:SCIM:SCHEMAS:EXTENSION:ENTERPRISE:2.0:user:Manager.Value',
      `${ENTERPRISE}:manager.value`,
      ENTERPRISE,
      true,
    ],
    ['User', `${ENTERPRISE}:manager.$ref`, `${ENTERPRISE}:manager.$ref`, ENTERPRISE, true],
    ['User', `${ENTERPRISE}:manager`, `${ENTERPRISE}:manager`, ENTERPRISE, true],
    ['User', `${ENTERPRISE}:employeeNumber`, `${ENTERPRISE}:employeeNumber`, ENTERPRISE, true],
    // Without a URN, an attribute only the Enterprise extension defines is found there.
    ['User', 'manager.value', `${ENTERPRISE}:manager.value`, ENTERPRISE, true],
    ['User', 'Department', `${ENTERPRISE}:department`, ENTERPRISE, true],
    ['Group', 'members.value', 'members.value', CORE_GROUP_SCHEMA_URN, false],
    ['Group', 'Members.$Ref', 'members.$ref', CORE_GROUP_SCHEMA_URN, false],
    ['Group', 'members.TYPE', 'members.type', CORE_GROUP_SCHEMA_URN, false],
    ['Group', 'DisplayName', 'displayName', CORE_GROUP_SCHEMA_URN, false],
    ['Group', 'externalId', 'externalId', CORE_GROUP_SCHEMA_URN, false],
    ['Group', 'meta.created', 'meta.created', CORE_GROUP_SCHEMA_URN, false],
    [
      'Group',
      'urn:ietf:params:scim:schemas:core:2.0:Group:displayName',
      'displayName',
      CORE_GROUP_SCHEMA_URN,
      false,
    ],
  ])('%s %s → %s', (type, path, canonicalPath, schema, isExtension) => {
    const resolved = registry.resolve(type, path);
    expect(resolved).toMatchObject({ canonicalPath, isExtension });
    expect(resolved?.schema.id).toBe(schema);
    const [attr, sub] = canonicalPath.slice(isExtension ? schema.length + 1 : 0).split('.');
    expect(resolved?.attribute.name).toBe(attr);
    expect(resolved?.subAttribute?.name).toBe(sub);
  });

  it.each<[ResourceTypeName, string]>([
    ['User', 'adreses'],
    ['User', 'name.nope'],
    ['User', 'userName.value'],
    ['User', 'name.familyName.first'],
    ['User', '$ref'],
    ['User', 'emails.display'],
    ['User', 'phoneNumbers.display'],
    ['User', 'addresses.display'],
    ['User', 'members.value'],
    ['User', ''],
    ['User', 'name.'],
    ['User', '.name'],
    ['User', 'user name'],
    ['User', 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User'],
    ['User', 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:'],
    ['User', 'urn:ietf:params:scim:schemas:extension:enterprise:2.0User:department'],
    ['User', 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:Users:department'],
    ['User', 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:userName'],
    ['User', 'urn:ietf:params:scim:schemas:core:2.0:User:department'],
    ['User', 'urn:ietf:params:scim:schemas:core:2.0:Group:displayName'],
    ['User', 'urn:unknown:x:attr'],
    ['User', 'urn:'],
    ['Group', 'userName'],
    ['Group', 'manager.value'],
    ['Group', 'groups.value'],
    ['Group', `${ENTERPRISE}:manager.value`],
  ])('%s %p is unknown', (type, path) => {
    expect(registry.resolve(type, path)).toBeUndefined();
  });
});

describe('SchemaRegistry.resolvePath', () => {
  it.each<[ResourceTypeName, { uri?: string; attr: string; sub?: string }, string | undefined]>([
    ['User', { attr: 'NAME', sub: 'familyname' }, 'name.familyName'],
    ['User', { uri: CORE_USER_SCHEMA_URN.toUpperCase(), attr: 'username' }, 'userName'],
    [
      'User',
      {
        uri: 'urn:ietf:params:scim:schemas:extension:ENTERPRISE:2.0:user',
        attr: 'MANAGER',
        sub: 'VALUE',
      },
      `${ENTERPRISE}:manager.value`,
    ],
    ['User', { uri: ENTERPRISE, attr: 'userName' }, undefined],
    ['User', { uri: CORE_GROUP_SCHEMA_URN, attr: 'displayName' }, undefined],
    ['User', { attr: 'emails', sub: '' }, undefined],
    ['User', { attr: 'emails', sub: 'display' }, undefined],
    ['Group', { attr: 'members', sub: '$REF' }, 'members.$ref'],
  ])('%s %j → %p', (type, path, canonicalPath) => {
    expect(registry.resolvePath(type, path)?.canonicalPath).toBe(canonicalPath);
  });
});

describe('SchemaRegistry.parsePath', () => {
  it.each([
    ['userName', { attr: 'userName' }],
    ['name.familyName', { attr: 'name', sub: 'familyName' }],
    // The URN ends at the longest registered schema URN, not at the first dot ("2.0").
    [
      'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager.value',
      { uri: ENTERPRISE, attr: 'manager', sub: 'value' },
    ],
    [
      'URN:IETF:PARAMS:SCIM:SCHEMAS:EXTENSION:ENTERPRISE:2.0:USER:department',
      { uri: ENTERPRISE, attr: 'department' },
    ],
    [
      'urn:ietf:params:scim:schemas:core:2.0:User:name.givenName',
      { uri: CORE_USER_SCHEMA_URN, attr: 'name', sub: 'givenName' },
    ],
    ['members.$ref', { attr: 'members', sub: '$ref' }],
    ['urn:nobody:knows:attr', undefined],
    ['a.b.c', undefined],
    ['emails[type eq "work"].value', undefined],
  ])('%p → %j', (path, expected) => {
    expect(registry.parsePath(path)).toEqual(expected);
  });

  it('splits custom extension URNs that contain dots', () => {
    expect(custom.parsePath(`${ACME_PEOPLE.toUpperCase()}:Hired`)).toEqual({
      uri: ACME_PEOPLE,
      attr: 'Hired',
    });
    expect(custom.resolve('User', 'urn:acme:scim:people:V1.2:hired')?.canonicalPath).toBe(
      `${ACME_PEOPLE}:hired`,
    );
    expect(registry.parsePath(`${ACME_PEOPLE}:hired`)).toBeUndefined();
  });
});

describe('lookups', () => {
  it('finds schemas, attributes and sub-attributes in any case', () => {
    expect(registry.schema(CORE_USER_SCHEMA_URN.toUpperCase())?.id).toBe(CORE_USER_SCHEMA_URN);
    expect(registry.schema('urn:nope')).toBeUndefined();
    expect(registry.findAttribute(ENTERPRISE.toLowerCase(), 'MANAGER')?.name).toBe('manager');
    expect(registry.findAttribute(CORE_USER_SCHEMA_URN, 'manager')).toBeUndefined();
    expect(registry.findSubAttribute(CORE_USER_SCHEMA_URN, 'Emails', 'VALUE')?.name).toBe('value');
    expect(registry.findSubAttribute(CORE_USER_SCHEMA_URN, 'userName', 'value')).toBeUndefined();
    const members = registry.findAttribute(CORE_GROUP_SCHEMA_URN, 'members') as AttributeDefinition;
    expect(registry.subAttributeOf(members, 'VALUE')?.name).toBe('value');
    expect(registry.resourceType('group')?.endpoint).toBe('/Groups');
    expect(registry.resourceType('Device')).toBeUndefined();
    expect(registry.coreSchemaOf('Group').id).toBe(CORE_GROUP_SCHEMA_URN);
  });

  it('knows the extensions of each resource type', () => {
    expect(registry.extensionsOf('User')).toEqual([ENTERPRISE]);
    expect(registry.extensionsOf('Group')).toEqual([]);
    expect(registry.isExtensionOf('User', ENTERPRISE.toUpperCase())).toBe(true);
    expect(registry.isExtensionOf('Group', ENTERPRISE)).toBe(false);
    expect(custom.extensionsOf('User')).toEqual([ENTERPRISE, ACME_USER, ACME_PEOPLE]);
    expect(custom.extensionsOf('Group')).toEqual([ACME_GROUP]);
    expect(custom.extensionSchemasOf('Group').map((schema) => schema.name)).toEqual(['AcmeGroup']);
  });

  it('is immutable', () => {
    const schemas = registry.schemas as unknown as unknown[];
    expect(() => schemas.push({})).toThrow(TypeError);
    const userName = registry.findAttribute(CORE_USER_SCHEMA_URN, 'userName') as {
      caseExact: boolean;
    };
    expect(() => {
      userName.caseExact = true;
    }).toThrow(TypeError);
    expect(Object.isFrozen(custom.schema(ACME_USER)?.attributes[2]?.subAttributes)).toBe(true);
  });
});

describe('custom extensions', () => {
  it('registers valid definitions, filling RFC 7643 §2.2 defaults', () => {
    expect(custom.findAttribute(ACME_USER, 'costCentre')).toEqual({
      name: 'costCentre',
      type: 'string',
      multiValued: false,
      description: '',
      required: false,
      caseExact: false,
      mutability: 'readWrite',
      returned: 'default',
      uniqueness: 'none',
    });
    expect(custom.findSubAttribute(ACME_USER, 'clearances', 'type')?.canonicalValues).toEqual([
      'secret',
      'topSecret',
    ]);
    expect(custom.schema(ACME_PEOPLE)?.description).toBe('');
  });

  it('resolves extension attributes, bare names only when unambiguous', () => {
    expect(custom.resolve('User', 'BadgeNumber')).toMatchObject({
      canonicalPath: `${ACME_USER}:badgeNumber`,
      isExtension: true,
    });
    expect(custom.resolve('User', 'clearances.$ref')?.canonicalPath).toBe(
      `${ACME_USER}:clearances.$ref`,
    );
    // Both the Enterprise and the AcmePeople extension define `department`.
    expect(custom.resolve('User', 'department')).toBeUndefined();
    expect(custom.resolve('User', `${ENTERPRISE}:department`)?.schema.id).toBe(ENTERPRISE);
    expect(custom.resolve('User', `${ACME_PEOPLE}:department`)?.schema.id).toBe(ACME_PEOPLE);
    expect(custom.resolve('Group', 'costCenter')?.canonicalPath).toBe(`${ACME_GROUP}:costCenter`);
    expect(custom.resolve('Group', `${ACME_USER}:badgeNumber`)).toBeUndefined();
  });

  it('leaves the registry it was derived from untouched', () => {
    expect(registry.schema(ACME_USER)).toBeUndefined();
    expect(registry.resolve('User', 'department')?.schema.id).toBe(ENTERPRISE);
    expect(SchemaRegistry.builtIn()).toBe(registry);
  });

  it('composes: extensions added later come after earlier ones', () => {
    const later = registry
      .withExtensions([extensionFixtures.valid[0] as ExtensionDefinition])
      .withExtensions([extensionFixtures.valid[2] as ExtensionDefinition]);
    expect(later.schemas.map((schema) => schema.id)).toEqual([
      CORE_USER_SCHEMA_URN,
      ENTERPRISE,
      ACME_USER,
      CORE_GROUP_SCHEMA_URN,
      ACME_GROUP,
    ]);
  });

  it.each(extensionFixtures.invalid)('rejects $case', ({ extension, detail }) => {
    const error = scimError(() => registry.withExtensions([extension as ExtensionDefinition]));
    expect(error.toDocument()).toMatchObject({ status: '400', scimType: 'invalidValue' });
    expect(error.message).toContain(detail);
  });

  it('rejects a URN registered twice in one call, in any case', () => {
    const first = extensionFixtures.valid[0] as ExtensionDefinition;
    const second = { ...first, id: first.id.toUpperCase() };
    const error = scimError(() => registry.withExtensions([first, second]));
    expect(error.message).toContain('id is already registered');
    expect(error.scimType).toBe('invalidValue');
  });

  it('rejects what is not an array', () => {
    const error = scimError(() => registry.withExtensions({} as unknown as ExtensionDefinition[]));
    expect(error.status).toBe(400);
  });
});

describe('classifySchemas', () => {
  it.each<[ResourceTypeName, string[], object]>([
    [
      'User',
      [CORE_USER_SCHEMA_URN, ENTERPRISE],
      { core: true, extensions: [ENTERPRISE], unknown: [], missingRequired: [] },
    ],
    [
      'User',
      [
        'URN:IETF:PARAMS:SCIM:SCHEMAS:CORE:2.0:USER',
        ENTERPRISE.toLowerCase(),
        ENTERPRISE,
        // The typo in Microsoft's documentation (entra.md §2.3).
        'urn:ietf:params:scim:schemas:extension:enterprise:2.0User',
        CORE_GROUP_SCHEMA_URN,
      ],
      {
        core: true,
        extensions: [ENTERPRISE],
        unknown: [
          'urn:ietf:params:scim:schemas:extension:enterprise:2.0User',
          CORE_GROUP_SCHEMA_URN,
        ],
        missingRequired: [],
      },
    ],
    ['User', [], { core: false, extensions: [], unknown: [], missingRequired: [] }],
    [
      'Group',
      [
        CORE_GROUP_SCHEMA_URN,
        'http://schemas.microsoft.com/2006/11/ResourceManagement/ADSCIM/2.0/Group',
      ],
      {
        core: true,
        extensions: [],
        unknown: ['http://schemas.microsoft.com/2006/11/ResourceManagement/ADSCIM/2.0/Group'],
        missingRequired: [],
      },
    ],
    ['Group', [ENTERPRISE], { core: false, extensions: [], unknown: [ENTERPRISE] }],
  ])('%s %j', (type, schemas, expected) => {
    expect(registry.classifySchemas(type, schemas)).toMatchObject(expected);
  });

  it('reports required extensions that are missing', () => {
    expect(custom.classifySchemas('Group', [CORE_GROUP_SCHEMA_URN])).toEqual({
      core: true,
      extensions: [],
      unknown: [],
      missingRequired: [ACME_GROUP],
    });
    expect(
      custom.classifySchemas('Group', [CORE_GROUP_SCHEMA_URN, ACME_GROUP.toLowerCase()])
        .missingRequired,
    ).toEqual([]);
  });
});

describe('/Schemas', () => {
  const document = registry.schemasResource('https://example.com/scim/v2/');
  const allAttributes = (attributes: readonly ScimAttributeResource[]): ScimAttributeResource[] =>
    attributes.flatMap((a) => [a, ...allAttributes(a.subAttributes ?? [])]);

  // Pins the wire format so that a review sees every change to it; after an intended change,
  // write JSON.stringify(document) to the fixture and run prettier on it.
  it('is the pinned ListResponse (test/fixtures/scim/schema/schemas.json)', () => {
    expect(document).toEqual(fixture('schemas.json'));
  });

  it('is a ListResponse of the User, Enterprise User and Group schemas', () => {
    expect(document).toMatchObject({
      schemas: ['urn:ietf:params:scim:api:messages:2.0:ListResponse'],
      totalResults: 3,
      startIndex: 1,
      itemsPerPage: 3,
    });
    expect(document.Resources.map((schema) => schema.id)).toEqual([
      CORE_USER_SCHEMA_URN,
      ENTERPRISE,
      CORE_GROUP_SCHEMA_URN,
    ]);
    expect(document.Resources[0]).toMatchObject({
      schemas: ['urn:ietf:params:scim:schemas:core:2.0:Schema'],
      name: 'User',
      description: 'User Account',
      meta: {
        resourceType: 'Schema',
        location: `https://example.com/scim/v2/Schemas/${CORE_USER_SCHEMA_URN}`,
      },
    });
    expect(registry.schemaResource(ENTERPRISE)?.meta.location).toBe(`/Schemas/${ENTERPRISE}`);
  });

  it('has no null or undefined values anywhere, also with custom extensions', () => {
    expect(nullishPaths(document)).toEqual([]);
    expect(nullishPaths(custom.schemasResource())).toEqual([]);
    expect(JSON.stringify(document)).toContain('"User Account"');
  });

  it('spells characteristics in camelCase and lists only meaningful optional keys', () => {
    for (const attribute of allAttributes(document.Resources.flatMap((s) => s.attributes))) {
      expect(MUTABILITIES).toContain(attribute.mutability);
      expect(RETURNED_VALUES).toContain(attribute.returned);
      expect(UNIQUENESS_VALUES).toContain(attribute.uniqueness);
      expect(attribute.canonicalValues ?? ['x']).not.toHaveLength(0);
      expect(attribute.referenceTypes === undefined).toBe(attribute.type !== 'reference');
      expect(attribute.subAttributes === undefined).toBe(attribute.type !== 'complex');
    }
  });

  it('declares every attribute Entra maps, externalId included', () => {
    const user = rendered(CORE_USER_SCHEMA_URN).attributes.map((a) => a.name);
    expect(user).toEqual(
      expect.arrayContaining([
        'id',
        'externalId',
        'meta',
        'userName',
        'name',
        'displayName',
        'nickName',
        'title',
        'preferredLanguage',
        'active',
        'password',
        'emails',
        'phoneNumbers',
        'ims',
        'photos',
        'addresses',
        'groups',
        'entitlements',
        'roles',
        'x509Certificates',
      ]),
    );
    const group = rendered(CORE_GROUP_SCHEMA_URN).attributes.map((a) => a.name);
    expect(group).toEqual(['id', 'externalId', 'displayName', 'members', 'meta']);
    const enterprise = rendered(ENTERPRISE).attributes.map((a) => a.name);
    expect(enterprise).toEqual([
      'employeeNumber',
      'costCenter',
      'organization',
      'division',
      'department',
      'manager',
    ]);
  });

  it.each([
    ['emails', ['work', 'home', 'other']],
    ['phoneNumbers', ['work', 'home', 'mobile', 'fax', 'pager', 'other']],
    ['addresses', ['work', 'home', 'other']],
    ['ims', ['aim', 'gtalk', 'icq', 'xmpp', 'msn', 'skype', 'qq', 'yahoo']],
    ['photos', ['photo', 'thumbnail']],
    ['groups', ['direct', 'indirect']],
  ])('%s.type lists canonicalValues %j', (name, values) => {
    expect(renderedAttribute(CORE_USER_SCHEMA_URN, name, 'type').canonicalValues).toEqual(values);
  });

  it.each(['emails', 'phoneNumbers', 'addresses'])(
    '%s has no display sub-attribute (entra.md §5 item 14)',
    (name) => {
      const subs = renderedAttribute(CORE_USER_SCHEMA_URN, name).subAttributes ?? [];
      expect(subs.map((s) => s.name)).not.toContain('display');
      expect(subs.map((s) => s.name)).toContain('type');
    },
  );

  it.each<[string, string, string | undefined, Partial<ScimAttributeResource>]>([
    [
      CORE_USER_SCHEMA_URN,
      'id',
      undefined,
      { caseExact: true, mutability: 'readOnly', returned: 'always', uniqueness: 'server' },
    ],
    [
      CORE_USER_SCHEMA_URN,
      'externalId',
      undefined,
      { caseExact: true, mutability: 'readWrite', uniqueness: 'none' },
    ],
    [
      CORE_USER_SCHEMA_URN,
      'userName',
      undefined,
      { required: true, caseExact: false, uniqueness: 'server' },
    ],
    [CORE_USER_SCHEMA_URN, 'active', undefined, { type: 'boolean', mutability: 'readWrite' }],
    [CORE_USER_SCHEMA_URN, 'password', undefined, { mutability: 'writeOnly', returned: 'never' }],
    [CORE_USER_SCHEMA_URN, 'emails', undefined, { type: 'complex', multiValued: true }],
    [CORE_USER_SCHEMA_URN, 'emails', 'value', { caseExact: false }],
    [CORE_USER_SCHEMA_URN, 'groups', undefined, { multiValued: true, mutability: 'readOnly' }],
    [CORE_USER_SCHEMA_URN, 'groups', 'value', { mutability: 'readOnly', caseExact: true }],
    [CORE_USER_SCHEMA_URN, 'meta', 'created', { type: 'dateTime', mutability: 'readOnly' }],
    [ENTERPRISE, 'manager', undefined, { type: 'complex', multiValued: false }],
    [ENTERPRISE, 'manager', 'value', { caseExact: true, mutability: 'readWrite' }],
    [ENTERPRISE, 'manager', '$ref', { type: 'reference', referenceTypes: ['User'] }],
    [ENTERPRISE, 'manager', 'displayName', { mutability: 'readOnly' }],
    [
      CORE_GROUP_SCHEMA_URN,
      'displayName',
      undefined,
      { required: true, caseExact: false, uniqueness: 'server' },
    ],
    [CORE_GROUP_SCHEMA_URN, 'externalId', undefined, { caseExact: true }],
    [CORE_GROUP_SCHEMA_URN, 'members', undefined, { type: 'complex', multiValued: true }],
    [CORE_GROUP_SCHEMA_URN, 'members', 'value', { caseExact: true, mutability: 'immutable' }],
    [
      CORE_GROUP_SCHEMA_URN,
      'members',
      '$ref',
      { type: 'reference', referenceTypes: ['User', 'Group'] },
    ],
    [CORE_GROUP_SCHEMA_URN, 'members', 'type', { canonicalValues: ['User', 'Group'] }],
    [CORE_GROUP_SCHEMA_URN, 'members', 'display', { type: 'string' }],
  ])('%s %s.%s has %j', (urn, name, sub, expected) => {
    expect(renderedAttribute(urn, name, sub)).toMatchObject(expected);
  });

  it('renders custom extensions like the built-ins', () => {
    expect(rendered(ACME_USER, custom)).toMatchObject({
      id: ACME_USER,
      name: 'AcmeUser',
      meta: { resourceType: 'Schema', location: `/Schemas/${ACME_USER}` },
    });
    expect(custom.schemasResource().totalResults).toBe(6);
  });
});

describe('/ResourceTypes', () => {
  it('lists User (with the Enterprise extension, not required) first, then Group', () => {
    const document = registry.resourceTypesResource('https://example.com/scim/v2');
    expect(nullishPaths(document)).toEqual([]);
    expect(document).toEqual({
      schemas: ['urn:ietf:params:scim:api:messages:2.0:ListResponse'],
      totalResults: 2,
      startIndex: 1,
      itemsPerPage: 2,
      Resources: [
        {
          schemas: ['urn:ietf:params:scim:schemas:core:2.0:ResourceType'],
          id: 'User',
          name: 'User',
          endpoint: '/Users',
          description: 'User Account',
          schema: CORE_USER_SCHEMA_URN,
          schemaExtensions: [{ schema: ENTERPRISE, required: false }],
          meta: {
            resourceType: 'ResourceType',
            location: 'https://example.com/scim/v2/ResourceTypes/User',
          },
        },
        {
          schemas: ['urn:ietf:params:scim:schemas:core:2.0:ResourceType'],
          id: 'Group',
          name: 'Group',
          endpoint: '/Groups',
          description: 'Group',
          schema: CORE_GROUP_SCHEMA_URN,
          meta: {
            resourceType: 'ResourceType',
            location: 'https://example.com/scim/v2/ResourceTypes/Group',
          },
        },
      ],
    });
  });

  it('adds custom extensions to their resource type', () => {
    const [user, group] = custom.resourceTypesResource().Resources;
    expect(user?.schemaExtensions).toEqual([
      { schema: ENTERPRISE, required: false },
      { schema: ACME_USER, required: false },
      { schema: ACME_PEOPLE, required: false },
    ]);
    expect(group?.schemaExtensions).toEqual([{ schema: ACME_GROUP, required: true }]);
    expect(custom.resourceTypeResource('GROUP')?.meta.location).toBe('/ResourceTypes/Group');
    expect(custom.resourceTypeResource('Device')).toBeUndefined();
  });
});
