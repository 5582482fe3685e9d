import { TokensService } from '../src/auth/tokens.service.js';
import { AppConfig } from '../src/config/app-config.js';
import { ADMIN_TOKEN, graphql, tenantWithToken, useApp } from './support/app.js';

const FIELDS =
  'tenantId softDeleteRetentionDays auditRetentionDays verifiedDomains scimTokenDefaultTtl strictSchemas rolePrefix cycleGapMinutes customized';
const UPDATE = `mutation($input: UpdateTenantSettingsInput!) { updateTenantSettings(input: $input) { ${FIELDS} } }`;
const READ = `query($t: ID!) { tenantSettings(tenantId: $t) { ${FIELDS} } }`;

interface Settings {
  tenantId: string;
  softDeleteRetentionDays: number;
  auditRetentionDays: number;
  verifiedDomains: string[];
  scimTokenDefaultTtl: string;
  strictSchemas: boolean;
  rolePrefix: string;
  cycleGapMinutes: number;
  customized: string[];
}

describe('tenant settings (GraphQL updateTenantSettings / tenantSettings)', () => {
  const t = useApp();

  const update = (input: Record<string, unknown>, token = ADMIN_TOKEN) =>
    graphql<{ updateTenantSettings: Settings }>(t.server, token, UPDATE, { input });
  const read = (tenantId: string, token = ADMIN_TOKEN) =>
    graphql<{ tenantSettings: Settings }>(t.server, token, READ, { t: tenantId });
  const stored = async (tenantId: string): Promise<Record<string, unknown>> => {
    const rows = await t.db.query<Array<{ settings: Record<string, unknown> }>>(
      'SELECT settings FROM tenants WHERE id = $1',
      [tenantId],
    );
    return rows[0]!.settings;
  };
  const defaults = () => {
    const config = t.app.get(AppConfig);
    return {
      softDeleteRetentionDays: config.SOFT_DELETE_RETENTION_DAYS,
      auditRetentionDays: config.AUDIT_RETENTION_DAYS,
      verifiedDomains: [],
      scimTokenDefaultTtl: config.SCIM_TOKEN_DEFAULT_TTL,
      strictSchemas: false,
      rolePrefix: 'role.',
      cycleGapMinutes: 10,
      customized: [],
    };
  };

  it('a new tenant has the deployment defaults', async () => {
    const { tenantId } = await tenantWithToken(t.server);
    const res = await read(tenantId);
    expect(res.errors).toBeUndefined();
    expect(res.data?.tenantSettings).toEqual({ tenantId, ...defaults() });
    expect(await stored(tenantId)).toEqual({});
  });

  it('stores what is given (domains lower-cased and deduplicated) and leaves the rest', async () => {
    const { tenantId } = await tenantWithToken(t.server);
    const all = await update({
      tenantId,
      softDeleteRetentionDays: 7,
      auditRetentionDays: 365,
      verifiedDomains: ['Contoso.com', 'fabrikam.com', 'CONTOSO.COM'],
      scimTokenDefaultTtl: '90d',
      strictSchemas: true,
      rolePrefix: 'app-role:',
      cycleGapMinutes: 30,
    });
    expect(all.errors).toBeUndefined();
    const expected = {
      tenantId,
      softDeleteRetentionDays: 7,
      auditRetentionDays: 365,
      verifiedDomains: ['contoso.com', 'fabrikam.com'],
      scimTokenDefaultTtl: '90d',
      strictSchemas: true,
      rolePrefix: 'app-role:',
      cycleGapMinutes: 30,
      customized: [
        'auditRetentionDays',
        'cycleGapMinutes',
        'rolePrefix',
        'scimTokenDefaultTtl',
        'softDeleteRetentionDays',
        'strictSchemas',
        'verifiedDomains',
      ],
    };
    expect(all.data?.updateTenantSettings).toEqual(expected);
    expect(await stored(tenantId)).toEqual({
      softDeleteRetentionDays: 7,
      auditRetentionDays: 365,
      verifiedDomains: ['contoso.com', 'fabrikam.com'],
      scimTokenDefaultTtl: '90d',
      strictSchemas: true,
      rolePrefix: 'app-role:',
      cycleGapMinutes: 30,
    });

    // One key: the others stay as they are.
    const one = await update({ tenantId, cycleGapMinutes: 15 });
    expect(one.data?.updateTenantSettings).toEqual({ ...expected, cycleGapMinutes: 15 });
    expect((await read(tenantId)).data?.tenantSettings).toEqual({
      ...expected,
      cycleGapMinutes: 15,
    });
  });

  it('null restores a default (the key is removed) and an empty domain list means any domain', async () => {
    const { tenantId } = await tenantWithToken(t.server);
    await update({
      tenantId,
      softDeleteRetentionDays: 5,
      verifiedDomains: ['contoso.com'],
      rolePrefix: 'r-',
    });

    await update({ tenantId, auditRetentionDays: 30 });
    const reset = await update({
      tenantId,
      softDeleteRetentionDays: null,
      auditRetentionDays: null,
      rolePrefix: null,
    });
    expect(reset.errors).toBeUndefined();
    expect(reset.data?.updateTenantSettings).toMatchObject({
      softDeleteRetentionDays: defaults().softDeleteRetentionDays,
      auditRetentionDays: defaults().auditRetentionDays,
      rolePrefix: 'role.',
      verifiedDomains: ['contoso.com'],
      customized: ['verifiedDomains'],
    });
    expect(await stored(tenantId)).toEqual({ verifiedDomains: ['contoso.com'] });

    const emptied = await update({ tenantId, verifiedDomains: [] });
    expect(emptied.data?.updateTenantSettings).toEqual({ tenantId, ...defaults() });
    expect(await stored(tenantId)).toEqual({});
  });

  it('shares strictSchemas with setScimSchemaStrictness and keeps custom extensions', async () => {
    const { tenantId } = await tenantWithToken(t.server);
    const extension = {
      id: 'urn:ietf:params:scim:schemas:extension:Acme:2.0:User',
      name: 'AcmeUser',
      attributes: [{ name: 'badge', type: 'string' }],
    };
    await graphql(
      t.server,
      ADMIN_TOKEN,
      'mutation($t: ID!, $e: [ScimExtensionInput!]!) { setScimExtensions(tenantId: $t, extensions: $e) { tenantId } }',
      { t: tenantId, e: [extension] },
    );
    await update({ tenantId, strictSchemas: true });
    const schemaSettings = await graphql<{
      scimSchemaSettings: { strictSchemas: boolean; extensions: Array<{ id: string }> };
    }>(
      t.server,
      ADMIN_TOKEN,
      'query($t: ID!) { scimSchemaSettings(tenantId: $t) { strictSchemas extensions { id } } }',
      { t: tenantId },
    );
    expect(schemaSettings.data?.scimSchemaSettings).toEqual({
      strictSchemas: true,
      extensions: [{ id: extension.id }],
    });

    await graphql(
      t.server,
      ADMIN_TOKEN,
      'mutation($t: ID!) { setScimSchemaStrictness(tenantId: $t, strict: false) { strictSchemas } }',
      { t: tenantId },
    );
    expect((await read(tenantId)).data?.tenantSettings.strictSchemas).toBe(false);
  });

  it('scimTokenDefaultTtl is the lifetime of a SCIM token minted without one', async () => {
    const { tenantId } = await tenantWithToken(t.server);
    await update({ tenantId, scimTokenDefaultTtl: '30d' });
    const minted = await graphql<{ mintScimToken: { info: { expiresAt: string } } }>(
      t.server,
      ADMIN_TOKEN,
      'mutation($input: MintScimTokenInput!) { mintScimToken(input: $input) { info { expiresAt } } }',
      { input: { tenantId } },
    );
    const days = (Date.parse(minted.data!.mintScimToken.info.expiresAt) - Date.now()) / 86_400_000;
    expect(days).toBeGreaterThan(29.9);
    expect(days).toBeLessThanOrEqual(30);
  });

  it('updates of different keys made at the same time both land', async () => {
    const { tenantId } = await tenantWithToken(t.server);
    await Promise.all([
      update({ tenantId, softDeleteRetentionDays: 3 }),
      update({ tenantId, cycleGapMinutes: 60 }),
      update({ tenantId, rolePrefix: 'grp.' }),
    ]);
    expect(await stored(tenantId)).toEqual({
      softDeleteRetentionDays: 3,
      cycleGapMinutes: 60,
      rolePrefix: 'grp.',
    });
  });

  describe('refuses invalid values and stores nothing', () => {
    const cases: Array<{ name: string; input: Record<string, unknown>; message: RegExp }> = [
      {
        name: 'retention 0',
        input: { softDeleteRetentionDays: 0 },
        message: /softDeleteRetentionDays/,
      },
      {
        name: 'retention 3651',
        input: { softDeleteRetentionDays: 3651 },
        message: /softDeleteRetentionDays/,
      },
      {
        name: 'retention 1.5 (not an Int)',
        input: { softDeleteRetentionDays: 1.5 },
        message: /Int/,
      },
      {
        name: 'audit retention 0',
        input: { auditRetentionDays: 0 },
        message: /auditRetentionDays/,
      },
      {
        name: 'audit retention 3651',
        input: { auditRetentionDays: 3651 },
        message: /auditRetentionDays/,
      },
      {
        name: 'a domain that is not one',
        input: { verifiedDomains: ['contoso.com', 'not a domain'] },
        message: /"not a domain" is not a domain name/,
      },
      {
        name: 'a single-label domain',
        input: { verifiedDomains: ['contoso'] },
        message: /"contoso" is not a domain name/,
      },
      {
        name: 'an IP address',
        input: { verifiedDomains: ['10.0.0.1'] },
        message: /"10.0.0.1" is not a domain name/,
      },
      {
        name: '101 domains',
        input: { verifiedDomains: Array.from({ length: 101 }, (_, i) => `d${i}.example.com`) },
        message: /verifiedDomains/,
      },
      {
        name: 'a lifetime that never ends',
        input: { scimTokenDefaultTtl: 'never' },
        message: /scimTokenDefaultTtl/,
      },
      {
        name: 'a lifetime over 3 years',
        input: { scimTokenDefaultTtl: '10y' },
        message: /scimTokenDefaultTtl "10y"/,
      },
      { name: 'an empty role prefix', input: { rolePrefix: '' }, message: /rolePrefix/ },
      { name: 'a blank role prefix', input: { rolePrefix: '  ' }, message: /rolePrefix/ },
      {
        name: 'a 65-character role prefix',
        input: { rolePrefix: 'r'.repeat(65) },
        message: /rolePrefix/,
      },
      { name: 'a cycle gap of 0', input: { cycleGapMinutes: 0 }, message: /cycleGapMinutes/ },
      { name: 'a cycle gap of 1441', input: { cycleGapMinutes: 1441 }, message: /cycleGapMinutes/ },
      { name: 'an unknown field', input: { purgeNow: true }, message: /purgeNow/ },
      { name: 'a tenant id that is not a UUID', input: { tenantId: 'acme' }, message: /tenantId/ },
    ];

    it.each(cases)('$name', async ({ input, message }) => {
      const { tenantId } = await tenantWithToken(t.server);
      await update({ tenantId, softDeleteRetentionDays: 9 });
      const res = await update({ tenantId, cycleGapMinutes: 20, ...input });
      expect(res.data).toBeNull();
      expect(res.errors?.[0]?.message).toMatch(message);
      expect(res.errors?.[0]?.extensions?.code).not.toBe('INTERNAL_SERVER_ERROR');
      expect(await stored(tenantId)).toEqual({ softDeleteRetentionDays: 9 });
    });
  });

  it('a tenant admin reads and changes only its own tenant; a foreign or unknown tenant is not found', async () => {
    const a = await tenantWithToken(t.server);
    const b = await tenantWithToken(t.server);
    const adminA = await t.app.get(TokensService).mintTenantAdminToken(a.tenantId, 'a', '30d');

    const own = await update({ tenantId: a.tenantId, softDeleteRetentionDays: 4 }, adminA.token);
    expect(own.errors).toBeUndefined();
    expect(own.data?.updateTenantSettings.softDeleteRetentionDays).toBe(4);
    expect(
      (await read(a.tenantId, adminA.token)).data?.tenantSettings.softDeleteRetentionDays,
    ).toBe(4);

    const foreign = await update(
      { tenantId: b.tenantId, softDeleteRetentionDays: 4 },
      adminA.token,
    );
    expect(foreign.errors?.[0]).toMatchObject({
      message: 'tenant not found',
      extensions: { code: 'NOT_FOUND' },
    });
    expect(await stored(b.tenantId)).toEqual({});
    const foreignRead = await read(b.tenantId, adminA.token);
    expect(foreignRead.errors?.[0]).toMatchObject({
      message: 'tenant not found',
      extensions: { code: 'NOT_FOUND' },
    });

    const missing = '00000000-0000-4000-8000-000000000000';
    for (const res of [
      await update({ tenantId: missing, cycleGapMinutes: 5 }),
      await read(missing),
      await read('not-a-uuid'),
    ]) {
      expect(res.errors?.[0]).toMatchObject({
        message: 'tenant not found',
        extensions: { code: 'NOT_FOUND' },
      });
    }

    // A SCIM token never opens GraphQL.
    const scim = await update({ tenantId: a.tenantId, cycleGapMinutes: 5 }, a.token);
    expect(scim.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    expect(await stored(a.tenantId)).toEqual({ softDeleteRetentionDays: 4 });
  });
});
