import { ScimError, ScimType } from '../errors/scim-error.js';
import { SchemaRegistry } from '../schema/registry.js';
import type { ResourceTypeName } from '../schema/types.js';
import { parsePatchPath, type PatchPath } from './path.js';
import { matchesValueFilter } from './value-filter.js';

const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
const CORE_USER = 'urn:ietf:params:scim:schemas:core:2.0:User';
const registry = SchemaRegistry.builtIn();

/** The parts of a parsed path a reader cares about, as plain data. */
function summary(path: PatchPath): Record<string, unknown> {
  if (path.kind === 'schema') {
    return {
      kind: 'schema',
      schema: path.schema.id,
      isExtension: path.isExtension,
      text: path.text,
    };
  }
  return {
    kind: 'attribute',
    schema: path.schema.id,
    isExtension: path.isExtension,
    attribute: path.attribute.name,
    ...(path.subAttribute ? { subAttribute: path.subAttribute.name } : {}),
    ...(path.filter ? { filter: path.filter } : {}),
    text: path.text,
  };
}

const parse = (path: string, resourceType: ResourceTypeName = 'User') =>
  summary(parsePatchPath(path, registry, resourceType));

describe('parsePatchPath', () => {
  it.each([
    ['userName', { attribute: 'userName', text: 'userName' }],
    ['USERNAME', { attribute: 'userName', text: 'userName' }],
    [' userName ', { attribute: 'userName', text: 'userName' }],
    ['name.givenName', { attribute: 'name', subAttribute: 'givenName', text: 'name.givenName' }],
    ['Name.GivenName', { attribute: 'name', subAttribute: 'givenName', text: 'name.givenName' }],
    ['emails.value', { attribute: 'emails', subAttribute: 'value', text: 'emails.value' }],
    [`${CORE_USER}:displayName`, { attribute: 'displayName', text: 'displayName' }],
    ['groups.$ref', { attribute: 'groups', subAttribute: '$ref', text: 'groups.$ref' }],
  ])('resolves the attribute path %s', (path, expected) => {
    expect(parse(path)).toEqual({
      kind: 'attribute',
      schema: CORE_USER,
      isExtension: false,
      ...expected,
    });
  });

  it.each([
    [`${ENTERPRISE}:department`, { attribute: 'department' }, `${ENTERPRISE}:department`],
    [
      `${ENTERPRISE.toUpperCase()}:Manager.Value`,
      { attribute: 'manager', subAttribute: 'value' },
      `${ENTERPRISE}:manager.value`,
    ],
    [
      'manager.value',
      { attribute: 'manager', subAttribute: 'value' },
      `${ENTERPRISE}:manager.value`,
    ],
  ])('resolves the extension path %s', (path, expected, text) => {
    expect(parse(path)).toEqual({
      kind: 'attribute',
      schema: ENTERPRISE,
      isExtension: true,
      ...expected,
      text,
    });
  });

  it('resolves a value path, spelling the filter names as the schema does', () => {
    expect(parse('EMAILS[Type EQ "work" and not (PRIMARY eq true)].Value')).toEqual({
      kind: 'attribute',
      schema: CORE_USER,
      isExtension: false,
      attribute: 'emails',
      subAttribute: 'value',
      filter: {
        op: 'and',
        left: { op: 'eq', path: { attr: 'type' }, value: 'work' },
        right: { op: 'not', filter: { op: 'eq', path: { attr: 'primary' }, value: true } },
      },
      text: 'emails[type eq "work" and not (primary eq true)].value',
    });
  });

  it('resolves a value path with a URN prefix and the attribute repeated inside the filter', () => {
    expect(parse(`${ENTERPRISE}:manager[manager.value eq "m1"]`)).toEqual({
      kind: 'attribute',
      schema: ENTERPRISE,
      isExtension: true,
      attribute: 'manager',
      filter: { op: 'eq', path: { attr: 'value' }, value: 'm1' },
      text: `${ENTERPRISE}:manager[value eq "m1"]`,
    });
  });

  it('keeps a "]" that is inside a quoted filter value', () => {
    expect(parse('emails[value eq "a]b"].type')).toMatchObject({
      filter: { op: 'eq', path: { attr: 'value' }, value: 'a]b' },
      subAttribute: 'type',
    });
  });

  it('resolves group member paths', () => {
    expect(parse('members[value eq "a" or value eq "b"]', 'Group')).toMatchObject({
      attribute: 'members',
      filter: {
        op: 'or',
        left: { op: 'eq', path: { attr: 'value' }, value: 'a' },
        right: { op: 'eq', path: { attr: 'value' }, value: 'b' },
      },
    });
  });

  it('resolves a bare schema URN of the resource type', () => {
    expect(parse(ENTERPRISE.toLowerCase())).toEqual({
      kind: 'schema',
      schema: ENTERPRISE,
      isExtension: true,
      text: ENTERPRISE,
    });
    expect(parse(CORE_USER)).toEqual({
      kind: 'schema',
      schema: CORE_USER,
      isExtension: false,
      text: CORE_USER,
    });
  });

  it.each([
    ['', 'it is empty'],
    ['   ', 'it is empty'],
    ['nickname.first', 'no such attribute'],
    ['favouriteColour', 'no such attribute'],
    ['name..givenName', 'no such attribute'],
    ['name.givenName.x', 'no such attribute'],
    ['emails]', '"]" without "["'],
    ['emails[type eq "work"', 'without a closing "]"'],
    ['emails[type eq "work"]x', 'only ".subAttribute" may follow "]"'],
    ['emails[type eq "work"].', 'only ".subAttribute" may follow "]"'],
    ['emails[type eq "work"].value.x', 'only ".subAttribute" may follow "]"'],
    ['emails.value[type eq "work"]', 'must follow an attribute, not a sub-attribute'],
    ['userName[value eq "x"]', 'neither multi-valued nor complex'],
    ['emails[type eq "work"].display', 'has no sub-attribute "display"'],
    ['emails[]', 'invalid filter at position 0'],
    ['emails[type eq]', 'invalid filter'],
    ['emails[kind eq "work"]', 'emails has no sub-attribute "kind"'],
    ['emails[name.givenName eq "x"]', 'is not relative to one value'],
    [`emails[${CORE_USER}:type eq "x"]`, 'inside "[…]"'],
    ['emails[type[value eq "x"]]', 'cannot be nested'],
    ['emails[primary gt true]', '"gt" is not defined for the boolean "primary"'],
    ['urn:example:unknown:attr', 'does not start with a schema URN of the User resource type'],
    ['urn:ietf:params:scim:schemas:core:2.0:Group', 'is not a schema of the User resource type'],
    ['urn:ietf:params:scim:schemas:core:2.0:Group:displayName', 'no such attribute'],
    ['__proto__', 'no such attribute'],
  ])('rejects %j with invalidPath (%s)', (path, reason) => {
    let error: unknown;
    try {
      parsePatchPath(path, registry, 'User');
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ScimError);
    const scimError = error as ScimError;
    expect(scimError.status).toBe(400);
    expect(scimError.scimType).toBe(ScimType.InvalidPath);
    expect(scimError.message).toContain(`Invalid path ${JSON.stringify(path)}: `);
    expect(scimError.message).toContain(reason);
  });
});

