import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import request from 'supertest';
import type { App } from 'supertest/types.js';
import type { TenantWithToken } from './app.js';

export type Json = Record<string, unknown>;

export const CORE_USER = 'urn:ietf:params:scim:schemas:core:2.0:User';
export const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
export const PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
export const LIST = 'urn:ietf:params:scim:api:messages:2.0:ListResponse';
export const SEARCH = 'urn:ietf:params:scim:api:messages:2.0:SearchRequest';

/** A JSON fixture of test/fixtures/scim/users/. */
export function usersFixture<T>(name: string): T {
  const path = join(process.cwd(), 'test/fixtures/scim/users', name);
  return JSON.parse(readFileSync(path, 'utf8')) as T;
}

export type Method = 'get' | 'post' | 'put' | 'patch' | 'delete';

/** SCIM requests of one tenant, with its bearer token and `application/scim+json` bodies. */
export function scimClient(server: App, tenant: TenantWithToken) {
  const call = (method: Method, path: string, body?: unknown) => {
    const req = request(server)[method](path).set('Authorization', `Bearer ${tenant.token}`);
    if (body === undefined) return req;
    return req.set('Content-Type', 'application/scim+json').send(JSON.stringify(body));
  };
  return {
    call,
    /** The response body parsed (supertest does not parse `application/scim+json`). */
    json: (res: { text: string }): Json => JSON.parse(res.text) as Json,
    create: (body: unknown) => call('post', '/scim/v2/Users', body),
    get: (id: string, query = '') => call('get', `/scim/v2/Users/${id}${query}`),
    list: (query = '') => call('get', `/scim/v2/Users${query}`),
    search: (body: unknown) => call('post', '/scim/v2/Users/.search', body),
    replace: (id: string, body: unknown) => call('put', `/scim/v2/Users/${id}`, body),
    patch: (id: string, operations: unknown[], query = '') =>
      call('patch', `/scim/v2/Users/${id}${query}`, {
        schemas: [PATCH_OP],
        Operations: operations,
      }),
    remove: (id: string) => call('delete', `/scim/v2/Users/${id}`),
  };
}

export type ScimClient = ReturnType<typeof scimClient>;

/** A minimal Entra-style user with a given userName. */
export const entraUser = (userName: string, extra: Json = {}): Json => ({
  schemas: [CORE_USER],
  externalId: userName.split('@')[0],
  userName,
  active: true,
  ...extra,
});

/** The value at a dotted path (`urn:…:User.manager` for extension members), or undefined. */
export function valueAt(document: Json, path: string): unknown {
  const urnEnd = path.startsWith('urn:') ? path.lastIndexOf('.') : -1;
  const parts = urnEnd > 0 ? [path.slice(0, urnEnd), path.slice(urnEnd + 1)] : path.split('.');
  let current: unknown = document;
  for (const part of parts) {
    if (typeof current !== 'object' || current === null) return undefined;
    current = (current as Json)[part];
  }
  return current;
}

/** `value` with the origin of every location blanked: supertest gives each request its own port. */
export const hostless = (value: unknown): unknown =>
  JSON.parse(JSON.stringify(value).replace(/http:\/\/[^/"]+\/scim\/v2/g, 'http://host/scim/v2'));
