import { ADMIN_TOKEN, graphql, useApp, uniqueSlug } from './support/app.js';

const CREATE =
  'mutation($input: CreateTenantInput!) { createTenant(input: $input) { id slug name createdAt } }';

describe('tenants and the sys.scim identity', () => {
  const t = useApp();

  const identities = (tenantId: string) =>
    t.db.query<Array<{ id: string; name: string }>>(
      'SELECT id, name FROM service_identities WHERE tenant_id = $1 ORDER BY name',
      [tenantId],
    );

  it('createTenant stores the tenant and creates its sys.scim identity', async () => {
    const slug = uniqueSlug('acme');
    const res = await graphql<{ createTenant: { id: string; slug: string; name: string } }>(
      t.server,
      ADMIN_TOKEN,
      CREATE,
      { input: { slug, name: 'Acme Corp' } },
    );
    expect(res.errors).toBeUndefined();
    expect(res.data?.createTenant).toMatchObject({ slug, name: 'Acme Corp' });
    const tenantId = res.data!.createTenant.id;
    expect((await identities(tenantId)).map((i) => i.name)).toEqual(['sys.scim']);

    const list = await graphql<{ tenants: Array<{ id: string }> }>(
      t.server,
      ADMIN_TOKEN,
      '{ tenants { id } }',
    );
    expect(list.data?.tenants.map((x) => x.id)).toContain(tenantId);
  });

  it('refuses a duplicate slug with CONFLICT and an invalid slug with a validation error', async () => {
    const slug = uniqueSlug('dup');
    await graphql(t.server, ADMIN_TOKEN, CREATE, { input: { slug } });
    const again = await graphql(t.server, ADMIN_TOKEN, CREATE, { input: { slug, name: 'other' } });
    expect(again.errors?.[0]).toMatchObject({ extensions: { code: 'CONFLICT' } });
    expect(again.errors?.[0]?.message).toContain(slug);

    const rows = await t.db.query('SELECT 1 FROM tenants WHERE slug = $1', [slug]);
    expect(rows).toHaveLength(1);

    const invalid = await graphql(t.server, ADMIN_TOKEN, CREATE, {
      input: { slug: 'Not A Slug!' },
    });
    expect(invalid.data).toBeNull();
    expect(invalid.errors?.[0]?.message).toMatch(/slug/);
  });

  it('setupSystemIdentities recreates a missing sys.scim and is idempotent', async () => {
    const created = await graphql<{ createTenant: { id: string } }>(t.server, ADMIN_TOKEN, CREATE, {
      input: { slug: uniqueSlug('setup') },
    });
    const tenantId = created.data!.createTenant.id;
    const [original] = await identities(tenantId);

    const setup = 'mutation($t: ID!) { setupSystemIdentities(tenantId: $t) { id name } }';
    const unchanged = await graphql<{ setupSystemIdentities: Array<{ id: string; name: string }> }>(
      t.server,
      ADMIN_TOKEN,
      setup,
      { t: tenantId },
    );
    expect(unchanged.data?.setupSystemIdentities).toEqual([{ id: original!.id, name: 'sys.scim' }]);

    await t.db.query('DELETE FROM service_identities WHERE tenant_id = $1', [tenantId]);
    expect(await identities(tenantId)).toEqual([]);
    const recreated = await graphql<{ setupSystemIdentities: Array<{ id: string; name: string }> }>(
      t.server,
      ADMIN_TOKEN,
      setup,
      { t: tenantId },
    );
    expect(recreated.data?.setupSystemIdentities.map((i) => i.name)).toEqual(['sys.scim']);
    expect(await identities(tenantId)).toHaveLength(1);
    const twice = await graphql<{ setupSystemIdentities: Array<{ id: string }> }>(
      t.server,
      ADMIN_TOKEN,
      setup,
      {
        t: tenantId,
      },
    );
    expect(twice.data?.setupSystemIdentities[0]?.id).toBe(
      recreated.data?.setupSystemIdentities[0]?.id,
    );
  });

  it('mintScimToken rejects lifetimes that are not offered', async () => {
    const created = await graphql<{ createTenant: { id: string } }>(t.server, ADMIN_TOKEN, CREATE, {
      input: { slug: uniqueSlug('ttl') },
    });
    const mint =
      'mutation($input: MintScimTokenInput!) { mintScimToken(input: $input) { info { expiresAt } } }';
    for (const expiresIn of ['never', '0d', '10y', '1h', '']) {
      const res = await graphql(t.server, ADMIN_TOKEN, mint, {
        input: { tenantId: created.data!.createTenant.id, expiresIn },
      });
      expect(res.data).toBeNull();
      expect(res.errors?.length).toBeGreaterThan(0);
    }
    const ok = await graphql<{ mintScimToken: { info: { expiresAt: string } } }>(
      t.server,
      ADMIN_TOKEN,
      mint,
      {
        input: { tenantId: created.data!.createTenant.id, expiresIn: '30d' },
      },
    );
    const days = (Date.parse(ok.data!.mintScimToken.info.expiresAt) - Date.now()) / 86_400_000;
    expect(days).toBeGreaterThan(29.9);
    expect(days).toBeLessThanOrEqual(30);

    const byDefault = await graphql<{ mintScimToken: { info: { expiresAt: string } } }>(
      t.server,
      ADMIN_TOKEN,
      mint,
      {
        input: { tenantId: created.data!.createTenant.id },
      },
    );
    const defaultDays =
      (Date.parse(byDefault.data!.mintScimToken.info.expiresAt) - Date.now()) / 86_400_000;
    expect(defaultDays).toBeGreaterThan(364);
    expect(defaultDays).toBeLessThanOrEqual(366);
  });

  it('scimTokens lists label and timestamps, never the token', async () => {
    const created = await graphql<{ createTenant: { id: string } }>(t.server, ADMIN_TOKEN, CREATE, {
      input: { slug: uniqueSlug('list') },
    });
    const tenantId = created.data!.createTenant.id;
    await graphql(
      t.server,
      ADMIN_TOKEN,
      'mutation($input: MintScimTokenInput!) { mintScimToken(input: $input) { token } }',
      { input: { tenantId, label: 'Entra production', expiresIn: '12w' } },
    );
    const list = await graphql<{ scimTokens: Array<Record<string, unknown>> }>(
      t.server,
      ADMIN_TOKEN,
      'query($t: ID!) { scimTokens(tenantId: $t) { id label createdAt expiresAt lastUsedAt revokedAt } }',
      { t: tenantId },
    );
    expect(list.data?.scimTokens).toEqual([
      {
        id: expect.any(String),
        label: 'Entra production',
        createdAt: expect.any(String),
        expiresAt: expect.any(String),
        lastUsedAt: null,
        revokedAt: null,
      },
    ]);
  });
});
