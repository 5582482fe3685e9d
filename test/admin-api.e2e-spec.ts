import request from 'supertest';
import { AuditService } from '../src/audit/audit.service.js';
import { PLATFORM_AUDIT_TENANT_ID } from '../src/audit/audit.types.js';
import { ADMIN_TOKEN, graphql, tenantWithToken, uniqueSlug, useApp } from './support/app.js';

const MINT_ADMIN = `mutation($input: MintAdminTokenInput!) {
  mintAdminToken(input: $input) { token info { id tenantId label expiresAt revokedAt } }
}`;
const ROTATE = `mutation($id: ID!, $overlap: String) {
  rotateScimToken(id: $id, overlap: $overlap) {
    token
    info { id tenantId label expiresAt replacedBy }
    previous { id expiresAt replacedBy revokedAt }
  }
}`;

interface MintedAdmin {
  mintAdminToken: { token: string; info: { id: string; tenantId: string | null; label: string } };
}

const errorsOf = (res: { body: unknown }) =>
  (res.body as { errors: Array<{ message: string; extensions: { code: string } }> }).errors;

interface AuditRow {
  tenant_id: string;
  token_id: string | null;
  channel: string;
  operation: string;
  resource_type: string | null;
  resource_id: string | null;
  status: number;
  scim_type: string | null;
  detail: string | null;
  changed_attributes: string[];
  request_id: string | null;
}

