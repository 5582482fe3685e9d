// Concurrent writers to /scim/v2/Users, and the plans of the hot lookups right after a bulk load
// (stale statistics): the guarantees the database gives, checked against the real server.
import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { ANALYZE_AFTER_CREATES, UsersStatistics } from '../src/users/users-statistics.js';
import { USER_QUERIES } from '../src/users/users.repository.js';
import { tenantWithToken, useApp, type TenantWithToken } from './support/app.js';
import {
  CORE_USER,
  ENTERPRISE,
  entraUser,
  scimClient,
  type Json,
  type ScimClient,
} from './support/scim-users.js';

describe('SCIM Users under concurrency', () => {
  const t = useApp();
  let tenant: TenantWithToken;
  let scim: ScimClient;

  beforeEach(async () => {
    tenant = await tenantWithToken(t.server);
    scim = scimClient(t.server, tenant);
  });

  /** `userName` in a different mix of cases for each i. */
  const mixedCase = (text: string, i: number): string =>
    [...text]
      .map((char, j) => ((i >> (j % 5)) & 1 ? char.toUpperCase() : char.toLowerCase()))
      .join('');

  it('20 parallel creates of one userName in mixed case: exactly one 201, nineteen 409 uniqueness', async () => {
    const responses = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        scim.create(entraUser(mixedCase('race@contoso.com', i), { externalId: `race-${i}` })),
      ),
    );
    const statuses = responses.map((res) => res.status).sort();
    expect(statuses).toEqual([201, ...Array<number>(19).fill(409)]);
    for (const res of responses.filter((r) => r.status === 409)) {
      expect(JSON.parse(res.text)).toMatchObject({ status: '409', scimType: 'uniqueness' });
    }
    const rows: Json[] = await t.db.query(
      `SELECT count(*)::int AS n FROM scim_users WHERE tenant_id = $1`,
      [tenant.tenantId],
    );
    expect(rows).toEqual([{ n: 1 }]);
  });

  it('20 parallel PATCHes of different attributes of one user: every one applied', async () => {
    const created = await scim.create(
      entraUser('many@contoso.com', { emails: [{ type: 'work', value: 'many@contoso.com' }] }),
    );
    const id = scim.json(created).id as string;
    const changes: Array<[string, string]> = [
      ['title', 'T'],
      ['nickName', 'N'],
      ['displayName', 'D'],
      ['profileUrl', 'https://contoso.com/many'],
      ['userType', 'Employee'],
      ['preferredLanguage', 'en-GB'],
      ['locale', 'en-GB'],
      ['timezone', 'Europe/London'],
      ['name.givenName', 'Many'],
      ['name.familyName', 'Hands'],
      ['name.middleName', 'M'],
      ['name.honorificPrefix', 'Dr'],
      ['name.honorificSuffix', 'III'],
      ['name.formatted', 'Dr Many M Hands III'],
      [`${ENTERPRISE}:employeeNumber`, '42'],
      [`${ENTERPRISE}:costCenter`, 'CC'],
      [`${ENTERPRISE}:organization`, 'Org'],
      [`${ENTERPRISE}:division`, 'Div'],
      [`${ENTERPRISE}:department`, 'Dept'],
      ['emails[type eq "work"].value', 'many@fabrikam.com'],
    ];
    const responses = await Promise.all(
      changes.map(([path, value]) => scim.patch(id, [{ op: 'Replace', path, value }])),
    );
    expect(responses.map((res) => res.status)).toEqual(changes.map(() => 204));
    const etags = responses.map((res) => res.headers['etag']).sort();
    expect(new Set(etags).size).toBe(20); // each saw its own version: none overwrote another

    const user = JSON.parse((await scim.get(id)).text) as Json;
    expect(user).toMatchObject({
      title: 'T',
      nickName: 'N',
      displayName: 'D',
      profileUrl: 'https://contoso.com/many',
      userType: 'Employee',
      preferredLanguage: 'en-GB',
      locale: 'en-GB',
      timezone: 'Europe/London',
      name: {
        givenName: 'Many',
        familyName: 'Hands',
        middleName: 'M',
        honorificPrefix: 'Dr',
        honorificSuffix: 'III',
        formatted: 'Dr Many M Hands III',
      },
      [ENTERPRISE]: {
        employeeNumber: '42',
        costCenter: 'CC',
        organization: 'Org',
        division: 'Div',
        department: 'Dept',
      },
      emails: [{ type: 'work', value: 'many@fabrikam.com' }],
      meta: { version: 'W/"21"' },
    });
    expect(user.schemas).toEqual([CORE_USER, ENTERPRISE]);
  });

  it('10 parallel creates that match one unlinked user: it is linked once, the others are 409', async () => {
    const id = randomUUID();
    await t.db.query(
      `INSERT INTO scim_users (tenant_id, id, user_name, resource) VALUES ($1, $2, $3, $4)`,
      [
        tenant.tenantId,
        id,
        'host@contoso.com',
        JSON.stringify({ schemas: [CORE_USER], userName: 'host@contoso.com' }),
      ],
    );
    const responses = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        scim.create(entraUser(mixedCase('host@contoso.com', i), { externalId: 'host-ext' })),
      ),
    );
    const statuses = responses.map((res) => res.status).sort();
    expect(statuses).toEqual([201, ...Array<number>(9).fill(409)]);
    const linked = responses.find((res) => res.status === 201)!;
    expect(JSON.parse(linked.text)).toMatchObject({ id, externalId: 'host-ext' });
    const rows: Json[] = await t.db.query(
      `SELECT id, external_id, version FROM scim_users WHERE tenant_id = $1`,
      [tenant.tenantId],
    );
    expect(rows).toEqual([{ id, external_id: 'host-ext', version: 2 }]);
  });
});

