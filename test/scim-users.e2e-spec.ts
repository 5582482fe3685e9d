// /scim/v2/Users end to end: the request shapes of entra.md §2.3 (both dialects), the user items
// of the §11 checklist (5–8, 11–13, 15–23, 28), fidelity, ETags, soft delete, passwords, account
// linking, verified domains and strict schemas. Every test makes its own tenant.
import { randomUUID } from 'node:crypto';
import { verifyPassword } from '../src/users/password-hash.js';
import {
  ADMIN_TOKEN,
  graphql,
  SCIM_ERROR,
  tenantWithToken,
  useApp,
  type TenantWithToken,
} from './support/app.js';
import {
  CORE_USER,
  ENTERPRISE,
  entraUser,
  hostless,
  LIST,
  scimClient,
  usersFixture,
  valueAt,
  type Json,
  type ScimClient,
} from './support/scim-users.js';

interface PatchCase {
  readonly name: string;
  readonly dialect: 'default' | 'aadOptscim062020';
  /** Operations applied first (to set up the state the case changes). */
  readonly before?: unknown[];
  readonly operations: unknown[];
  /** What a GET shows afterwards (a subset: `toMatchObject`). */
  readonly expected: Json;
  /** Paths a GET must not show afterwards (`urn:…:User.manager` for extension members). */
  readonly absent?: string[];
}

const ENTRA = usersFixture<{ create: Json; cases: PatchCase[] }>('entra-patch.json');

/** Entra's create body (entra.md §2.3) without what the server ignores: `meta`, `roles: []`. */
function echoed(body: Json): Json {
  const { meta: _meta, roles: _roles, ...rest } = body;
  return rest;
}

const ACME = 'urn:ietf:params:scim:schemas:extension:Acme:2.0:User';

