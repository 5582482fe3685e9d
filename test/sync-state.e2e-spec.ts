import { randomUUID } from 'node:crypto';
import { AuditService } from '../src/audit/audit.service.js';
import { TokensService } from '../src/auth/tokens.service.js';
import {
  ADMIN_TOKEN,
  graphql,
  type GraphqlResult,
  tenantWithToken,
  type TestApp,
  useApp,
} from './support/app.js';
import { entraGroup, scimGroupsClient } from './support/scim-groups.js';
import { entraUser, PATCH_OP } from './support/scim-users.js';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

interface Counts {
  requests: number;
  creates: number;
  updates: number;
  deletes: number;
  failures: number;
}
interface Cycle extends Counts {
  id: string;
  startedAt: string;
  endedAt: string;
  inProgress: boolean;
  errorRate: number;
  byResourceType: Array<Counts & { resourceType: string }>;
}
interface CyclePage {
  edges: Array<{ node: Cycle; cursor: string }>;
  pageInfo: {
    hasNextPage: boolean;
    hasPreviousPage: boolean;
    startCursor: string | null;
    endCursor: string | null;
  };
}
interface SyncState {
  tenantId: string;
  status: string;
  statusReason: string;
  lastRequestAt: string | null;
  lastSuccessAt: string | null;
  lastError: {
    eventId: string;
    at: string;
    status: number;
    scimType: string | null;
    detail: string | null;
    requestId: string | null;
    method: string | null;
    path: string | null;
    resourceType: string | null;
    resourceId: string | null;
  } | null;
  cycleGapMinutes: number;
  currentCycle: Cycle | null;
  cycles: CyclePage;
  counts: {
    users: number;
    activeUsers: number;
    deletedUsersAwaitingPurge: number;
    groups: number;
    roleGroups: number;
  };
  errorBreakdown: Array<{
    status: number;
    scimType: string | null;
    count: number;
    lastAt: string;
    sampleRequestId: string | null;
    sampleDetail: string | null;
  }>;
  tokens: { active: number; expiringWithin30Days: number; lastUsedAt: string | null };
}

const CYCLE = `id startedAt endedAt inProgress requests creates updates deletes failures errorRate
  byResourceType { resourceType requests creates updates deletes failures }`;

const FULL = `query($tenantId: ID!, $first: Int, $after: String, $window: String) {
  syncState(tenantId: $tenantId) {
    tenantId status statusReason lastRequestAt lastSuccessAt cycleGapMinutes
    lastError { eventId at status scimType detail requestId method path resourceType resourceId }
    currentCycle { ${CYCLE} }
    cycles(first: $first, after: $after) {
      edges { cursor node { ${CYCLE} } }
      pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
    }
    counts { users activeUsers deletedUsersAwaitingPurge groups roleGroups }
    errorBreakdown(window: $window) { status scimType count lastAt sampleRequestId sampleDetail }
    tokens { active expiringWithin30Days lastUsedAt }
  }
}`;

async function syncState(
  t: TestApp,
  tenantId: string,
  variables: Record<string, unknown> = {},
  token = ADMIN_TOKEN,
): Promise<GraphqlResult<{ syncState: SyncState }>> {
  await t.app.get(AuditService).flush();
  return graphql<{ syncState: SyncState }>(t.server, token, FULL, { tenantId, ...variables });
}

/** The sync state, failing the test on any GraphQL error. */
async function stateOf(
  t: TestApp,
  tenantId: string,
  variables: Record<string, unknown> = {},
): Promise<SyncState> {
  const res = await syncState(t, tenantId, variables);
  expect(res.errors).toBeUndefined();
  return res.data!.syncState;
}

interface SeedEvent {
  readonly at: Date;
  readonly status?: number;
  readonly operation?: string;
  readonly resourceType?: string | null;
  readonly channel?: 'scim' | 'graphql' | 'system';
  readonly requestId?: string;
}

