import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { AuditService } from '../src/audit/audit.service.js';
import { TokensService } from '../src/auth/tokens.service.js';
import {
  ADMIN_TOKEN,
  graphql,
  tenantWithToken,
  useApp,
  type TenantWithToken,
} from './support/app.js';
import { CORE_GROUP } from './support/scim-groups.js';
import { entraUser, PATCH_OP } from './support/scim-users.js';

const PLATFORM_AUDIT_TENANT = '00000000-0000-0000-0000-000000000000';

const EVENTS = `query($t: ID!, $f: AuditEventFilter, $first: Int, $after: String) {
  auditEvents(tenantId: $t, filter: $f, first: $first, after: $after) {
    edges { cursor node { id eventId at status outcome channel operation resourceType } }
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
  }
}`;
const EVENT = `query($id: ID!) { auditEvent(id: $id) {
  id eventId at requestId tokenId channel method path resourceType resourceId operation status
  outcome scimType detail durationMs clientIp userAgent changedAttributes counts requestSummary
} }`;

interface Node {
  id: string;
  eventId: string;
  at: string;
  status: number;
  outcome: string;
  channel: string;
  operation: string;
  resourceType: string | null;
}
interface Connection {
  edges: Array<{ cursor: string; node: Node }>;
  pageInfo: {
    hasNextPage: boolean;
    hasPreviousPage: boolean;
    startCursor: string | null;
    endCursor: string | null;
  };
}

