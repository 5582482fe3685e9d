import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as fc from 'fast-check';
import { ScimError, ScimType } from '../errors/scim-error.js';
import {
  COMPARE_OPS,
  FilterSyntaxError,
  parseFilter,
  printFilter,
  type AttrPath,
  type CompareValue,
  type Filter,
  type FilterLimits,
} from './index.js';

interface ValidCase {
  readonly note: string;
  readonly filter: string;
  readonly ast: Filter;
}

interface InvalidCase {
  readonly note: string;
  readonly filter: string;
  readonly position: number;
  readonly detail: string;
}

function fixture<T>(name: string): T[] {
  const file = join(process.cwd(), 'test/fixtures/scim/filters', name);
  return JSON.parse(readFileSync(file, 'utf8')) as T[];
}

/** The error `parseFilter` throws, or fails the test if it returns. */
function parseError(text: string, limits?: Partial<FilterLimits>): unknown {
  try {
    parseFilter(text, limits);
  } catch (error) {
    return error;
  }
  throw new Error(`expected ${JSON.stringify(text)} to be rejected`);
}

function expectInvalidFilter(error: unknown, position: number): void {
  expect(error).toBeInstanceOf(ScimError);
  expect(error).toBeInstanceOf(FilterSyntaxError);
  const scimError = error as FilterSyntaxError;
  expect(scimError.position).toBe(position);
  expect(scimError.message).toMatch(new RegExp(`^invalid filter at position ${position}: `));
  expect(scimError.toDocument()).toEqual({
    schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'],
    status: '400',
    scimType: ScimType.InvalidFilter,
    detail: scimError.message,
  });
}

const valid = fixture<ValidCase>('valid.json');
const invalid = fixture<InvalidCase>('invalid.json');

describe('parseFilter on valid filters (test/fixtures/scim/filters/valid.json)', () => {
  it.each(valid)('$note', ({ filter, ast }) => {
    expect(parseFilter(filter)).toStrictEqual(ast);
  });

  it.each(valid)('prints $note back to text that parses to the same AST', ({ ast }) => {
    expect(parseFilter(printFilter(ast))).toStrictEqual(ast);
  });
});

describe('parseFilter on invalid filters (test/fixtures/scim/filters/invalid.json)', () => {
  it.each(invalid)('$note', ({ filter, position, detail }) => {
    const error = parseError(filter);
    expectInvalidFilter(error, position);
    expect((error as Error).message).toContain(detail);
  });
});

describe('parseFilter limits', () => {
  it('accepts exactly the default limits', () => {
    const longest = `userName eq "${'a'.repeat(4096 - 14)}"`;
    expect(longest).toHaveLength(4096);
    expect(parseFilter(longest)).toEqual({
      op: 'eq',
      path: { attr: 'userName' },
      value: 'a'.repeat(4082),
    });
    const comparisons = Array.from({ length: 200 }, () => 'a pr').join(' or ');
    expect(() => parseFilter(comparisons)).not.toThrow();
    const notDepth = `${'not ('.repeat(32)}a pr${')'.repeat(32)}`;
    expect(() => parseFilter(notDepth)).not.toThrow();
  });

  it('rejects 10 000 levels of nesting at the limit, not by exhausting the stack', () => {
    const deep = `${'('.repeat(10_000)}a pr${')'.repeat(10_000)}`;
    expectInvalidFilter(parseError(deep, { maxLength: 100_000 }), 32);
    const deepNot = `${'not ('.repeat(10_000)}a pr${')'.repeat(10_000)}`;
    expectInvalidFilter(parseError(deepNot, { maxLength: 100_000 }), 32 * 5 + 4);
    // With the default limits the length check answers first.
    expectInvalidFilter(parseError(deep), 4096);
  });

  it('takes custom limits', () => {
    expectInvalidFilter(parseError('a pr and b pr', { maxComparisons: 1 }), 9);
    expectInvalidFilter(parseError('(a pr)', { maxDepth: 0 }), 0);
    expectInvalidFilter(parseError('emails[type pr]', { maxDepth: 0 }), 6);
    expectInvalidFilter(parseError('userName pr', { maxLength: 5 }), 5);
    expect(parseFilter('a pr or b pr', { maxComparisons: 2 })).toEqual({
      op: 'or',
      left: { op: 'pr', path: { attr: 'a' } },
      right: { op: 'pr', path: { attr: 'b' } },
    });
  });
});

