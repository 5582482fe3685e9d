// Directory reads for the host product (issue 6, item 5): `users`, `user`, `groups`, `group` and
// a group's `members` on /graphql, over what SCIM provisioned. Users and groups are provisioned
// through /scim/v2 in each test's own tenant; answers are compared with SCIM's where both exist.
import { AuditService } from '../src/audit/audit.service.js';
import { TokensService } from '../src/auth/tokens.service.js';
import {
  ADMIN_TOKEN,
  graphql,
  tenantWithToken,
  useApp,
  type GraphqlResult,
  type TenantWithToken,
} from './support/app.js';
import { entraGroup, scimGroupsClient, type ScimGroupsClient } from './support/scim-groups.js';
import { entraUser, hostless, type Json } from './support/scim-users.js';
import { StatementRecorder } from './support/statement-recorder.js';

interface PageInfo {
  hasNextPage: boolean;
  hasPreviousPage: boolean;
  startCursor: string | null;
  endCursor: string | null;
}

interface Connection<T> {
  totalCount?: number;
  edges: Array<{ cursor: string; node: T }>;
  pageInfo: PageInfo;
}

interface UserNode {
  id: string;
  userName: string;
  externalId?: string | null;
  displayName?: string | null;
  active?: boolean;
  givenName?: string | null;
  familyName?: string | null;
  email?: string | null;
  version?: number;
  createdAt?: string;
  scim?: Json;
  groups?: Array<{ id: string; displayName: string }>;
}

interface MemberNode {
  type: 'USER' | 'GROUP';
  id: string;
  display: string | null;
  user?: { userName: string } | null;
  group?: { displayName: string } | null;
}

interface GroupNode {
  id: string;
  displayName: string;
  externalId?: string | null;
  memberCount?: number;
  members?: Connection<MemberNode>;
}

const USERS = `
  query Users($tenantId: ID!, $filter: String, $first: Int, $after: String) {
    users(tenantId: $tenantId, filter: $filter, first: $first, after: $after) {
      totalCount
      edges { cursor node { id userName } }
      pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
    }
  }`;

const USER = `
  query User($tenantId: ID!, $id: ID!) {
    user(tenantId: $tenantId, id: $id) {
      id userName externalId displayName active givenName familyName email version createdAt
      updatedAt scim groups { id displayName }
    }
  }`;

const GROUPS = `
  query Groups($tenantId: ID!, $filter: String, $first: Int, $after: String) {
    groups(tenantId: $tenantId, filter: $filter, first: $first, after: $after) {
      totalCount
      edges { cursor node { id displayName externalId memberCount } }
      pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
    }
  }`;

const GROUP_MEMBERS = `
  query Group($tenantId: ID!, $id: ID!, $first: Int, $after: String) {
    group(tenantId: $tenantId, id: $id) {
      id displayName memberCount
      members(first: $first, after: $after) {
        edges { cursor node { type id display user { userName } group { displayName } } }
        pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
      }
    }
  }`;

const codeOf = (result: GraphqlResult<unknown>): string | undefined =>
  result.errors?.[0]?.extensions?.code;

