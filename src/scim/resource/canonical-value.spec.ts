import { ScimError, ScimType } from '../errors/scim-error.js';
import { SchemaRegistry } from '../schema/registry.js';
import { attribute, complexAttribute, type AttributeDefinition } from '../schema/types.js';
import { canonicalizeElement, canonicalizeValue, isDateTime, isUnassigned } from './index.js';

const registry = SchemaRegistry.builtIn();
const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';

function userAttribute(path: string): AttributeDefinition {
  const resolved = registry.resolve('User', path);
  if (!resolved) throw new Error(`no attribute ${path}`);
  return resolved.subAttribute ?? resolved.attribute;
}

function invalidValue(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(ScimError);
    expect((error as ScimError).status).toBe(400);
    expect((error as ScimError).scimType).toBe(ScimType.InvalidValue);
    return (error as ScimError).message;
  }
  throw new Error('expected invalidValue');
}

const typed = {
  string: attribute('s', 'string', ''),
  boolean: attribute('b', 'boolean', ''),
  integer: attribute('i', 'integer', ''),
  decimal: attribute('d', 'decimal', ''),
  dateTime: attribute('t', 'dateTime', ''),
  binary: attribute('x', 'binary', ''),
  reference: attribute('r', 'reference', '', { referenceTypes: ['external'] }),
};

describe('canonicalizeValue: data types (RFC 7643 §2.3)', () => {
  it.each([
    ['string', 'Ünïcode  kept', 'Ünïcode  kept'],
    ['string', '', ''],
    ['boolean', true, true],
    ['boolean', 'False', false],
    ['boolean', 'TRUE', true],
    ['integer', -42, -42],
    ['decimal', 1.5, 1.5],
    ['decimal', 3, 3],
    ['dateTime', '2008-01-23T04:56:22Z', '2008-01-23T04:56:22Z'],
    ['dateTime', '2019-09-18T18:15:26.5788954+00:00', '2019-09-18T18:15:26.5788954+00:00'],
    ['binary', 'TWFu', 'TWFu'],
    ['binary', '', ''],
    ['reference', 'https://example.com/v2/Users/1', 'https://example.com/v2/Users/1'],
  ] as const)('accepts a %s %j', (type, value, expected) => {
    expect(canonicalizeValue(typed[type], value, 'a')).toStrictEqual(expected);
  });

  it.each([
    ['string', 1],
    ['string', true],
    ['boolean', 'yes'],
    ['boolean', 1],
    ['integer', 1.5],
    ['integer', '1'],
    ['decimal', '1.5'],
    ['dateTime', '2008-01-23'],
    ['dateTime', '2008-13-01T00:00:00Z'],
    ['dateTime', '2023-02-29T00:00:00Z'],
    ['dateTime', '2008-01-23T25:00:00Z'],
    ['dateTime', '2008-01-23 04:56:22Z'],
    ['dateTime', 1700000000],
    ['binary', 'TWF'],
    ['binary', 'not base64!'],
    ['reference', {}],
    ['string', { value: 'x' }],
  ] as const)('rejects a %s given %j', (type, value) => {
    expect(invalidValue(() => canonicalizeValue(typed[type], value, 'urn:x:attr'))).toContain(
      '"urn:x:attr"',
    );
  });

  it('treats null and undefined as unassigned', () => {
    expect(canonicalizeValue(typed.string, null, 'a')).toBeUndefined();
    expect(canonicalizeValue(typed.string, undefined, 'a')).toBeUndefined();
  });
});

describe('isDateTime (xsd:dateTime)', () => {
  it.each([
    ['2024-02-29T00:00:00Z', true],
    ['2000-02-29T00:00:00Z', true],
    ['1900-02-29T00:00:00Z', false],
    ['2024-04-31T00:00:00Z', false],
    ['2024-04-30T24:00:00Z', true],
    ['2024-04-30T24:00:01Z', false],
    ['2024-04-30T23:59:59', true],
    ['2024-04-30T23:59:60Z', false],
    ['2024-04-30T12:00:00+14:00', true],
    ['2024-04-30T12:00:00+14:30', false],
    ['2024-04-30T12:00:00-05:00', true],
    ['-0044-03-15T12:00:00Z', true],
    ['2024-04-30t12:00:00z', false],
    ['2024-4-30T12:00:00Z', false],
  ])('%s → %s', (text, expected) => {
    expect(isDateTime(text)).toBe(expected);
  });
});