describe('admin API: admin tokens, SCIM token rotation, mutation audit, guard rails', () => {
  const t = useApp();

  const scimStatus = async (token: string): Promise<number> =>
    (await request(t.server).get('/scim/v2/Users').set('Authorization', `Bearer ${token}`)).status;

  const mintAdmin = async (input: Record<string, unknown>, token = ADMIN_TOKEN) =>
    graphql<MintedAdmin>(t.server, token, MINT_ADMIN, { input });

  const auditRows = async (tenantId: string, operation?: string): Promise<AuditRow[]> => {
    await t.app.get(AuditService).flush();
    return t.db.query<AuditRow[]>(
      `SELECT tenant_id, token_id, channel, operation, resource_type, resource_id, status,
              scim_type, detail, changed_attributes, request_id
         FROM audit_events
        WHERE tenant_id = $1 AND channel = 'graphql' AND ($2::text IS NULL OR operation = $2)
        ORDER BY at, id`,
      [tenantId, operation ?? null],
    );
  };

  describe('mintAdminToken', () => {
    it('mints a tenant-admin token that sees only its tenant, and a platform token that sees all', async () => {
      const a = await tenantWithToken(t.server);
      const b = await tenantWithToken(t.server);

      const tenantAdmin = await mintAdmin({ tenantId: a.tenantId, label: 'ops a' });
      expect(tenantAdmin.errors).toBeUndefined();
      expect(tenantAdmin.data?.mintAdminToken.info).toMatchObject({
        tenantId: a.tenantId,
        label: 'ops a',
        revokedAt: null,
      });
      const tokenA = tenantAdmin.data!.mintAdminToken.token;
      const seenByA = await graphql<{ tenants: Array<{ id: string }> }>(
        t.server,
        tokenA,
        '{ tenants { id } }',
      );
      expect(seenByA.data?.tenants.map((x) => x.id)).toEqual([a.tenantId]);

      const platform = await mintAdmin({ label: 'platform ops', expiresIn: '7d' });
      expect(platform.errors).toBeUndefined();
      expect(platform.data?.mintAdminToken.info.tenantId).toBeNull();
      const platformToken = platform.data!.mintAdminToken.token;
      const seenByPlatform = await graphql<{ tenants: Array<{ id: string }> }>(
        t.server,
        platformToken,
        '{ tenants { id } }',
      );
      expect(seenByPlatform.data?.tenants.map((x) => x.id)).toEqual(
        expect.arrayContaining([a.tenantId, b.tenantId]),
      );

      // A minted platform token can do what the bootstrap token does, e.g. create a tenant.
      const created = await graphql<{ createTenant: { id: string } }>(
        t.server,
        platformToken,
        'mutation($input: CreateTenantInput!) { createTenant(input: $input) { id } }',
        { input: { slug: uniqueSlug('by-platform') } },
      );
      expect(created.errors).toBeUndefined();

      // Neither admin token opens SCIM.
      expect(await scimStatus(tokenA)).toBe(401);
      expect(await scimStatus(platformToken)).toBe(401);
      // The stored rows never hold the token.
      const stored = await t.db.query<Array<{ row: string }>>(
        `SELECT row_to_json(p)::text AS row FROM platform_admin_tokens p
         UNION ALL SELECT row_to_json(a)::text FROM api_tokens a WHERE tenant_id = $1`,
        [a.tenantId],
      );
      for (const { row } of stored) {
        expect(row).not.toContain(tokenA);
        expect(row).not.toContain(platformToken);
      }
    });

    it('is for platform admins only', async () => {
      const a = await tenantWithToken(t.server);
      const tokenA = (await mintAdmin({ tenantId: a.tenantId })).data!.mintAdminToken.token;
      const own = await mintAdmin({ tenantId: a.tenantId }, tokenA);
      expect(own.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
      const platform = await mintAdmin({}, tokenA);
      expect(platform.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
      const scim = await mintAdmin({}, a.token);
      expect(scim.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    });

    it('refuses a bad lifetime or an unknown tenant, and stores nothing', async () => {
      const before = await t.db.query<Array<{ n: number }>>(
        'SELECT count(*)::int AS n FROM platform_admin_tokens',
      );
      const bad = await mintAdmin({ expiresIn: 'forever' });
      expect(bad.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
      const unknown = await mintAdmin({ tenantId: '7d4f8ad4-6c1e-4c1c-9d0e-0d7f3b1e2a11' });
      expect(unknown.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
      const after = await t.db.query<Array<{ n: number }>>(
        'SELECT count(*)::int AS n FROM platform_admin_tokens',
      );
      expect(after[0]?.n).toBe(before[0]?.n);
    });

    it('revokeAdminToken ends a token on its next request; tenant admins revoke only their own', async () => {
      const a = await tenantWithToken(t.server);
      const b = await tenantWithToken(t.server);
      const first = (await mintAdmin({ tenantId: a.tenantId })).data!.mintAdminToken;
      const second = (await mintAdmin({ tenantId: a.tenantId })).data!.mintAdminToken;
      const other = (await mintAdmin({ tenantId: b.tenantId })).data!.mintAdminToken;
      const platform = (await mintAdmin({})).data!.mintAdminToken;
      const REVOKE = 'mutation($id: ID!) { revokeAdminToken(id: $id) { id revokedAt } }';

      const foreign = await graphql(t.server, first.token, REVOKE, { id: other.info.id });
      expect(foreign.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
      const platformByTenant = await graphql(t.server, first.token, REVOKE, {
        id: platform.info.id,
      });
      expect(platformByTenant.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');

      const listed = await graphql<{ adminTokens: Array<{ id: string }> }>(
        t.server,
        first.token,
        'query($t: ID) { adminTokens(tenantId: $t) { id } }',
        { t: a.tenantId },
      );
      expect(listed.data?.adminTokens.map((x) => x.id).sort()).toEqual(
        [first.info.id, second.info.id].sort(),
      );

      const revoked = await graphql<{ revokeAdminToken: { revokedAt: string | null } }>(
        t.server,
        first.token,
        REVOKE,
        { id: second.info.id },
      );
      expect(revoked.data?.revokeAdminToken.revokedAt).not.toBeNull();
      const after = await graphql(t.server, second.token, '{ tenants { id } }');
      expect(after.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');

      const platformRevoked = await graphql(t.server, ADMIN_TOKEN, REVOKE, {
        id: platform.info.id,
      });
      expect(platformRevoked.errors).toBeUndefined();
      const platformAfter = await graphql(t.server, platform.token, '{ tenants { id } }');
      expect(platformAfter.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
      // The others still work.
      expect((await graphql(t.server, first.token, '{ tenants { id } }')).errors).toBeUndefined();
      expect((await graphql(t.server, other.token, '{ tenants { id } }')).errors).toBeUndefined();
    });
  });

  describe('rotateScimToken', () => {
    interface Rotated {
      rotateScimToken: {
        token: string;
        info: { id: string; tenantId: string; label: string; expiresAt: string };
        previous: { id: string; expiresAt: string; replacedBy: string | null };
      };
    }

    it('gives a new token at once; the old one works for the overlap, then dies', async () => {
      const a = await tenantWithToken(t.server);
      const started = Date.now();
      const res = await graphql<Rotated>(t.server, ADMIN_TOKEN, ROTATE, {
        id: a.tokenId,
        overlap: '3s',
      });
      expect(res.errors).toBeUndefined();
      const rotated = res.data!.rotateScimToken;
      expect(rotated.info).toMatchObject({ tenantId: a.tenantId, label: 'e2e' });
      expect(rotated.previous).toMatchObject({ id: a.tokenId, replacedBy: rotated.info.id });
      const oldExpiry = new Date(rotated.previous.expiresAt).getTime();
      expect(oldExpiry).toBeGreaterThan(started);
      expect(oldExpiry).toBeLessThanOrEqual(Date.now() + 3_000);

      expect(await scimStatus(rotated.token)).toBe(200);
      expect(await scimStatus(a.token)).toBe(200);
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, oldExpiry - Date.now()) + 50));
      expect(await scimStatus(a.token)).toBe(401);
      expect(await scimStatus(rotated.token)).toBe(200);

      const listed = await graphql<{
        scimTokens: Array<{ id: string; replacedBy: string | null }>;
      }>(t.server, ADMIN_TOKEN, 'query($t: ID!) { scimTokens(tenantId: $t) { id replacedBy } }', {
        t: a.tenantId,
      });
      expect(listed.data?.scimTokens).toEqual(
        expect.arrayContaining([
          { id: a.tokenId, replacedBy: rotated.info.id },
          { id: rotated.info.id, replacedBy: null },
        ]),
      );
    });

    it('defaults the overlap to 24 hours', async () => {
      const a = await tenantWithToken(t.server);
      const res = await graphql<Rotated>(t.server, ADMIN_TOKEN, ROTATE, { id: a.tokenId });
      const expiry = new Date(res.data!.rotateScimToken.previous.expiresAt).getTime();
      expect(Math.abs(expiry - (Date.now() + 86_400_000))).toBeLessThan(60_000);
      expect(await scimStatus(a.token)).toBe(200);
    });

    it('refuses a rotated, revoked or foreign token and a bad overlap, changing nothing', async () => {
      const a = await tenantWithToken(t.server);
      const b = await tenantWithToken(t.server);
      const badOverlap = await graphql(t.server, ADMIN_TOKEN, ROTATE, {
        id: a.tokenId,
        overlap: '31d',
      });
      expect(badOverlap.errors?.[0]).toMatchObject({
        message: 'overlap must be at most 30d, not "31d"',
        extensions: { code: 'BAD_USER_INPUT' },
      });
      const months = await graphql(t.server, ADMIN_TOKEN, ROTATE, { id: a.tokenId, overlap: '1m' });
      expect(months.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');

      const adminA = (await mintAdmin({ tenantId: a.tenantId })).data!.mintAdminToken.token;
      const foreign = await graphql(t.server, adminA, ROTATE, { id: b.tokenId });
      expect(foreign.errors?.[0]).toMatchObject({
        message: 'token not found',
        extensions: { code: 'NOT_FOUND' },
      });

      expect((await graphql(t.server, adminA, ROTATE, { id: a.tokenId })).errors).toBeUndefined();
      const again = await graphql(t.server, adminA, ROTATE, { id: a.tokenId });
      expect(again.errors?.[0]?.message).toMatch(/already been rotated/);

      await graphql(
        t.server,
        ADMIN_TOKEN,
        'mutation($id: ID!) { revokeScimToken(id: $id) { id } }',
        {
          id: b.tokenId,
        },
      );
      const revoked = await graphql(t.server, ADMIN_TOKEN, ROTATE, { id: b.tokenId });
      expect(revoked.errors?.[0]?.message).toMatch(/revoked/);

      const tokensOfB = await t.db.query<Array<{ n: number }>>(
        'SELECT count(*)::int AS n FROM api_tokens WHERE tenant_id = $1',
        [b.tenantId],
      );
      expect(tokensOfB[0]?.n).toBe(1);
      expect(await scimStatus(b.token)).toBe(401);
    });
  });

  describe('every mutation leaves an audit row', () => {
    it('records successes with the admin token as actor, and the fields given, never values', async () => {
      const a = await tenantWithToken(t.server);
      const minted = (await mintAdmin({ tenantId: a.tenantId })).data!.mintAdminToken;
      const res = await request(t.server)
        .post('/graphql')
        .set('Authorization', `Bearer ${minted.token}`)
        .set('X-Request-Id', 'req-settings-1')
        .send({
          query: `mutation($input: UpdateTenantSettingsInput!) {
            updateTenantSettings(input: $input) { rolePrefix } }`,
          variables: { input: { tenantId: a.tenantId, rolePrefix: 'grp.', cycleGapMinutes: 5 } },
        });
      expect(res.body).toMatchObject({ data: { updateTenantSettings: { rolePrefix: 'grp.' } } });

      const [settings] = await auditRows(a.tenantId, 'updateTenantSettings');
      expect(settings).toMatchObject({
        token_id: minted.info.id,
        channel: 'graphql',
        resource_type: 'TenantSettings',
        status: 200,
        scim_type: null,
        request_id: 'req-settings-1',
        changed_attributes: ['cycleGapMinutes', 'rolePrefix'],
      });

      const operations = (await auditRows(a.tenantId)).map((row) => [
        row.operation,
        row.resource_type,
        row.token_id,
      ]);
      // The tenant was created and its SCIM token minted by the bootstrap ADMIN_TOKEN (no id).
      expect(operations).toEqual([
        ['createTenant', 'Tenant', null],
        ['mintScimToken', 'ScimToken', null],
        ['mintAdminToken', 'AdminToken', null],
        ['updateTenantSettings', 'TenantSettings', minted.info.id],
      ]);
      const [mint] = await auditRows(a.tenantId, 'mintScimToken');
      expect(mint?.resource_id).toBe(a.tokenId);
    });

    it("records failures too; a tenant admin's attempt on another tenant stays in its own log", async () => {
      const a = await tenantWithToken(t.server);
      const b = await tenantWithToken(t.server);
      const adminA = (await mintAdmin({ tenantId: a.tenantId })).data!.mintAdminToken;
      const res = await graphql(
        t.server,
        adminA.token,
        'mutation($id: ID!) { setupSystemIdentities(tenantId: $id) { id } }',
        { id: b.tenantId },
      );
      expect(res.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');

      const [failed] = await auditRows(a.tenantId, 'setupSystemIdentities');
      expect(failed).toMatchObject({
        token_id: adminA.info.id,
        status: 404,
        scim_type: 'NOT_FOUND',
        detail: 'tenant not found',
      });
      expect(await auditRows(b.tenantId, 'setupSystemIdentities')).toEqual([]);

      const invalid = await graphql(
        t.server,
        ADMIN_TOKEN,
        'mutation($input: UpdateTenantSettingsInput!) { updateTenantSettings(input: $input) { tenantId } }',
        { input: { tenantId: b.tenantId, cycleGapMinutes: 0 } },
      );
      expect(invalid.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
      const [refused] = await auditRows(b.tenantId, 'updateTenantSettings');
      expect(refused).toMatchObject({ status: 400, scim_type: 'BAD_USER_INPUT', token_id: null });
    });

    it('puts platform-level actions in the platform audit log', async () => {
      const minted = (await mintAdmin({ label: 'platform audit' })).data!.mintAdminToken;
      const rows = await t.db.query<AuditRow[]>(
        `SELECT operation, resource_id FROM audit_events
          WHERE tenant_id = $1 AND resource_id = $2`,
        [PLATFORM_AUDIT_TENANT_ID, minted.info.id],
      );
      expect(rows).toEqual([{ operation: 'mintAdminToken', resource_id: minted.info.id }]);
    });
  });

  describe('guard rails', () => {
    it('refuses a query nested deeper than the limit before running it', async () => {
      const nested = `{ scimSchemaSettings(tenantId: "7d4f8ad4-6c1e-4c1c-9d0e-0d7f3b1e2a11") {
        extensions { attributes { subAttributes { subAttributes { subAttributes {
          subAttributes { subAttributes { subAttributes { subAttributes { subAttributes { name }
        } } } } } } } } } } }`;
      const res = await request(t.server)
        .post('/graphql')
        .set('Authorization', `Bearer ${ADMIN_TOKEN}`)
        .send({ query: nested });
      expect(res.status).toBe(400);
      expect(errorsOf(res)[0]).toMatchObject({
        message: 'the query is nested 12 levels deep; at most 10 are allowed',
        extensions: { code: 'GRAPHQL_VALIDATION_FAILED' },
      });
    });

    it('refuses a query over the complexity limit before running it', async () => {
      const aliases = Array.from({ length: 2_600 }, (_, i) => `t${i}: tenants { id slug }`).join(
        '\n',
      );
      const res = await request(t.server)
        .post('/graphql')
        .set('Authorization', `Bearer ${ADMIN_TOKEN}`)
        .send({ query: `{ ${aliases} }` });
      expect(res.status).toBe(400);
      expect(errorsOf(res)[0]?.extensions.code).toBe('GRAPHQL_VALIDATION_FAILED');
      expect(errorsOf(res)[0]?.message).toMatch(
        /^the query's complexity is \d+, over the limit of 5000/,
      );
    });

    it('serves the landing page outside production', async () => {
      const res = await request(t.server).get('/graphql').set('Accept', 'text/html');
      expect(res.status).toBe(200);
      expect(res.text).toContain('<!DOCTYPE html>');
    });
  });
});