describe('matchesValueFilter', () => {
  const emails = parsePatchPath('emails', registry, 'User');
  const filterOf = (path: string) => {
    const parsed = parsePatchPath(path, registry, 'User');
    if (parsed.kind !== 'attribute' || !parsed.filter) throw new Error('expected a value path');
    return parsed.filter;
  };
  const attribute = emails.kind === 'attribute' ? emails.attribute : undefined;

  it.each([
    ['emails[type eq "WORK"]', { type: 'work' }, true],
    ['emails[type ne "work"]', {}, true],
    ['emails[type ne "work"]', { type: 'Work' }, false],
    ['emails[type eq null]', { value: 'x' }, true],
    ['emails[type eq null]', { type: 'work' }, false],
    ['emails[value pr]', { value: '' }, false],
    ['emails[value pr]', { value: 'x' }, true],
    ['emails[primary eq true]', { primary: 'true' }, false],
    ['emails[primary eq true]', { primary: true }, true],
    ['emails[value gt "B"]', { value: 'c' }, true],
    ['emails[value lt "B"]', { value: 'c' }, false],
    ['emails[value eq 1]', { value: '1' }, false],
    ['emails[value sw "A" and value ew "z"]', { value: 'abcZ' }, true],
    ['emails[value co "x"]', 'not an object', false],
    ['emails[not (value co "x")]', 'not an object', true],
  ])('%s on %j is %s', (path, element, expected) => {
    if (!attribute) throw new Error('emails must resolve');
    expect(matchesValueFilter(filterOf(path), attribute, element)).toBe(expected);
  });
});
