import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as fc from 'fast-check';
import { ifMatchAllows, ifNoneMatchHolds, parseEntityTags, versionETag } from './etag.js';

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
