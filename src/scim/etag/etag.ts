/**
 * ETags of SCIM resources (RFC 7644 §3.14): a weak entity tag made of the resource's row version,
 * `W/"7"`, sent as the `ETag` header and as `meta.version`.
 */

import { ScimError } from '../errors/scim-error.js';

/** The weak ETag for a row version. */
export const versionETag = (version: number): string => `W/"${version}"`;

/**
 * Whether an `If-Match` header lets a write go ahead on a resource at `version` (RFC 7232 §3.1):
 * true when the header is absent, `*`, or lists the resource's tag. Tags compare by their opaque
 * part, `W/` or not (RFC 7644 §3.14 sends weak tags in `If-Match`, which a strong comparison would
 * never match). A header that is not a list of entity tags matches nothing.
 */
export function ifMatchAllows(
  header: string | readonly string[] | undefined,
  version: number,
): boolean {
  const value = joined(header);
  if (value === undefined) return true;
  if (value.trim() === '*') return true;
  const tags = parseEntityTags(value);
  return tags !== undefined && tags.includes(String(version));
}

/**
 * Throws the SCIM 412 when an `If-Match` header does not let a write go ahead on `resource` (e.g.
 * `User 2819c223-…`) at `version` ({@link ifMatchAllows}).
 */
export function requireIfMatch(
  header: string | readonly string[] | undefined,
  version: number,
  resource: string,
): void {
  if (!ifMatchAllows(header, version)) {
    throw new ScimError(
      412,
      `If-Match does not name the current version of ${resource}, which is ${versionETag(version)}`,
    );
  }
}

/**
 * Whether an `If-None-Match` header on a GET says the client already holds this version (answer
 * 304): `*` or a list naming the tag (weak comparison, RFC 7232 §3.2). Absent or malformed: false.
 */
export function ifNoneMatchHolds(
  header: string | readonly string[] | undefined,
  version: number,
): boolean {
  const value = joined(header);
  if (value === undefined) return false;
  if (value.trim() === '*') return true;
  return parseEntityTags(value)?.includes(String(version)) ?? false;
}

function joined(header: string | readonly string[] | undefined): string | undefined {
  if (header === undefined) return undefined;
  return typeof header === 'string' ? header : header.join(',');
}

/** One entity tag and the separator after it (RFC 7232 §2.3 `entity-tag`, a list element). */
const TAG = /^\s*(?:W\/)?"([\x21\x23-\x7e\x80-\uffff]*)"\s*(?:,|$)/;

/** `W/"1", "2"` → `['1', '2']` (opaque parts); undefined when the text is not such a list. */
export function parseEntityTags(value: string): string[] | undefined {
  const tags: string[] = [];
  let rest = value;
  while (rest.trim() !== '') {
    const match = TAG.exec(rest);
    if (!match) return undefined;
    tags.push(match[1] ?? '');
    rest = rest.slice(match[0].length);
  }
  return tags.length > 0 ? tags : undefined;
}
