// GET /Users and POST /Users/.search: filters compiled to SQL, paging (the gallery harness walks
// ≥ 11 users in pages of 5), sorting, projection, and the Postman collection's list requests.
import { AppConfig } from '../src/config/app-config.js';
import { SCIM_ERROR, tenantWithToken, useApp } from './support/app.js';
import {
  CORE_USER,
  ENTERPRISE,
  entraUser,
  LIST,
  scimClient,
  SEARCH,
  type Json,
  type ScimClient,
} from './support/scim-users.js';

describe('SCIM Users lists', () => {
  const t = useApp();
  let scim: ScimClient;

  beforeEach(async () => {
    scim = scimClient(t.server, await tenantWithToken(t.server));
  });

  /** Creates users one after another (creation order is the default list order); their ids. */
  async function createAll(bodies: Json[]): Promise<string[]> {
    const ids: string[] = [];
    for (const body of bodies) {
      const res = await scim.create(body);
      expect(res.status).toBe(201);
      ids.push(scim.json(res).id as string);
    }
    return ids;
  }

  const list = async (query: string): Promise<Json> => {
    const res = await scim.list(query);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^application\/scim\+json/);
    return scim.json(res);
  };

  const ids = (body: Json): string[] => (body.Resources as Json[]).map((r) => r.id as string);

  it('pages ≥ 11 users by 5 in a stable order, echoing startIndex (gallery harness, §8.2)', async () => {
    const created = await createAll(
      Array.from({ length: 12 }, (_, i) => entraUser(`page${i}@contoso.com`)),
    );
    const seen: string[] = [];
    for (let page = 0; page < 3; page++) {
      const startIndex = page * 5 + 1;
      const body = await list(`?startIndex=${startIndex}&count=5`);
      expect(body).toMatchObject({
        schemas: [LIST],
        totalResults: 12,
        startIndex,
        itemsPerPage: page < 2 ? 5 : 2,
      });
      seen.push(...ids(body));
    }
    expect(seen).toEqual(created);
    expect(await list('?startIndex=13&count=5')).toEqual({
      schemas: [LIST],
      totalResults: 12,
      startIndex: 13,
      itemsPerPage: 0,
      Resources: [],
    });
    // Hot lookups page the same way.
    const dup = await createAll([
      entraUser('ext-a@contoso.com', { externalId: 'shared' }),
      entraUser('ext-b@contoso.com', { externalId: 'shared' }),
      entraUser('ext-c@contoso.com', { externalId: 'shared' }),
    ]);
    const second = await list('?filter=externalId eq "shared"&startIndex=2&count=1');
    expect(second).toMatchObject({ totalResults: 3, startIndex: 2, itemsPerPage: 1 });
    expect(ids(second)).toEqual([dup[1]]);
    expect(await list('?filter=externalId eq "shared"&startIndex=9&count=1')).toMatchObject({
      totalResults: 3,
      itemsPerPage: 0,
      Resources: [],
    });
    expect(await list('?filter=externalId eq "shared"&count=0')).toMatchObject({
      totalResults: 3,
      itemsPerPage: 0,
    });
  });

  it('count is capped by SCIM_MAX_RESULTS and defaults to SCIM_DEFAULT_COUNT; count=0 gives the total only', async () => {
    const config = t.app.get(AppConfig);
    await createAll([entraUser('c1@contoso.com'), entraUser('c2@contoso.com')]);
    expect(await list(`?count=${config.SCIM_MAX_RESULTS + 5}`)).toMatchObject({ itemsPerPage: 2 });
    expect(await list('?count=0')).toEqual({
      schemas: [LIST],
      totalResults: 2,
      startIndex: 1,
      itemsPerPage: 0,
      Resources: [],
    });
    expect(await list('?startIndex=0&count=1')).toMatchObject({ startIndex: 1, itemsPerPage: 1 });
  });

  it('sorts by any single-valued attribute, ascending or descending, ties broken by id', async () => {
    const [b, a, c] = await createAll([
      entraUser('bravo@contoso.com', { displayName: 'same' }),
      entraUser('Alpha@contoso.com', { displayName: 'same' }),
      entraUser('charlie@contoso.com'),
    ]);
    expect(ids(await list('?sortBy=userName'))).toEqual([a, b, c]);
    expect(ids(await list('?sortBy=USERNAME&sortOrder=descending'))).toEqual([c, b, a]);
    // Equal values in id order; a user without a value last.
    expect(ids(await list('?sortBy=displayName'))).toEqual([...[a!, b!].sort(), c]);
    expect(ids(await list('?sortBy=meta.created&sortOrder=descending'))).toEqual([c, a, b]);
    const bad = await scim.list('?sortBy=password');
    expect(bad.status).toBe(400);
    expect(JSON.parse(bad.text)).toMatchObject({ schemas: [SCIM_ERROR], scimType: 'invalidValue' });
  });

  it('attributes=userName,emails keeps id and schemas; excludedAttributes drops what it names (§3.2)', async () => {
    const [id] = await createAll([
      entraUser('proj@contoso.com', {
        displayName: 'P',
        emails: [{ type: 'work', value: 'proj@contoso.com', primary: true }],
        [ENTERPRISE]: { department: 'D' },
      }),
    ]);
    const only = await list('?attributes=userName,emails');
    expect(only.Resources).toEqual([
      {
        schemas: [CORE_USER, ENTERPRISE],
        id,
        userName: 'proj@contoso.com',
        emails: [{ type: 'work', value: 'proj@contoso.com', primary: true }],
      },
    ]);
    const excluded = (
      await list(
        '?excludedAttributes=emails,meta,urn:ietf:params:scim:schemas:extension:enterprise:2.0:User',
      )
    ).Resources as Json[];
    expect(excluded[0]).toEqual({
      schemas: [CORE_USER, ENTERPRISE],
      id,
      externalId: 'proj',
      userName: 'proj@contoso.com',
      active: true,
      displayName: 'P',
    });
    // The same projection applies to a single GET.
    const single = await scim.get(id!, '?attributes=displayName');
    expect(scim.json(single)).toEqual({ schemas: [CORE_USER, ENTERPRISE], id, displayName: 'P' });
    // Postman: attributes with a value filter do not fail.
    const filtered = await scim.list('?attributes=emails%5Btype+eq+%22work%22%5D');
    expect(filtered.status).toBe(200);
    expect(filtered.text).toContain('proj@contoso.com');
  });

  it("the Postman collection's filters: attribute-name case, unquoted values, co/sw/gt, or and parentheses (§8.1)", async () => {
    const employee = (userName: string, email: string) =>
      entraUser(userName, {
        displayName: 'Kimberly Baker',
        name: { familyName: 'Employee', givenName: 'Darl' },
        emails: [{ type: 'work', primary: true, value: email }],
      });
    await createAll([
      entraUser('OMalley', { displayName: 'BobIsAmazing', name: { familyName: 'OMalley' } }),
      employee('emp1', 'anna33@example.com'),
      employee('emp2', 'anna33@example.org'),
      employee('emp3', 'anna33@example.net'),
      employee('emp4', 'anna33@example.com'),
    ]);
    const total = async (filter: string) =>
      (await list(`?filter=${encodeURIComponent(filter)}`)).totalResults;
    expect(
      await total(
        'name.FamilyName eq Employee and (emails.Value co example.com or emails.Value co example.org)',
      ),
    ).toBe(3);
    expect(await total('userName sw O')).toBe(1);
    expect(await total('meta.Created gt 2015-10-10T14:38:21.8617979-07:00')).toBe(5);
    expect(await total('DisplayName eq "bobisamazing"')).toBe(1);
    expect(await total('not (userName sw "emp")')).toBe(1);
    expect(await total('emails pr')).toBe(4);
    // Lower-case path and a trailing slash (Postman: /users, /Users/?filter=).
    const lower = await scim.call(
      'get',
      '/scim/v2/users/?filter=DisplayName+eq+%22BobIsAmazing%22',
    );
    expect(lower.status).toBe(200);
    expect(JSON.parse(lower.text)).toMatchObject({ totalResults: 1 });
  });

  it.each([
    ['a syntax error', 'userName eq', 'invalidFilter'],
    ['an unknown attribute', 'nickname2 eq "x"', 'invalidFilter'],
    ['a filter on the password', 'password eq "x"', 'invalidFilter'],
  ])('%s is a 400 %s', async (_name, filter, scimType) => {
    const res = await scim.list(`?filter=${encodeURIComponent(filter)}`);
    expect(res.status).toBe(400);
    expect(JSON.parse(res.text)).toMatchObject({ schemas: [SCIM_ERROR], status: '400', scimType });
  });

  it('a filter that matches nothing is 200 with an empty ListResponse (§11 item 7)', async () => {
    await createAll([entraUser('someone@contoso.com')]);
    expect(await list('?filter=displayName eq "nobody"')).toEqual({
      schemas: [LIST],
      totalResults: 0,
      Resources: [],
      startIndex: 1,
      itemsPerPage: 0,
    });
  });

  it('POST /Users/.search takes the same parameters in a SearchRequest body (RFC 7644 §3.4.3)', async () => {
    const [first, second] = await createAll([
      entraUser('s1@contoso.com', { title: 'Dev' }),
      entraUser('s2@contoso.com', { title: 'Dev' }),
      entraUser('s3@contoso.com', { title: 'Ops' }),
    ]);
    const res = await scim.search({
      schemas: [SEARCH],
      filter: 'title eq "dev"',
      attributes: ['userName'],
      sortBy: 'userName',
      sortOrder: 'descending',
      startIndex: 1,
      count: 10,
    });
    expect(res.status).toBe(200);
    expect(scim.json(res)).toEqual({
      schemas: [LIST],
      totalResults: 2,
      startIndex: 1,
      itemsPerPage: 2,
      Resources: [
        { schemas: [CORE_USER], id: second, userName: 's2@contoso.com' },
        { schemas: [CORE_USER], id: first, userName: 's1@contoso.com' },
      ],
    });
    const bad = await scim.search({ filter: 'title eq "dev"' });
    expect(bad.status).toBe(400);
    expect(JSON.parse(bad.text)).toMatchObject({ scimType: 'invalidSyntax' });
  });
});
