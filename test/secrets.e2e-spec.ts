import request from 'supertest';
import { ADMIN_TOKEN, graphql, useApp, tenantWithToken } from './support/app.js';

describe('tokens are never stored or logged', () => {
  const t = useApp();

  it('neither the database nor the logs contain a minted token', async () => {
    const tenant = await tenantWithToken(t.server);
    // Use it: successful, failing and revoked requests all get logged.
    await request(t.server).get('/scim/v2/Users').set('Authorization', `Bearer ${tenant.token}`);
    await request(t.server)
      .post('/scim/v2/Users')
      .set('Authorization', `Bearer ${tenant.token}`)
      .set('Content-Type', 'application/scim+json')
      .send('{"userName": "x", "password": "Hunter2-secret"}');
    await graphql(t.server, ADMIN_TOKEN, 'mutation($id: ID!) { revokeScimToken(id: $id) { id } }', {
      id: tenant.tokenId,
    });
    await request(t.server).get('/scim/v2/Users').set('Authorization', `Bearer ${tenant.token}`);

    const tables = await t.db.query<Array<{ table_name: string }>>(
      `SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE'`,
    );
    expect(tables.map((x) => x.table_name)).toContain('api_tokens');
    const signature = tenant.token.split('.')[2]!;
    for (const { table_name } of tables) {
      const dump = await t.db.query<Array<{ row: string }>>(
        `SELECT row_to_json(x)::text AS row FROM "${table_name}" x`,
      );
      const text = dump.map((r) => r.row).join('\n');
      expect(text).not.toContain(tenant.token);
      expect(text).not.toContain(signature);
    }
    const [row] = await t.db.query<Array<Record<string, unknown>>>(
      'SELECT * FROM api_tokens WHERE tenant_id = $1 AND id = $2',
      [tenant.tenantId, tenant.tokenId],
    );
    expect(Object.keys(row!).sort()).toEqual(
      [
        'created_at',
        'expires_at',
        'id',
        'identity_id',
        'kind',
        'label',
        'last_used_at',
        'replaced_by',
        'revoked_at',
        'tenant_id',
      ].sort(),
    );

    const logs = t.logs.text();
    expect(logs).toContain('/scim/v2/Users'); // the requests were logged …
    expect(logs).toContain('[redacted]'); // … with their Authorization header redacted
    expect(logs).not.toContain(tenant.token);
    expect(logs).not.toContain(signature);
    expect(logs).not.toContain(ADMIN_TOKEN);
    expect(logs).not.toContain('Hunter2-secret');
  });
});