describe('parseFilter details', () => {
  it('keeps the sign of -0 (JSON fixtures cannot)', () => {
    const ast = parseFilter('x eq -0');
    expect(Object.is((ast as { value: CompareValue }).value, -0)).toBe(true);
    expect(printFilter(ast)).toBe('x eq -0');
  });

  it('decodes a lone surrogate escape as JSON does', () => {
    expect(parseFilter('x eq "\\ud800"')).toEqual(
      JSON.parse('{"op":"eq","path":{"attr":"x"},"value":"\\ud800"}'),
    );
  });
});

describe('printFilter', () => {
  it.each([
    ['USERNAME EQ "x"', 'USERNAME eq "x"'],
    ['userName eq bob', 'userName eq "bob"'],
    ['((a pr))', 'a pr'],
    ['a pr or b pr and c pr', 'a pr or b pr and c pr'],
    ['(a pr or b pr) and c pr', '(a pr or b pr) and c pr'],
    ['a pr or (b pr or c pr)', 'a pr or (b pr or c pr)'],
    ['a pr and (b pr and c pr)', 'a pr and (b pr and c pr)'],
    ['(a pr and b pr) and c pr', 'a pr and b pr and c pr'],
    ['NOT(a pr)', 'not (a pr)'],
    ['emails[type eq "work"].value eq "x"', 'emails[type eq "work" and value eq "x"]'],
    [
      'emails[type eq "a" or type eq "b"].value pr',
      'emails[(type eq "a" or type eq "b") and value pr]',
    ],
    ['x eq "tab\\t \\"q\\" \\\\ \\/"', 'x eq "tab\\t \\"q\\" \\\\ /"'],
    ['x eq "\\u0001"', 'x eq "\\u0001"'],
    ['x eq 1E+3', 'x eq 1000'],
    ['x eq 1e21', 'x eq 1e+21'],
    ['x eq TRUE and y eq Null', 'x eq true and y eq null'],
  ])('%s → %s', (input, canonical) => {
    expect(printFilter(parseFilter(input))).toBe(canonical);
  });

  it('refuses numbers that have no JSON form', () => {
    expect(() => printFilter({ op: 'eq', path: { attr: 'x' }, value: Number.NaN })).toThrow(
      RangeError,
    );
  });
});

// ---- Property-based tests ------------------------------------------------------------------

const RESERVED = new Set(['and', 'or', 'not']);
const attrName = fc.oneof(
  { weight: 9, arbitrary: fc.stringMatching(/^[A-Za-z][A-Za-z0-9_-]{0,10}$/) },
  { weight: 1, arbitrary: fc.constantFrom('$ref', '$Ref') },
);
// `and`/`or`/`not` are reserved where a path starts; as sub-attributes they are ordinary names.
const leadName = attrName.filter((name) => !RESERVED.has(name.toLowerCase()));
const urn = fc.stringMatching(/^(urn|URN|Urn):[A-Za-z0-9][A-Za-z0-9.:-]{0,40}$/);

const attrPath: fc.Arbitrary<AttrPath> = fc
  .record({ uri: fc.option(urn, { nil: undefined }), sub: fc.option(attrName, { nil: undefined }) })
  .chain(({ uri, sub }) =>
    (uri === undefined ? leadName : attrName).map((attr) => ({
      ...(uri === undefined ? {} : { uri }),
      attr,
      ...(sub === undefined ? {} : { sub }),
    })),
  );
const parentPath = attrPath.map(({ uri, attr }) => (uri === undefined ? { attr } : { uri, attr }));

/** Any UTF-16 code unit, lone surrogates included. */
const anyCodeUnit = fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c));
const compareValue: fc.Arbitrary<CompareValue> = fc.oneof(
  fc.string({ unit: anyCodeUnit, maxLength: 20 }),
  fc.string({ unit: 'binary', maxLength: 20 }),
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.boolean(),
  fc.constant(null),
);

const leaf: fc.Arbitrary<Filter> = fc.oneof(
  fc
    .record({ op: fc.constantFrom(...COMPARE_OPS), path: attrPath, value: compareValue })
    // fc.record builds null-prototype objects; rebuild a plain one so toStrictEqual compares data.
    .map(({ op, path, value }): Filter => ({ op, path, value })),
  attrPath.map((path): Filter => ({ op: 'pr', path })),
);

