import request from 'supertest';
import { AppConfig } from '../src/config/app-config.js';
import {
  ADMIN_TOKEN,
  graphql,
  SCIM_ERROR,
  tenantWithToken,
  useApp,
  type TenantWithToken,
} from './support/app.js';

const USER = 'urn:ietf:params:scim:schemas:core:2.0:User';
const GROUP = 'urn:ietf:params:scim:schemas:core:2.0:Group';
const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
const LIST = 'urn:ietf:params:scim:api:messages:2.0:ListResponse';
const ACME = 'urn:ietf:params:scim:schemas:extension:Acme:2.0:User';

type Json = Record<string, unknown>;

interface Attribute {
  name: string;
  canonicalValues?: string[];
  subAttributes?: Attribute[];
  [key: string]: unknown;
}

interface SchemaResource {
  id: string;
  attributes: Attribute[];
  meta: { resourceType: string; location: string };
}

/** Every path in `value` whose value is null (Entra's validators reject null-valued keys). */
function nullPaths(value: unknown, path = '$'): string[] {
  if (value === null) return [path];
  if (Array.isArray(value)) return value.flatMap((item, i) => nullPaths(item, `${path}[${i}]`));
  if (typeof value === 'object') {
    return Object.entries(value as Json).flatMap(([key, item]) =>
      nullPaths(item, `${path}.${key}`),
    );
  }
  return [];
}

