import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as fc from 'fast-check';
import { ScimError, ScimType } from '../errors/scim-error.js';
import { SchemaRegistry } from '../schema/registry.js';
import {
  parseListQuery,
  parseSearchRequest,
  resolveSortBy,
  SEARCH_REQUEST_SCHEMA,
  type ListQuery,
  type ListQueryLimits,
} from './list-query.js';

interface QueryCase {
  readonly name: string;
  readonly query: Record<string, unknown>;
  readonly expected: ListQuery;
}

interface SearchCase {
  readonly name: string;
  readonly body: unknown;
  readonly expected: ListQuery;
}

interface InvalidCase {
  readonly name: string;
  readonly query?: Record<string, unknown>;
  readonly body?: unknown;
  readonly status: string;
  readonly scimType: ScimType;
  /** A regular expression the detail must match. */
  readonly detail: string;
}

function fixture<T>(name: string): T[] {
  const file = join(process.cwd(), 'test/fixtures/scim/list', name);
  return JSON.parse(readFileSync(file, 'utf8')) as T[];
}

const limits: ListQueryLimits = { defaultCount: 100, maxResults: 200 };

function thrownBy(run: () => unknown): unknown {
  try {
    run();
  } catch (error) {
    return error;
  }
  throw new Error('expected a ScimError');
}

describe('parseListQuery', () => {
  it.each(fixture<QueryCase>('query.json').map((c) => [c.name, c] as const))('%s', (_n, c) => {
    expect(parseListQuery(c.query, limits)).toEqual(c.expected);
  });

  it('passes filter limits on to the parser', () => {
    const error = thrownBy(() =>
      parseListQuery({ filter: 'userName eq "abcdef"' }, { ...limits, filter: { maxLength: 5 } }),
    );
    expect(error).toBeInstanceOf(ScimError);
    expect((error as ScimError).scimType).toBe(ScimType.InvalidFilter);
  });

  it('throws nothing but ScimErrors (400) for any query', () => {
    const value = fc.oneof(fc.string(), fc.array(fc.string()), fc.constant(undefined));
    const query = fc.record(
      {
        filter: value,
        attributes: value,
        excludedAttributes: value,
        startIndex: value,
        count: value,
        sortBy: value,
        sortOrder: value,
        other: value,
      },
      { requiredKeys: [] },
    );
    fc.assert(
      fc.property(query, (q) => {
        try {
          const parsed = parseListQuery(q, limits);
          expect(parsed.page.count).toBeLessThanOrEqual(limits.maxResults);
          expect(parsed.page.startIndex).toBeGreaterThanOrEqual(1);
        } catch (error) {
          expect(error).toBeInstanceOf(ScimError);
          expect((error as ScimError).status).toBe(400);
        }
      }),
    );
  });
});

describe('parseSearchRequest', () => {
  it.each(fixture<SearchCase>('search.json').map((c) => [c.name, c] as const))('%s', (_n, c) => {
    expect(parseSearchRequest(c.body, limits)).toEqual(c.expected);
  });

  it('throws nothing but ScimErrors (400) for any body', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.anything(),
          fc.dictionary(fc.string(), fc.anything()).map((rest) => ({
            schemas: [SEARCH_REQUEST_SCHEMA],
            ...rest,
          })),
        ),
        (body) => {
          try {
            parseSearchRequest(body, limits);
          } catch (error) {
            expect(error).toBeInstanceOf(ScimError);
            expect((error as ScimError).status).toBe(400);
          }
        },
      ),
    );
  });
});

describe('invalid list requests', () => {
  it.each(fixture<InvalidCase>('invalid.json').map((c) => [c.name, c] as const))('%s', (_n, c) => {
    const error = thrownBy(() =>
      c.query ? parseListQuery(c.query, limits) : parseSearchRequest(c.body, limits),
    );
    expect(error).toBeInstanceOf(ScimError);
    const document = (error as ScimError).toDocument();
    expect(document).toMatchObject({ status: c.status, scimType: c.scimType });
    expect(document.detail).toMatch(new RegExp(c.detail));
  });
});

describe('resolveSortBy', () => {
  const registry = SchemaRegistry.builtIn();

  it.each([
    ['userName', 'User', 'userName'],
    ['USERNAME', 'User', 'userName'],
    ['name.familyName', 'User', 'name.familyName'],
    ['meta.lastModified', 'User', 'meta.lastModified'],
    ['emails', 'User', 'emails'],
    [
      'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:employeeNumber',
      'User',
      'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:employeeNumber',
    ],
    [
      'employeeNumber',
      'User',
      'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:employeeNumber',
    ],
    ['displayName', 'Group', 'displayName'],
  ] as const)('%s on %s → %s', (sortBy, resourceType, canonicalPath) => {
    expect(resolveSortBy(sortBy, registry, resourceType).canonicalPath).toBe(canonicalPath);
  });

  it.each([
    ['nosuch', 'User', /not an attribute of User/],
    ['userName', 'Group', /not an attribute of Group/],
    ['name.nosuch', 'User', /not an attribute/],
    ['emails[type eq "work"].value', 'User', /not an attribute/],
    ['password', 'User', /never returned/],
  ] as const)('rejects %s on %s with 400 invalidValue', (sortBy, resourceType, detail) => {
    const error = thrownBy(() => resolveSortBy(sortBy, registry, resourceType));
    expect(error).toBeInstanceOf(ScimError);
    expect((error as ScimError).toDocument()).toMatchObject({
      status: '400',
      scimType: ScimType.InvalidValue,
      detail: expect.stringMatching(detail),
    });
  });
});
