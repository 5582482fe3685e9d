import request from 'supertest';
import { uniqueSlug, useApp } from './support/app.js';
import { childEnv, cliJson, runCli } from './support/processes.js';

describe('operator CLI (against DATABASE_URL)', () => {
  const t = useApp();
  const env = childEnv({ LOG_LEVEL: 'warn' });

  it('creates a tenant, mints a working token, lists and revokes it; one JSON object per command', async () => {
    const slug = uniqueSlug('cli');
    const tenant = cliJson<{ id: string; slug: string; name: string }>(
      await runCli(['tenant', 'create', slug, '--name', 'Acme CLI'], env),
    );
    expect(tenant).toEqual({
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      slug,
      name: 'Acme CLI',
    });

    const listed = cliJson<{ tenants: Array<{ slug: string }> }>(
      await runCli(['tenant', 'list'], env),
    );
    expect(listed.tenants.map((x) => x.slug)).toContain(slug);

    const minted = cliJson<{ id: string; token: string; expiresAt: string }>(
      await runCli(['token', 'mint', slug, '--label', 'entra', '--expires', '30d'], env),
    );
    expect(Object.keys(minted).sort()).toEqual(['expiresAt', 'id', 'token']);
    const days = (Date.parse(minted.expiresAt) - Date.now()) / 86_400_000;
    expect(days).toBeGreaterThan(29.9);
    expect(days).toBeLessThanOrEqual(30);

    const works = await request(t.server)
      .get('/scim/v2/Users')
      .set('Authorization', `Bearer ${minted.token}`);
    expect(works.status).toBe(200);

    const tokens = cliJson<{
      tokens: Array<{ id: string; label: string; revokedAt: string | null }>;
    }>(await runCli(['token', 'list', slug], env));
    expect(tokens.tokens).toEqual([
      expect.objectContaining({ id: minted.id, label: 'entra', revokedAt: null }),
    ]);
    expect(JSON.stringify(tokens)).not.toContain(minted.token);

    const revoked = cliJson<{ id: string; revokedAt: string | null }>(
      await runCli(['token', 'revoke', minted.id], env),
    );
    expect(revoked.id).toBe(minted.id);
    expect(revoked.revokedAt).not.toBeNull();
    const refused = await request(t.server)
      .get('/scim/v2/Users')
      .set('Authorization', `Bearer ${minted.token}`);
    expect(refused.status).toBe(401);
  });

  it('mints admin tokens for /graphql (platform-wide, or of one tenant) and revokes them', async () => {
    const slug = uniqueSlug('cli-admin');
    const tenant = cliJson<{ id: string }>(await runCli(['tenant', 'create', slug], env));
    const platform = cliJson<{ id: string; tenantId: string | null; token: string }>(
      await runCli(['admin-token', 'mint', '--label', 'bootstrap'], env),
    );
    expect(platform.tenantId).toBeNull();
    const ofTenant = cliJson<{ id: string; tenantId: string | null; token: string }>(
      await runCli(['admin-token', 'mint', slug, '--expires', '7d'], env),
    );
    expect(ofTenant.tenantId).toBe(tenant.id);

    const tenantsSeenBy = async (token: string) => {
      const res = await request(t.server)
        .post('/graphql')
        .set('Authorization', `Bearer ${token}`)
        .send({ query: '{ tenants { id } }' });
      return res.body as { data?: { tenants: Array<{ id: string }> } | null; errors?: unknown[] };
    };
    expect((await tenantsSeenBy(ofTenant.token)).data?.tenants).toEqual([{ id: tenant.id }]);
    expect((await tenantsSeenBy(platform.token)).data?.tenants.length).toBeGreaterThan(1);

    const revoked = cliJson<{ id: string; revokedAt: string | null }>(
      await runCli(['admin-token', 'revoke', platform.id], env),
    );
    expect(revoked.revokedAt).not.toBeNull();
    expect((await tenantsSeenBy(platform.token)).errors).toHaveLength(1);
    expect((await tenantsSeenBy(ofTenant.token)).errors).toBeUndefined();
  });

  it('reports errors as JSON on stderr with a non-zero exit code and nothing on stdout', async () => {
    const slug = uniqueSlug('clidup');
    cliJson(await runCli(['tenant', 'create', slug], env));
    const duplicate = await runCli(['tenant', 'create', slug], env);
    expect(duplicate.code).toBe(1);
    expect(duplicate.stdout).toBe('');
    expect(JSON.parse(duplicate.stderr.trim().split('\n').pop()!)).toEqual({
      error: { code: 'CONFLICT', message: `a tenant with slug "${slug}" already exists` },
    });

    const unknownTenant = await runCli(['token', 'mint', 'no-such-tenant-xyz'], env);
    expect(unknownTenant.code).toBe(1);
    expect(unknownTenant.stderr).toContain('NOT_FOUND');

    const never = await runCli(['token', 'mint', slug, '--expires', 'never'], env);
    expect(never.code).toBe(2);
    expect(never.stderr).toContain('INVALID_INPUT');

    const usage = await runCli(['frobnicate'], env);
    expect(usage.code).toBe(2);
    expect(usage.stdout).toBe('');
  });

  it('shows migrations as all applied', async () => {
    const shown = cliJson<{ applied: string[]; pending: string[] }>(
      await runCli(['migration', 'show'], env),
    );
    expect(shown.pending).toEqual([]);
    expect(shown.applied.length).toBeGreaterThan(0);
  });

  it('runs and reverts migrations on an empty database', async () => {
    const name = `muster_migrate_${Date.now().toString(36)}`;
    await t.db.query(`CREATE DATABASE ${name}`);
    try {
      const url = new URL(process.env.DATABASE_URL!);
      url.pathname = `/${name}`;
      const scratch = { ...env, DATABASE_URL: url.toString() };
      const applied = async (): Promise<string[]> => {
        const shown = cliJson<{ applied: string[]; pending: string[] }>(
          await runCli(['migration', 'show'], scratch),
        );
        return shown.applied;
      };
      expect(await applied()).toEqual([]);
      const ran = cliJson<{ applied: string[] }>(await runCli(['migration', 'run'], scratch));
      expect(ran.applied.length).toBeGreaterThan(0);
      expect(await applied()).toEqual(ran.applied);
      const again = cliJson<{ applied: string[] }>(await runCli(['migration', 'run'], scratch));
      expect(again.applied).toEqual([]);
      const reverted = cliJson<{ reverted: string }>(
        await runCli(['migration', 'revert'], scratch),
      );
      expect(reverted.reverted).toBe(ran.applied[ran.applied.length - 1]);
      expect(await applied()).toEqual(ran.applied.slice(0, -1));
    } finally {
      await t.db.query(`DROP DATABASE ${name} WITH (FORCE)`);
    }
  });
});
