// /scim/v2/Groups end to end: the group request shapes of entra.md §2.4 in both dialects (with
// and without `aadOptscim062020`), the group items of the §11 checklist (9, 14, 24–28), members
// that do not exist, uniqueness, ETags, deletes, a user's `groups`, nested groups and audit rows.
// Every test makes its own tenant; stored state is checked by a following GET and in the tables.
import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { GroupMembershipsRepository } from '../src/groups/group-memberships.repository.js';
import {
  ADMIN_TOKEN,
  graphql,
  SCIM_ERROR,
  tenantWithToken,
  useApp,
  type TenantWithToken,
} from './support/app.js';
import {
  ADSCIM_GROUP,
  CORE_GROUP,
  entraGroup,
  scimGroupsClient,
  type ScimGroupsClient,
} from './support/scim-groups.js';
import { entraUser, hostless, LIST, SEARCH, type Json } from './support/scim-users.js';

/** The two ways Entra's provisioning sends the same change (entra.md §2.6). */
type Dialect = 'default' | 'aadOptscim062020';

interface Ids {
  readonly users: readonly string[];
  readonly group: string;
}

interface PatchCase {
  readonly name: string;
  readonly dialect: Dialect;
  /** Indexes of the users that are members before the PATCH. */
  readonly before: readonly number[];
  readonly operations: (ids: Ids) => unknown[];
  /** Indexes of the users that are members afterwards. */
  readonly after: readonly number[];
  /** displayName afterwards (default: unchanged). */
  readonly displayName?: string;
  /** Members added / removed, as the audit row counts them. */
  readonly counts?: { membersAdded: number; membersRemoved: number };
}

const member = (id: string): Json => ({ $ref: null, value: id });

/** entra.md §2.4 and §2.6, group shapes; `Replace` etc. in the default dialect are capitalised. */
const PATCH_CASES: readonly PatchCase[] = [
  {
    name: 'rename (Replace displayName)',
    dialect: 'default',
    before: [0],
    operations: () => [{ op: 'Replace', path: 'displayName', value: 'Renamed Group' }],
    after: [0],
    displayName: 'Renamed Group',
  },
  {
    name: 'rename as a no-path replace carrying the id',
    dialect: 'aadOptscim062020',
    before: [0],
    operations: ({ group }) => [
      { op: 'replace', value: { id: group, displayName: 'Renamed Group' } },
    ],
    after: [0],
    displayName: 'Renamed Group',
  },
  {
    name: 'add one member ($ref null)',
    dialect: 'default',
    before: [],
    operations: ({ users }) => [{ op: 'Add', path: 'members', value: [member(users[0]!)] }],
    after: [0],
    counts: { membersAdded: 1, membersRemoved: 0 },
  },
  {
    name: 'add one member',
    dialect: 'aadOptscim062020',
    before: [],
    operations: ({ users }) => [{ op: 'add', path: 'members', value: [{ value: users[0] }] }],
    after: [0],
    counts: { membersAdded: 1, membersRemoved: 0 },
  },
  {
    name: 'add several members in one operation, one already a member, $ref present',
    dialect: 'default',
    before: [1],
    operations: ({ users }) => [
      {
        op: 'Add',
        path: 'members',
        value: [
          member(users[0]!),
          { $ref: `https://example.com/scim/v2/Users/${users[1]}`, value: users[1] },
          member(users[2]!),
        ],
      },
    ],
    after: [0, 1, 2],
    counts: { membersAdded: 2, membersRemoved: 0 },
  },
  {
    name: 'remove with a value list removes only the listed members',
    dialect: 'default',
    before: [0, 1, 2],
    operations: ({ users }) => [
      { op: 'Remove', path: 'members', value: [member(users[0]!), member(users[2]!)] },
    ],
    after: [1],
    counts: { membersAdded: 0, membersRemoved: 2 },
  },
  {
    name: 'remove with a value list naming a non-member is no error',
    dialect: 'default',
    before: [0, 1],
    operations: ({ users }) => [
      { op: 'Remove', path: 'members', value: [member(users[1]!), member(users[2]!)] },
    ],
    after: [0],
    counts: { membersAdded: 0, membersRemoved: 1 },
  },
  {
    name: 'remove members[value eq "<id>"]',
    dialect: 'aadOptscim062020',
    before: [0, 1],
    operations: ({ users }) => [{ op: 'remove', path: `members[value eq "${users[0]}"]` }],
    after: [1],
    counts: { membersAdded: 0, membersRemoved: 1 },
  },
  {
    name: 'several remove operations, one per member',
    dialect: 'aadOptscim062020',
    before: [0, 1, 2],
    operations: ({ users }) => [
      { op: 'remove', path: `members[value eq "${users[0]}"]` },
      { op: 'remove', path: `members[value eq "${users[1]}"]` },
    ],
    after: [2],
    counts: { membersAdded: 0, membersRemoved: 2 },
  },
  {
    name: 'remove of members without value or filter clears all',
    dialect: 'default',
    before: [0, 1, 2],
    operations: () => [{ op: 'remove', path: 'members' }],
    after: [],
    counts: { membersAdded: 0, membersRemoved: 3 },
  },
  {
    name: 'replace of members sets exactly the members given',
    dialect: 'default',
    before: [0, 1],
    operations: ({ users }) => [
      { op: 'Replace', path: 'members', value: [member(users[1]!), member(users[2]!)] },
    ],
    after: [1, 2],
    counts: { membersAdded: 1, membersRemoved: 1 },
  },
  {
    name: 'rename and add and remove in one request, applied in order',
    dialect: 'default',
    before: [0],
    operations: ({ users }) => [
      { op: 'Replace', path: 'displayName', value: 'Renamed Group' },
      { op: 'Add', path: 'members', value: [member(users[1]!)] },
      { op: 'Remove', path: 'members', value: [member(users[0]!)] },
      { op: 'Add', path: 'members', value: [member(users[0]!), member(users[2]!)] },
      { op: 'Remove', path: 'members', value: [member(users[2]!)] },
    ],
    after: [0, 1],
    displayName: 'Renamed Group',
    counts: { membersAdded: 3, membersRemoved: 2 },
  },
  {
    name: 'remove all, then add, in one request',
    dialect: 'aadOptscim062020',
    before: [0, 1],
    operations: ({ users }) => [
      { op: 'remove', path: 'members' },
      { op: 'add', path: 'members', value: [{ value: users[1] }, { value: users[2] }] },
    ],
    after: [1, 2],
    counts: { membersAdded: 2, membersRemoved: 2 },
  },
];

