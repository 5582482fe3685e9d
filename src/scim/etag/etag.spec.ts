import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as fc from 'fast-check';
import { ScimError } from '../errors/scim-error.js';
import {
  ifMatchAllows,
  ifNoneMatchHolds,
  parseEntityTags,
  requireIfMatch,
  versionETag,
} from './etag.js';

type Header = string | string[] | null;

interface Fixture {
  parse: Array<{ name: string; header: string; tags: string[] | null }>;
  ifMatch: Array<{ name: string; header: Header; version: number; allows: boolean }>;
  ifNoneMatch: Array<{ name: string; header: Header; version: number; holds: boolean }>;
}

const FIXTURE = JSON.parse(
  readFileSync(join(process.cwd(), 'test/fixtures/scim/etag/etag.json'), 'utf8'),
) as Fixture;

describe('entity tags', () => {
  it.each(FIXTURE.parse)('parses $name', ({ header, tags }) => {
    expect(parseEntityTags(header) ?? null).toEqual(tags);
  });

  it.each(FIXTURE.ifMatch)('If-Match: $name', ({ header, version, allows }) => {
    expect(ifMatchAllows(header ?? undefined, version)).toBe(allows);
  });

  it.each(FIXTURE.ifNoneMatch)('If-None-Match: $name', ({ header, version, holds }) => {
    expect(ifNoneMatchHolds(header ?? undefined, version)).toBe(holds);
  });

  it('the ETag of a version is matched by itself and by no other version', () => {
    fc.assert(
      fc.property(fc.nat(), fc.nat(), (a, b) => {
        expect(ifMatchAllows(versionETag(a), b)).toBe(a === b);
        expect(ifNoneMatchHolds(versionETag(a), b)).toBe(a === b);
      }),
    );
  });
});

describe('requireIfMatch', () => {
  it('lets the write go ahead when If-Match allows it', () => {
    expect(() => requireIfMatch(undefined, 3, 'User u1')).not.toThrow();
    expect(() => requireIfMatch('W/"3"', 3, 'User u1')).not.toThrow();
  });

  it('throws the SCIM 412 naming the resource and its current version otherwise', () => {
    let thrown: unknown;
    try {
      requireIfMatch('W/"2"', 3, 'Group g1');
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(ScimError);
    expect(thrown).toMatchObject({
      status: 412,
      message: 'If-Match does not name the current version of Group g1, which is W/"3"',
    });
  });
});