/** Filters built from `leaf`, with `extra` as a further alternative at every level. */
function filterTree(extra?: fc.Arbitrary<Filter>): fc.Arbitrary<Filter> {
  return fc.letrec<{ node: Filter }>((tie) => ({
    node: fc.oneof(
      { maxDepth: 4, depthSize: 'small' },
      leaf,
      ...(extra ? [extra] : []),
      fc
        .record({ left: tie('node'), right: tie('node') })
        .map((f): Filter => ({ op: 'and', ...f })),
      fc.record({ left: tie('node'), right: tie('node') }).map((f): Filter => ({ op: 'or', ...f })),
      tie('node').map((filter): Filter => ({ op: 'not', filter })),
    ),
  })).node;
}

const valuePath = fc
  .record({ path: parentPath, filter: filterTree() })
  .map((f): Filter => ({ op: 'valuePath', ...f }));
const anyFilter = filterTree(valuePath);

/** Outcome of parsing untrusted text: an AST, or the error it must be. */
function parseOrInvalidFilter(text: string): Filter | undefined {
  try {
    return parseFilter(text);
  } catch (error) {
    expect(error).toBeInstanceOf(FilterSyntaxError);
    expect((error as ScimError).status).toBe(400);
    expect((error as ScimError).scimType).toBe(ScimType.InvalidFilter);
    return undefined;
  }
}

describe('properties', () => {
  it('parseFilter(printFilter(ast)) equals ast', () => {
    fc.assert(
      fc.property(anyFilter, (ast) => {
        expect(parseFilter(printFilter(ast))).toStrictEqual(ast);
      }),
      { numRuns: 1000 },
    );
  });

  it('random text either parses or is an invalidFilter ScimError', () => {
    fc.assert(
      fc.property(fc.string({ unit: anyCodeUnit, maxLength: 60 }), (text) => {
        parseOrInvalidFilter(text);
      }),
      { numRuns: 2000 },
    );
  });

  it('token soups either parse (and print back to the same AST) or are invalidFilter', () => {
    const clause = fc.constantFrom(
      'userName eq "x"',
      'title pr',
      'emails[type eq "work"]',
      'emails[type eq work].value eq bob',
      'meta.created gt 2015-10-10T14:38:21Z',
      'x ge -1.5e3',
    );
    const word = fc.constantFrom(
      '(',
      ')',
      '[',
      ']',
      '.',
      '"',
      '\\',
      ':',
      ' ',
      '\t',
      'and',
      'OR',
      'not',
      'Not (',
      'eq',
      'co',
      'GT',
      'pr',
      'userName',
      'emails',
      '.value',
      'name.familyName',
      'members.$ref',
      'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:',
      'employeeNumber',
      '"x"',
      '"a\\"b"',
      '"\\u00e9"',
      '"\\u12"',
      '"\\q"',
      '1',
      '-2.5e3',
      '1e999',
      '01',
      'true',
      'null',
      'False',
      'bob@contoso.com',
      '2015-10-10T14:38:21Z',
      '@',
      '\u00e9',
    );
    const token = fc.oneof(word, clause);
    const soup = fc.oneof(
      fc.array(token, { maxLength: 25 }).map((parts) => parts.join('')),
      fc.array(token, { maxLength: 25 }).map((parts) => parts.join(' ')),
    );
    fc.assert(
      fc.property(soup, (text) => {
        const ast = parseOrInvalidFilter(text);
        if (ast !== undefined) expect(parseFilter(printFilter(ast))).toStrictEqual(ast);
      }),
      { numRuns: 5000 },
    );
  });

  it('mutations of valid filters either parse or are invalidFilter', () => {
    const mutated = fc
      .record({
        base: fc.constantFrom(...valid.map((c) => c.filter)),
        at: fc.nat(),
        insert: fc.string({ unit: anyCodeUnit, maxLength: 3 }),
        remove: fc.nat({ max: 3 }),
      })
      .map(({ base, at, insert, remove }) => {
        const i = base.length === 0 ? 0 : at % base.length;
        return base.slice(0, i) + insert + base.slice(i + remove);
      });
    fc.assert(
      fc.property(mutated, (text) => {
        parseOrInvalidFilter(text);
      }),
      { numRuns: 3000 },
    );
  });
});