describe('audit log queries (GraphQL auditEvents / auditEvent)', () => {
  const t = useApp();

  const events = (
    tenantId: string,
    variables: { f?: Record<string, unknown>; first?: number; after?: string } = {},
    token = ADMIN_TOKEN,
  ) => graphql<{ auditEvents: Connection }>(t.server, token, EVENTS, { t: tenantId, ...variables });

  const event = (id: string, token = ADMIN_TOKEN) =>
    graphql<{ auditEvent: Record<string, unknown> | null }>(t.server, token, EVENT, { id });

  /** Every page of a filter, `first` at a time: the row ids in order, each page checked. */
  async function allPages(
    tenantId: string,
    f: Record<string, unknown>,
    first: number,
  ): Promise<string[]> {
    const ids: string[] = [];
    let after: string | undefined;
    for (let page = 0; page < 100; page++) {
      const res = await events(tenantId, { f, first, ...(after ? { after } : {}) });
      expect(res.errors).toBeUndefined();
      const { edges, pageInfo } = res.data!.auditEvents;
      expect(edges.length).toBeLessThanOrEqual(first);
      expect(pageInfo.hasPreviousPage).toBe(after !== undefined);
      expect(pageInfo.endCursor).toBe(edges.at(-1)?.cursor ?? null);
      ids.push(...edges.map((edge) => edge.node.eventId));
      if (!pageInfo.hasNextPage) return ids;
      expect(edges).toHaveLength(first);
      after = pageInfo.endCursor!;
    }
    throw new Error('too many pages');
  }

  /** The ids of the tenant's rows matching a SQL condition, newest first (the expected answer). */
  async function expected(tenantId: string, where: string, params: unknown[] = []) {
    const rows = await t.db.query<Array<{ id: string }>>(
      `SELECT id FROM audit_events WHERE tenant_id = $1 AND (${where}) ORDER BY at DESC, id DESC`,
      [tenantId, ...params],
    );
    return rows.map((row) => row.id);
  }

  /** Waits (bounded) until the tenant has `count` rows: rows of reads and failures come after the response. */
  async function settle(tenantId: string, count: number): Promise<void> {
    for (let attempt = 0; attempt < 200; attempt++) {
      await t.app.get(AuditService).flush();
      const rows = await t.db.query<Array<{ n: number }>>(
        'SELECT count(*)::int AS n FROM audit_events WHERE tenant_id = $1',
        [tenantId],
      );
      if (rows[0]!.n >= count) {
        expect(rows[0]!.n).toBe(count);
        return;
      }
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    throw new Error(`the tenant never had ${count} audit rows`);
  }

  /** Inserts audit rows straight into the table (INSERT is allowed), `at` as SQL. */
  async function insertRow(
    tenantId: string,
    at: string,
    row: { channel?: string; operation?: string; status?: number; id?: string } = {},
  ): Promise<string> {
    const id = row.id ?? randomUUID();
    await t.db.query(
      `INSERT INTO audit_events (tenant_id, at, id, channel, operation, status, changed_attributes)
       VALUES ($1, ${at}, $2, $3, $4, $5, '{}')`,
      [tenantId, id, row.channel ?? 'system', row.operation ?? 'purge', row.status ?? 200],
    );
    return id;
  }

  /** A scripted SCIM session, some requests failing; answers what the checks need. */
  async function session(tenant: TenantWithToken) {
    const scim = (method: 'get' | 'post' | 'patch' | 'delete', path: string, body?: unknown) => {
      const requestId = `req-${randomUUID()}`;
      const req = request(t.server)
        [method](path)
        .set('Authorization', `Bearer ${tenant.token}`)
        .set('X-Request-Id', requestId);
      const sent =
        body === undefined
          ? req
          : req.set('Content-Type', 'application/scim+json').send(JSON.stringify(body));
      return sent.then((res) => ({ res, requestId }));
    };
    const created = await scim('post', '/scim/v2/Users', entraUser('alice@contoso.com'));
    expect(created.res.status).toBe(201);
    const aliceId = (JSON.parse(created.res.text) as { id: string }).id;
    const duplicate = await scim('post', '/scim/v2/Users', entraUser('alice@contoso.com'));
    expect(duplicate.res.status).toBe(409);
    expect((await scim('get', `/scim/v2/Users/${randomUUID()}`)).res.status).toBe(404);
    const badFilter = await scim('get', '/scim/v2/Users?filter=userName%20zz%20%22x%22');
    expect(badFilter.res.status).toBe(400);
    const patched = await scim('patch', `/scim/v2/Users/${aliceId}`, {
      schemas: [PATCH_OP],
      Operations: [{ op: 'replace', path: 'displayName', value: 'Alice A.' }],
    });
    expect([200, 204]).toContain(patched.res.status);
    const group = await scim('post', '/scim/v2/Groups', {
      schemas: [CORE_GROUP],
      displayName: 'Sales',
    });
    expect(group.res.status).toBe(201);
    expect((await scim('get', '/scim/v2/Users')).res.status).toBe(200);
    expect((await scim('get', `/scim/v2/Users/${aliceId}`)).res.status).toBe(200);
    expect((await scim('delete', `/scim/v2/Users/${aliceId}`)).res.status).toBe(204);
    await settle(tenant.tenantId, 9);
    return { aliceId, patched, duplicate, badFilter };
  }

  it('each filter returns exactly the matching events, newest first, across pages', async () => {
    const tenant = await tenantWithToken(t.server);
    const { tenantId } = tenant;
    const { aliceId, duplicate } = await session(tenant);
    // Rows of the other channels, and old ones for from/to.
    await insertRow(tenantId, `now() - interval '2 days'`, { channel: 'system' });
    await insertRow(tenantId, `now() - interval '3 days'`, {
      channel: 'graphql',
      operation: 'mintScimToken',
    });
    await insertRow(tenantId, `now() - interval '40 days'`, { channel: 'graphql', status: 500 });
    // A row exactly on a millisecond: `from` takes it, `to` leaves it out.
    const boundaryAt = new Date(Math.floor(Date.now() / 1000) * 1000 - 5 * 86_400_000);
    const onBoundary = await insertRow(tenantId, `'${boundaryAt.toISOString()}'::timestamptz`);

    const cases: Array<[string, Record<string, unknown>, string, unknown[]]> = [
      ['no filter', {}, 'true', []],
      ['resourceId', { resourceId: aliceId }, 'resource_id = $2', [aliceId]],
      ['resourceType', { resourceType: 'Group' }, 'resource_type = $2', ['Group']],
      ['operation', { operation: 'create' }, 'operation = $2', ['create']],
      ['status 409', { status: 409 }, 'status = 409', []],
      ['status 200', { status: 200 }, 'status = 200', []],
      ['outcome SUCCESS', { outcome: 'SUCCESS' }, 'status < 400', []],
      ['outcome CLIENT_ERROR', { outcome: 'CLIENT_ERROR' }, 'status BETWEEN 400 AND 499', []],
      ['outcome SERVER_ERROR', { outcome: 'SERVER_ERROR' }, 'status >= 500', []],
      ['scimType', { scimType: 'invalidFilter' }, `scim_type = 'invalidFilter'`, []],
      ['requestId', { requestId: duplicate.requestId }, 'request_id = $2', [duplicate.requestId]],
      ['tokenId', { tokenId: tenant.tokenId }, 'token_id = $2', [tenant.tokenId]],
      ['channel SCIM', { channel: 'SCIM' }, `channel = 'scim'`, []],
      ['channel GRAPHQL', { channel: 'GRAPHQL' }, `channel = 'graphql'`, []],
      ['channel SYSTEM', { channel: 'SYSTEM' }, `channel = 'system'`, []],
      ['from (inclusive)', { from: boundaryAt.toISOString() }, 'at >= $2', [boundaryAt]],
      ['to (exclusive)', { to: boundaryAt.toISOString() }, 'at < $2', [boundaryAt]],
      [
        'from and to',
        {
          from: new Date(Date.now() - 10 * 86_400_000).toISOString(),
          to: new Date(Date.now() - 86_400_000).toISOString(),
        },
        `at >= now() - interval '10 days' AND at < now() - interval '1 day'`,
        [],
      ],
      [
        'several filters at once',
        { channel: 'SCIM', outcome: 'CLIENT_ERROR', resourceType: 'User' },
        `channel = 'scim' AND status BETWEEN 400 AND 499 AND resource_type = 'User'`,
        [],
      ],
      ['a value nothing has', { operation: 'bulk' }, 'false', []],
    ];
    for (const [name, f, where, params] of cases) {
      const want = await expected(tenantId, where, params);
      expect({ name, ids: await allPages(tenantId, f, 2) }).toEqual({ name, ids: want });
    }
    // The filters that must match something did.
    expect(await expected(tenantId, 'status = 409')).toHaveLength(1);
    expect(await expected(tenantId, `scim_type = 'invalidFilter'`)).toHaveLength(1);
    expect(await expected(tenantId, 'status = 404')).toHaveLength(1);
    expect(await expected(tenantId, 'true')).toHaveLength(13);
    expect(await allPages(tenantId, { from: boundaryAt.toISOString() }, 20)).toContain(onBoundary);
    expect(await allPages(tenantId, { to: boundaryAt.toISOString() }, 20)).not.toContain(
      onBoundary,
    );

    // The default page is 20 and the nodes carry the computed outcome.
    const page = await events(tenantId, { f: { status: 409 } });
    expect(page.data?.auditEvents.edges.map((edge) => edge.node)).toEqual([
      expect.objectContaining({
        status: 409,
        outcome: 'CLIENT_ERROR',
        channel: 'SCIM',
        operation: 'create',
        resourceType: 'User',
      }),
    ]);
  });

  it('pages never skip or repeat rows that share a millisecond or a microsecond', async () => {
    const { tenantId } = await tenantWithToken(t.server);
    const base = `timestamptz '2026-06-01T12:00:00.123Z'`;
    for (let i = 0; i < 12; i++) await insertRow(tenantId, base);
    for (let i = 1; i <= 12; i++) {
      await insertRow(tenantId, `${base} + interval '${i % 4} microseconds'`);
    }
    await insertRow(tenantId, `${base} + interval '1 millisecond'`);
    const want = await expected(tenantId, 'true');
    expect(want).toHaveLength(25);
    for (const first of [1, 2, 5, 7, 25, 100]) {
      expect(await allPages(tenantId, {}, first)).toEqual(want);
    }
    // Ids of rows of one millisecond are distinct and each reads its own row back.
    const page = await events(tenantId, { first: 25 });
    const nodes = page.data!.auditEvents.edges.map((edge) => edge.node);
    expect(new Set(nodes.map((node) => node.id)).size).toBe(25);
    for (const node of nodes.slice(0, 5)) {
      expect((await event(node.id)).data?.auditEvent).toMatchObject({ eventId: node.eventId });
    }
  });

  it('auditEvent(id) returns the redacted request summary and the changed attributes', async () => {
    const tenant = await tenantWithToken(t.server);
    const { aliceId, patched, badFilter } = await session(tenant);
    const found = await events(tenant.tenantId, { f: { requestId: patched.requestId } });
    const [edge] = found.data!.auditEvents.edges;
    const res = await event(edge!.node.id);
    expect(res.errors).toBeUndefined();
    expect(res.data?.auditEvent).toMatchObject({
      id: edge!.node.id,
      requestId: patched.requestId,
      tokenId: tenant.tokenId,
      channel: 'SCIM',
      method: 'PATCH',
      path: `/scim/v2/Users/${aliceId}`,
      resourceType: 'User',
      resourceId: aliceId,
      operation: 'patch',
      status: patched.res.status,
      outcome: 'SUCCESS',
      scimType: null,
      changedAttributes: ['displayName'],
      requestSummary: {
        body: {
          schemas: [PATCH_OP],
          Operations: [{ op: 'replace', path: 'displayName', value: 'Alice A.' }],
        },
      },
    });
    const [stored] = await t.db.query<Array<{ request_summary: unknown }>>(
      'SELECT request_summary FROM audit_events WHERE tenant_id = $1 AND request_id = $2',
      [tenant.tenantId, patched.requestId],
    );
    expect(res.data?.auditEvent?.requestSummary).toEqual(stored!.request_summary);

    const failed = await events(tenant.tenantId, { f: { requestId: badFilter.requestId } });
    const failure = await event(failed.data!.auditEvents.edges[0]!.node.id);
    expect(failure.data?.auditEvent).toMatchObject({
      status: 400,
      outcome: 'CLIENT_ERROR',
      scimType: 'invalidFilter',
      operation: 'list',
      changedAttributes: [],
    });
    expect(failure.data?.auditEvent?.detail).toEqual(expect.any(String));
  });

  it('a tenant admin reads only its own tenant: others are NOT_FOUND, their events null', async () => {
    const a = await tenantWithToken(t.server);
    const b = await tenantWithToken(t.server);
    const own = await insertRow(a.tenantId, 'now()');
    const foreign = await insertRow(b.tenantId, 'now()');
    const adminA = await t.app.get(TokensService).mintTenantAdminToken(a.tenantId, 'a', '30d');

    const ownPage = await events(a.tenantId, {}, adminA.token);
    expect(ownPage.data?.auditEvents.edges.map((edge) => edge.node.eventId)).toEqual([own]);
    const ownId = ownPage.data!.auditEvents.edges[0]!.node.id;
    expect((await event(ownId, adminA.token)).data?.auditEvent).toMatchObject({ eventId: own });

    const missing = randomUUID();
    for (const tenantId of [b.tenantId, missing, PLATFORM_AUDIT_TENANT, 'not-a-uuid']) {
      const res = await events(tenantId, {}, adminA.token);
      expect(res.data).toBeNull();
      expect(res.errors?.[0]).toMatchObject({
        message: 'tenant not found',
        extensions: { code: 'NOT_FOUND' },
      });
    }
    // The platform admin: an unknown tenant is not found too.
    expect((await events(missing)).errors?.[0]?.extensions?.code).toBe('NOT_FOUND');

    const foreignPage = await events(b.tenantId);
    const foreignId = foreignPage.data!.auditEvents.edges[0]!.node.id;
    expect(foreignPage.data!.auditEvents.edges[0]!.node.eventId).toBe(foreign);
    const asA = await event(foreignId, adminA.token);
    expect(asA.errors).toBeUndefined();
    expect(asA.data).toEqual({ auditEvent: null });
    expect((await event(foreignId)).data?.auditEvent).toMatchObject({ eventId: foreign });

    // Malformed and missing ids are null as well, never an error.
    for (const id of ['garbage', foreign, `${ownId}x`, ownId.replace(/^./, 'B')]) {
      const res = await event(id);
      expect(res.errors).toBeUndefined();
      expect(res.data).toEqual({ auditEvent: null });
    }

    // A SCIM token never opens GraphQL.
    expect((await events(a.tenantId, {}, a.token)).errors?.[0]?.extensions?.code).toBe(
      'UNAUTHENTICATED',
    );
  });

  it('the platform admin reads the platform audit tenant', async () => {
    const id = await insertRow(PLATFORM_AUDIT_TENANT, 'now()', {
      channel: 'graphql',
      operation: `createTenant-${randomUUID()}`,
    });
    const [row] = await t.db.query<Array<{ operation: string }>>(
      'SELECT operation FROM audit_events WHERE tenant_id = $1 AND id = $2',
      [PLATFORM_AUDIT_TENANT, id],
    );
    const res = await events(PLATFORM_AUDIT_TENANT, { f: { operation: row!.operation } });
    expect(res.errors).toBeUndefined();
    expect(res.data?.auditEvents.edges.map((edge) => edge.node.eventId)).toEqual([id]);
  });

  it('refuses bad input with BAD_USER_INPUT', async () => {
    const { tenantId } = await tenantWithToken(t.server);
    await insertRow(tenantId, 'now()');
    const cases: Array<[string, Parameters<typeof events>[1], RegExp]> = [
      ['first: 101', { first: 101 }, /first must be between 1 and 100/],
      ['first: 0', { first: 0 }, /first/],
      ['a garbage cursor', { after: 'garbage' }, /after is not a cursor/],
      [
        'a cursor of another shape',
        { after: Buffer.from('["x","y"]').toString('base64url') },
        /after is not a cursor/,
      ],
      [
        'from after to',
        { f: { from: '2026-02-01T00:00:00Z', to: '2026-01-01T00:00:00Z' } },
        /from must not be after/,
      ],
      ['a status of 700', { f: { status: 700 } }, /status/],
      ['a token id that is not a uuid', { f: { tokenId: 'tok' } }, /tokenId/],
      ['an unknown outcome', { f: { outcome: 'MAYBE' } }, /outcome|AuditOutcome/],
    ];
    for (const [name, variables, message] of cases) {
      const res = await events(tenantId, variables);
      expect({ name, data: res.data }).toEqual({ name, data: null });
      expect({ name, code: res.errors?.[0]?.extensions?.code }).toEqual({
        name,
        code: 'BAD_USER_INPUT',
      });
      expect(res.errors?.[0]?.message).toMatch(message);
    }
  });
});