/** `value` with the origin of every location blanked: supertest gives each request its own port. */
const hostless = (value: unknown): unknown =>
  JSON.parse(JSON.stringify(value).replace(/http:\/\/[^/"]+\/scim\/v2/g, 'http://host/scim/v2'));

const SET_EXTENSIONS = `mutation($t: ID!, $e: [ScimExtensionInput!]!) {
  setScimExtensions(tenantId: $t, extensions: $e) {
    tenantId strictSchemas
    extensions { id name description resourceType required
      attributes { name type multiValued required caseExact mutability returned uniqueness
        canonicalValues referenceTypes subAttributes { name type returned } } }
  }
}`;

const ACME_EXTENSION = {
  id: ACME,
  name: 'AcmeUser',
  description: 'Acme badge data',
  attributes: [
    { name: 'badge', type: 'string', canonicalValues: ['visitor', 'staff'] },
    { name: 'clearance', type: 'string', returned: 'request' },
    {
      name: 'site',
      type: 'complex',
      subAttributes: [
        { name: 'building', type: 'string' },
        { name: 'floor', type: 'integer' },
      ],
    },
  ],
};

describe('SCIM discovery endpoints', () => {
  const t = useApp();
  let tenant: TenantWithToken;
  beforeAll(async () => {
    tenant = await tenantWithToken(t.server);
  });

  const get = (path: string, token: string | null = tenant.token) => {
    const req = request(t.server).get(path);
    return token === null ? req : req.set('Authorization', `Bearer ${token}`);
  };

  /** The body as JSON, after checking the response is application/scim+json. */
  const scimJson = <T = Json>(res: request.Response): T => {
    expect(res.headers['content-type']).toMatch(/^application\/scim\+json(;|$)/);
    return JSON.parse(res.text) as T;
  };

  describe('authentication', () => {
    it.each([
      '/scim/v2/ServiceProviderConfig',
      '/scim/v2/serviceConfiguration',
      '/scim/v2/Schemas',
      `/scim/v2/Schemas/${USER}`,
      '/scim/v2/ResourceTypes',
      '/scim/v2/ResourceTypes/User',
    ])('GET %s without a token is a SCIM 401', async (path) => {
      const res = await get(path, null);
      expect(res.status).toBe(401);
      expect(res.headers['www-authenticate']).toMatch(/^Bearer/);
      expect(scimJson(res)).toEqual({
        schemas: [SCIM_ERROR],
        status: '401',
        detail: expect.any(String),
      });
    });

    it('an admin token does not open discovery', async () => {
      const res = await get('/scim/v2/Schemas', ADMIN_TOKEN);
      expect(res.status).toBe(401);
    });
  });

  describe('/ServiceProviderConfig', () => {
    it('says truthfully what the server supports', async () => {
      const res = await get('/scim/v2/ServiceProviderConfig');
      expect(res.status).toBe(200);
      const body = scimJson(res);
      expect(body).toEqual({
        schemas: ['urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig'],
        patch: { supported: true },
        bulk: { supported: false, maxOperations: 0, maxPayloadSize: 0 },
        filter: { supported: true, maxResults: t.app.get(AppConfig).SCIM_MAX_RESULTS },
        changePassword: { supported: true },
        sort: { supported: true },
        etag: { supported: true },
        authenticationSchemes: [
          {
            type: 'oauthbearertoken',
            name: 'OAuth Bearer Token',
            description: expect.stringContaining('Bearer'),
            specUri: 'https://www.rfc-editor.org/info/rfc6750',
            primary: true,
          },
        ],
        meta: {
          resourceType: 'ServiceProviderConfig',
          location: expect.stringMatching(/^http:\/\/[^/]+\/scim\/v2\/ServiceProviderConfig$/),
        },
      });
      expect(nullPaths(body)).toEqual([]);
    });

    it('answers at /serviceConfiguration too (Postman collection), with patch supported', async () => {
      const canonical = scimJson(await get('/scim/v2/ServiceProviderConfig'));
      const res = await get('/scim/v2/serviceConfiguration');
      expect(res.status).toBe(200);
      const alias = scimJson<{ patch: { supported: boolean } }>(res);
      expect(hostless(alias)).toEqual(hostless(canonical));
      expect(alias.patch.supported).toBe(true);
    });
  });

  describe('/Schemas', () => {
    let list: { Resources: SchemaResource[] } & Json;
    let text: string;
    beforeAll(async () => {
      const res = await get('/scim/v2/Schemas');
      expect(res.status).toBe(200);
      text = res.text;
      list = scimJson(res);
    });

    const schema = (id: string): SchemaResource => {
      const found = list.Resources.find((resource) => resource.id === id);
      if (!found) throw new Error(`no schema ${id}`);
      return found;
    };
    const attribute = (id: string, name: string): Attribute => {
      const found = schema(id).attributes.find((a) => a.name === name);
      if (!found) throw new Error(`no attribute ${name} in ${id}`);
      return found;
    };
    const sub = (id: string, name: string, subName: string): Attribute | undefined =>
      attribute(id, name).subAttributes?.find((a) => a.name === subName);

    it('is a ListResponse of User, the Enterprise extension and Group', () => {
      expect(list).toMatchObject({
        schemas: [LIST],
        totalResults: 3,
        startIndex: 1,
        itemsPerPage: 3,
      });
      expect(list.Resources.map((resource) => resource.id)).toEqual([USER, ENTERPRISE, GROUP]);
    });

    it('contains "User Account" (Postman collection) and no null value anywhere', () => {
      expect(text).toContain('User Account');
      expect(nullPaths(list)).toEqual([]);
    });

    it('declares the attributes Entra maps, with canonical type values', () => {
      for (const name of ['userName', 'externalId', 'active', 'displayName', 'emails', 'name']) {
        expect(attribute(USER, name)).toBeDefined();
      }
      expect(attribute(ENTERPRISE, 'manager')).toBeDefined();
      expect(sub(USER, 'emails', 'type')?.canonicalValues).toEqual(['work', 'home', 'other']);
      expect(sub(USER, 'phoneNumbers', 'type')?.canonicalValues).toEqual(
        expect.arrayContaining(['work', 'mobile', 'fax']),
      );
      expect(sub(USER, 'addresses', 'type')?.canonicalValues).toEqual(['work', 'home', 'other']);
      expect(sub(USER, 'emails', 'display')).toBeUndefined();
      expect(attribute(USER, 'password')).toMatchObject({
        mutability: 'writeOnly',
        returned: 'never',
      });
      expect(attribute(GROUP, 'members')).toMatchObject({ multiValued: true, type: 'complex' });
    });

    it('locates every schema under /Schemas/{id}', () => {
      for (const resource of list.Resources) {
        expect(resource.meta).toEqual({
          resourceType: 'Schema',
          location: expect.stringMatching(
            new RegExp(`^http://[^/]+/scim/v2/Schemas/${resource.id}$`),
          ),
        });
      }
    });

    it.each([USER, ENTERPRISE, GROUP])('GET /Schemas/%s answers that schema', async (id) => {
      const res = await get(`/scim/v2/Schemas/${id}`);
      expect(res.status).toBe(200);
      expect(hostless(scimJson(res))).toEqual(hostless(schema(id)));
    });

    it('finds a schema by id in any case and URL-encoded', async () => {
      const lower = await get(`/scim/v2/Schemas/${USER.toLowerCase()}`);
      expect(lower.status).toBe(200);
      expect(scimJson<SchemaResource>(lower).id).toBe(USER);
      const encoded = await get(`/scim/v2/Schemas/${encodeURIComponent(ENTERPRISE)}`);
      expect(encoded.status).toBe(200);
      expect(scimJson<SchemaResource>(encoded).id).toBe(ENTERPRISE);
    });

    it('an unknown schema id is a SCIM 404', async () => {
      const res = await get('/scim/v2/Schemas/urn:example:nothing');
      expect(res.status).toBe(404);
      expect(scimJson(res)).toEqual({
        schemas: [SCIM_ERROR],
        status: '404',
        detail: 'schema "urn:example:nothing" not found',
      });
    });
  });

  describe('/ResourceTypes', () => {
    it('lists User (with the Enterprise extension) first, then Group', async () => {
      const res = await get('/scim/v2/ResourceTypes');
      expect(res.status).toBe(200);
      const body = scimJson<{ Resources: Json[] } & Json>(res);
      expect(body).toMatchObject({
        schemas: [LIST],
        totalResults: 2,
        startIndex: 1,
        itemsPerPage: 2,
      });
      expect(body.Resources[0]?.endpoint).toBe('/Users');
      expect(body.Resources).toEqual([
        {
          schemas: ['urn:ietf:params:scim:schemas:core:2.0:ResourceType'],
          id: 'User',
          name: 'User',
          endpoint: '/Users',
          description: 'User Account',
          schema: USER,
          schemaExtensions: [{ schema: ENTERPRISE, required: false }],
          meta: {
            resourceType: 'ResourceType',
            location: expect.stringMatching(/^http:\/\/[^/]+\/scim\/v2\/ResourceTypes\/User$/),
          },
        },
        {
          schemas: ['urn:ietf:params:scim:schemas:core:2.0:ResourceType'],
          id: 'Group',
          name: 'Group',
          endpoint: '/Groups',
          description: 'Group',
          schema: GROUP,
          meta: {
            resourceType: 'ResourceType',
            location: expect.stringMatching(/^http:\/\/[^/]+\/scim\/v2\/ResourceTypes\/Group$/),
          },
        },
      ]);
      expect(nullPaths(body)).toEqual([]);
    });

    it('answers one resource type by name, in any case; an unknown one is a SCIM 404', async () => {
      const user = await get('/scim/v2/ResourceTypes/User');
      expect(user.status).toBe(200);
      expect(scimJson(user)).toMatchObject({ id: 'User', endpoint: '/Users' });
      const group = await get('/scim/v2/resourcetypes/group');
      expect(group.status).toBe(200);
      expect(scimJson(group)).toMatchObject({ id: 'Group', endpoint: '/Groups' });
      const missing = await get('/scim/v2/ResourceTypes/Device');
      expect(missing.status).toBe(404);
      expect(scimJson(missing)).toMatchObject({ schemas: [SCIM_ERROR], status: '404' });
    });
  });

  describe('routing', () => {
    it.each([
      ['/scim/v2/serviceproviderconfig', 'schemas'],
      ['/SCIM/V2/SERVICEPROVIDERCONFIG/', 'schemas'],
      ['/scim/v2/ServiceProviderConfig?aadOptscim062020', 'patch'],
      ['/scim/v2/schemas/', 'Resources'],
      [`/scim/v2/Schemas/${USER}/`, 'attributes'],
      ['/scim/v2/RESOURCETYPES?aadOptscim062020', 'Resources'],
      ['/scim/v2/ResourceTypes/User/', 'endpoint'],
    ])('GET %s is served (case-insensitive, trailing slash, extra flags)', async (path, key) => {
      const res = await get(path);
      expect(res.status).toBe(200);
      expect(scimJson(res)).toHaveProperty(key);
    });

    it.each(['/scim/v2/Schemas?filter=id+eq+%22x%22', '/scim/v2/ResourceTypes?Filter=name+pr'])(
      'GET %s with a filter is a SCIM 403 (RFC 7644 §4)',
      async (path) => {
        const res = await get(path);
        expect(res.status).toBe(403);
        expect(scimJson(res)).toEqual({
          schemas: [SCIM_ERROR],
          status: '403',
          detail: expect.stringContaining('filter'),
        });
      },
    );
  });

  describe('custom extensions registered through GraphQL', () => {
    it("appear in that tenant's /Schemas and /ResourceTypes only", async () => {
      const other = await tenantWithToken(t.server);
      const set = await graphql<{ setScimExtensions: Json }>(
        t.server,
        ADMIN_TOKEN,
        SET_EXTENSIONS,
        {
          t: tenant.tenantId,
          e: [ACME_EXTENSION],
        },
      );
      expect(set.errors).toBeUndefined();
      expect(set.data?.setScimExtensions).toEqual({
        tenantId: tenant.tenantId,
        strictSchemas: false,
        extensions: [
          {
            id: ACME,
            name: 'AcmeUser',
            description: 'Acme badge data',
            resourceType: 'User',
            required: false,
            attributes: [
              {
                name: 'badge',
                type: 'string',
                multiValued: false,
                required: false,
                caseExact: false,
                mutability: 'readWrite',
                returned: 'default',
                uniqueness: 'none',
                canonicalValues: ['visitor', 'staff'],
                referenceTypes: null,
                subAttributes: null,
              },
              expect.objectContaining({ name: 'clearance', returned: 'request' }),
              expect.objectContaining({
                name: 'site',
                type: 'complex',
                subAttributes: [
                  { name: 'building', type: 'string', returned: 'default' },
                  { name: 'floor', type: 'integer', returned: 'default' },
                ],
              }),
            ],
          },
        ],
      });

      const schemas = scimJson<{ Resources: SchemaResource[]; totalResults: number }>(
        await get('/scim/v2/Schemas'),
      );
      expect(schemas.Resources.map((resource) => resource.id)).toEqual([
        USER,
        ENTERPRISE,
        ACME,
        GROUP,
      ]);
      expect(schemas.totalResults).toBe(4);
      expect(nullPaths(schemas)).toEqual([]);

      const acme = await get(`/scim/v2/Schemas/${ACME.toLowerCase()}`);
      expect(acme.status).toBe(200);
      expect(scimJson(acme)).toMatchObject({
        id: ACME,
        name: 'AcmeUser',
        attributes: [
          expect.objectContaining({ name: 'badge', canonicalValues: ['visitor', 'staff'] }),
          expect.objectContaining({ name: 'clearance', returned: 'request' }),
          expect.objectContaining({ name: 'site', type: 'complex' }),
        ],
      });

      const types = scimJson<{ Resources: Json[] }>(await get('/scim/v2/ResourceTypes'));
      expect(types.Resources[0]?.schemaExtensions).toEqual([
        { schema: ENTERPRISE, required: false },
        { schema: ACME, required: false },
      ]);

      // The other tenant sees only the built-ins.
      const otherSchemas = scimJson<{ Resources: SchemaResource[] }>(
        await get('/scim/v2/Schemas', other.token),
      );
      expect(otherSchemas.Resources.map((resource) => resource.id)).toEqual([
        USER,
        ENTERPRISE,
        GROUP,
      ]);
      expect((await get(`/scim/v2/Schemas/${ACME}`, other.token)).status).toBe(404);
      const otherTypes = scimJson<{ Resources: Json[] }>(
        await get('/scim/v2/ResourceTypes', other.token),
      );
      expect(otherTypes.Resources[0]?.schemaExtensions).toEqual([
        { schema: ENTERPRISE, required: false },
      ]);

      // Replacing the list with an empty one removes the extension again.
      const cleared = await graphql(t.server, ADMIN_TOKEN, SET_EXTENSIONS, {
        t: tenant.tenantId,
        e: [],
      });
      expect(cleared.errors).toBeUndefined();
      expect((await get(`/scim/v2/Schemas/${ACME}`)).status).toBe(404);
    });

    it('an invalid definition is a clear GraphQL error and stores nothing', async () => {
      const own = await tenantWithToken(t.server);
      const first = await graphql(t.server, ADMIN_TOKEN, SET_EXTENSIONS, {
        t: own.tenantId,
        e: [ACME_EXTENSION],
      });
      expect(first.errors).toBeUndefined();

      const invalid = [
        [{ ...ACME_EXTENSION, id: 'urn:ietf:params:scim:schemas:core:2.0:Acme' }, /reserved/],
        [{ ...ACME_EXTENSION, id: ENTERPRISE }, /already registered/],
        [{ ...ACME_EXTENSION, id: 'not-a-urn' }, /must be a URN/],
        [
          { ...ACME_EXTENSION, attributes: [{ name: 'link', type: 'reference' }] },
          /needs referenceTypes/,
        ],
        [{ ...ACME_EXTENSION, attributes: [{ name: 'site', type: 'complex' }] }, /subAttributes/],
        [
          {
            ...ACME_EXTENSION,
            attributes: [
              { name: 'a', type: 'string' },
              { name: 'A', type: 'string' },
            ],
          },
          /defined twice/,
        ],
        [{ ...ACME_EXTENSION, attributes: [] }, /non-empty/],
      ] as const;
      for (const [extension, message] of invalid) {
        const res = await graphql(t.server, ADMIN_TOKEN, SET_EXTENSIONS, {
          t: own.tenantId,
          e: [extension],
        });
        expect(res.data).toBeNull();
        expect(res.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
        expect(res.errors?.[0]?.message).toMatch(message);
      }

      // Input the GraphQL schema or the input validation refuses before the registry sees it.
      const badEnum = await graphql(t.server, ADMIN_TOKEN, SET_EXTENSIONS, {
        t: own.tenantId,
        e: [{ ...ACME_EXTENSION, attributes: [{ name: 'x', type: 'text' }] }],
      });
      expect(badEnum.errors?.[0]?.message).toMatch(/text/);
      const tooLong = await graphql(t.server, ADMIN_TOKEN, SET_EXTENSIONS, {
        t: own.tenantId,
        e: [{ ...ACME_EXTENSION, name: 'n'.repeat(201) }],
      });
      expect(tooLong.data).toBeNull();
      expect(tooLong.errors?.[0]?.message).toMatch(/name/);

      // The first registration is still what the tenant serves.
      const schemas = scimJson<{ Resources: SchemaResource[] }>(
        await get('/scim/v2/Schemas', own.token),
      );
      expect(schemas.Resources.map((resource) => resource.id)).toEqual([
        USER,
        ENTERPRISE,
        ACME,
        GROUP,
      ]);
    });

    it('schema strictness is a per-tenant flag, set without touching the extensions', async () => {
      const own = await tenantWithToken(t.server);
      const other = await tenantWithToken(t.server);
      const query =
        'query($t: ID!) { scimSchemaSettings(tenantId: $t) { tenantId strictSchemas extensions { id } } }';
      const strictness = (strict: boolean) =>
        graphql<{ setScimSchemaStrictness: Json }>(
          t.server,
          ADMIN_TOKEN,
          'mutation($t: ID!, $s: Boolean!) { setScimSchemaStrictness(tenantId: $t, strict: $s) { strictSchemas extensions { id } } }',
          { t: own.tenantId, s: strict },
        );
      const settings = async (tenantId: string) =>
        (await graphql<{ scimSchemaSettings: Json }>(t.server, ADMIN_TOKEN, query, { t: tenantId }))
          .data?.scimSchemaSettings;

      expect(await settings(own.tenantId)).toEqual({
        tenantId: own.tenantId,
        strictSchemas: false,
        extensions: [],
      });
      await graphql(t.server, ADMIN_TOKEN, SET_EXTENSIONS, {
        t: own.tenantId,
        e: [ACME_EXTENSION],
      });

      expect((await strictness(true)).data?.setScimSchemaStrictness).toEqual({
        strictSchemas: true,
        extensions: [{ id: ACME }],
      });
      expect(await settings(own.tenantId)).toEqual({
        tenantId: own.tenantId,
        strictSchemas: true,
        extensions: [{ id: ACME }],
      });
      expect(await settings(other.tenantId)).toMatchObject({ strictSchemas: false });
      expect((await strictness(false)).data?.setScimSchemaStrictness).toEqual({
        strictSchemas: false,
        extensions: [{ id: ACME }],
      });

      const unknown = await graphql(t.server, ADMIN_TOKEN, query, {
        t: '00000000-0000-4000-8000-000000000000',
      });
      expect(unknown.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    });

    it('a tenant admin manages only its own tenant', async () => {
      const a = await tenantWithToken(t.server);
      const b = await tenantWithToken(t.server);
      const { TokensService } = await import('../src/auth/tokens.service.js');
      const adminA = await t.app.get(TokensService).mintTenantAdminToken(a.tenantId, 'a', '30d');

      const own = await graphql(t.server, adminA.token, SET_EXTENSIONS, {
        t: a.tenantId,
        e: [ACME_EXTENSION],
      });
      expect(own.errors).toBeUndefined();
      const foreign = await graphql(t.server, adminA.token, SET_EXTENSIONS, {
        t: b.tenantId,
        e: [ACME_EXTENSION],
      });
      expect(foreign.errors?.[0]).toMatchObject({
        message: 'tenant not found',
        extensions: { code: 'NOT_FOUND' },
      });
      expect((await get(`/scim/v2/Schemas/${ACME}`, b.token)).status).toBe(404);
      expect((await get(`/scim/v2/Schemas/${ACME}`, a.token)).status).toBe(200);

      const scimToken = await graphql(t.server, a.token, SET_EXTENSIONS, {
        t: a.tenantId,
        e: [],
      });
      expect(scimToken.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    });
  });
});