describe('canonicalizeValue: complex and multi-valued attributes', () => {
  it('spells sub-attribute keys as the registry does and keeps values as sent', () => {
    expect(
      canonicalizeValue(
        userAttribute('emails'),
        [{ VALUE: 'Bob@Example.com', Type: 'Work', PRIMARY: 'True' }],
        'emails',
      ),
    ).toStrictEqual([{ value: 'Bob@Example.com', type: 'Work', primary: true }]);
  });

  it('wraps a single value of a multi-valued attribute', () => {
    expect(canonicalizeValue(userAttribute('emails'), { value: 'a@b.c' }, 'emails')).toStrictEqual([
      { value: 'a@b.c' },
    ]);
  });

  it('leaves out null sub-attributes, empty values and empty arrays (RFC 7643 §2.5)', () => {
    const addresses = userAttribute('addresses');
    expect(
      canonicalizeValue(
        addresses,
        [
          { country: null, formatted: '18522 Lisa Unions', type: 'other', primary: false },
          { country: null, locality: null },
        ],
        'addresses',
      ),
    ).toStrictEqual([{ formatted: '18522 Lisa Unions', type: 'other', primary: false }]);
    expect(canonicalizeValue(addresses, [], 'addresses')).toBeUndefined();
    expect(canonicalizeValue(addresses, [{ locality: null }], 'addresses')).toBeUndefined();
  });

  it('ignores unknown and read-only sub-attributes and reports them', () => {
    const ignored: string[] = [];
    const manager = registry.resolve('User', `${ENTERPRISE}:manager`)?.attribute;
    if (!manager) throw new Error('manager must resolve');
    expect(
      canonicalizeValue(
        manager,
        { Value: 'm1', displayName: 'Boss', nickname: 'x' },
        `${ENTERPRISE}:manager`,
        { ignored },
      ),
    ).toStrictEqual({ value: 'm1' });
    expect(ignored).toEqual([
      `${ENTERPRISE}:manager.displayName`,
      `${ENTERPRISE}:manager.nickname`,
    ]);
  });

  it('keeps read-only sub-attributes when asked to', () => {
    const manager = registry.resolve('User', `${ENTERPRISE}:manager`)?.attribute;
    if (!manager) throw new Error('manager must resolve');
    expect(
      canonicalizeValue(manager, { value: 'm1', displayName: 'Boss' }, 'manager', {
        keepReadOnly: true,
      }),
    ).toStrictEqual({ value: 'm1', displayName: 'Boss' });
  });

  it('rejects a sub-attribute given twice in different cases', () => {
    expect(
      invalidValue(() =>
        canonicalizeValue(userAttribute('name'), { givenName: 'a', GIVENNAME: 'b' }, 'name'),
      ),
    ).toContain('"name.givenName" is given twice');
  });

  it('rejects more than one primary value (RFC 7643 §2.4)', () => {
    expect(
      invalidValue(() =>
        canonicalizeValue(
          userAttribute('emails'),
          [
            { value: 'a', primary: true },
            { value: 'b', primary: 'True' },
          ],
          'emails',
        ),
      ),
    ).toContain('more than one value with "primary": true');
  });

  it.each([
    ['an array for a single-valued attribute', userAttribute('displayName'), ['a']],
    ['a string for a complex attribute', userAttribute('name'), 'Barbara'],
    ['an array for a complex attribute', userAttribute('name'), [{ givenName: 'a' }]],
    ['a string as a value of a multi-valued complex attribute', userAttribute('emails'), ['a@b.c']],
    ['null inside a multi-valued attribute', userAttribute('emails'), [null]],
    ['nested arrays', userAttribute('emails'), [[{ value: 'a' }]]],
    ['a wrongly typed sub-attribute', userAttribute('emails'), [{ value: 'a', primary: 'maybe' }]],
  ])('rejects %s', (_label, definition, value) => {
    invalidValue(() => canonicalizeValue(definition, value, 'a'));
  });

  it('canonicalizeElement takes one value of a multi-valued attribute, not an array', () => {
    const emails = userAttribute('emails');
    expect(canonicalizeElement(emails, { Value: 'a' }, 'emails')).toStrictEqual({ value: 'a' });
    invalidValue(() => canonicalizeElement(emails, [{ value: 'a' }], 'emails'));
  });

  it('handles a multi-valued sub-attribute of a custom complex attribute', () => {
    const definition = complexAttribute('badge', '', [
      attribute('labels', 'string', '', { multiValued: true }),
    ]);
    expect(canonicalizeValue(definition, { LABELS: 'x' }, 'badge')).toStrictEqual({
      labels: ['x'],
    });
  });
});

describe('isUnassigned (RFC 7643 §2.5)', () => {
  it.each([
    [undefined, true],
    [null, true],
    [[], true],
    [{}, true],
    [{ a: null, b: [] }, true],
    ['', false],
    [false, false],
    [0, false],
    [[null], false],
    [{ a: 'x' }, false],
  ])('%j → %s', (value, expected) => {
    expect(isUnassigned(value)).toBe(expected);
  });
});
