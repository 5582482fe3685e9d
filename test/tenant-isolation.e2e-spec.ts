import { GraphQLSchemaHost } from '@nestjs/graphql';
import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { AuditService } from '../src/audit/audit.service.js';
import {
  ADMIN_TOKEN,
  graphql,
  tenantWithToken,
  useApp,
  type TenantWithToken,
} from './support/app.js';
import { scimClient } from './support/scim-users.js';

type Vars = Record<string, unknown>;

/** Ids of tenant B that tenant A's admin tries to reach. */
interface Foreign {
  readonly tenantId: string;
  readonly userId: string;
  readonly groupId: string;
  readonly scimTokenId: string;
  readonly adminTokenId: string;
  readonly auditEventId: string;
}

/**
 * One call per tenant-scoped field of the admin API, given the ids it should reach. The walk
 * runs each twice: with tenant B's ids, and with ids that exist nowhere; both must answer the
 * same (a foreign id is indistinguishable from a missing one), and B must come out untouched.
 */
const WALK: Record<string, { query: string; vars: (ids: Foreign) => Vars }> = {
  // Queries
  adminTokens: {
    query: 'query($t: ID) { adminTokens(tenantId: $t) { id } }',
    vars: (ids) => ({ t: ids.tenantId }),
  },
  auditEvents: {
    query: 'query($t: ID!) { auditEvents(tenantId: $t) { edges { node { id } } } }',
    vars: (ids) => ({ t: ids.tenantId }),
  },
  auditEvent: {
    query: 'query($id: ID!) { auditEvent(id: $id) { id } }',
    vars: (ids) => ({ id: ids.auditEventId }),
  },
  syncState: {
    query: 'query($t: ID!) { syncState(tenantId: $t) { status } }',
    vars: (ids) => ({ t: ids.tenantId }),
  },
  users: {
    query: 'query($t: ID!) { users(tenantId: $t) { edges { node { id } } } }',
    vars: (ids) => ({ t: ids.tenantId }),
  },
  user: {
    query: 'query($t: ID!, $id: ID!) { user(tenantId: $t, id: $id) { id } }',
    vars: (ids) => ({ t: ids.tenantId, id: ids.userId }),
  },
  groups: {
    query: 'query($t: ID!) { groups(tenantId: $t) { edges { node { id } } } }',
    vars: (ids) => ({ t: ids.tenantId }),
  },
  group: {
    query: 'query($t: ID!, $id: ID!) { group(tenantId: $t, id: $id) { id } }',
    vars: (ids) => ({ t: ids.tenantId, id: ids.groupId }),
  },
  scimSchemaSettings: {
    query: 'query($t: ID!) { scimSchemaSettings(tenantId: $t) { strictSchemas } }',
    vars: (ids) => ({ t: ids.tenantId }),
  },
  scimTokens: {
    query: 'query($t: ID!) { scimTokens(tenantId: $t) { id } }',
    vars: (ids) => ({ t: ids.tenantId }),
  },
  tenantSettings: {
    query: 'query($t: ID!) { tenantSettings(tenantId: $t) { rolePrefix } }',
    vars: (ids) => ({ t: ids.tenantId }),
  },
  // Mutations
  mintScimToken: {
    query: 'mutation($t: ID!) { mintScimToken(input: { tenantId: $t }) { token } }',
    vars: (ids) => ({ t: ids.tenantId }),
  },
  revokeScimToken: {
    query: 'mutation($id: ID!) { revokeScimToken(id: $id) { id } }',
    vars: (ids) => ({ id: ids.scimTokenId }),
  },
  rotateScimToken: {
    query: 'mutation($id: ID!) { rotateScimToken(id: $id) { token } }',
    vars: (ids) => ({ id: ids.scimTokenId }),
  },
  revokeAdminToken: {
    query: 'mutation($id: ID!) { revokeAdminToken(id: $id) { id } }',
    vars: (ids) => ({ id: ids.adminTokenId }),
  },
  setScimExtensions: {
    query:
      'mutation($t: ID!) { setScimExtensions(tenantId: $t, extensions: []) { strictSchemas } }',
    vars: (ids) => ({ t: ids.tenantId }),
  },
  setScimSchemaStrictness: {
    query:
      'mutation($t: ID!) { setScimSchemaStrictness(tenantId: $t, strict: true) { strictSchemas } }',
    vars: (ids) => ({ t: ids.tenantId }),
  },
  setupSystemIdentities: {
    query: 'mutation($t: ID!) { setupSystemIdentities(tenantId: $t) { id } }',
    vars: (ids) => ({ t: ids.tenantId }),
  },
  updateTenantSettings: {
    query:
      'mutation($t: ID!) { updateTenantSettings(input: { tenantId: $t, rolePrefix: "x." }) { rolePrefix } }',
    vars: (ids) => ({ t: ids.tenantId }),
  },
};

