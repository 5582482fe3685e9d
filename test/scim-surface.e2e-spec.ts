import request from 'supertest';
import { SCIM_ERROR, useApp, tenantWithToken, type TenantWithToken } from './support/app.js';

describe('the SCIM surface: fallbacks for what no controller serves', () => {
  const t = useApp();
  let tenant: TenantWithToken;
  beforeAll(async () => {
    tenant = await tenantWithToken(t.server);
  });

  const scim = (method: 'get' | 'post' | 'put' | 'patch' | 'delete', path: string) =>
    request(t.server)[method](path).set('Authorization', `Bearer ${tenant.token}`);

  it.each([
    ['get', '/scim/v2/groups/2819c223', 404],
    ['get', '/scim/v2/users/2819c223', 404],
    ['post', '/scim/v2/.search', 501],
    ['post', '/scim/v2/Bulk', 501],
    ['get', '/scim/v2/NoSuchResource', 404],
    ['get', '/scim/v2/Users/2819c223/groups', 404],
    ['get', '/scim/v2/Schemas/urn:x/more', 404],
    ['delete', '/scim/v2/', 404],
  ] as const)('%s %s → %i as a SCIM Error document', async (method, path, status) => {
    const res = await scim(method, path);
    expect(res.status).toBe(status);
    expect(res.headers['content-type']).toMatch(/^application\/scim\+json/);
    expect(JSON.parse(res.text)).toEqual({
      schemas: [SCIM_ERROR],
      status: String(status),
      detail: expect.any(String),
    });
  });

  it.each([
    ['put', '/scim/v2/ServiceProviderConfig', 'GET'],
    ['delete', '/scim/v2/serviceConfiguration', 'GET'],
    ['patch', '/scim/v2/Schemas', 'GET'],
    ['post', '/scim/v2/Schemas/urn:ietf:params:scim:schemas:core:2.0:User', 'GET'],
    ['delete', '/scim/v2/resourcetypes/User/', 'GET'],
    ['delete', '/scim/v2/Users', 'GET, POST'],
    ['put', '/scim/v2/Groups/', 'GET, POST'],
    ['post', '/scim/v2/Users/2819c223', 'GET, PUT, PATCH, DELETE'],
    ['get', '/scim/v2/Groups/.search', 'POST'],
    ['get', '/scim/v2/Bulk', 'POST'],
  ] as const)('%s %s → SCIM 405 with Allow: %s', async (method, path, allow) => {
    const res = await scim(method, path);
    expect(res.status).toBe(405);
    expect(res.headers['allow']).toBe(allow);
    expect(res.headers['content-type']).toMatch(/^application\/scim\+json/);
    expect(JSON.parse(res.text)).toEqual({
      schemas: [SCIM_ERROR],
      status: '405',
      detail: `${method.toUpperCase()} is not allowed on ${path}; allowed: ${allow}`,
    });
  });

  it('a wrong method without a token is still a 401 first', async () => {
    const res = await request(t.server).put('/scim/v2/ServiceProviderConfig');
    expect(res.status).toBe(401);
    expect(res.headers['allow']).toBeUndefined();
    expect(JSON.parse(res.text)).toMatchObject({ schemas: [SCIM_ERROR], status: '401' });
  });

  it('malformed JSON is a 400 invalidSyntax SCIM error, also with application/scim+json; charset=utf-8', async () => {
    const res = await scim('post', '/scim/v2/Users')
      .set('Content-Type', 'application/scim+json; charset=utf-8')
      .send('{"userName": ');
    expect(res.status).toBe(400);
    expect(JSON.parse(res.text)).toEqual({
      schemas: [SCIM_ERROR],
      status: '400',
      scimType: 'invalidSyntax',
      detail: 'the request body is not valid JSON',
    });
  });

  it('a body that is not JSON is a SCIM 415; an oversized one a SCIM 413', async () => {
    const text = await scim('post', '/scim/v2/Users')
      .set('Content-Type', 'text/plain')
      .send('userName=x');
    expect(text.status).toBe(415);
    expect(JSON.parse(text.text)).toEqual({
      schemas: [SCIM_ERROR],
      status: '415',
      detail: expect.stringContaining('text/plain'),
    });
    const json = await scim('patch', '/scim/v2/Groups/x')
      .set('Content-Type', 'application/json')
      .send('{}');
    expect(json.status).toBe(404);
    const big = await scim('post', '/scim/v2/Users')
      .set('Content-Type', 'application/scim+json')
      .send(JSON.stringify({ userName: 'x'.repeat(1_100_000) }));
    expect(big.status).toBe(413);
    expect(JSON.parse(big.text)).toEqual({
      schemas: [SCIM_ERROR],
      status: '413',
      detail: 'the request body is too large',
    });
  });

  it('paths outside /scim/v2 under /scim still gets a SCIM 404, other paths plain JSON', async () => {
    const scimRes = await request(t.server).get('/scim/v1/Users');
    expect(scimRes.status).toBe(404);
    expect(JSON.parse(scimRes.text)).toMatchObject({ schemas: [SCIM_ERROR], status: '404' });
    const other = await request(t.server).get('/nothing-here');
    expect(other.status).toBe(404);
    expect(other.body).toEqual({ statusCode: 404, message: expect.any(String) });
  });
});
