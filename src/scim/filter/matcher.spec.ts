import {
  catalogue,
  registry,
  rowsOf,
  type CatalogueCase,
} from '../../../test/support/filter-fixtures.js';
import { ScimError, ScimType } from '../errors/scim-error.js';
import {
  compareCodePoints,
  DATE_TIME_PATTERN,
  matchesFilter,
  parseDateTime,
  parseFilter,
} from './index.js';

type Compiled = Extract<CatalogueCase, { matches: readonly string[] }>;
type Failing = Extract<CatalogueCase, { error: string }>;

describe('matchesFilter on the catalogue data (sql-data.json)', () => {
  const compiled = catalogue.filter((c): c is Compiled => 'matches' in c);
  const failing = catalogue.filter((c): c is Failing => 'error' in c);

  it.each(compiled)('$resourceType: $name', ({ resourceType, filter, matches }) => {
    const ast = parseFilter(filter);
    const selected = rowsOf(resourceType)
      .filter((row) => matchesFilter(ast, row.document, registry, resourceType))
      .map((row) => row.key)
      .sort();
    expect(selected).toEqual(matches);
  });

  it('has cases that select some rows but not all of them', () => {
    const partial = compiled.filter(
      (c) => c.matches.length > 0 && c.matches.length < rowsOf(c.resourceType).length,
    );
    expect(partial.length).toBeGreaterThanOrEqual(100);
  });

  it.each(failing.filter((c) => !c.sqlOnly))(
    '$resourceType rejects $name like the compiler',
    ({ resourceType, filter, error }) => {
      const row = rowsOf(resourceType)[0];
      expect(row).toBeDefined();
      let thrown: unknown;
      try {
        matchesFilter(parseFilter(filter), row?.document ?? {}, registry, resourceType);
      } catch (caught) {
        thrown = caught;
      }
      expect(thrown).toBeInstanceOf(ScimError);
      expect((thrown as ScimError).scimType).toBe(ScimType.InvalidFilter);
      expect((thrown as ScimError).message).toBe(error);
    },
  );

  it('reads attributes kept outside the stored document from the document it is given', () => {
    const ast = parseFilter('members[type eq "user" and display co "ali"]');
    const group = { displayName: 'g', members: [{ value: 'x', type: 'User', display: 'Alice' }] };
    expect(matchesFilter(ast, group, registry, 'Group')).toBe(true);
    expect(matchesFilter(ast, { displayName: 'g' }, registry, 'Group')).toBe(false);
  });

  it('does not mistake inherited properties for attributes', () => {
    const custom = registry.withExtensions([
      {
        id: 'urn:example:proto:2.0:User',
        name: 'Proto',
        description: '',
        attributes: [
          {
            name: 'toString',
            type: 'string',
            multiValued: false,
            description: '',
            required: false,
            caseExact: false,
            mutability: 'readWrite',
            returned: 'default',
            uniqueness: 'none',
          },
        ],
      },
    ]);
    const document = { 'urn:example:proto:2.0:User': {} };
    expect(matchesFilter(parseFilter('toString pr'), document, custom, 'User')).toBe(false);
  });
});

describe('parseDateTime', () => {
  it.each([
    ['2019-03-01T09:00:00Z', { seconds: 1551430800, micros: 0 }],
    ['2019-03-01T10:00:00+01:00', { seconds: 1551430800, micros: 0 }],
    ['2019-03-01T03:30:00-05:30', { seconds: 1551430800, micros: 0 }],
    ['2019-03-01T09:00:00.5Z', { seconds: 1551430800, micros: 500000 }],
    // PostgreSQL rounds to microseconds half-to-even: rint(0.5) = 0, rint(1.5) = 2.
    ['2019-03-01T09:00:00.0000005Z', { seconds: 1551430800, micros: 0 }],
    ['2019-03-01T09:00:00.0000015Z', { seconds: 1551430800, micros: 2 }],
    ['2019-03-01T09:00:00.1234567Z', { seconds: 1551430800, micros: 123457 }],
    ['2019-03-01T09:00:00.9999995Z', { seconds: 1551430801, micros: 0 }],
    ['2024-02-29T00:00:00Z', { seconds: 1709164800, micros: 0 }],
    ['2000-02-29T00:00:00Z', { seconds: 951782400, micros: 0 }],
    ['0001-01-01T00:00:00Z', { seconds: -62135596800, micros: 0 }],
    // Years below 100 are not shifted to the 1900s as Date.UTC would.
    ['0099-06-01T00:00:00Z', { seconds: -59029948800, micros: 0 }],
  ])('%s', (text, key) => {
    expect(parseDateTime(text)).toEqual(key);
  });

  it.each([
    '2019-03-01T09:00:00',
    '2019-03-01t09:00:00z',
    '2019-03-01 09:00:00Z',
    '2019-02-29T00:00:00Z',
    '1900-02-29T00:00:00Z',
    '2019-04-31T00:00:00Z',
    '2019-13-01T00:00:00Z',
    '0000-01-01T00:00:00Z',
    '2019-03-01T24:00:00Z',
    '2019-03-01T09:60:00Z',
    '2019-03-01T09:00:60Z',
    '2019-03-01T09:00:00+15:00',
    '2019-03-01T09:00:00.Z',
    '12019-03-01T09:00:00Z',
    '2019-03-01',
    '',
  ])('rejects %j', (text) => {
    expect(parseDateTime(text)).toBeUndefined();
  });

  it('agrees with the SQL guard pattern', () => {
    expect(new RegExp(DATE_TIME_PATTERN).test('2019-03-01T09:00:00Z')).toBe(true);
    expect(new RegExp(DATE_TIME_PATTERN).test('2019-02-29T09:00:00Z')).toBe(false);
  });
});

describe('compareCodePoints', () => {
  it.each([
    ['a', 'b', -1],
    ['b', 'a', 1],
    ['a', 'a', 0],
    ['a', 'ab', -1],
    ['', 'a', -1],
    ['Z', 'a', -1],
    // U+FF21 sorts before U+1F600, though its UTF-16 code unit is larger than the surrogates'.
    ['\uff21', '\u{1f600}', -1],
    ['\u{1f600}', '\uffff', 1],
    ['\u{1f600}', '\u{1f601}', -1],
    ['\ud7ff', '\u{10000}', -1],
  ])('%j vs %j', (a, b, sign) => {
    expect(Math.sign(compareCodePoints(a, b))).toBe(sign);
  });
});