describe('GraphQL directory (users, groups, members)', () => {
  const t = useApp();

  /** A tenant with a SCIM client, and what the tests provisioned through it. */
  interface Provisioned {
    tenant: TenantWithToken;
    scim: ScimGroupsClient;
    /** userName → id */
    users: Map<string, string>;
  }

  const provision = async (userNames: readonly string[]): Promise<Provisioned> => {
    const tenant = await tenantWithToken(t.server);
    const scim = scimGroupsClient(t.server, tenant);
    const users = new Map<string, string>();
    for (const userName of userNames) {
      const res = await scim.createUser(entraUser(userName));
      expect(res.status).toBe(201);
      users.set(userName, scim.json(res).id as string);
    }
    return { tenant, scim, users };
  };

  const createGroup = async (
    scim: ScimGroupsClient,
    displayName: string,
    members: readonly string[] = [],
  ): Promise<string> => {
    const res = await scim.create(
      entraGroup(displayName, { members: members.map((value) => ({ value })) }),
    );
    expect(res.status).toBe(201);
    return scim.json(res).id as string;
  };

  const users = (tenantId: string, variables: Json = {}, token = ADMIN_TOKEN) =>
    graphql<{ users: Connection<UserNode> }>(t.server, token, USERS, { tenantId, ...variables });

  /** Every page of `users(filter)` with `first`, following endCursor; the ids in order. */
  const allUsers = async (tenantId: string, first: number, filter?: string) => {
    const seen: UserNode[] = [];
    const pages: Array<Connection<UserNode>> = [];
    let after: string | null = null;
    for (let page = 0; page < 50; page++) {
      const result = await users(tenantId, { first, after, filter });
      expect(result.errors).toBeUndefined();
      const connection = result.data!.users;
      pages.push(connection);
      seen.push(...connection.edges.map((edge) => edge.node));
      if (!connection.pageInfo.hasNextPage) break;
      after = connection.pageInfo.endCursor;
    }
    return { seen, pages };
  };

  /** The ids SCIM's list answers for a filter (all of them, in any order). */
  const scimIds = async (scim: ScimGroupsClient, filter: string): Promise<string[]> => {
    const res = await scim.listUsers(`?count=1000&filter=${encodeURIComponent(filter)}`);
    expect(res.status).toBe(200);
    return ((scim.json(res).Resources as Json[]) ?? []).map((user) => user.id as string).sort();
  };

  it('pages through every user once, in userName order without regard to case', async () => {
    const names = ['carol@x.test', 'Alice@x.test', 'bob@x.test', 'anna@x.test', 'Dave@x.test'];
    const { tenant, users: ids } = await provision(names);

    const { seen, pages } = await allUsers(tenant.tenantId, 2);

    const expected = [...names].sort((a, b) => (a.toLowerCase() < b.toLowerCase() ? -1 : 1));
    expect(seen.map((user) => user.userName)).toEqual(expected);
    expect(seen.map((user) => user.id)).toEqual(expected.map((name) => ids.get(name)));
    expect(pages.map((page) => page.edges.length)).toEqual([2, 2, 1]);
    expect(pages.map((page) => page.totalCount)).toEqual([5, 5, 5]);
    expect(pages.map((page) => page.pageInfo.hasNextPage)).toEqual([true, true, false]);
    expect(pages.map((page) => page.pageInfo.hasPreviousPage)).toEqual([false, true, true]);
    expect(pages[0]!.pageInfo.startCursor).toBe(pages[0]!.edges[0]!.cursor);
    expect(pages[0]!.pageInfo.endCursor).toBe(pages[0]!.edges[1]!.cursor);
  });

  it('filters with SCIM filters and answers what SCIM answers', async () => {
    const {
      tenant,
      scim,
      users: ids,
    } = await provision([
      'alice@x.test',
      'Aaron@x.test',
      'bob@x.test',
      'anna@x.test',
      'carl@x.test',
    ]);
    const sales = await createGroup(scim, 'Sales', [
      ids.get('bob@x.test')!,
      ids.get('anna@x.test')!,
    ]);

    const startsWithA = await allUsers(tenant.tenantId, 2, 'userName sw "a"');
    expect(startsWithA.seen.map((user) => user.userName)).toEqual([
      'Aaron@x.test',
      'alice@x.test',
      'anna@x.test',
    ]);
    expect(startsWithA.pages[0]!.totalCount).toBe(3);
    expect(startsWithA.seen.map((user) => user.id).sort()).toEqual(
      await scimIds(scim, 'userName sw "a"'),
    );

    // A prefix bounds the index scan; other conditions and `or` still filter exactly as SCIM does.
    for (const filter of [
      'userName sw "A" and active eq true',
      'userName sw "b" or userName sw "a"',
      'userName sw "an" and userName ew "test"',
    ]) {
      const found = await allUsers(tenant.tenantId, 2, filter);
      expect(found.seen.map((user) => user.id).sort()).toEqual(await scimIds(scim, filter));
    }

    const inSales = await allUsers(tenant.tenantId, 10, `groups[value eq "${sales}"]`);
    expect(inSales.seen.map((user) => user.userName)).toEqual(['anna@x.test', 'bob@x.test']);
    expect(inSales.seen.map((user) => user.id).sort()).toEqual(
      await scimIds(scim, `groups[value eq "${sales}"]`),
    );

    const none = await users(tenant.tenantId, { filter: 'userName eq "nobody@x.test"' });
    expect(none.data!.users).toEqual({
      totalCount: 0,
      edges: [],
      pageInfo: { hasNextPage: false, hasPreviousPage: false, startCursor: null, endCursor: null },
    });
  });

  it('refuses a bad filter, a bad cursor and a page size out of bounds as BAD_USER_INPUT', async () => {
    const { tenant } = await provision(['alice@x.test']);

    const syntax = await users(tenant.tenantId, { filter: 'userName eq' });
    expect(codeOf(syntax)).toBe('BAD_USER_INPUT');
    expect(syntax.errors![0]!.message).toMatch(/^invalid filter at position 11: /);
    expect(syntax.data).toBeNull();

    const unknown = await users(tenant.tenantId, { filter: 'shoeSize gt 40' });
    expect(codeOf(unknown)).toBe('BAD_USER_INPUT');
    expect(unknown.errors![0]!.message).toMatch(/invalid filter: .*shoeSize/);

    const groups = await graphql(t.server, ADMIN_TOKEN, GROUPS, {
      tenantId: tenant.tenantId,
      filter: 'displayName xx "a"',
    });
    expect(codeOf(groups)).toBe('BAD_USER_INPUT');
    expect(groups.errors![0]!.message).toMatch(/^invalid filter at position 12: /);

    expect(codeOf(await users(tenant.tenantId, { after: 'not-a-cursor' }))).toBe('BAD_USER_INPUT');
    expect(codeOf(await users(tenant.tenantId, { first: 0 }))).toBe('BAD_USER_INPUT');
    expect(codeOf(await users(tenant.tenantId, { first: 101 }))).toBe('BAD_USER_INPUT');
  });

  it('reads a user with its groups and its SCIM representation (as GET /Users/{id})', async () => {
    const tenant = await tenantWithToken(t.server);
    const scim = scimGroupsClient(t.server, tenant);
    const created = await scim.createUser(
      entraUser('grace@x.test', {
        displayName: 'Grace Hopper',
        name: { givenName: 'Grace', familyName: 'Hopper' },
        emails: [
          { value: 'grace.work@x.test', type: 'work' },
          { value: 'grace@x.test', type: 'other', primary: true },
        ],
        password: 'Secret-Password-1',
      }),
    );
    expect(created.status).toBe(201);
    const id = scim.json(created).id as string;
    const zeta = await createGroup(scim, 'zeta', [id]);
    const alpha = await createGroup(scim, 'Alpha', [id]);
    await createGroup(scim, 'Other');

    const result = await graphql<{ user: UserNode }>(t.server, ADMIN_TOKEN, USER, {
      tenantId: tenant.tenantId,
      id,
    });

    expect(result.errors).toBeUndefined();
    const user = result.data!.user;
    expect(user).toMatchObject({
      id,
      userName: 'grace@x.test',
      externalId: 'grace',
      displayName: 'Grace Hopper',
      active: true,
      givenName: 'Grace',
      familyName: 'Hopper',
      email: 'grace@x.test',
      version: 1,
      groups: [
        { id: alpha, displayName: 'Alpha' },
        { id: zeta, displayName: 'zeta' },
      ],
    });
    const got = await scim.getUser(id);
    expect(hostless(user.scim)).toEqual(hostless(scim.json(got)));
    expect(JSON.stringify(user.scim)).not.toContain('Secret-Password-1');
    expect(user.scim).not.toHaveProperty('password');
  });

  it('takes the first email when none is primary, and null without emails', async () => {
    const { tenant, scim } = await provision([]);
    const first = await scim.createUser(
      entraUser('e1@x.test', { emails: [{ value: 'one@x.test' }, { value: 'two@x.test' }] }),
    );
    const none = await scim.createUser(entraUser('e2@x.test'));
    const read = async (id: string) =>
      (
        await graphql<{ user: UserNode }>(t.server, ADMIN_TOKEN, USER, {
          tenantId: tenant.tenantId,
          id,
        })
      ).data!.user;
    expect((await read(scim.json(first).id as string)).email).toBe('one@x.test');
    expect(await read(scim.json(none).id as string)).toMatchObject({
      email: null,
      givenName: null,
      displayName: null,
      groups: [],
    });
  });

  it('never shows deleted users', async () => {
    const { tenant, scim, users: ids } = await provision(['keep@x.test', 'gone@x.test']);
    const gone = ids.get('gone@x.test')!;
    expect((await scim.removeUser(gone)).status).toBe(204);
    // Its userName is free again: a new user takes it.
    const again = await scim.createUser(entraUser('gone@x.test', { externalId: 'gone-2' }));
    const newId = scim.json(again).id as string;

    const { seen, pages } = await allUsers(tenant.tenantId, 10);
    expect(seen.map((user) => [user.userName, user.id])).toEqual([
      ['gone@x.test', newId],
      ['keep@x.test', ids.get('keep@x.test')],
    ]);
    expect(pages[0]!.totalCount).toBe(2);

    const read = await graphql<{ user: UserNode | null }>(t.server, ADMIN_TOKEN, USER, {
      tenantId: tenant.tenantId,
      id: gone,
    });
    expect(read.errors).toBeUndefined();
    expect(read.data!.user).toBeNull();
  });

  it('pages through groups by displayName and through a group’s members', async () => {
    const {
      tenant,
      scim,
      users: ids,
    } = await provision(['m1@x.test', 'm2@x.test', 'm3@x.test', 'm4@x.test']);
    const nested = await createGroup(scim, 'Nested');
    const userIds = [...ids.values()];
    const big = await createGroup(scim, 'big', [...userIds, nested]);
    await createGroup(scim, 'Alpha');

    const groupPages: Array<Connection<GroupNode>> = [];
    let after: string | null = null;
    do {
      const result: GraphqlResult<{ groups: Connection<GroupNode> }> = await graphql(
        t.server,
        ADMIN_TOKEN,
        GROUPS,
        { tenantId: tenant.tenantId, first: 2, after },
      );
      expect(result.errors).toBeUndefined();
      groupPages.push(result.data!.groups);
      after = result.data!.groups.pageInfo.hasNextPage
        ? result.data!.groups.pageInfo.endCursor
        : null;
    } while (after !== null);
    expect(groupPages.flatMap((page) => page.edges.map((edge) => edge.node))).toEqual([
      { id: expect.any(String), displayName: 'Alpha', externalId: 'ext-Alpha', memberCount: 0 },
      { id: big, displayName: 'big', externalId: 'ext-big', memberCount: 5 },
      { id: nested, displayName: 'Nested', externalId: 'ext-Nested', memberCount: 0 },
    ]);
    expect(groupPages.map((page) => page.totalCount)).toEqual([3, 3]);

    const filtered = await graphql<{ groups: Connection<GroupNode> }>(
      t.server,
      ADMIN_TOKEN,
      GROUPS,
      { tenantId: tenant.tenantId, filter: `members[value eq "${nested}"]` },
    );
    expect(filtered.data!.groups.edges.map((edge) => edge.node.id)).toEqual([big]);
    const prefixed = await graphql<{ groups: Connection<GroupNode> }>(
      t.server,
      ADMIN_TOKEN,
      GROUPS,
      { tenantId: tenant.tenantId, filter: 'displayName sw "B" or displayName sw "n"' },
    );
    expect(prefixed.data!.groups.edges.map((edge) => edge.node.displayName)).toEqual([
      'big',
      'Nested',
    ]);
    const bounded = await graphql<{ groups: Connection<GroupNode> }>(
      t.server,
      ADMIN_TOKEN,
      GROUPS,
      { tenantId: tenant.tenantId, filter: 'displayName sw "N"' },
    );
    expect(bounded.data!.groups.edges.map((edge) => edge.node.displayName)).toEqual(['Nested']);

    const members: MemberNode[] = [];
    const memberPages: Array<Connection<MemberNode>> = [];
    let cursor: string | null = null;
    do {
      const result: GraphqlResult<{ group: GroupNode }> = await graphql(
        t.server,
        ADMIN_TOKEN,
        GROUP_MEMBERS,
        { tenantId: tenant.tenantId, id: big, first: 2, after: cursor },
      );
      expect(result.errors).toBeUndefined();
      const page = result.data!.group.members!;
      memberPages.push(page);
      members.push(...page.edges.map((edge) => edge.node));
      cursor = page.pageInfo.hasNextPage ? page.pageInfo.endCursor : null;
    } while (cursor !== null);

    expect(memberPages.map((page) => page.edges.length)).toEqual([2, 2, 1]);
    expect(members.map((member) => member.id)).toEqual([...userIds, nested].sort());
    const byId = new Map(members.map((member) => [member.id, member]));
    expect(byId.get(nested)).toEqual({
      type: 'GROUP',
      id: nested,
      display: 'Nested',
      user: null,
      group: { displayName: 'Nested' },
    });
    expect(byId.get(ids.get('m3@x.test')!)).toEqual({
      type: 'USER',
      id: ids.get('m3@x.test'),
      display: 'm3@x.test',
      user: { userName: 'm3@x.test' },
      group: null,
    });
    // The same members, in the same order, as SCIM's `members` (member id order).
    const got = scim.json(await scim.get(big));
    expect((got.members as Json[]).map((member) => member.value)).toEqual(
      members.map((member) => member.id),
    );
  });

  it('answers null for a group or user that does not exist', async () => {
    const { tenant } = await provision([]);
    for (const id of ['7f1b7a0e-3c55-4d0c-9d7e-2f4ad3f0b001', 'not-a-uuid']) {
      const group = await graphql<{ group: GroupNode | null }>(
        t.server,
        ADMIN_TOKEN,
        GROUP_MEMBERS,
        {
          tenantId: tenant.tenantId,
          id,
        },
      );
      expect(group.errors).toBeUndefined();
      expect(group.data!.group).toBeNull();
      const user = await graphql<{ user: UserNode | null }>(t.server, ADMIN_TOKEN, USER, {
        tenantId: tenant.tenantId,
        id,
      });
      expect(user.errors).toBeUndefined();
      expect(user.data!.user).toBeNull();
    }
  });

  it('keeps tenants apart: another tenant is NOT_FOUND, another tenant’s ids are null', async () => {
    const a = await provision(['a-user@x.test']);
    const b = await provision(['b-user@x.test']);
    const bGroup = await createGroup(b.scim, 'B group', [b.users.get('b-user@x.test')!]);
    const { token: adminOfA } = await t.app
      .get(TokensService)
      .mintTenantAdminToken(a.tenant.tenantId, 'directory e2e', '30d');

    const own = await users(a.tenant.tenantId, {}, adminOfA);
    expect(own.data!.users.edges.map((edge) => edge.node.userName)).toEqual(['a-user@x.test']);

    const foreignUsers = await users(b.tenant.tenantId, {}, adminOfA);
    expect(codeOf(foreignUsers)).toBe('NOT_FOUND');
    expect(foreignUsers.errors![0]!.message).toBe('tenant not found');
    const foreignGroups = await graphql(t.server, adminOfA, GROUPS, {
      tenantId: b.tenant.tenantId,
    });
    expect(codeOf(foreignGroups)).toBe('NOT_FOUND');
    expect(foreignGroups.errors![0]!.message).toBe('tenant not found');
    for (const query of [USER, GROUP_MEMBERS]) {
      const foreign = await graphql(t.server, adminOfA, query, {
        tenantId: b.tenant.tenantId,
        id: bGroup,
      });
      expect(codeOf(foreign)).toBe('NOT_FOUND');
    }

    // B's ids asked for as A's: null, as for ids that do not exist.
    const bUser = await graphql<{ user: UserNode | null }>(t.server, adminOfA, USER, {
      tenantId: a.tenant.tenantId,
      id: b.users.get('b-user@x.test'),
    });
    expect(bUser.errors).toBeUndefined();
    expect(bUser.data!.user).toBeNull();
    const bGroupAsA = await graphql<{ group: GroupNode | null }>(
      t.server,
      adminOfA,
      GROUP_MEMBERS,
      {
        tenantId: a.tenant.tenantId,
        id: bGroup,
      },
    );
    expect(bGroupAsA.errors).toBeUndefined();
    expect(bGroupAsA.data!.group).toBeNull();
    // A filter naming B's group finds nothing in A.
    const byGroup = await users(
      a.tenant.tenantId,
      { filter: `groups[value eq "${bGroup}"]` },
      adminOfA,
    );
    expect(byGroup.data!.users.edges).toEqual([]);
  });

  it('answers NOT_FOUND for a tenant that does not exist, as for a foreign one', async () => {
    const missing = '7f1b7a0e-3c55-4d0c-9d7e-2f4ad3f0b002';
    for (const [query, variables] of [
      [USERS, { tenantId: missing }],
      [GROUPS, { tenantId: missing }],
      [USER, { tenantId: missing, id: missing }],
      [GROUP_MEMBERS, { tenantId: missing, id: missing }],
      [USERS, { tenantId: 'not-a-uuid' }],
    ] as const) {
      const result = await graphql(t.server, ADMIN_TOKEN, query, variables);
      expect(codeOf(result)).toBe('NOT_FOUND');
      expect(result.errors![0]!.message).toBe('tenant not found');
    }
  });

  describe('statements per request do not grow with the page (DataLoaders)', () => {
    let recorder: StatementRecorder;
    let provisioned: Provisioned;
    const groupIds: string[] = [];

    /** The least number of statements of three runs (a background statement may land in one). */
    const statements = async (query: string, variables: Json): Promise<string[]> => {
      const audit = t.app.get(AuditService);
      const runs: string[][] = [];
      for (let run = 0; run < 3; run++) {
        await audit.flush();
        runs.push(
          await recorder.record(async () => {
            const result = await graphql(t.server, ADMIN_TOKEN, query, variables);
            expect(result.errors).toBeUndefined();
          }),
        );
      }
      return runs.reduce((least, run) => (run.length < least.length ? run : least));
    };

    beforeAll(async () => {
      recorder = new StatementRecorder(t.db);
      const names = Array.from({ length: 50 }, (_, i) => `n${String(i).padStart(2, '0')}@x.test`);
      provisioned = await provision(names);
      const ids = [...provisioned.users.values()];
      // 10 groups of 8 users each (every user in one or two groups), and groups nested in groups.
      for (let g = 0; g < 10; g++) {
        const members = ids.slice(g * 5, g * 5 + 8);
        if (g > 0) members.push(groupIds[g - 1]!);
        groupIds.push(await createGroup(provisioned.scim, `g${g}`, members));
      }
      const patched = await provisioned.scim.patch(groupIds[0]!, [
        { op: 'add', path: 'members', value: [{ value: groupIds[9] }] },
      ]);
      expect(patched.status).toBe(204);
    });

    it('a page of users with their groups and SCIM documents', async () => {
      const query = `query($tenantId: ID!, $first: Int) {
        users(tenantId: $tenantId, first: $first) {
          totalCount edges { node { userName groups { displayName } scim } }
        }
      }`;
      const tenantId = provisioned.tenant.tenantId;
      const five = await statements(query, { tenantId, first: 5 });
      const fifty = await statements(query, { tenantId, first: 50 });
      console.log(
        ['users(first: 50) { groups scim }:', ...fifty.map((s) => `  ${s.slice(0, 140)}`)].join(
          '\n',
        ),
      );
      expect(fifty.length).toBe(five.length);
      // registry, page, count, the groups of the page's users
      expect(fifty.length).toBeLessThanOrEqual(4);
      expect(fifty.filter((s) => s.includes('count(*)'))).toHaveLength(1);

      // totalCount costs nothing unless it is selected.
      const uncounted = await statements(query.replace('totalCount', ''), { tenantId, first: 50 });
      expect(uncounted.filter((s) => s.includes('count(*)'))).toEqual([]);
      expect(uncounted.length).toBe(fifty.length - 1);
    });

    it('a page of groups with member counts and member pages with their users and groups', async () => {
      const query = `query($tenantId: ID!, $first: Int) {
        groups(tenantId: $tenantId, first: $first) {
          edges { node { displayName memberCount members(first: 5) {
            edges { node { user { userName } group { displayName } } }
          } } }
        }
      }`;
      const tenantId = provisioned.tenant.tenantId;
      // Every member page holds users: registry, page, member counts, member pages, users by id.
      const usersOnly = query.replace(' group { displayName }', '');
      const two = await statements(usersOnly, { tenantId, first: 2 });
      const ten = await statements(usersOnly, { tenantId, first: 10 });
      expect(ten.length).toBe(two.length);
      expect(ten.length).toBeLessThanOrEqual(5);

      // Member groups too: one more statement when a page shows a group member (which pages do
      // depends on the random ids), never one per group or member.
      const withGroups = await statements(query, { tenantId, first: 10 });
      console.log(
        [
          'groups(first: 10) { memberCount members { user group } }:',
          ...withGroups.map((s) => `  ${s.slice(0, 140)}`),
        ].join('\n'),
      );
      expect(withGroups.length).toBeLessThanOrEqual(ten.length + 1);
      expect(new Set(withGroups).size).toBe(withGroups.length);

      const result = await graphql<{ groups: Connection<GroupNode> }>(
        t.server,
        ADMIN_TOKEN,
        query,
        {
          tenantId,
          first: 10,
        },
      );
      const pages = result.data!.groups.edges.map((edge) => edge.node);
      expect(pages.map((group) => group.displayName)).toEqual(groupIds.map((_, g) => `g${g}`));
      expect(pages.map((group) => group.memberCount)).toEqual([9, 9, 9, 9, 9, 9, 9, 9, 9, 6]);
      for (const group of pages) expect(group.members!.edges).toHaveLength(5);
    });
  });
});