/** Audit rows written straight into the table (INSERT is allowed; the log is append-only). */
async function seed(t: TestApp, tenantId: string, events: readonly SeedEvent[]): Promise<void> {
  for (const event of events) {
    await t.db.query(
      `INSERT INTO audit_events (tenant_id, at, id, request_id, channel, method, path,
         resource_type, resource_id, operation, status, scim_type, detail, changed_attributes)
       VALUES ($1, $2, $3, $4, $5, 'GET', '/scim/v2/Users', $6, NULL, $7, $8, NULL, $9, '{}')`,
      [
        tenantId,
        event.at,
        randomUUID(),
        event.requestId ?? `seed-${randomUUID()}`,
        event.channel ?? 'scim',
        event.resourceType === undefined ? 'User' : event.resourceType,
        event.operation ?? 'read',
        event.status ?? 200,
        (event.status ?? 200) >= 400 ? 'seeded failure' : null,
      ],
    );
  }
}

/** `n` requests from `start`, `stepMs` apart; the first `failures` of them fail with 500. */
const burst = (start: number, n: number, stepMs: number, failures = 0): SeedEvent[] =>
  Array.from({ length: n }, (_, i) => ({
    at: new Date(start + i * stepMs),
    status: i < failures ? 500 : 200,
  }));

const zero = { requests: 0, creates: 0, updates: 0, deletes: 0, failures: 0 };