describe('SCIM Users', () => {
  const t = useApp();
  let tenant: TenantWithToken;
  let scim: ScimClient;

  beforeEach(async () => {
    tenant = await tenantWithToken(t.server);
    scim = scimClient(t.server, tenant);
  });

  /** Creates a user and returns its id. */
  async function created(body: Json): Promise<string> {
    const res = await scim.create(body);
    expect(res.status).toBe(201);
    return scim.json(res).id as string;
  }

  /** The user as a GET shows it, its location's origin blanked (see `hostless`). */
  async function stored(id: string): Promise<Json> {
    const res = await scim.get(id);
    expect(res.status).toBe(200);
    return hostless(scim.json(res)) as Json;
  }

  async function row(id: string): Promise<Json> {
    const rows: Json[] = await t.db.query(
      `SELECT user_name, external_id, display_name, active, resource, password_hash, version,
              deleted_at
       FROM scim_users WHERE tenant_id = $1 AND id = $2`,
      [tenant.tenantId, id],
    );
    expect(rows).toHaveLength(1);
    return rows[0]!;
  }

  function expectScimError(
    res: { status: number; text: string },
    status: number,
    scimType?: string,
  ) {
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

  describe('create (POST /Users)', () => {
    it('answers 201 with every sent attribute in the shape and case sent, plus id and meta (§11 item 11)', async () => {
      const res = await scim.create(ENTRA.create);
      expect(res.status).toBe(201);
      expect(res.headers['content-type']).toMatch(/^application\/scim\+json/);
      const body = scim.json(res);
      const id = body.id as string;
      expect(id).toMatch(/^[0-9a-f-]{36}$/);
      const location = `${res.headers['location']}`;
      expect(location).toMatch(new RegExp(`/scim/v2/Users/${id}$`));
      expect(res.headers['etag']).toBe('W/"1"');
      expect(body).toEqual({
        ...echoed(ENTRA.create),
        id,
        meta: {
          resourceType: 'User',
          created: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
          lastModified: body.meta && (body.meta as Json).created,
          location,
          version: 'W/"1"',
        },
      });
      // Key order too: what Entra compares is what it sent.
      expect(Object.keys(body)).toEqual([
        'schemas',
        'id',
        ...Object.keys(echoed(ENTRA.create)).filter((key) => key !== 'schemas'),
        'meta',
      ]);
      expect(await stored(id)).toEqual(hostless(body));
      expect(await row(id)).toMatchObject({
        user_name: 'alice@contoso.com',
        external_id: 'alice',
        display_name: 'Alice Ng',
        active: true,
        version: 1,
        password_hash: null,
        deleted_at: null,
      });
    });

    it('ignores client id and meta, null attributes and null sub-attributes, and keeps unknown schema URNs', async () => {
      const body = {
        schemas: [
          CORE_USER,
          ENTERPRISE,
          'urn:ietf:params:scim:schemas:extension:enterprise:2.0User',
        ],
        id: 'client-chosen-id',
        meta: { resourceType: 'User', created: '2019-09-18T18:15:26Z', version: 'W/"9"' },
        externalId: 'bob',
        userName: 'bob@contoso.com',
        addresses: null,
        phoneNumbers: null,
        name: { givenName: 'Bob', familyName: null, honorificPrefix: null },
        [ENTERPRISE]: { manager: null, department: 'Ops' },
      };
      const res = await scim.create(body);
      expect(res.status).toBe(201);
      const user = scim.json(res);
      expect(user.id).not.toBe('client-chosen-id');
      expect((user.meta as Json).version).toBe('W/"1"');
      expect((user.meta as Json).created).not.toBe('2019-09-18T18:15:26Z');
      expect(user).toEqual({
        schemas: body.schemas,
        id: user.id,
        externalId: 'bob',
        userName: 'bob@contoso.com',
        name: { givenName: 'Bob' },
        [ENTERPRISE]: { department: 'Ops' },
        active: true,
        meta: expect.any(Object),
      });
    });

    it.each([
      [true, true],
      ['True', true],
      ['true', true],
      ['TRUE', true],
      [false, false],
      ['False', false],
      ['false', false],
      ['fAlSe', false],
    ])('stores active %p as the boolean %p (§11 item 13)', async (active, expected) => {
      const id = await created(entraUser(`a-${String(active)}@contoso.com`, { active }));
      expect((await stored(id)).active).toBe(expected);
      expect((await row(id)).active).toBe(expected);
    });

    it('a user sent without active is active, and says so', async () => {
      const { active: _active, ...body } = entraUser('noactive@contoso.com');
      const id = await created(body);
      expect((await stored(id)).active).toBe(true);
      expect((await row(id)).active).toBe(true);
    });

    it('a duplicate userName in any case is 409 uniqueness; externalId and emails are not unique (§11 item 12)', async () => {
      const email = [{ type: 'work', primary: true, value: 'shared@contoso.com' }];
      await created(entraUser('dup@contoso.com', { externalId: 'same', emails: email }));
      const other = await scim.create(
        entraUser('other@contoso.com', { externalId: 'same', emails: email }),
      );
      expect(other.status).toBe(201);
      for (const userName of ['dup@contoso.com', 'DUP@Contoso.COM']) {
        const res = await scim.create(entraUser(userName, { externalId: 'another' }));
        const detail = expectScimError(res, 409, 'uniqueness');
        expect(detail).toContain('userName');
      }
    });

    it.each([
      ['no userName', { schemas: [CORE_USER], active: true }, 'userName'],
      ['a blank userName', { schemas: [CORE_USER], userName: '  ' }, 'userName'],
      ['a userName that is not a string', { schemas: [CORE_USER], userName: 42 }, 'userName'],
      [
        'name that is not an object',
        { schemas: [CORE_USER], userName: 'x@y.z', name: 'Bob' },
        'name',
      ],
      [
        'active that is not a boolean',
        { schemas: [CORE_USER], userName: 'x@y.z', active: 'yes' },
        'active',
      ],
      [
        'emails without a value type',
        { schemas: [CORE_USER], userName: 'x@y.z', emails: [{ value: 7 }] },
        'emails',
      ],
    ])('refuses %s: 400 invalidValue naming the attribute', async (_name, body, attribute) => {
      const detail = expectScimError(await scim.create(body), 400, 'invalidValue');
      expect(detail).toContain(attribute);
    });

    it('refuses a body that is not a user object: 400 invalidSyntax', async () => {
      expectScimError(await scim.create(['not', 'an', 'object']), 400, 'invalidSyntax');
      const junk = await scim
        .call('post', '/scim/v2/Users')
        .set('Content-Type', 'application/scim+json')
        .send('{"acve": tre, "userName": ');
      expectScimError(junk, 400, 'invalidSyntax');
    });

    it('ignores unknown attributes (the Postman collection posts them)', async () => {
      const id = await created(entraUser('typo@contoso.com', { adreses: [{ type: 'work' }] }));
      expect(await stored(id)).not.toHaveProperty('adreses');
    });
  });

  describe('password (write-only)', () => {
    it('is never returned and is stored only as a salted scrypt hash, never in clear', async () => {
      const secret = `S3cret-${randomUUID()}`;
      const res = await scim.create(entraUser('pw@contoso.com', { password: secret }));
      expect(res.status).toBe(201);
      expect(res.text).not.toContain(secret);
      const id = scim.json(res).id as string;
      expect(scim.json(res)).not.toHaveProperty('password');
      expect((await scim.get(id)).text).not.toContain(secret);
      expect((await scim.list('?filter=userName eq "pw@contoso.com"')).text).not.toContain(secret);

      const stored1 = await row(id);
      const hash = stored1.password_hash as string;
      expect(hash).toMatch(/^scrypt\$N=\d+,r=\d+,p=\d+\$[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+$/);
      expect(hash).not.toContain(secret);
      expect(JSON.stringify(stored1.resource)).not.toContain(secret);
      expect(await verifyPassword(secret, hash)).toBe(true);
      expect(await verifyPassword('wrong', hash)).toBe(false);

      const audit: { text: string }[] = await t.db.query(
        `SELECT row_to_json(a)::text AS text FROM audit_events a WHERE tenant_id = $1`,
        [tenant.tenantId],
      );
      expect(audit.length).toBeGreaterThan(0);
      expect(audit.map((a) => a.text).join('\n')).not.toContain(secret);
    });

    it('PATCH and PUT set a new hash (salted: the same password twice gives two hashes); PUT without it keeps it', async () => {
      const id = await created(entraUser('pw2@contoso.com', { password: 'first-one' }));
      const first = (await row(id)).password_hash as string;
      expect(
        (await scim.patch(id, [{ op: 'replace', path: 'password', value: 'first-one' }])).status,
      ).toBe(204);
      const second = (await row(id)).password_hash as string;
      expect(second).not.toBe(first);
      expect(await verifyPassword('first-one', second)).toBe(true);

      const user = await stored(id);
      expect((await scim.replace(id, { ...user, displayName: 'Pat' })).status).toBe(200);
      expect((await row(id)).password_hash).toBe(second);
      expect((await scim.replace(id, { ...user, password: 'third-one' })).status).toBe(200);
      expect(await verifyPassword('third-one', (await row(id)).password_hash as string)).toBe(true);
    });
  });

  describe('read (GET /Users/{id}, lookups)', () => {
    it.each(['not-a-uuid', '12345', randomUUID(), "'; DROP TABLE scim_users; --"])(
      'GET, PUT, PATCH and DELETE of %p answer a SCIM 404',
      async (id) => {
        const path = `/scim/v2/Users/${encodeURIComponent(id)}`;
        expectScimError(await scim.call('get', path), 404);
        expectScimError(await scim.call('put', path, entraUser('x@contoso.com')), 404);
        expectScimError(
          await scim.call('patch', path, {
            schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
            Operations: [],
          }),
          404,
        );
        expectScimError(await scim.call('delete', path), 404);
      },
    );

    it("another tenant's user is a 404 for every method, exactly like an unknown id", async () => {
      const id = await created(entraUser('mine@contoso.com'));
      const other = scimClient(t.server, await tenantWithToken(t.server));
      expectScimError(await other.get(id), 404);
      expectScimError(await other.replace(id, entraUser('mine@contoso.com')), 404);
      expectScimError(await other.patch(id, [{ op: 'replace', path: 'title', value: 'x' }]), 404);
      expectScimError(await other.remove(id), 404);
      expect(
        scim.json(await other.list('?filter=userName eq "mine@contoso.com"')).totalResults,
      ).toBe(0);
      expect((await stored(id)).title).toBeUndefined();
    });

    it('lookups answer a ListResponse of 0 or 1: userName without case, externalId with case (§11 items 5, 7)', async () => {
      const id = await created(entraUser('Carol@Contoso.com', { externalId: 'CarolX' }));
      const one = async (filter: string) => {
        const res = await scim.list(`?filter=${encodeURIComponent(filter)}`);
        expect(res.status).toBe(200);
        return scim.json(res);
      };
      for (const filter of [
        'userName eq "carol@contoso.com"',
        'USERNAME EQ "CAROL@CONTOSO.COM"',
        'externalId eq "CarolX"',
        `id eq "${id}"`,
        `urn:ietf:params:scim:schemas:core:2.0:User:userName eq "Carol@contoso.com"`,
      ]) {
        const list = await one(filter);
        expect(list).toMatchObject({
          schemas: [LIST],
          totalResults: 1,
          startIndex: 1,
          itemsPerPage: 1,
        });
        expect((list.Resources as Json[])[0]).toMatchObject({ id, userName: 'Carol@Contoso.com' });
      }
      for (const filter of [
        'externalId eq "carolx"',
        `id eq "${id.toUpperCase()}"`,
        'id eq "nope"',
      ]) {
        expect(await one(filter)).toEqual({
          schemas: [LIST],
          totalResults: 0,
          Resources: [],
          startIndex: 1,
          itemsPerPage: 0,
        });
      }
    });

    it("Test Connection's random GUID lookup is 200 with an empty ListResponse (§2.2)", async () => {
      const res = await scim.call('get', `/scim/v2/Users?filter=userName+eq+%22${randomUUID()}%22`);
      expect(res.status).toBe(200);
      expect(JSON.parse(res.text)).toEqual({
        schemas: [LIST],
        totalResults: 0,
        Resources: [],
        startIndex: 1,
        itemsPerPage: 0,
      });
    });

    it('the work email is a usable matching attribute (§11 item 6); + decodes as a space', async () => {
      const id = await created(ENTRA.create);
      const res = await scim.call(
        'get',
        '/scim/v2/Users?filter=emails%5Btype+eq+%22work%22%5D.value+eq+%22ALICE%40contoso.com%22',
      );
      expect(scim.json(res)).toMatchObject({ totalResults: 1, Resources: [{ id }] });
    });

    it('a disabled user is still returned and filterable; re-enabling works (§11 items 8, 22)', async () => {
      const id = await created(entraUser('dis@contoso.com'));
      expect(
        (await scim.patch(id, [{ op: 'Replace', path: 'active', value: 'False' }])).status,
      ).toBe(204);
      expect((await stored(id)).active).toBe(false);
      const inactive = scim.json(await scim.list('?filter=active eq false'));
      expect(inactive).toMatchObject({ totalResults: 1, Resources: [{ id, active: false }] });
      expect(scim.json(await scim.list('?filter=userName eq "dis@contoso.com"')).totalResults).toBe(
        1,
      );
      expect((await scim.patch(id, [{ op: 'replace', path: 'active', value: true }])).status).toBe(
        204,
      );
      expect((await stored(id)).active).toBe(true);
      expect(scim.json(await scim.list('?filter=active eq false')).totalResults).toBe(0);
    });
  });

  describe("PATCH: Entra's request shapes (§2.3, §2.6) followed by a GET", () => {
    it.each(ENTRA.cases.map((c) => [`${c.name} [${c.dialect}]`, c] as const))(
      '%s',
      async (_name, c) => {
        const id = await created({ ...ENTRA.create, userName: `${randomUUID()}@contoso.com` });
        if (c.before) expect((await scim.patch(id, c.before)).status).toBe(204);
        const version = (await row(id)).version as number;
        const res = await scim.patch(id, c.operations);
        expect(res.status).toBe(204);
        expect(res.text).toBe('');
        expect(res.headers['etag']).toBe(`W/"${version + 1}"`);
        const user = await stored(id);
        expect(user).toMatchObject(c.expected);
        for (const path of c.absent ?? []) expect(valueAt(user, path)).toBeUndefined();
        expect((user.meta as Json).version).toBe(`W/"${version + 1}"`);
        // The columns follow the document.
        expect(await row(id)).toMatchObject({
          user_name: user.userName,
          external_id: user.externalId ?? null,
          display_name: user.displayName ?? null,
          active: user.active,
          resource: Object.fromEntries(
            Object.entries(user).filter(([key]) => key !== 'id' && key !== 'meta'),
          ),
        });
      },
    );

    it('Operations: [] answers 204 and changes nothing, not even the version', async () => {
      const id = await created(entraUser('noop@contoso.com'));
      const before = await stored(id);
      const res = await scim.patch(id, []);
      expect(res.status).toBe(204);
      expect(res.headers['etag']).toBe('W/"1"');
      expect(await stored(id)).toEqual(before);
    });

    it('operations that change nothing (Entra re-sending a value) keep the version', async () => {
      const id = await created(entraUser('same@contoso.com', { title: 'Dev' }));
      const res = await scim.patch(id, [{ op: 'Replace', path: 'title', value: 'Dev' }]);
      expect(res.status).toBe(204);
      expect(res.headers['etag']).toBe('W/"1"');
    });

    it('answers 200 with the projected resource when attributes or excludedAttributes is given (§11 item 23)', async () => {
      const id = await created(ENTRA.create);
      const res = await scim.patch(
        id,
        [{ op: 'Add', path: 'nickName', value: 'Ali' }],
        '?attributes=nickName',
      );
      expect(res.status).toBe(200);
      expect(res.headers['etag']).toBe('W/"2"');
      expect(scim.json(res)).toEqual({ schemas: ENTRA.create.schemas, id, nickName: 'Ali' });
      const full = await scim.patch(
        id,
        [{ op: 'Replace', path: 'nickName', value: 'Al' }],
        '?excludedAttributes=emails,meta',
      );
      expect(full.status).toBe(200);
      const body = scim.json(full);
      expect(body).toMatchObject({ id, nickName: 'Al', userName: 'alice@contoso.com' });
      expect(body).not.toHaveProperty('emails');
      expect(body).not.toHaveProperty('meta');
    });

    it('a custom extension URN path works for add, replace and remove (§11 item 18)', async () => {
      const extensions = [
        {
          id: ACME,
          name: 'AcmeUser',
          description: 'Acme',
          attributes: [{ name: 'badge', type: 'string' }],
        },
      ];
      const set = await graphql(
        t.server,
        ADMIN_TOKEN,
        'mutation($t: ID!, $e: [ScimExtensionInput!]!) { setScimExtensions(tenantId: $t, extensions: $e) { tenantId } }',
        { t: tenant.tenantId, e: extensions },
      );
      expect(set.errors).toBeUndefined();
      const id = await created(entraUser('ext@contoso.com'));
      expect(
        (await scim.patch(id, [{ op: 'Add', path: `${ACME}:badge`, value: 'B-1' }])).status,
      ).toBe(204);
      expect(await stored(id)).toMatchObject({ [ACME]: { badge: 'B-1' } });
      expect((await stored(id)).schemas).toContain(ACME);
      expect(
        (await scim.patch(id, [{ op: 'replace', value: { [`${ACME}:badge`]: 'B-2' } }])).status,
      ).toBe(204);
      expect(await stored(id)).toMatchObject({ [ACME]: { badge: 'B-2' } });
      expect((await scim.patch(id, [{ op: 'Remove', path: `${ACME}:badge` }])).status).toBe(204);
      expect(await stored(id)).not.toHaveProperty(ACME);
      const filtered = await scim.list(`?filter=${encodeURIComponent(`${ACME}:badge pr`)}`);
      expect(scim.json(filtered).totalResults).toBe(0);
    });

    it.each([
      ['an unknown attribute', [{ op: 'Add', path: 'nickname2', value: 'x' }], 400, 'invalidPath'],
      ['removing the required userName', [{ op: 'Remove', path: 'userName' }], 400, 'mutability'],
      [
        'a value of the wrong type',
        [{ op: 'Replace', path: 'name', value: 'Bob' }],
        400,
        'invalidValue',
      ],
      [
        'a read-only attribute',
        [{ op: 'Replace', path: 'id', value: randomUUID() }],
        400,
        'mutability',
      ],
      ['an unknown op', [{ op: 'Merge', path: 'title', value: 'x' }], 400, 'invalidSyntax'],
      ['a blank userName', [{ op: 'Replace', path: 'userName', value: ' ' }], 400, 'invalidValue'],
    ])(
      'refuses %s with a SCIM error and changes nothing',
      async (_name, operations, status, scimType) => {
        const id = await created(entraUser('bad@contoso.com', { title: 'Dev' }));
        expectScimError(await scim.patch(id, operations), status, scimType);
        expect(await row(id)).toMatchObject({ version: 1, user_name: 'bad@contoso.com' });
      },
    );

    it('refuses a body that is not a PatchOp message: 400 invalidSyntax', async () => {
      const id = await created(entraUser('env@contoso.com'));
      expectScimError(
        await scim.call('patch', `/scim/v2/Users/${id}`, { Operations: [] }),
        400,
        'invalidSyntax',
      );
    });

    it('a userName taken by another user (any case) is 409 uniqueness', async () => {
      await created(entraUser('taken@contoso.com'));
      const id = await created(entraUser('free@contoso.com'));
      expectScimError(
        await scim.patch(id, [{ op: 'Replace', path: 'userName', value: 'TAKEN@contoso.com' }]),
        409,
        'uniqueness',
      );
      expect((await stored(id)).userName).toBe('free@contoso.com');
    });
  });

  describe('replace (PUT /Users/{id})', () => {
    it('replaces the user: left-out attributes are cleared, read-only ones ignored, nulls clear', async () => {
      const id = await created(ENTRA.create);
      const res = await scim.replace(id, {
        schemas: [CORE_USER],
        id: randomUUID(),
        meta: { version: 'W/"77"' },
        userName: 'alice@contoso.com',
        externalId: 'alice',
        displayName: 'Alice',
        title: null,
        emails: [{ type: 'work', value: 'alice@contoso.com', primary: true }],
        groups: [{ value: randomUUID() }],
      });
      expect(res.status).toBe(200);
      expect(res.headers['etag']).toBe('W/"2"');
      const user = scim.json(res);
      expect(user).toEqual({
        schemas: [CORE_USER],
        id,
        userName: 'alice@contoso.com',
        externalId: 'alice',
        displayName: 'Alice',
        emails: [{ type: 'work', value: 'alice@contoso.com', primary: true }],
        active: true,
        meta: expect.objectContaining({ version: 'W/"2"' }),
      });
      expect(await stored(id)).toEqual(hostless(user));
    });

    it("Postman's misspelt attribute is ignored and the replace goes through (§8.1)", async () => {
      const id = await created({ ...ENTRA.create, userName: 'OMalley' });
      const res = await scim.replace(id, {
        id,
        userName: 'OMalley',
        active: false,
        adreses: [{ type: 'work', primary: false }],
        displayName: 'Kimberly Baker',
      });
      expect(res.status).toBe(200);
      expect(scim.json(res)).toMatchObject({ userName: 'OMalley', active: false });
      expect(scim.json(res)).not.toHaveProperty('addresses');
    });

    it('without userName is 400; with a taken userName 409; unknown id 404', async () => {
      const id = await created(entraUser('put@contoso.com'));
      await created(entraUser('put-taken@contoso.com'));
      expectScimError(
        await scim.replace(id, { schemas: [CORE_USER], userame: 'x' }),
        400,
        'invalidValue',
      );
      expectScimError(
        await scim.replace(id, entraUser('Put-Taken@contoso.com')),
        409,
        'uniqueness',
      );
      expectScimError(await scim.replace(randomUUID(), entraUser('put@contoso.com')), 404);
      expect(await row(id)).toMatchObject({ version: 1, user_name: 'put@contoso.com' });
    });

    it('an immutable attribute (tenant extension) cannot change once set; leaving it out keeps it', async () => {
      await graphql(
        t.server,
        ADMIN_TOKEN,
        'mutation($t: ID!, $e: [ScimExtensionInput!]!) { setScimExtensions(tenantId: $t, extensions: $e) { tenantId } }',
        {
          t: tenant.tenantId,
          e: [
            {
              id: ACME,
              name: 'AcmeUser',
              description: 'Acme',
              attributes: [{ name: 'badge', type: 'string', mutability: 'immutable' }],
            },
          ],
        },
      );
      const body = entraUser('imm@contoso.com', { [ACME]: { badge: 'B-1' } });
      const id = await created(body);
      expectScimError(
        await scim.replace(id, { ...body, [ACME]: { badge: 'B-2' } }),
        400,
        'mutability',
      );
      const kept = await scim.replace(id, { ...entraUser('imm@contoso.com'), displayName: 'Imm' });
      expect(kept.status).toBe(200);
      expect(scim.json(kept)).toMatchObject({ displayName: 'Imm', [ACME]: { badge: 'B-1' } });
      expect(scim.json(kept).schemas).toContain(ACME);
    });
  });

  describe('ETags (meta.version, If-Match, If-None-Match)', () => {
    it('every single-resource answer carries ETag = meta.version, bumped by each change', async () => {
      const res = await scim.create(entraUser('etag@contoso.com'));
      const id = scim.json(res).id as string;
      expect(res.headers['etag']).toBe('W/"1"');
      const got = await scim.get(id);
      expect(got.headers['etag']).toBe('W/"1"');
      expect((scim.json(got).meta as Json).version).toBe('W/"1"');
      expect(
        (await scim.patch(id, [{ op: 'add', path: 'title', value: 'A' }])).headers['etag'],
      ).toBe('W/"2"');
      const put = await scim.replace(id, entraUser('etag@contoso.com', { title: 'B' }));
      expect(put.headers['etag']).toBe('W/"3"');
      expect((scim.json(put).meta as Json).version).toBe('W/"3"');
    });

    it('If-Match with another version is 412 for PUT, PATCH and DELETE, and nothing changes', async () => {
      const id = await created(entraUser('412@contoso.com'));
      const path = `/scim/v2/Users/${id}`;
      const patchBody = {
        schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
        Operations: [{ op: 'add', path: 'title', value: 'x' }],
      };
      for (const stale of ['W/"2"', '"0"', 'W/"1"x', 'garbage']) {
        expectScimError(
          await scim
            .call('put', path, entraUser('412@contoso.com', { title: 'x' }))
            .set('If-Match', stale),
          412,
        );
        expectScimError(await scim.call('patch', path, patchBody).set('If-Match', stale), 412);
        expectScimError(await scim.call('delete', path).set('If-Match', stale), 412);
      }
      expect(await row(id)).toMatchObject({ version: 1, deleted_at: null });
      expect((await stored(id)).title).toBeUndefined();

      expect((await scim.call('patch', path, patchBody).set('If-Match', 'W/"1"')).status).toBe(204);
      expect(
        (await scim.call('put', path, entraUser('412@contoso.com')).set('If-Match', 'W/"7", W/"2"'))
          .status,
      ).toBe(200);
      expect((await scim.call('patch', path, patchBody).set('If-Match', '*')).status).toBe(204);
      expect((await scim.call('delete', path).set('If-Match', '"4"')).status).toBe(204);
    });

    it('If-None-Match naming the current version is 304 without a body', async () => {
      const id = await created(entraUser('304@contoso.com'));
      const same = await scim.get(id).set('If-None-Match', 'W/"1"');
      expect(same.status).toBe(304);
      expect(same.text).toBe('');
      expect(same.headers['etag']).toBe('W/"1"');
      expect((await scim.get(id).set('If-None-Match', 'W/"0"')).status).toBe(200);
    });
  });

  describe('delete (soft)', () => {
    it('204, then gone from every read at once; repeated DELETE is 404; the userName is free again (§11 item 28)', async () => {
      const id = await created(entraUser('gone@contoso.com'));
      const res = await scim.remove(id);
      expect(res.status).toBe(204);
      expect(res.text).toBe('');
      expectScimError(await scim.get(id), 404);
      expectScimError(await scim.remove(id), 404);
      expectScimError(await scim.patch(id, [{ op: 'add', path: 'title', value: 'x' }]), 404);
      expectScimError(await scim.replace(id, entraUser('gone@contoso.com')), 404);
      for (const filter of [
        'userName eq "gone@contoso.com"',
        'externalId eq "gone"',
        `id eq "${id}"`,
        'active eq true',
      ]) {
        expect(
          scim.json(await scim.list(`?filter=${encodeURIComponent(filter)}`)).totalResults,
        ).toBe(0);
      }
      expect(scim.json(await scim.list()).totalResults).toBe(0);
      // Kept for the retention period, marked deleted.
      expect((await row(id)).deleted_at).toBeInstanceOf(Date);

      const again = await scim.create(entraUser('GONE@contoso.com'));
      expect(again.status).toBe(201);
      expect(scim.json(again).id).not.toBe(id);
    });
  });

  describe('account linking (issue 4, item 8)', () => {
    /** A user the host product created: no externalId. */
    async function hostUser(userName: string, resource: Json): Promise<string> {
      const id = randomUUID();
      await t.db.query(
        `INSERT INTO scim_users (tenant_id, id, user_name, resource, display_name)
         VALUES ($1, $2, $3, $4, $5)`,
        [
          tenant.tenantId,
          id,
          userName,
          JSON.stringify({ schemas: [CORE_USER], userName, ...resource }),
          resource.displayName ?? null,
        ],
      );
      return id;
    }

    it('a POST whose userName matches (any case) an unlinked user links it: 201 with its id, sent attributes applied, audited as link', async () => {
      const id = await hostUser('dana@contoso.com', { displayName: 'Dana (host)', nickName: 'D' });
      const res = await scim.create(
        entraUser('Dana@Contoso.com', {
          externalId: 'dana-ext',
          displayName: 'Dana Lee',
          title: 'PM',
        }),
      );
      expect(res.status).toBe(201);
      const user = scim.json(res);
      expect(user).toMatchObject({
        id,
        userName: 'Dana@Contoso.com',
        externalId: 'dana-ext',
        displayName: 'Dana Lee',
        title: 'PM',
        nickName: 'D',
        active: true,
      });
      expect((user.meta as Json).version).toBe('W/"2"');
      expect(await stored(id)).toEqual(hostless(user));
      expect(await row(id)).toMatchObject({ external_id: 'dana-ext', display_name: 'Dana Lee' });
      const audit: Json[] = await t.db.query(
        `SELECT operation, status, changed_attributes FROM audit_events
         WHERE tenant_id = $1 AND resource_id = $2`,
        [tenant.tenantId, id],
      );
      expect(audit).toEqual([
        {
          operation: 'link',
          status: 201,
          changed_attributes: expect.arrayContaining([
            'externalId',
            'userName',
            'displayName',
            'title',
          ]),
        },
      ]);
      // Linked now: the same POST again is a plain duplicate.
      expectScimError(
        await scim.create(entraUser('dana@contoso.com', { externalId: 'dana-ext' })),
        409,
        'uniqueness',
      );
    });

    it('a POST whose primary email matches an unlinked user links it', async () => {
      const id = await hostUser('eve.host', {
        emails: [{ value: 'Eve@Contoso.com', primary: true, type: 'work' }],
      });
      const res = await scim.create(
        entraUser('eve@contoso.com', {
          externalId: 'eve',
          emails: [{ value: 'eve@contoso.com', primary: true, type: 'work' }],
        }),
      );
      expect(res.status).toBe(201);
      expect(scim.json(res)).toMatchObject({ id, userName: 'eve@contoso.com', externalId: 'eve' });
    });

    it('a match with a user that has a different externalId is 409; without an externalId nothing links', async () => {
      await created(entraUser('frank@contoso.com', { externalId: 'frank-1' }));
      expectScimError(
        await scim.create(entraUser('FRANK@contoso.com', { externalId: 'frank-2' })),
        409,
        'uniqueness',
      );
      const id = await hostUser('gina@contoso.com', {});
      const { externalId: _none, ...withoutExternalId } = entraUser('gina@contoso.com');
      expectScimError(await scim.create(withoutExternalId), 409, 'uniqueness');
      expect(await row(id)).toMatchObject({ external_id: null, version: 1 });
    });
  });

  describe('verified domains (tenant setting)', () => {
    beforeEach(async () => {
      await t.db.query(
        `UPDATE tenants SET settings = settings || '{"verifiedDomains": ["contoso.com", "Fabrikam.COM"]}'::jsonb WHERE id = $1`,
        [tenant.tenantId],
      );
    });

    it('accepts userNames and emails at a verified domain (any case), and userNames without @', async () => {
      await created(entraUser('ok@CONTOSO.com', { emails: [{ value: 'ok@fabrikam.com' }] }));
      await created(entraUser('plainname', { externalId: 'plain' }));
    });

    it.each([
      ['a userName at another domain', entraUser('x@evil.example'), 'userName'],
      ['a subdomain', entraUser('x@eu.contoso.com'), 'userName'],
      [
        'an email at another domain',
        entraUser('y@contoso.com', {
          emails: [{ value: 'y@contoso.com' }, { value: 'y@gmail.com' }],
        }),
        'emails[1].value',
      ],
      [
        'an email without a domain',
        entraUser('z@contoso.com', { emails: [{ value: 'z' }] }),
        'emails[0].value',
      ],
    ])(
      'refuses %s on create: 400 invalidValue naming the attribute',
      async (_name, body, attribute) => {
        const detail = expectScimError(await scim.create(body), 400, 'invalidValue');
        expect(detail).toContain(attribute);
        expect(scim.json(await scim.list()).totalResults).toBe(0);
      },
    );

    it('a domain refused before the setting changed is accepted after it (remembered settings only speed creates up)', async () => {
      await created(entraUser('first@contoso.com'));
      expectScimError(await scim.create(entraUser('x@evil.example')), 400, 'invalidValue');
      await t.db.query(`UPDATE tenants SET settings = settings - 'verifiedDomains' WHERE id = $1`, [
        tenant.tenantId,
      ]);
      await created(entraUser('x@evil.example'));
      await t.db.query(
        `UPDATE tenants SET settings = settings || '{"verifiedDomains": ["contoso.com"]}'::jsonb WHERE id = $1`,
        [tenant.tenantId],
      );
      expectScimError(await scim.create(entraUser('y@evil.example')), 400, 'invalidValue');
    });

    it('refuses other domains on PATCH and PUT too, changing nothing', async () => {
      const id = await created(entraUser('w@contoso.com'));
      expectScimError(
        await scim.patch(id, [
          { op: 'Add', path: 'emails[type eq "work"].value', value: 'w@gmail.com' },
        ]),
        400,
        'invalidValue',
      );
      expectScimError(await scim.replace(id, entraUser('w@gmail.com')), 400, 'invalidValue');
      expect(await row(id)).toMatchObject({ version: 1, user_name: 'w@contoso.com' });
    });
  });

  describe('strict schemas (tenant setting)', () => {
    it('an unknown schema URN is kept by default and refused (400 invalidValue) when the tenant is strict', async () => {
      const typo = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0User';
      const body = entraUser('strict@contoso.com', { [typo]: { department: 'X' } });
      const lenient = await scim.create(body);
      expect(lenient.status).toBe(201);
      expect(scim.json(lenient)).toMatchObject({ [typo]: { department: 'X' } });
      const set = await graphql(
        t.server,
        ADMIN_TOKEN,
        'mutation($t: ID!) { setScimSchemaStrictness(tenantId: $t, strict: true) { strictSchemas } }',
        { t: tenant.tenantId },
      );
      expect(set.errors).toBeUndefined();
      const detail = expectScimError(
        await scim.create({ ...body, userName: 'strict2@contoso.com' }),
        400,
        'invalidValue',
      );
      expect(detail).toContain(typo);
    });
  });

  describe('tenant extensions set while the tenant is in use', () => {
    it('a create right after an extension is added validates against it; returned:request attributes only on request', async () => {
      await created(entraUser('before@contoso.com'));
      const set = await graphql(
        t.server,
        ADMIN_TOKEN,
        'mutation($t: ID!, $e: [ScimExtensionInput!]!) { setScimExtensions(tenantId: $t, extensions: $e) { tenantId } }',
        {
          t: tenant.tenantId,
          e: [
            {
              id: ACME,
              name: 'AcmeUser',
              description: 'Acme',
              attributes: [
                { name: 'badge', type: 'integer' },
                { name: 'clearance', type: 'string', returned: 'request' },
              ],
            },
          ],
        },
      );
      expect(set.errors).toBeUndefined();
      // Validated against the new extension (an unknown URN would have been stored as sent).
      const bad = await scim.create(entraUser('bad-badge@contoso.com', { [ACME]: { badge: 'x' } }));
      expectScimError(bad, 400, 'invalidValue');
      const id = await created(
        entraUser('after@contoso.com', {
          [`${ACME}:BADGE`]: 7,
          [ACME.toLowerCase()]: { clearance: 'secret' },
        }),
      );
      const user = await stored(id);
      expect(user[ACME]).toEqual({ badge: 7 });
      expect(user.schemas).toEqual([CORE_USER, ACME]);
      const asked = scim.json(await scim.get(id, `?attributes=${ACME}:clearance`));
      expect(asked).toEqual({ schemas: [CORE_USER, ACME], id, [ACME]: { clearance: 'secret' } });
      const listed = scim.json(await scim.list('?filter=userName eq "after@contoso.com"'));
      expect((listed.Resources as Json[])[0]![ACME]).toEqual({ badge: 7 });
    });
  });

  describe('audit', () => {
    it('every successful write leaves its row, with the changed attribute names, in the same transaction', async () => {
      const id = await created(entraUser('aud@contoso.com', { title: 'T' }));
      await scim.patch(id, [
        { op: 'Replace', path: 'title', value: 'U' },
        { op: 'Add', path: 'nickName', value: 'N' },
      ]);
      await scim.replace(id, entraUser('aud@contoso.com', { displayName: 'D' }));
      await scim.remove(id);
      const rows: Json[] = await t.db.query(
        `SELECT operation, status, changed_attributes FROM audit_events
         WHERE tenant_id = $1 AND resource_id = $2 AND operation <> 'read' ORDER BY at`,
        [tenant.tenantId, id],
      );
      expect(rows).toEqual([
        {
          operation: 'create',
          status: 201,
          changed_attributes: ['externalId', 'userName', 'active', 'title'],
        },
        {
          operation: 'patch',
          status: 204,
          changed_attributes: expect.arrayContaining(['title', 'nickName']),
        },
        {
          operation: 'replace',
          status: 200,
          changed_attributes: expect.arrayContaining(['title', 'nickName', 'displayName']),
        },
        { operation: 'delete', status: 204, changed_attributes: [] },
      ]);
    });
  });
});
