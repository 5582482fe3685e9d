import request from 'supertest';
import type { App } from 'supertest/types.js';
import type { TenantWithToken } from './app.js';
import { PATCH_OP, type Json, type Method } from './scim-users.js';

export const CORE_GROUP = 'urn:ietf:params:scim:schemas:core:2.0:Group';
/** The Microsoft-specific schema URI Entra adds to group creates (entra.md §2.4). */
export const ADSCIM_GROUP =
  'http://schemas.microsoft.com/2006/11/ResourceManagement/ADSCIM/2.0/Group';

/** SCIM requests on `/Groups` (and the users they contain) of one tenant. */
export function scimGroupsClient(server: App, tenant: TenantWithToken) {
  const call = (method: Method, path: string, body?: unknown) => {
    const req = request(server)[method](path).set('Authorization', `Bearer ${tenant.token}`);
    if (body === undefined) return req;
    return req.set('Content-Type', 'application/scim+json').send(JSON.stringify(body));
  };
  return {
    call,
    /** The response body parsed (supertest does not parse `application/scim+json`). */
    json: (res: { text: string }): Json => JSON.parse(res.text) as Json,
    create: (body: unknown) => call('post', '/scim/v2/Groups', body),
    get: (id: string, query = '') => call('get', `/scim/v2/Groups/${id}${query}`),
    list: (query = '') => call('get', `/scim/v2/Groups${query}`),
    search: (body: unknown) => call('post', '/scim/v2/Groups/.search', body),
    replace: (id: string, body: unknown) => call('put', `/scim/v2/Groups/${id}`, body),
    patch: (id: string, operations: unknown[], query = '') =>
      call('patch', `/scim/v2/Groups/${id}${query}`, {
        schemas: [PATCH_OP],
        Operations: operations,
      }),
    remove: (id: string) => call('delete', `/scim/v2/Groups/${id}`),
    createUser: (body: unknown) => call('post', '/scim/v2/Users', body),
    getUser: (id: string, query = '') => call('get', `/scim/v2/Users/${id}${query}`),
    listUsers: (query = '') => call('get', `/scim/v2/Users${query}`),
    removeUser: (id: string) => call('delete', `/scim/v2/Users/${id}`),
  };
}

export type ScimGroupsClient = ReturnType<typeof scimGroupsClient>;

/** Entra's group create body (entra.md §2.4). */
export const entraGroup = (displayName: string, extra: Json = {}): Json => ({
  schemas: [CORE_GROUP, ADSCIM_GROUP],
  externalId: `ext-${displayName}`,
  displayName,
  meta: { resourceType: 'Group' },
  ...extra,
});
