import { ScimError } from '../errors/scim-error.js';
import { listResponse } from './list-response.js';
import { parsePage, parseSortOrder } from './paging.js';

const limits = { defaultCount: 100, maxResults: 200 };

describe('parsePage', () => {
  it.each([
    [undefined, undefined, { startIndex: 1, count: 100, offset: 0 }],
    ['1', '5', { startIndex: 1, count: 5, offset: 0 }],
    ['6', '5', { startIndex: 6, count: 5, offset: 5 }],
    [11, 5, { startIndex: 11, count: 5, offset: 10 }],
    ['0', '2', { startIndex: 1, count: 2, offset: 0 }],
    ['-3', '2', { startIndex: 1, count: 2, offset: 0 }],
    ['1', '-1', { startIndex: 1, count: 0, offset: 0 }],
    ['1', '0', { startIndex: 1, count: 0, offset: 0 }],
    ['1', '100000', { startIndex: 1, count: 200, offset: 0 }],
    ['', '', { startIndex: 1, count: 100, offset: 0 }],
    [' 2 ', ' 3 ', { startIndex: 2, count: 3, offset: 1 }],
  ])('startIndex=%p count=%p', (startIndex, count, expected) => {
    expect(parsePage(startIndex, count, limits)).toEqual(expected);
  });

  it.each([
    ['abc', '1'],
    ['1', '2.5'],
    ['1e400', '1'],
    ['1', 'ten'],
    [{}, '1'],
    ['1', '99999999999999999999'],
  ])('rejects startIndex=%p count=%p with invalidValue', (startIndex, count) => {
    expect(() => parsePage(startIndex, count, limits)).toThrow(ScimError);
    try {
      parsePage(startIndex, count, limits);
    } catch (error) {
      expect((error as ScimError).toDocument()).toMatchObject({
        status: '400',
        scimType: 'invalidValue',
      });
    }
  });
});

describe('parseSortOrder', () => {
  it.each([
    [undefined, 'ascending'],
    ['ascending', 'ascending'],
    ['Descending', 'descending'],
    ['DESCENDING', 'descending'],
  ])('%p → %p', (value, expected) => {
    expect(parseSortOrder(value)).toBe(expected);
  });

  it.each(['up', 'asc', 1])('rejects %p', (value) => {
    expect(() => parseSortOrder(value)).toThrow(ScimError);
  });
});

describe('listResponse', () => {
  it('always carries Resources, and itemsPerPage is what was returned', () => {
    expect(listResponse([], 0, 1)).toEqual({
      schemas: ['urn:ietf:params:scim:api:messages:2.0:ListResponse'],
      totalResults: 0,
      startIndex: 1,
      itemsPerPage: 0,
      Resources: [],
    });
    expect(listResponse([{ id: 'a' }, { id: 'b' }], 5, 3)).toMatchObject({
      totalResults: 5,
      startIndex: 3,
      itemsPerPage: 2,
    });
  });
});