describe('hot lookups after a bulk load (stale statistics)', () => {
  const t = useApp();
  let client: Client;
  let tenant: TenantWithToken;
  let analyzedBefore: Date;

  /** Every plan node, depth first. */
  function nodes(plan: Json): Json[] {
    const children = (plan['Plans'] as Json[] | undefined) ?? [];
    return [plan, ...children.flatMap(nodes)];
  }

  let statements = 0;
  /** The plan of `text` as a prepared statement executed with `params` (plan_cache_mode applies). */
  async function plan(
    text: string,
    params: ReadonlyArray<string | number | boolean | null>,
  ): Promise<Json[]> {
    const name = `lookup_plan_${statements++}`;
    await client.query(`PREPARE ${name} AS ${text}`);
    try {
      const args = params
        .map((param) => (param === null ? 'NULL' : client.escapeLiteral(String(param))))
        .join(', ');
      const result = await client.query<{ 'QUERY PLAN': Array<{ Plan: Json }> }>(
        `EXPLAIN (FORMAT JSON) EXECUTE ${name}(${args})`,
      );
      return nodes(result.rows[0]!['QUERY PLAN'][0]!.Plan);
    } finally {
      await client.query(`DEALLOCATE ${name}`);
    }
  }

  /** How a plan reads scim_users: the indexes it uses, or `Seq Scan`. */
  const accessOf = (planNodes: Json[]): string[] => [
    ...new Set(
      planNodes.flatMap((node) => {
        const index = node['Index Name'];
        if (typeof index === 'string' && index.startsWith('scim_users')) return [index];
        return node['Node Type'] === 'Seq Scan' && node['Relation Name'] === 'scim_users'
          ? ['Seq Scan']
          : [];
      }),
    ),
  ];

  const lastAnalyze = async (): Promise<Date> => {
    const { rows } = await client.query<{ at: Date }>(
      `SELECT last_analyze AS at FROM pg_stat_user_tables WHERE relname = 'scim_users'`,
    );
    return rows[0]!.at;
  };

  beforeAll(async () => {
    tenant = await tenantWithToken(t.server);
    client = new Client({ connectionString: process.env.DATABASE_URL });
    await client.connect();
    // Statistics taken before the load know nothing of the new tenant …
    await client.query('ANALYZE scim_users');
    analyzedBefore = await lastAnalyze();
    // … then its first sync arrives: 20 000 users at once.
    await client.query(
      `INSERT INTO scim_users (tenant_id, id, user_name, external_id, display_name, resource)
       SELECT $1, gen_random_uuid(), 'bulk' || i || '@contoso.com', 'ext-' || i, 'Bulk ' || i,
              jsonb_build_object('schemas', jsonb_build_array($2::text), 'userName', 'bulk' || i || '@contoso.com')
       FROM generate_series(1, 20000) AS i`,
      [tenant.tenantId, CORE_USER],
    );
  }, 120_000);

  afterAll(async () => {
    await client.end();
  });

  it('reads and writes by id go through the primary key whatever the statistics say', async () => {
    const [someone] = (
      await client.query<{ id: string }>(
        `SELECT id FROM scim_users WHERE tenant_id = $1 AND user_name = 'bulk42@contoso.com'`,
        [tenant.tenantId],
      )
    ).rows;
    const { findById, lock, update } = USER_QUERIES;
    const resource = JSON.stringify({ schemas: [CORE_USER], userName: 'bulk42@contoso.com' });
    for (const mode of ['force_custom_plan', 'force_generic_plan']) {
      await client.query(`SET plan_cache_mode = ${mode}`);
      for (const [text, params] of [
        [findById, [tenant.tenantId, someone!.id]],
        [lock, [tenant.tenantId, someone!.id]],
        [
          update,
          [
            tenant.tenantId,
            someone!.id,
            'bulk42@contoso.com',
            'ext-42',
            null,
            true,
            resource,
            null,
          ],
        ],
      ] as const) {
        expect(accessOf(await plan(text, params))).toEqual(['scim_users_pkey']);
      }
    }
    await client.query('RESET plan_cache_mode');
  });

  it('creates through SCIM get scim_users analyzed again, after which each lookup is one scan of its own index', async () => {
    const scim = scimClient(t.server, tenant);
    for (let batch = 0; batch < ANALYZE_AFTER_CREATES / 10; batch++) {
      const responses = await Promise.all(
        Array.from({ length: 10 }, (_, i) =>
          scim.create(entraUser(`sync${batch * 10 + i}@contoso.com`)),
        ),
      );
      expect(responses.map((res) => res.status)).toEqual(responses.map(() => 201));
    }
    await t.app.get(UsersStatistics).settled();
    expect((await lastAnalyze()).getTime()).toBeGreaterThan(analyzedBefore.getTime());

    const [someone] = (
      await client.query<{ id: string }>(
        `SELECT id FROM scim_users WHERE tenant_id = $1 AND user_name = 'bulk777@contoso.com'`,
        [tenant.tenantId],
      )
    ).rows;
    const { lookups, findById } = USER_QUERIES;
    for (const mode of ['force_custom_plan', 'force_generic_plan']) {
      await client.query(`SET plan_cache_mode = ${mode}`);
      expect(
        accessOf(await plan(lookups.userName.text, [tenant.tenantId, 'BULK777@contoso.com'])),
      ).toEqual(['scim_users_tenant_user_name_key']);
      expect(
        accessOf(await plan(lookups.externalId.text, [tenant.tenantId, 'ext-777', 100, 0])),
      ).toEqual(['scim_users_tenant_external_id_idx']);
      expect(accessOf(await plan(findById, [tenant.tenantId, someone!.id]))).toEqual([
        'scim_users_pkey',
      ]);
      // A create looks for a user to link through indexes, never by reading the tenant.
      const create = accessOf(
        await plan(USER_QUERIES.insertUnlessLinkable, [
          tenant.tenantId,
          randomUUID(),
          'new@contoso.com',
          'new-ext',
          null,
          true,
          JSON.stringify({ schemas: [CORE_USER], userName: 'new@contoso.com' }),
          null,
          'new@contoso.com',
        ]),
      );
      expect(create).not.toContain('Seq Scan');
      expect(create.length).toBeGreaterThan(0);
    }
    await client.query('RESET plan_cache_mode');
    // And they find what the load put there.
    const found = await scim.list('?filter=externalId eq "ext-777"');
    expect(JSON.parse(found.text)).toMatchObject({
      totalResults: 1,
      Resources: [{ userName: 'bulk777@contoso.com' }],
    });
  }, 120_000);
});
