/** The ListResponse message schema (RFC 7644 §3.4.2). */
export const LIST_RESPONSE_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:ListResponse';

export interface ListResponse<T> {
  readonly schemas: [typeof LIST_RESPONSE_SCHEMA];
  readonly totalResults: number;
  readonly startIndex: number;
  readonly itemsPerPage: number;
  readonly Resources: T[];
}

/**
 * A ListResponse as Entra expects it: `Resources` always present (also when empty), `startIndex`
 * echoing the (1-based) start actually used, `itemsPerPage` = the number of resources returned.
 */
export function listResponse<T>(
  resources: T[],
  totalResults: number,
  startIndex: number,
): ListResponse<T> {
  return {
    schemas: [LIST_RESPONSE_SCHEMA],
    totalResults,
    startIndex,
    itemsPerPage: resources.length,
    Resources: resources,
  };
}