describe('syncState', () => {
  const t = useApp();

  it('a fresh tenant is IDLE, with nothing counted', async () => {
    const tenant = await tenantWithToken(t.server, '7d');
    const state = await stateOf(t, tenant.tenantId);
    expect(state).toEqual({
      tenantId: tenant.tenantId,
      status: 'IDLE',
      statusReason: 'No provisioning request has been received yet.',
      lastRequestAt: null,
      lastSuccessAt: null,
      lastError: null,
      cycleGapMinutes: 10,
      currentCycle: null,
      cycles: {
        edges: [],
        pageInfo: {
          hasNextPage: false,
          hasPreviousPage: false,
          startCursor: null,
          endCursor: null,
        },
      },
      counts: { users: 0, activeUsers: 0, deletedUsersAwaitingPurge: 0, groups: 0, roleGroups: 0 },
      errorBreakdown: [],
      tokens: { active: 1, expiringWithin30Days: 1, lastUsedAt: null },
    });
  });

  it('cuts the request stream into cycles at gaps over cycleGapMinutes, and pages them newest first', async () => {
    const { tenantId } = await tenantWithToken(t.server);
    const now = Date.now();
    const a = now - 6 * HOUR;
    await seed(t, tenantId, [
      // Cycle A: requests exactly one gap apart stay in one cycle (a 20-minute cycle).
      { at: new Date(a), operation: 'create', status: 201 },
      { at: new Date(a + 10 * MINUTE), operation: 'link', status: 201, resourceType: 'Group' },
      { at: new Date(a + 20 * MINUTE), operation: 'patch', status: 409 },
      // Not a provisioning request: it must not bridge A and B.
      { at: new Date(a + 25 * MINUTE), channel: 'graphql', operation: 'mintScimToken' },
      // Cycle B: starts a gap and a millisecond after A's end.
      { at: new Date(a + 30 * MINUTE + 1), operation: 'replace', resourceType: null },
      { at: new Date(a + 31 * MINUTE), operation: 'delete', status: 204 },
      // Cycles C1..C5, an hour apart, two requests each.
      ...[1, 2, 3, 4, 5].flatMap((k) => burst(a + k * HOUR, 2, MINUTE)),
      // The newest cycle, in progress: 20 requests 5 s apart, 2 failed (10 %).
      ...burst(now - 3 * MINUTE, 20, 5_000, 2),
    ]);

    const pages: CyclePage[] = [];
    let after: string | null = null;
    do {
      const state: SyncState = await stateOf(t, tenantId, { first: 3, after });
      pages.push(state.cycles);
      after = state.cycles.pageInfo.hasNextPage ? state.cycles.pageInfo.endCursor : null;
    } while (after !== null && pages.length < 10);

    expect(pages.map((page) => page.edges.length)).toEqual([3, 3, 2]);
    expect(pages.map((page) => page.pageInfo.hasPreviousPage)).toEqual([false, true, true]);
    const cycles = pages.flatMap((page) => page.edges.map((edge) => edge.node));
    expect(pages.flatMap((page) => page.edges.map((edge) => edge.cursor))).toEqual(
      cycles.map((cycle) => cycle.id),
    );
    expect(new Set(cycles.map((cycle) => cycle.id)).size).toBe(8);

    const iso = (ms: number) => new Date(ms).toISOString();
    expect(cycles.map((c) => [c.startedAt, c.endedAt, c.requests, c.failures])).toEqual([
      [iso(now - 3 * MINUTE), iso(now - 3 * MINUTE + 19 * 5_000), 20, 2],
      ...[5, 4, 3, 2, 1].map((k) => [iso(a + k * HOUR), iso(a + k * HOUR + MINUTE), 2, 0]),
      [iso(a + 30 * MINUTE + 1), iso(a + 31 * MINUTE), 2, 0],
      [iso(a), iso(a + 20 * MINUTE), 3, 1],
    ]);
    expect(cycles.map((c) => c.inProgress)).toEqual([true, ...Array<boolean>(7).fill(false)]);

    const [newest, , , , , , b, first] = cycles;
    expect(newest).toMatchObject({ errorRate: 0.1, byResourceType: [{ resourceType: 'User' }] });
    expect(first).toMatchObject({
      requests: 3,
      creates: 2,
      updates: 1,
      deletes: 0,
      failures: 1,
      errorRate: 1 / 3,
      byResourceType: [
        { ...zero, resourceType: 'Group', requests: 1, creates: 1 },
        { ...zero, resourceType: 'User', requests: 2, creates: 1, updates: 1, failures: 1 },
      ],
    });
    expect(b).toMatchObject({
      requests: 2,
      updates: 1,
      deletes: 1,
      byResourceType: [
        { ...zero, resourceType: 'User', requests: 1, deletes: 1 },
        { ...zero, resourceType: '(none)', requests: 1, updates: 1 },
      ],
    });

    const state = await stateOf(t, tenantId);
    expect(state.status).toBe('DEGRADED');
    expect(state.statusReason).toBe(
      '2 of the 20 requests of the current cycle failed (10 %): over 5 %.',
    );
    expect(state.currentCycle).toEqual(newest);
    expect(state.lastRequestAt).toBe(iso(now - 3 * MINUTE + 19 * 5_000));
    expect(state.lastSuccessAt).toBe(state.lastRequestAt);
    expect(state.lastError).toMatchObject({ status: 500, at: iso(now - 3 * MINUTE + 5_000) });

    // A cursor of another tenant, or no cursor at all, is refused.
    const other = await tenantWithToken(t.server);
    for (const cursor of [newest!.id, 'garbage']) {
      const res = await syncState(t, other.tenantId, { after: cursor });
      expect(res.errors?.[0]).toMatchObject({
        message: 'after is not a cursor of this list',
        extensions: { code: 'BAD_USER_INPUT' },
      });
    }
    const tooMany = await syncState(t, tenantId, { first: 101 });
    expect(tooMany.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });

  it('is STALE after 2 quiet hours whatever the last cycle did, FAILING over 40 % errors, and follows cycleGapMinutes', async () => {
    const now = Date.now();
    const stale = await tenantWithToken(t.server);
    await seed(t, stale.tenantId, burst(now - 2 * HOUR - 90_000, 4, 1_000, 4));
    const staleState = await stateOf(t, stale.tenantId);
    expect(staleState).toMatchObject({
      status: 'STALE',
      statusReason: 'No provisioning request for 2 h 1 min (more than 2 hours).',
      currentCycle: null,
      lastSuccessAt: null,
      lastError: { status: 500, detail: 'seeded failure' },
    });

    // The newest cycle (over, 30 min ago) failed 5 of 10; an older, clean cycle does not help.
    const failing = await tenantWithToken(t.server);
    await seed(t, failing.tenantId, [
      ...burst(now - 90 * MINUTE, 30, 1_000),
      ...burst(now - 31 * MINUTE, 10, 6_000, 5),
    ]);
    const failingState = await stateOf(t, failing.tenantId);
    expect(failingState).toMatchObject({
      status: 'FAILING',
      statusReason:
        '5 of the 10 requests of the last cycle failed (50 %): over 40 %, the level at which Entra quarantines provisioning.',
      currentCycle: null,
    });
    expect(failingState.cycles.edges.map((edge) => edge.node.requests)).toEqual([10, 30]);

    // A gap of 60 minutes merges both cycles: 5 of 40 failed (12.5 %).
    const gap = await graphql(
      t.server,
      ADMIN_TOKEN,
      'mutation($input: UpdateTenantSettingsInput!) { updateTenantSettings(input: $input) { cycleGapMinutes } }',
      { input: { tenantId: failing.tenantId, cycleGapMinutes: 60 } },
    );
    expect(gap.errors).toBeUndefined();
    const merged = await stateOf(t, failing.tenantId);
    expect(merged).toMatchObject({ status: 'DEGRADED', cycleGapMinutes: 60 });
    expect(merged.cycles.edges.map((edge) => edge.node.requests)).toEqual([40]);
    expect(merged.currentCycle?.requests).toBe(40);
  });

  it('errorBreakdown groups the failures of a window by status and scimType, with the newest as sample', async () => {
    const { tenantId } = await tenantWithToken(t.server);
    const now = Date.now();
    await seed(t, tenantId, [
      { at: new Date(now - 3 * 86_400_000), status: 500, requestId: 'old-500' },
      { at: new Date(now - 5 * HOUR), status: 404, requestId: 'r-404-a' },
      { at: new Date(now - 4 * HOUR), status: 404, requestId: 'r-404-b' },
      { at: new Date(now - 3 * HOUR), status: 409, requestId: 'r-409' },
      { at: new Date(now - 2 * HOUR), status: 200 },
      { at: new Date(now - 2 * HOUR), status: 409, channel: 'graphql', requestId: 'not-scim' },
    ]);
    const day = await stateOf(t, tenantId);
    expect(day.errorBreakdown).toEqual([
      {
        status: 404,
        scimType: null,
        count: 2,
        lastAt: new Date(now - 4 * HOUR).toISOString(),
        sampleRequestId: 'r-404-b',
        sampleDetail: 'seeded failure',
      },
      {
        status: 409,
        scimType: null,
        count: 1,
        lastAt: new Date(now - 3 * HOUR).toISOString(),
        sampleRequestId: 'r-409',
        sampleDetail: 'seeded failure',
      },
    ]);
    const week = await stateOf(t, tenantId, { window: '7d' });
    expect(week.errorBreakdown.map((group) => [group.status, group.count])).toEqual([
      [404, 2],
      [409, 1],
      [500, 1],
    ]);
    expect((await stateOf(t, tenantId, { window: '90min' })).errorBreakdown).toEqual([]);

    for (const window of ['91d', '1y', 'soon']) {
      const res = await syncState(t, tenantId, { window });
      expect(res.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
      expect(res.errors?.[0]?.message).toMatch(/^window /);
    }
  });

  it('counts role groups by the tenant prefix, any case, with LIKE wildcards taken literally', async () => {
    const tenant = await tenantWithToken(t.server);
    const scim = scimGroupsClient(t.server, tenant);
    const prefix = await graphql(
      t.server,
      ADMIN_TOKEN,
      'mutation($input: UpdateTenantSettingsInput!) { updateTenantSettings(input: $input) { rolePrefix } }',
      { input: { tenantId: tenant.tenantId, rolePrefix: 'Role_' } },
    );
    expect(prefix.errors).toBeUndefined();
    for (const name of ['role_admins', 'ROLE_ops', 'roleXsales', 'role', 'staff role_x']) {
      expect((await scim.create(entraGroup(name))).status).toBe(201);
    }
    expect((await stateOf(t, tenant.tenantId)).counts).toEqual({
      users: 0,
      activeUsers: 0,
      deletedUsersAwaitingPurge: 0,
      groups: 5,
      roleGroups: 2,
    });
  });

  it('a tenant admin reads its own tenant only: another tenant is not found, like a missing one', async () => {
    const a = await tenantWithToken(t.server);
    const b = await tenantWithToken(t.server);
    const adminA = await t.app.get(TokensService).mintTenantAdminToken(a.tenantId, 'a', '30d');

    const own = await syncState(t, a.tenantId, {}, adminA.token);
    expect(own.errors).toBeUndefined();
    expect(own.data?.syncState.status).toBe('IDLE');

    for (const res of [
      await syncState(t, b.tenantId, {}, adminA.token),
      await syncState(t, '00000000-0000-4000-8000-000000000000'),
      await syncState(t, 'not-a-uuid'),
    ]) {
      expect(res.data).toBeNull();
      expect(res.errors?.[0]).toMatchObject({
        message: 'tenant not found',
        extensions: { code: 'NOT_FOUND' },
      });
    }

    const scimToken = await graphql(t.server, a.token, '{ syncState(tenantId: "x") { status } }');
    expect(scimToken.data).toBeNull();
    expect(scimToken.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });

  it('follows a scripted provisioning session through the SCIM API: two bursts, two cycles', async () => {
    const tenant = await tenantWithToken(t.server);
    const scim = scimGroupsClient(t.server, tenant);
    const gap = await graphql(
      t.server,
      ADMIN_TOKEN,
      'mutation($input: UpdateTenantSettingsInput!) { updateTenantSettings(input: $input) { cycleGapMinutes } }',
      { input: { tenantId: tenant.tenantId, cycleGapMinutes: 1 } },
    );
    expect(gap.errors).toBeUndefined();
    const id = (name: string) => `sync-e2e-${name}-${randomUUID()}`;
    const json = (res: { text: string }) => JSON.parse(res.text) as { id: string };
    const unknown = randomUUID();

    // Burst 1: 8 requests (4 creates, one of them refused, 1 update, 2 failures).
    const alice = await scim
      .createUser(entraUser('alice@contoso.com'))
      .set('X-Request-Id', id('alice'));
    expect(alice.status).toBe(201);
    const bob = await scim.createUser(entraUser('bob@contoso.com')).set('X-Request-Id', id('bob'));
    expect(bob.status).toBe(201);
    const duplicateId = id('duplicate');
    const duplicate = await scim
      .createUser(entraUser('alice@contoso.com'))
      .set('X-Request-Id', duplicateId);
    expect(duplicate.status).toBe(409);
    const deactivate = await scim
      .call('patch', `/scim/v2/Users/${json(alice).id}`, {
        schemas: [PATCH_OP],
        Operations: [{ op: 'replace', path: 'active', value: false }],
      })
      .set('X-Request-Id', id('deactivate'));
    expect(deactivate.status).toBe(204); // PATCH without `attributes`: no body
    const missingId = id('missing');
    expect((await scim.getUser(unknown).set('X-Request-Id', missingId)).status).toBe(404);
    expect(
      (await scim.create(entraGroup('ROLE.Admins')).set('X-Request-Id', id('g1'))).status,
    ).toBe(201);
    const engineering = await scim.create(entraGroup('Engineering')).set('X-Request-Id', id('g2'));
    expect(engineering.status).toBe(201);
    expect((await scim.listUsers('?filter=userName%20eq%20%22alice%40contoso.com%22')).status).toBe(
      200,
    );

    const during = await stateOf(t, tenant.tenantId);
    expect(during.cycles.edges).toHaveLength(1);
    expect(during.currentCycle).toMatchObject({ inProgress: true, requests: 8, failures: 2 });
    expect(during.lastError).toMatchObject({ status: 404, requestId: missingId });

    // More than the 1-minute gap of quiet: the next request starts a new cycle.
    await new Promise((resolve) => setTimeout(resolve, 62_000));

    // Burst 2: 4 requests (2 updates, 2 deletes), 2 of them failing.
    const addMember = await scim
      .patch(json(engineering).id, [
        { op: 'add', path: 'members', value: [{ value: json(alice).id }] },
      ])
      .set('X-Request-Id', id('member'));
    expect(addMember.status).toBe(204);
    expect((await scim.removeUser(json(bob).id).set('X-Request-Id', id('delete'))).status).toBe(
      204,
    );
    const replaceId = id('replace');
    const replace = await scim
      .call('put', `/scim/v2/Users/${unknown}`, entraUser('nobody@contoso.com'))
      .set('X-Request-Id', replaceId);
    expect(replace.status).toBe(404);
    const goneId = id('gone');
    expect((await scim.removeUser(json(bob).id).set('X-Request-Id', goneId)).status).toBe(404);

    const state = await stateOf(t, tenant.tenantId, { window: '24h' });
    expect(state.cycles.edges).toHaveLength(2);
    const [second, first] = state.cycles.edges.map((edge) => edge.node);
    expect(first).toMatchObject({
      inProgress: false,
      requests: 8,
      creates: 5,
      updates: 1,
      deletes: 0,
      failures: 2,
      errorRate: 0.25,
      byResourceType: [
        { resourceType: 'Group', requests: 2, creates: 2, updates: 0, deletes: 0, failures: 0 },
        { resourceType: 'User', requests: 6, creates: 2 + 1, updates: 1, deletes: 0, failures: 2 },
      ],
    });
    expect(second).toMatchObject({
      inProgress: true,
      requests: 4,
      creates: 0,
      updates: 2,
      deletes: 2,
      failures: 2,
      errorRate: 0.5,
      byResourceType: [
        { resourceType: 'Group', requests: 1, creates: 0, updates: 1, deletes: 0, failures: 0 },
        { resourceType: 'User', requests: 3, creates: 0, updates: 1, deletes: 2, failures: 2 },
      ],
    });
    expect(
      new Date(second!.startedAt).getTime() - new Date(first!.endedAt).getTime(),
    ).toBeGreaterThan(MINUTE);
    expect(state.currentCycle).toEqual(second);
    expect(state.status).toBe('FAILING');
    expect(state.statusReason).toBe(
      '2 of the 4 requests of the current cycle failed (50 %): over 40 %, the level at which Entra quarantines provisioning.',
    );
    expect(state.lastError).toMatchObject({
      status: 404,
      requestId: goneId,
      method: 'DELETE',
      path: `/scim/v2/Users/${json(bob).id}`,
      resourceType: 'User',
      resourceId: json(bob).id,
    });
    expect(state.lastRequestAt).toBe(state.lastError?.at);
    expect(new Date(state.lastSuccessAt!).getTime()).toBeLessThan(
      new Date(state.lastRequestAt!).getTime(),
    );
    expect(state.counts).toEqual({
      users: 1,
      activeUsers: 0,
      deletedUsersAwaitingPurge: 1,
      groups: 2,
      roleGroups: 1,
    });
    expect(state.errorBreakdown).toEqual([
      expect.objectContaining({ status: 404, scimType: null, count: 3, sampleRequestId: goneId }),
      expect.objectContaining({
        status: 409,
        scimType: 'uniqueness',
        count: 1,
        sampleRequestId: duplicateId,
      }),
    ]);
    expect(state.tokens).toEqual({
      active: 1,
      expiringWithin30Days: 0,
      lastUsedAt: expect.any(String),
    });
  }, 120_000);
});
