import type { AuditTarget } from './audit-context.js';
import type { AuditEventOperation } from './audit.types.js';

/** Where the SCIM API is mounted (matched without regard to case, like Express routes). */
const SCIM_V2 = /^\/scim\/v2(?=\/|$)/i;

/** True for a path (without query string) under `/scim/v2`: those requests are audited. */
export function isAuditedScimPath(path: string): boolean {
  return SCIM_V2.test(path);
}

/** Longest resource id kept from a path: ids are UUIDs or URNs; anything longer is cut. */
const MAX_ID_LENGTH = 256;

interface Route {
  readonly pattern: RegExp;
  readonly resourceType: AuditTarget['resourceType'];
  /** Operation by method; methods not listed take {@link operationOfMethod}. */
  readonly operations?: Readonly<Record<string, AuditEventOperation>>;
}

const ID = '([^/]+)';

/** RFC 7644's endpoints; order matters (`.search` before `{id}`). Trailing slash allowed. */
const ROUTES: readonly Route[] = [
  {
    pattern: route(`(?:ServiceProviderConfig|serviceConfiguration)`),
    resourceType: 'ServiceProviderConfig',
  },
  { pattern: route(`Schemas`), resourceType: 'Schema', operations: { GET: 'list' } },
  { pattern: route(`Schemas/${ID}`), resourceType: 'Schema' },
  { pattern: route(`ResourceTypes`), resourceType: 'ResourceType', operations: { GET: 'list' } },
  { pattern: route(`ResourceTypes/${ID}`), resourceType: 'ResourceType' },
  { pattern: route(`Users/\\.search`), resourceType: 'User', operations: { POST: 'search' } },
  { pattern: route(`Groups/\\.search`), resourceType: 'Group', operations: { POST: 'search' } },
  { pattern: route(`Users`), resourceType: 'User', operations: { GET: 'list' } },
  { pattern: route(`Groups`), resourceType: 'Group', operations: { GET: 'list' } },
  { pattern: route(`Users/${ID}`), resourceType: 'User' },
  { pattern: route(`Groups/${ID}`), resourceType: 'Group' },
  { pattern: route(`\\.search`), resourceType: null, operations: { POST: 'search' } },
  { pattern: route(`Bulk`), resourceType: null, operations: { POST: 'bulk' } },
];

function route(path: string): RegExp {
  return new RegExp(`^/${path}/?$`, 'i');
}

/**
 * What a SCIM request addresses, from its method and path alone, for the audit rows of requests
 * that wrote nothing (reads, and failures of every kind):
 *
 * - `/Users`, `/Groups`: resource type `User`/`Group`; GET → `list`, POST → `create`;
 *   `/{type}/.search` → `search`; `/{type}/{id}` → that id, GET → `read`, PUT → `replace`,
 *   PATCH → `patch`, DELETE → `delete`.
 * - Discovery: `ServiceProviderConfig` (read), `Schema` and `ResourceType` (list, or read of
 *   the URN/name in the path as the resource id).
 * - `/.search` → `search`, `/Bulk` → `bulk`, with no resource type.
 * - Anything else (unknown endpoints, `/Me`): no resource type, operation by method.
 *
 * A method an endpoint does not have (a 405) keeps the operation of its method (`DELETE
 * /Schemas` → `delete`), so that failed attempts read as what the client tried to do.
 */
export function describeScimRequest(method: string, path: string): AuditTarget {
  const verb = method.toUpperCase();
  const match = SCIM_V2.exec(path);
  const rest = match ? path.slice(match[0].length) : path;
  for (const candidate of ROUTES) {
    const found = candidate.pattern.exec(rest);
    if (!found) continue;
    return {
      resourceType: candidate.resourceType,
      resourceId: found[1] === undefined ? null : resourceId(found[1]),
      operation: candidate.operations?.[verb] ?? operationOfMethod(verb),
    };
  }
  return { resourceType: null, resourceId: null, operation: operationOfMethod(verb) };
}

export function operationOfMethod(method: string): AuditEventOperation {
  switch (method.toUpperCase()) {
    case 'GET':
    case 'HEAD':
      return 'read';
    case 'POST':
      return 'create';
    case 'PUT':
      return 'replace';
    case 'PATCH':
      return 'patch';
    case 'DELETE':
      return 'delete';
    default:
      return 'other';
  }
}

function resourceId(segment: string): string {
  let id = segment;
  try {
    id = decodeURIComponent(segment);
  } catch {
    // Malformed %-escapes: keep the segment as sent.
  }
  return id.length <= MAX_ID_LENGTH ? id : id.slice(0, MAX_ID_LENGTH);
}