/** Fields a tenant admin may not call at all (platform admins only), whatever the arguments. */
const PLATFORM_ONLY: Record<string, string> = {
  createTenant: 'mutation { createTenant(input: { slug: "walk-forbidden" }) { id } }',
  mintAdminToken: 'mutation { mintAdminToken(input: {}) { token } }',
};

/** Fields without a tenant argument: they answer from the caller's own tenant. */
const OWN_TENANT_ONLY = ['tenants'];

describe('a tenant admin cannot reach another tenant through any field', () => {
  const t = useApp();

  const mintAdmin = async (tenantId: string) =>
    (
      await graphql<{ mintAdminToken: { token: string; info: { id: string } } }>(
        t.server,
        ADMIN_TOKEN,
        'mutation($t: ID) { mintAdminToken(input: { tenantId: $t }) { token info { id } } }',
        { t: tenantId },
      )
    ).data!.mintAdminToken;

  async function provisioned(
    tenant: TenantWithToken,
  ): Promise<{ userId: string; groupId: string }> {
    const scim = scimClient(t.server, tenant);
    const user = await scim.create({
      schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
      userName: `walk-${randomUUID()}@example.com`,
      externalId: randomUUID(),
    });
    const userId = scim.json(user).id as string;
    const group = await scim.call('post', '/scim/v2/Groups', {
      schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'],
      displayName: `walk ${randomUUID()}`,
      members: [{ value: userId }],
    });
    return { userId, groupId: scim.json(group).id as string };
  }

  it('walks every query and mutation with tenant B ids and gets what a missing id gets', async () => {
    const a = await tenantWithToken(t.server);
    const b = await tenantWithToken(t.server);
    const adminA = await mintAdmin(a.tenantId);
    const adminB = await mintAdmin(b.tenantId);
    const { userId, groupId } = await provisioned(b);
    await t.app.get(AuditService).flush();
    const events = await graphql<{ auditEvents: { edges: Array<{ node: { id: string } }> } }>(
      t.server,
      ADMIN_TOKEN,
      'query($t: ID!) { auditEvents(tenantId: $t, first: 1) { edges { node { id } } } }',
      { t: b.tenantId },
    );
    const auditEventId = events.data!.auditEvents.edges[0]!.node.id;
    const foreign: Foreign = {
      tenantId: b.tenantId,
      userId,
      groupId,
      scimTokenId: b.tokenId,
      adminTokenId: adminB.info.id,
      auditEventId,
    };
    // The platform admin reaches B's user by id (so the null below is isolation, not a typo).
    const seen = await graphql<{ user: { id: string } | null }>(
      t.server,
      ADMIN_TOKEN,
      WALK.user!.query,
      WALK.user!.vars(foreign),
    );
    expect(seen.data?.user?.id).toBe(userId);

    const missing: Foreign = {
      tenantId: randomUUID(),
      userId: randomUUID(),
      groupId: randomUUID(),
      scimTokenId: randomUUID(),
      adminTokenId: randomUUID(),
      auditEventId: auditEventId.slice(0, -4) + 'AAAA',
    };
    const settingsBefore = await graphql(
      t.server,
      ADMIN_TOKEN,
      'query($t: ID!) { tenantSettings(tenantId: $t) { rolePrefix customized } scimSchemaSettings(tenantId: $t) { strictSchemas } }',
      { t: b.tenantId },
    );

    const differences: string[] = [];
    for (const [field, call] of Object.entries(WALK)) {
      // Lookups by id inside the caller's own tenant: B's ids are simply not there.
      const own = field === 'user' || field === 'group';
      const asForeign = own ? { ...foreign, tenantId: a.tenantId } : foreign;
      const asMissing = own ? { ...missing, tenantId: a.tenantId } : missing;
      const answer = await graphql(t.server, adminA.token, call.query, call.vars(asForeign));
      const baseline = await graphql(t.server, adminA.token, call.query, call.vars(asMissing));
      const shape = (res: typeof answer) => ({
        data: res.data,
        errors: res.errors?.map((e) => ({ message: e.message, code: e.extensions?.code })),
      });
      if (JSON.stringify(shape(answer)) !== JSON.stringify(shape(baseline))) {
        differences.push(
          `${field}: ${JSON.stringify(shape(answer))} vs ${JSON.stringify(shape(baseline))}`,
        );
      }
      // Refused: NOT_FOUND, or a lookup answering null. Any other error (a typo in the walk, a
      // validation failure) is not a refusal.
      const refused = answer.errors
        ? answer.errors[0]?.extensions?.code === 'NOT_FOUND'
        : answer.data !== null && Object.values(answer.data).every((value) => value === null);
      if (!refused) differences.push(`${field} answered: ${JSON.stringify(answer.data)}`);
    }
    expect(differences).toEqual([]);

    for (const [field, query] of Object.entries(PLATFORM_ONLY)) {
      const res = await graphql(t.server, adminA.token, query);
      expect([field, res.errors?.[0]?.extensions?.code]).toEqual([field, 'FORBIDDEN']);
    }
    const tenants = await graphql<{ tenants: Array<{ id: string }> }>(
      t.server,
      adminA.token,
      '{ tenants { id } }',
    );
    expect(tenants.data?.tenants).toEqual([{ id: a.tenantId }]);

    // B is untouched: its token works, its admin token too, its settings are as they were, and
    // nothing A did is in B's log.
    const works = await request(t.server)
      .get('/scim/v2/Users')
      .set('Authorization', `Bearer ${b.token}`);
    expect(works.status).toBe(200);
    expect((await graphql(t.server, adminB.token, '{ tenants { id } }')).errors).toBeUndefined();
    const settingsAfter = await graphql(
      t.server,
      ADMIN_TOKEN,
      'query($t: ID!) { tenantSettings(tenantId: $t) { rolePrefix customized } scimSchemaSettings(tenantId: $t) { strictSchemas } }',
      { t: b.tenantId },
    );
    expect(settingsAfter.data).toEqual(settingsBefore.data);
    const tokensOfB = await t.db.query<Array<{ n: number }>>(
      'SELECT count(*)::int AS n FROM api_tokens WHERE tenant_id = $1',
      [b.tenantId],
    );
    expect(tokensOfB[0]?.n).toBe(2);
    await t.app.get(AuditService).flush();
    const byA = await t.db.query<Array<{ n: number }>>(
      'SELECT count(*)::int AS n FROM audit_events WHERE tenant_id = $1 AND token_id = $2',
      [b.tenantId, adminA.info.id],
    );
    expect(byA[0]?.n).toBe(0);
  });

  it('the walk covers every field of the schema', () => {
    const { schema } = t.app.get(GraphQLSchemaHost);
    const fields = [
      ...Object.keys(schema.getQueryType()?.getFields() ?? {}),
      ...Object.keys(schema.getMutationType()?.getFields() ?? {}),
    ].sort();
    expect(fields).toEqual(
      [...Object.keys(WALK), ...Object.keys(PLATFORM_ONLY), ...OWN_TENANT_ONLY].sort(),
    );
  });

  it('a SCIM token never opens the admin API', async () => {
    const a = await tenantWithToken(t.server);
    const res = await graphql(
      t.server,
      a.token,
      'query($t: ID!) { syncState(tenantId: $t) { status } }',
      {
        t: a.tenantId,
      },
    );
    expect(res.data).toBeNull();
    expect(res.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });
});
