import jwt from 'jsonwebtoken';
import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { TokenStateListener } from '../src/auth/token-state-listener.js';
import {
  ADMIN_TOKEN,
  graphql,
  SCIM_ERROR,
  useApp,
  tenantWithToken,
  type TestApp,
  tokenNotified,
  until,
} from './support/app.js';

const SIGNING_KEY = process.env.TOKEN_SIGNING_KEY!;

/** A SCIM request that reaches the controller: an (empty) user list, never 401. */
const scimGet = (t: TestApp, token?: string) => {
  const req = request(t.server).get('/scim/v2/Users');
  return token === undefined ? req : req.set('Authorization', `Bearer ${token}`);
};

const scimDetail = (res: request.Response): string =>
  (JSON.parse(res.text) as { detail: string }).detail;

function expectScim401(res: request.Response): void {
  expect(res.status).toBe(401);
  expect(res.headers['content-type']).toMatch(/^application\/scim\+json/);
  expect(res.headers['www-authenticate']).toMatch(/^Bearer realm="muster"/);
  const body = JSON.parse(res.text) as Record<string, unknown>;
  expect(body).toEqual({ schemas: [SCIM_ERROR], status: '401', detail: expect.any(String) });
}

describe('SCIM bearer tokens', () => {
  const t = useApp();

  it('a minted token authenticates', async () => {
    const tenant = await tenantWithToken(t.server);
    const res = await scimGet(t, tenant.token);
    expect(res.status).toBe(200);
    expect(JSON.parse(res.text)).toMatchObject({ totalResults: 0, Resources: [] });
  });

  it('answers every unauthenticated request with a 401 SCIM Error document', async () => {
    const tenant = await tenantWithToken(t.server);
    expectScim401(await scimGet(t));
    expectScim401(
      await request(t.server).get('/scim/v2/Users').set('Authorization', `Basic ${tenant.token}`),
    );
    expectScim401(await scimGet(t, 'not-a-token'));
    expectScim401(await scimGet(t, `${tenant.token}x`));
    expectScim401(await scimGet(t, ADMIN_TOKEN));
    expectScim401(await request(t.server).post('/scim/v2/Groups').send({}));
    expectScim401(await request(t.server).get('/scim/v2/NoSuchThing'));
    expect((await scimGet(t, 'not-a-token')).headers['www-authenticate']).toContain(
      'error="invalid_token"',
    );
  });

  it('revokeScimToken takes effect on the very next request', async () => {
    const tenant = await tenantWithToken(t.server);
    expect((await scimGet(t, tenant.token)).status).toBe(200);
    const revoked = await graphql<{ revokeScimToken: { id: string; revokedAt: string | null } }>(
      t.server,
      ADMIN_TOKEN,
      'mutation($id: ID!) { revokeScimToken(id: $id) { id revokedAt } }',
      { id: tenant.tokenId },
    );
    expect(revoked.data?.revokeScimToken.id).toBe(tenant.tokenId);
    expect(Date.parse(revoked.data!.revokeScimToken.revokedAt!)).toBeLessThanOrEqual(Date.now());
    const after = await scimGet(t, tenant.token);
    expectScim401(after);
    expect(scimDetail(after)).toMatch(/revoked/);
  });

  it('a token changed outside this process is refused once PostgreSQL notifies the change', async () => {
    const listener = t.app.get(TokenStateListener);
    await listener.whenListening();
    const tenant = await tenantWithToken(t.server);
    expect((await scimGet(t, tenant.token)).status).toBe(200);
    // The state is now served from the cache: no database read per request.
    expect(listener.cache.get(tenant.tokenId)).toMatchObject({ revokedAt: null });
    expect((await scimGet(t, tenant.token)).status).toBe(200);

    // Another instance (or an operator) revokes it: only the notification tells this process.
    await t.db.query('UPDATE api_tokens SET revoked_at = now() WHERE tenant_id = $1 AND id = $2', [
      tenant.tenantId,
      tenant.tokenId,
    ]);
    await tokenNotified(t, tenant.tokenId);
    const after = await scimGet(t, tenant.token);
    expectScim401(after);
    expect(scimDetail(after)).toMatch(/revoked/);
  });

  it('a last-used update notifies nothing; without its notification connection every request reads the row', async () => {
    const listener = t.app.get(TokenStateListener);
    await listener.whenListening();
    const tenant = await tenantWithToken(t.server);
    expect((await scimGet(t, tenant.token)).status).toBe(200);
    await t.db.query(
      "UPDATE api_tokens SET last_used_at = now() - interval '1 day' WHERE tenant_id = $1 AND id = $2",
      [tenant.tenantId, tenant.tokenId],
    );
    expect((await scimGet(t, tenant.token)).status).toBe(200);
    expect(listener.cache.get(tenant.tokenId)).toBeDefined();

    // The listening connection dies: the cache is dropped and no longer served.
    await t.db.query(
      `SELECT pg_terminate_backend(pid) FROM pg_stat_activity
        WHERE application_name = 'muster-token-listener' AND datname = current_database()`,
    );
    await until(() => !listener.cache.listening);
    expect(listener.cache.get(tenant.tokenId)).toBeUndefined();
    await t.db.query('UPDATE api_tokens SET revoked_at = now() WHERE tenant_id = $1 AND id = $2', [
      tenant.tenantId,
      tenant.tokenId,
    ]);
    expectScim401(await scimGet(t, tenant.token));

    // It reconnects by itself and serves again.
    await until(() => listener.cache.listening);
    const other = await tenantWithToken(t.server);
    expect((await scimGet(t, other.token)).status).toBe(200);
    expect(listener.cache.get(other.tokenId)).toBeDefined();
  });

  it('an expired token gets 401 (expiry in the token and in its row)', async () => {
    const tenant = await tenantWithToken(t.server);
    // The row says expired (e.g. a rotation overlap ended) although the JWT is still valid.
    expect((await scimGet(t, tenant.token)).status).toBe(200);
    await t.db.query(
      `UPDATE api_tokens SET expires_at = now() - interval '1 second' WHERE tenant_id = $1 AND id = $2`,
      [tenant.tenantId, tenant.tokenId],
    );
    await tokenNotified(t, tenant.tokenId);
    const rowExpired = await scimGet(t, tenant.token);
    expectScim401(rowExpired);
    expect(scimDetail(rowExpired)).toMatch(/expired/);

    // The JWT itself is past its exp.
    const claims = jwt.decode(tenant.token) as jwt.JwtPayload;
    const stale = jwt.sign(
      { ...claims, iat: claims.iat! - 100, exp: Math.floor(Date.now() / 1000) - 10 },
      SIGNING_KEY,
      {
        algorithm: 'HS256',
      },
    );
    const jwtExpired = await scimGet(t, stale);
    expectScim401(jwtExpired);
    expect(scimDetail(jwtExpired)).toMatch(/expired/);
  });

  it('a token carries its own tenant only: claims naming another tenant are refused', async () => {
    const a = await tenantWithToken(t.server);
    const b = await tenantWithToken(t.server);
    const claimsA = jwt.decode(a.token) as jwt.JwtPayload;
    // Correctly signed, but tenant B with token A's id: no such token row in tenant B.
    const forged = jwt.sign({ ...claimsA, tid: b.tenantId }, SIGNING_KEY, { algorithm: 'HS256' });
    expectScim401(await scimGet(t, forged));
    // Tampering with the payload without the key breaks the signature.
    const [header, , signature] = a.token.split('.');
    const payload = Buffer.from(JSON.stringify({ ...claimsA, tid: b.tenantId })).toString(
      'base64url',
    );
    expectScim401(await scimGet(t, `${header}.${payload}.${signature}`));
    // An unsigned token is refused.
    const none = jwt.sign({ ...claimsA }, '', { algorithm: 'none' });
    expectScim401(await scimGet(t, none));
    // Revoking A leaves B working.
    await graphql(t.server, ADMIN_TOKEN, 'mutation($id: ID!) { revokeScimToken(id: $id) { id } }', {
      id: a.tokenId,
    });
    expectScim401(await scimGet(t, a.token));
    expect((await scimGet(t, b.token)).status).toBe(200);
  });

  it('records last use at most once a minute', async () => {
    const tenant = await tenantWithToken(t.server);
    const lastUsed = async (): Promise<Date | null> => {
      const rows = await t.db.query<Array<{ last_used_at: Date | null }>>(
        'SELECT last_used_at FROM api_tokens WHERE tenant_id = $1 AND id = $2',
        [tenant.tenantId, tenant.tokenId],
      );
      return rows[0]!.last_used_at;
    };
    expect(await lastUsed()).toBeNull();
    await scimGet(t, tenant.token);
    let first: Date | null = null;
    for (let i = 0; i < 50 && !first; i++) {
      first = await lastUsed();
      if (!first) await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(first).toBeInstanceOf(Date);
    await scimGet(t, tenant.token);
    await scimGet(t, tenant.token);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect((await lastUsed())?.getTime()).toBe(first!.getTime());
  });
});

describe('admin guard on GraphQL', () => {
  const t = useApp();

  it('ADMIN_TOKEN opens GraphQL', async () => {
    const res = await graphql<{ tenants: unknown[] }>(
      t.server,
      ADMIN_TOKEN,
      '{ tenants { id slug } }',
    );
    expect(res.errors).toBeUndefined();
    expect(Array.isArray(res.data?.tenants)).toBe(true);
  });

  it('a SCIM token, a wrong token or no token does not', async () => {
    const tenant = await tenantWithToken(t.server);
    for (const token of [
      tenant.token,
      `${ADMIN_TOKEN}x`,
      ADMIN_TOKEN.slice(0, -1),
      'short',
      null,
    ]) {
      const res = await graphql(t.server, token, '{ tenants { id } }');
      expect(res.data).toBeNull();
      expect(res.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    }
  });

  it('a minted tenant-admin token sees only its own tenant, and never opens SCIM', async () => {
    const a = await tenantWithToken(t.server);
    const b = await tenantWithToken(t.server);
    const { TokensService } = await import('../src/auth/tokens.service.js');
    const adminA = await t.app
      .get(TokensService)
      .mintTenantAdminToken(a.tenantId, 'admin a', '30d');

    const tenants = await graphql<{ tenants: Array<{ id: string }> }>(
      t.server,
      adminA.token,
      '{ tenants { id } }',
    );
    expect(tenants.data?.tenants).toEqual([{ id: a.tenantId }]);

    const own = await graphql<{ scimTokens: Array<{ id: string }> }>(
      t.server,
      adminA.token,
      'query($t: ID!) { scimTokens(tenantId: $t) { id } }',
      { t: a.tenantId },
    );
    expect(own.data?.scimTokens.map((x) => x.id)).toEqual([a.tokenId]);

    const foreign = await graphql(
      t.server,
      adminA.token,
      'query($t: ID!) { scimTokens(tenantId: $t) { id } }',
      {
        t: b.tenantId,
      },
    );
    const missing = await graphql(
      t.server,
      adminA.token,
      'query($t: ID!) { scimTokens(tenantId: $t) { id } }',
      {
        t: randomUUID(),
      },
    );
    expect(foreign.errors?.[0]).toMatchObject({
      message: 'tenant not found',
      extensions: { code: 'NOT_FOUND' },
    });
    expect(missing.errors?.[0]).toMatchObject({
      message: 'tenant not found',
      extensions: { code: 'NOT_FOUND' },
    });

    const revokeForeign = await graphql(
      t.server,
      adminA.token,
      'mutation($id: ID!) { revokeScimToken(id: $id) { id } }',
      {
        id: b.tokenId,
      },
    );
    expect(revokeForeign.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    expect((await scimGet(t, b.token)).status).toBe(200);

    const create = await graphql(
      t.server,
      adminA.token,
      'mutation { createTenant(input: {slug: "nope-x"}) { id } }',
    );
    expect(create.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');

    expectScim401(await scimGet(t, adminA.token));
  });
});