describe('SCIM Groups', () => {
  const t = useApp();
  let tenant: TenantWithToken;
  let scim: ScimGroupsClient;

  beforeEach(async () => {
    tenant = await tenantWithToken(t.server);
    scim = scimGroupsClient(t.server, tenant);
  });

  async function userId(userName = `${randomUUID()}@contoso.com`, extra: Json = {}) {
    const res = await scim.createUser(entraUser(userName, extra));
    expect(res.status).toBe(201);
    return scim.json(res).id as string;
  }

  async function users(count: number): Promise<string[]> {
    const ids: string[] = [];
    for (let i = 0; i < count; i++) {
      ids.push(await userId(`u${i}-${randomUUID()}@contoso.com`, { displayName: `User ${i}` }));
    }
    return ids;
  }

  async function groupId(displayName = `Group ${randomUUID()}`, extra: Json = {}) {
    const res = await scim.create(entraGroup(displayName, extra));
    expect(res.status).toBe(201);
    return scim.json(res).id as string;
  }

  /** The group as a GET shows it, its location's origin blanked (see `hostless`). */
  async function stored(id: string, query = ''): Promise<Json> {
    const res = await scim.get(id, query);
    expect(res.status).toBe(200);
    return hostless(scim.json(res)) as Json;
  }

  /** Member ids as a GET shows them, and as the table holds them (they must agree). */
  async function memberIds(id: string): Promise<string[]> {
    const shown = ((await stored(id)).members as Json[]).map((m) => m.value as string);
    const rows: { member_id: string }[] = await t.db.query(
      'SELECT member_id FROM group_members WHERE tenant_id = $1 AND group_id = $2 ORDER BY member_id',
      [tenant.tenantId, id],
    );
    expect(shown).toEqual(rows.map((r) => r.member_id));
    return shown;
  }

  async function version(id: string): Promise<number> {
    const rows: { version: number }[] = await t.db.query(
      'SELECT version FROM scim_groups WHERE tenant_id = $1 AND id = $2',
      [tenant.tenantId, id],
    );
    return rows[0]!.version;
  }

  /**
   * The audit rows of the group's writes that changed something. (Every other request gets a row
   * of its own after the response, buffered: reads, and writes that changed nothing.)
   */
  async function auditRows(resourceId: string): Promise<Json[]> {
    return t.db.query(
      `SELECT operation, status, changed_attributes AS "changed", counts FROM audit_events
       WHERE tenant_id = $1 AND resource_id = $2 AND resource_type = 'Group'
         AND operation IN ('create', 'replace', 'patch', 'delete')
         AND (counts IS NOT NULL OR cardinality(changed_attributes) > 0)
       ORDER BY at, id`,
      [tenant.tenantId, resourceId],
    );
  }

  function expectScimError(
    res: { status: number; text: string },
    status: number,
    scimType?: string,
  ): string {
    expect(res.status).toBe(status);
    const body = JSON.parse(res.text) as Json;
    expect(body).toEqual({
      schemas: [SCIM_ERROR],
      status: String(status),
      ...(scimType ? { scimType } : {}),
      detail: expect.any(String),
    });
    return body.detail as string;
  }

  const sorted = (ids: readonly string[]): string[] => [...ids].sort();

  describe('create (POST /Groups)', () => {
    it("answers Entra's create (with the ADSCIM schema URI and meta) with 201, members: [] (§11 item 14)", async () => {
      const res = await scim.create(entraGroup('Sales EMEA'));
      expect(res.status).toBe(201);
      expect(res.headers['content-type']).toMatch(/^application\/scim\+json/);
      const body = scim.json(res);
      const id = body.id as string;
      expect(id).toMatch(/^[0-9a-f-]{36}$/);
      expect(`${res.headers['location']}`).toMatch(new RegExp(`/scim/v2/Groups/${id}$`));
      expect(res.headers['etag']).toBe('W/"1"');
      expect(hostless(body)).toEqual({
        schemas: [CORE_GROUP, ADSCIM_GROUP],
        id,
        externalId: 'ext-Sales EMEA',
        displayName: 'Sales EMEA',
        members: [],
        meta: {
          resourceType: 'Group',
          created: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
          lastModified: (body.meta as Json).created,
          location: `http://host/scim/v2/Groups/${id}`,
          version: 'W/"1"',
        },
      });
      expect(await stored(id)).toEqual(hostless(body));
    });

    it('creates a group with members (users and a group): each with value, $ref, display, type', async () => {
      const [alice, bob] = [
        await userId('alice@contoso.com', { displayName: 'Alice Ng' }),
        await userId('bob@contoso.com'),
      ];
      const nested = await groupId('Nested');
      const res = await scim.create({
        schemas: [CORE_GROUP],
        displayName: 'Parent',
        members: [
          { value: alice, display: 'ignored, the server fills display in' },
          { value: bob, $ref: null },
          { value: nested, type: 'Group' },
          { value: alice },
        ],
      });
      expect(res.status).toBe(201);
      const body = hostless(scim.json(res)) as Json;
      const expected = sorted([alice, bob, nested]).map((value) => {
        if (value === nested) {
          return {
            value,
            $ref: `http://host/scim/v2/Groups/${nested}`,
            display: 'Nested',
            type: 'Group',
          };
        }
        return {
          value,
          $ref: `http://host/scim/v2/Users/${value}`,
          // A user without displayName shows its userName.
          display: value === alice ? 'Alice Ng' : 'bob@contoso.com',
          type: 'User',
        };
      });
      expect(body.members).toEqual(expected);
      expect((await stored(body.id as string)).members).toEqual(expected);
      const [row] = await auditRows(body.id as string);
      expect(row).toMatchObject({
        operation: 'create',
        status: 201,
        changed: ['displayName', 'members'],
        counts: { membersAdded: 3 },
      });
    });

    it('refuses members that do not exist in the tenant with 400 invalidValue naming them; nothing is created', async () => {
      const alice = await userId();
      const other = await tenantWithToken(t.server);
      const foreign = scim.json(
        await scimGroupsClient(t.server, other).createUser(entraUser('x@contoso.com')),
      ).id as string;
      const missing = randomUUID();
      const res = await scim.create({
        schemas: [CORE_GROUP],
        displayName: 'Broken',
        members: [
          { value: alice },
          { value: missing },
          { value: foreign },
          { value: 'string id 1' },
        ],
      });
      const detail = expectScimError(res, 400, 'invalidValue');
      for (const id of [missing, foreign, 'string id 1']) expect(detail).toContain(id);
      expect(detail).not.toContain(alice);
      const list = scim.json(await scim.list('?filter=displayName eq "Broken"'));
      expect(list.totalResults).toBe(0);
    });

    it('accepts the ADSCIM schema URI also when the tenant refuses unknown extensions (strict)', async () => {
      const strict = await graphql(
        t.server,
        ADMIN_TOKEN,
        'mutation($t: ID!) { setScimSchemaStrictness(tenantId: $t, strict: true) { strictSchemas } }',
        { t: tenant.tenantId },
      );
      expect(strict.errors).toBeUndefined();
      const res = await scim.create(entraGroup('Strict'));
      expect(res.status).toBe(201);
      expect(scim.json(res).schemas).toEqual([CORE_GROUP, ADSCIM_GROUP]);
      expectScimError(
        await scim.create(entraGroup('Unknown', { 'urn:x:unknown:2.0:Group': { a: 1 } })),
        400,
        'invalidValue',
      );
    });

    it('a duplicate displayName (any case) is 409 uniqueness; externalId is not unique', async () => {
      await groupId('Sales EMEA', { externalId: 'same' });
      expectScimError(
        await scim.create(entraGroup('sales emea', { externalId: 'other' })),
        409,
        'uniqueness',
      );
      expect((await scim.create(entraGroup('Sales APAC', { externalId: 'same' }))).status).toBe(
        201,
      );
    });

    it('of 10 concurrent creates of one displayName exactly one succeeds', async () => {
      const statuses = await Promise.all(
        Array.from({ length: 10 }, (_, i) =>
          scim.create(entraGroup(i % 2 ? 'RACE' : 'race')).then((res) => res.status),
        ),
      );
      expect(statuses.filter((s) => s === 201)).toHaveLength(1);
      expect(statuses.filter((s) => s === 409)).toHaveLength(9);
    });

    it('requires a non-blank displayName; a bad body is a 400', async () => {
      expectScimError(await scim.create({ schemas: [CORE_GROUP] }), 400, 'invalidValue');
      expectScimError(
        await scim.create({ schemas: [CORE_GROUP], displayName: '  ' }),
        400,
        'invalidValue',
      );
      expectScimError(
        await scim.create({ schemas: [CORE_GROUP], displayName: 'X', members: [{ type: 'User' }] }),
        400,
        'invalidValue',
      );
      expectScimError(await scim.create(['not', 'an', 'object']), 400, 'invalidSyntax');
    });
  });

  describe('reads', () => {
    it('GET unknown, malformed and foreign ids answer 404', async () => {
      const other = await tenantWithToken(t.server);
      const foreign = scim.json(
        await scimGroupsClient(t.server, other).create(entraGroup('Theirs')),
      ).id as string;
      for (const id of [randomUUID(), 'not-a-uuid', foreign]) {
        expectScimError(await scim.get(id), 404);
        expectScimError(await scim.patch(id, []), 404);
        expectScimError(await scim.remove(id), 404);
      }
    });

    it("excludedAttributes=members (Entra's reads, §11 item 9) never touches group_members", async () => {
      const [alice] = await users(1);
      const id = await groupId('Sales EMEA', { members: [{ value: alice }] });
      // Another session holds group_members exclusively: a read that touched it would wait.
      const locker = new Client({ connectionString: process.env.DATABASE_URL });
      await locker.connect();
      try {
        await locker.query('BEGIN');
        await locker.query('LOCK TABLE group_members IN ACCESS EXCLUSIVE MODE');
        const one = await stored(id, '?excludedAttributes=members');
        expect(one).not.toHaveProperty('members');
        expect(one.displayName).toBe('Sales EMEA');
        const list = scim.json(
          await scim.list('?excludedAttributes=members&filter=displayName eq "sales emea"'),
        );
        expect(list.totalResults).toBe(1);
        expect((list.Resources as Json[])[0]).not.toHaveProperty('members');
        const projected = await stored(id, '?attributes=displayName');
        expect(Object.keys(projected).sort()).toEqual(['displayName', 'id', 'schemas']);
        const byExternalId = scim.json(
          await scim.list('?excludedAttributes=members&filter=externalId eq "ext-Sales EMEA"'),
        );
        expect(byExternalId.totalResults).toBe(1);
      } finally {
        await locker.query('ROLLBACK');
        await locker.end();
      }
      expect(await memberIds(id)).toEqual([alice]);
    });

    it('If-None-Match with the current version answers 304', async () => {
      const id = await groupId();
      const res = await scim.get(id).set('If-None-Match', 'W/"1"');
      expect(res.status).toBe(304);
      expect(res.headers['etag']).toBe('W/"1"');
      expect((await scim.get(id).set('If-None-Match', 'W/"2"')).status).toBe(200);
    });

    it('filters compile to SQL: displayName, externalId, id, members, and the rest of the grammar', async () => {
      const [alice, bob] = await users(2);
      const sales = await groupId('Sales EMEA', {
        externalId: 'Ext-1',
        members: [{ value: alice }, { value: bob }],
      });
      const apac = await groupId('Sales APAC', { externalId: 'ext-1', members: [{ value: bob }] });
      const empty = await groupId('Empty');
      const parent = await groupId('Parent', { members: [{ value: sales }] });
      const ids = async (filter: string): Promise<string[]> => {
        const res = await scim.list(`?filter=${encodeURIComponent(filter)}`);
        expect(res.status).toBe(200);
        return sorted((scim.json(res).Resources as Json[]).map((r) => r.id as string));
      };
      expect(await ids('displayName eq "SALES emea"')).toEqual([sales]);
      expect(await ids('DisplayName EQ "sales apac"')).toEqual([apac]);
      expect(await ids('externalId eq "ext-1"')).toEqual([apac]);
      expect(await ids(`id eq "${empty}"`)).toEqual([empty]);
      expect(await ids(`id eq "${empty.toUpperCase()}"`)).toEqual([]);
      expect(await ids(`members[value eq "${alice}"]`)).toEqual([sales]);
      expect(await ids(`members.value eq "${bob}"`)).toEqual(sorted([sales, apac]));
      expect(await ids(`members[type eq "Group"]`)).toEqual([parent]);
      expect(await ids('members pr')).toEqual(sorted([sales, apac, parent]));
      expect(await ids('not (members pr)')).toEqual([empty]);
      expect(await ids('displayName sw "sales" and not (externalId eq "Ext-1")')).toEqual([apac]);
      expect(await ids('displayName eq "nothing"')).toEqual([]);
      expect(await ids(`displayName eq "Sales EMEA" or id eq "${empty}"`)).toEqual(
        sorted([sales, empty]),
      );
      expectScimError(await scim.list('?filter=nosuch eq "x"'), 400, 'invalidFilter');
      expectScimError(await scim.list('?filter=members.display eq "x"'), 400, 'invalidFilter');
    });

    it('lists page in creation order with members, and POST /Groups/.search takes the same parameters', async () => {
      const [alice] = await users(1);
      const created: string[] = [];
      for (const name of ['A', 'B', 'C']) {
        created.push(await groupId(`Group ${name}`, { members: [{ value: alice }] }));
      }
      const page = scim.json(await scim.list('?startIndex=2&count=1'));
      expect(page).toMatchObject({
        schemas: [LIST],
        totalResults: 3,
        startIndex: 2,
        itemsPerPage: 1,
      });
      const [second] = page.Resources as Json[];
      expect(second!.id).toBe(created[1]);
      expect(second!.members).toEqual([expect.objectContaining({ value: alice, type: 'User' })]);
      const search = await scim.search({
        schemas: [SEARCH],
        filter: 'displayName sw "group"',
        excludedAttributes: ['members'],
        sortBy: 'displayName',
        sortOrder: 'descending',
      });
      expect(search.status).toBe(200);
      const found = scim.json(search).Resources as Json[];
      expect(found.map((g) => g.displayName)).toEqual(['Group C', 'Group B', 'Group A']);
      expect(found[0]).not.toHaveProperty('members');
      expect(scim.json(await scim.list('?filter=displayName eq "nothing"'))).toEqual({
        schemas: [LIST],
        totalResults: 0,
        startIndex: 1,
        itemsPerPage: 0,
        Resources: [],
      });
    });
  });

  describe("PATCH: Entra's request shapes (§2.4, §2.6) followed by a GET", () => {
    it.each(PATCH_CASES.map((c) => [`${c.name} [${c.dialect}]`, c] as const))(
      '%s',
      async (_name, c) => {
        const people = await users(3);
        const id = await groupId('Original Group', {
          members: c.before.map((i) => ({ value: people[i] })),
        });
        const ids: Ids = { users: people, group: id };
        // The flag is part of the Tenant URL, so it arrives as a query parameter.
        const query = c.dialect === 'aadOptscim062020' ? '?aadOptscim062020' : '';
        const res = await scim.patch(id, c.operations(ids), query);
        expect(res.status).toBe(204);
        expect(res.text).toBe('');
        expect(res.headers['etag']).toBe('W/"2"');
        expect(await memberIds(id)).toEqual(sorted(c.after.map((i) => people[i]!)));
        const group = await stored(id);
        expect(group.displayName).toBe(c.displayName ?? 'Original Group');
        expect((group.meta as Json).version).toBe('W/"2"');
        const rows = await auditRows(id);
        expect(rows).toHaveLength(2);
        expect(rows[1]).toMatchObject({ operation: 'patch', status: 204 });
        if (c.counts) {
          expect(rows[1]!.counts).toEqual(c.counts);
          expect(rows[1]!.changed).toContain('members');
        }
        // The audit row has counts, never the member list.
        expect(JSON.stringify(rows[1]!.changed)).not.toContain(people[0]!);
      },
    );

    it('re-adding a member, removing a non-member and Operations: [] change nothing (204, same version)', async () => {
      const [alice, bob] = await users(2);
      const id = await groupId('G', { members: [{ value: alice }] });
      for (const operations of [
        [{ op: 'Add', path: 'members', value: [member(alice!)] }],
        [{ op: 'Remove', path: 'members', value: [member(bob!)] }],
        [{ op: 'remove', path: `members[value eq "${bob}"]` }],
        [{ op: 'remove', path: `members[value eq "not-a-uuid"]` }],
        [],
      ]) {
        const res = await scim.patch(id, operations);
        expect(res.status).toBe(204);
        expect(res.headers['etag']).toBe('W/"1"');
      }
      expect(await memberIds(id)).toEqual([alice]);
      expect(await version(id)).toBe(1);
      expect((await auditRows(id)).map((r) => r.operation)).toEqual(['create']);
    });

    it('members that do not exist are a 400 invalidValue naming them, and nothing of the request is applied', async () => {
      const [alice, bob, carol] = await users(3);
      const id = await groupId('Before', { members: [{ value: alice }] });
      await scim.removeUser(carol!);
      const missing = randomUUID();
      const res = await scim.patch(id, [
        { op: 'Replace', path: 'displayName', value: 'After' },
        { op: 'Remove', path: 'members' },
        { op: 'Add', path: 'members', value: [member(bob!), member(missing)] },
        { op: 'Add', path: 'members', value: [member(carol!)] },
      ]);
      const detail = expectScimError(res, 400, 'invalidValue');
      expect(detail).toContain(missing);
      expect(detail).toContain(carol); // deleted users are not members-to-be
      expect(detail).not.toContain(bob);
      expect(await memberIds(id)).toEqual([alice]);
      const group = await stored(id);
      expect(group.displayName).toBe('Before');
      expect(await version(id)).toBe(1);
    });

    it('bare id strings (Postman collection) are read as members: unknown ones are a 400', async () => {
      const [alice] = await users(1);
      const id = await groupId();
      expect((await scim.patch(id, [{ op: 'add', path: 'members', value: alice }])).status).toBe(
        204,
      );
      expect(await memberIds(id)).toEqual([alice]);
      expectScimError(
        await scim.patch(id, [{ op: 'add', path: 'members', value: 'string id 1' }]),
        400,
        'invalidValue',
      );
    });

    it("a rename onto another group's displayName (any case) is 409 uniqueness (§11 item 26)", async () => {
      await groupId('Taken');
      const id = await groupId('Mine');
      expectScimError(
        await scim.patch(id, [{ op: 'Replace', path: 'displayName', value: 'TAKEN' }]),
        409,
        'uniqueness',
      );
      expectScimError(
        await scim.replace(id, { schemas: [CORE_GROUP], displayName: 'taken' }),
        409,
        'uniqueness',
      );
      expect((await stored(id)).displayName).toBe('Mine');
      // Its own name in another case is no clash.
      expect(
        (await scim.patch(id, [{ op: 'Replace', path: 'displayName', value: 'MINE' }])).status,
      ).toBe(204);
    });

    it('If-Match naming another version is 412 and changes nothing; the current one passes', async () => {
      const [alice] = await users(1);
      const id = await groupId();
      const add = { schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'] };
      const stale = await scim
        .call('patch', `/scim/v2/Groups/${id}`, {
          ...add,
          Operations: [{ op: 'add', path: 'members', value: [{ value: alice }] }],
        })
        .set('If-Match', 'W/"7"');
      expectScimError(stale, 412);
      expect(await memberIds(id)).toEqual([]);
      const current = await scim
        .call('patch', `/scim/v2/Groups/${id}`, {
          ...add,
          Operations: [{ op: 'add', path: 'members', value: [{ value: alice }] }],
        })
        .set('If-Match', 'W/"1"');
      expect(current.status).toBe(204);
      expect(current.headers['etag']).toBe('W/"2"');
      expectScimError(await scim.remove(id).set('If-Match', 'W/"1"'), 412);
      expectScimError(
        await scim
          .call('put', `/scim/v2/Groups/${id}`, { schemas: [CORE_GROUP], displayName: 'X' })
          .set('If-Match', '"1"'),
        412,
      );
      expect((await scim.remove(id).set('If-Match', 'W/"2"')).status).toBe(204);
    });

    it('answers 200 with the group when attributes or excludedAttributes is given', async () => {
      const [alice] = await users(1);
      const id = await groupId('G');
      const res = await scim.patch(
        id,
        [{ op: 'add', path: 'members', value: [{ value: alice }] }],
        '?attributes=members',
      );
      expect(res.status).toBe(200);
      expect(hostless(scim.json(res))).toEqual({
        schemas: [CORE_GROUP, ADSCIM_GROUP],
        id,
        members: [
          {
            value: alice,
            $ref: `http://host/scim/v2/Users/${alice}`,
            display: 'User 0',
            type: 'User',
          },
        ],
      });
      const excluded = await scim.patch(
        id,
        [{ op: 'replace', path: 'externalId', value: 'new' }],
        '?excludedAttributes=members',
      );
      expect(excluded.status).toBe(200);
      expect(scim.json(excluded)).toMatchObject({ externalId: 'new', displayName: 'G' });
      expect(scim.json(excluded)).not.toHaveProperty('members');
    });

    it('removes members by any filter (members[type eq "Group"]), and refuses bad member paths', async () => {
      const [alice] = await users(1);
      const child = await groupId('Child');
      const id = await groupId('Parent', { members: [{ value: alice }, { value: child }] });
      expect(
        (await scim.patch(id, [{ op: 'remove', path: 'members[type eq "group"]' }])).status,
      ).toBe(204);
      expect(await memberIds(id)).toEqual([alice]);
      expectScimError(
        await scim.patch(id, [{ op: 'replace', path: 'members.value', value: 'x' }]),
        400,
        'mutability',
      );
      expectScimError(
        await scim.patch(id, [{ op: 'add', path: `members[value eq "${alice}"]`, value: {} }]),
        400,
        'invalidPath',
      );
      expectScimError(
        await scim.patch(id, [{ op: 'add', path: 'members', value: [{ value: id }] }]),
        400,
        'invalidValue',
      );
      expectScimError(
        await scim.patch(id, [{ op: 'remove', path: 'displayName' }]),
        400,
        'mutability',
      );
    });

    it('adds and removes 1 000 members in single requests (set statements)', async () => {
      const ids: string[] = await t.db
        .query(
          `INSERT INTO scim_users (tenant_id, id, user_name, resource)
           SELECT $1, gen_random_uuid(), 'bulk' || i || '@contoso.com',
                  jsonb_build_object('schemas', jsonb_build_array($2::text),
                                     'userName', 'bulk' || i || '@contoso.com')
           FROM generate_series(1, 1000) AS i
           RETURNING id`,
          [tenant.tenantId, 'urn:ietf:params:scim:schemas:core:2.0:User'],
        )
        .then((rows: { id: string }[]) => rows.map((r) => r.id));
      const id = await groupId('Big');
      const add = await scim.patch(id, [
        { op: 'Add', path: 'members', value: ids.map((value) => member(value)) },
      ]);
      expect(add.status).toBe(204);
      expect(await memberIds(id)).toEqual(sorted(ids));
      const remove = await scim.patch(id, [
        { op: 'Remove', path: 'members', value: ids.slice(0, 999).map((value) => member(value)) },
      ]);
      expect(remove.status).toBe(204);
      expect(await memberIds(id)).toEqual([ids[999]]);
      const [, added, removed] = await auditRows(id);
      expect(added!.counts).toEqual({ membersAdded: 1000, membersRemoved: 0 });
      expect(removed!.counts).toEqual({ membersAdded: 0, membersRemoved: 999 });
    });
  });

  describe('replace (PUT /Groups/{id})', () => {
    it('replaces the attributes and makes the members exactly the ones sent; 200 with them', async () => {
      const [alice, bob, carol] = await users(3);
      const id = await groupId('Old', {
        externalId: 'old',
        members: [{ value: alice }, { value: bob }],
      });
      const res = await scim.replace(id, {
        schemas: [CORE_GROUP],
        id: 'ignored',
        displayName: 'New',
        members: [{ value: bob, display: 'VP' }, { value: carol }],
      });
      expect(res.status).toBe(200);
      expect(res.headers['etag']).toBe('W/"2"');
      const body = hostless(scim.json(res)) as Json;
      expect(body).toMatchObject({ id, displayName: 'New' });
      expect(body).not.toHaveProperty('externalId');
      expect((body.members as Json[]).map((m) => m.value)).toEqual(sorted([bob!, carol!]));
      expect(await stored(id)).toEqual(body);
      expect(await memberIds(id)).toEqual(sorted([bob!, carol!]));
      const rows = await auditRows(id);
      expect(rows[1]).toMatchObject({
        operation: 'replace',
        counts: { membersAdded: 1, membersRemoved: 1 },
      });
      expect(rows[1]!.changed).toEqual(
        expect.arrayContaining(['displayName', 'externalId', 'members']),
      );
    });

    it('without members clears them; the same group again changes nothing', async () => {
      const [alice] = await users(1);
      const id = await groupId('G', { members: [{ value: alice }] });
      const res = await scim.replace(id, { schemas: [CORE_GROUP], displayName: 'G' });
      expect(res.status).toBe(200);
      expect(scim.json(res).members).toEqual([]);
      expect(await memberIds(id)).toEqual([]);
      const again = await scim.replace(id, { schemas: [CORE_GROUP], displayName: 'G' });
      expect(again.headers['etag']).toBe('W/"2"');
      expectScimError(await scim.replace(id, { schemas: [CORE_GROUP] }), 400, 'invalidValue');
      expectScimError(
        await scim.replace(id, {
          schemas: [CORE_GROUP],
          displayName: 'G',
          members: [{ value: randomUUID() }],
        }),
        400,
        'invalidValue',
      );
    });
  });

  describe('deletes (§11 item 28)', () => {
    it('DELETE /Groups/{id}: 204, then 404 and gone from lists, members and memberships with it', async () => {
      const [alice] = await users(1);
      const child = await groupId('Child', { members: [{ value: alice }] });
      const id = await groupId('Doomed', { members: [{ value: alice }, { value: child }] });
      const parent = await groupId('Parent', { members: [{ value: id }, { value: alice }] });
      const res = await scim.remove(id);
      expect(res.status).toBe(204);
      expect(res.text).toBe('');
      expectScimError(await scim.get(id), 404);
      expectScimError(await scim.remove(id), 404);
      expect(scim.json(await scim.list('?filter=displayName eq "Doomed"')).totalResults).toBe(0);
      expect(await memberIds(parent)).toEqual([alice]);
      expect(await memberIds(child)).toEqual([alice]);
      const rows: unknown[] = await t.db.query(
        'SELECT 1 FROM group_members WHERE tenant_id = $1 AND (group_id = $2 OR member_id = $2)',
        [tenant.tenantId, id],
      );
      expect(rows).toEqual([]);
      const [, audit] = await auditRows(id);
      expect(audit).toMatchObject({
        operation: 'delete',
        status: 204,
        counts: { membersRemoved: 2, membershipsRemoved: 1 },
      });
      // The name is free again.
      expect((await scim.create(entraGroup('doomed'))).status).toBe(201);
    });

    it('deleting a user removes it from every group in the same transaction', async () => {
      const [alice, bob] = await users(2);
      const one = await groupId('One', { members: [{ value: alice }, { value: bob }] });
      const two = await groupId('Two', { members: [{ value: alice }] });
      expect((await scim.removeUser(alice!)).status).toBe(204);
      expect(await memberIds(one)).toEqual([bob]);
      expect(await memberIds(two)).toEqual([]);
      const audit: Json[] = await t.db.query(
        `SELECT counts FROM audit_events
         WHERE tenant_id = $1 AND resource_id = $2 AND operation = 'delete'`,
        [tenant.tenantId, alice],
      );
      expect(audit).toEqual([{ counts: { membershipsRemoved: 2 } }]);
      expect(scim.json(await scim.list(`?filter=members.value eq "${alice}"`)).totalResults).toBe(
        0,
      );
    });
  });

  describe("a user's groups (read-only, direct memberships)", () => {
    it('GET /Users/{id} lists the direct groups; filters and projections honour them', async () => {
      const [alice, bob] = await users(2);
      const beta = await groupId('Beta', { members: [{ value: alice }] });
      const alpha = await groupId('alpha', { members: [{ value: alice }, { value: bob }] });
      await groupId('Outer', { members: [{ value: beta }] }); // nested: not a direct group
      const res = await scim.getUser(alice!);
      expect(res.status).toBe(200);
      const user = hostless(scim.json(res)) as Json;
      expect(user.groups).toEqual([
        {
          value: alpha,
          $ref: `http://host/scim/v2/Groups/${alpha}`,
          display: 'alpha',
          type: 'direct',
        },
        {
          value: beta,
          $ref: `http://host/scim/v2/Groups/${beta}`,
          display: 'Beta',
          type: 'direct',
        },
      ]);
      // After the stored attributes, before meta.
      expect(Object.keys(user).slice(-2)).toEqual(['groups', 'meta']);
      expect(
        scim.json(await scim.getUser(alice!, '?excludedAttributes=groups')),
      ).not.toHaveProperty('groups');
      expect(scim.json(await scim.getUser(alice!, '?attributes=userName'))).not.toHaveProperty(
        'groups',
      );
      const list = scim.json(await scim.listUsers(`?filter=groups[value eq "${beta}"]`));
      expect((list.Resources as Json[]).map((u) => u.id)).toEqual([alice]);
      expect((list.Resources as Json[])[0]!.groups).toHaveLength(2);
      const byName = scim.json(await scim.listUsers('?filter=groups.display eq "ALPHA"'));
      expect(byName.totalResults).toBe(2);
      const none = scim.json(await scim.getUser(await userId()));
      expect(none).not.toHaveProperty('groups');
      // groups is read-only: PATCH cannot write it.
      const write = await scim.call('patch', `/scim/v2/Users/${bob}`, {
        schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
        Operations: [{ op: 'add', path: 'groups', value: [{ value: beta }] }],
      });
      expectScimError(write, 400, 'mutability');
    });
  });

  describe('nested groups', () => {
    it('a group can be a member (type Group), is not expanded, and the transitive groups of a user are one query', async () => {
      const [alice, bob] = await users(2);
      const c = await groupId('C', { members: [{ value: alice }] });
      const b = await groupId('B', { members: [{ value: c }] });
      const a = await groupId('A', { members: [{ value: b }, { value: alice }] });
      // A cycle (C contains A) must not loop the walk.
      expect(
        (await scim.patch(c, [{ op: 'add', path: 'members', value: [{ value: a }] }])).status,
      ).toBe(204);
      const d = await groupId('D', { members: [{ value: bob }] });
      const shown = (await stored(b)).members as Json[];
      expect(shown).toEqual([
        { value: c, $ref: expect.stringMatching(`/Groups/${c}$`), display: 'C', type: 'Group' },
      ]);
      const repository = t.app.get(GroupMembershipsRepository);
      expect(await repository.transitiveGroupsOfUser(tenant.tenantId, alice!)).toEqual([
        { id: a, displayName: 'A', direct: true },
        { id: b, displayName: 'B', direct: false },
        { id: c, displayName: 'C', direct: true },
      ]);
      expect(await repository.transitiveGroupsOfUser(tenant.tenantId, bob!)).toEqual([
        { id: d, displayName: 'D', direct: true },
      ]);
      const other = await tenantWithToken(t.server);
      expect(await repository.transitiveGroupsOfUser(other.tenantId, alice!)).toEqual([]);
      // The user's own groups stay the direct ones.
      const user = scim.json(await scim.getUser(alice!));
      expect((user.groups as Json[]).map((g) => g.value)).toEqual([a, c]);
    });
  });

  describe('surface', () => {
    it('reads ids in the URL without regard to case (a group still cannot contain itself)', async () => {
      const id = await groupId('Upper');
      expect((await scim.get(id.toUpperCase())).status).toBe(200);
      expectScimError(
        await scim.patch(id.toUpperCase(), [
          { op: 'add', path: 'members', value: [{ value: id }] },
        ]),
        400,
        'invalidValue',
      );
      expect(await memberIds(id)).toEqual([]);
    });

    it('other methods on /Groups/.search and /Groups are SCIM 405s with Allow', async () => {
      const search = await scim.call('get', '/scim/v2/Groups/.search');
      expect(search.status).toBe(405);
      expect(search.headers['allow']).toBe('POST');
      const collection = await scim.call('delete', '/scim/v2/Groups');
      expect(collection.status).toBe(405);
      expect(collection.headers['allow']).toBe('GET, POST');
    });

    it('routes without regard to case and with a trailing slash', async () => {
      const id = await groupId('Case');
      expect((await scim.call('get', `/scim/v2/groups/${id}/`)).status).toBe(200);
      expect(
        (await scim.call('get', '/scim/v2/GROUPS/?filter=displayName+eq+%22case%22')).status,
      ).toBe(200);
    });
  });
});
