import { Controller, HttpCode, Post, Req, UseGuards } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { Test } from '@nestjs/testing';
import { randomUUID } from 'node:crypto';
import request from 'supertest';
import type { App } from 'supertest/types.js';
import { DataSource } from 'typeorm';
import { AppModule } from '../src/app.module.js';
import { AuditModule } from '../src/audit/audit.module.js';
import { AuditRepository } from '../src/audit/audit.repository.js';
import { AuditService } from '../src/audit/audit.service.js';
import { AuthModule } from '../src/auth/auth.module.js';
import type { AuthenticatedRequest } from '../src/auth/principal.js';
import { ScimBearerGuard } from '../src/auth/scim-bearer.guard.js';
import { DomainError, DomainErrorCode } from '../src/common/domain-error.js';
import {
  ADMIN_TOKEN,
  graphql,
  LogCapture,
  SCIM_ERROR,
  startApp,
  tenantWithToken,
  useApp,
  type TenantWithToken,
} from './support/app.js';

/** An `audit_events` row as the tests read it. */
interface AuditRow {
  tenant_id: string;
  at: Date;
  id: string;
  request_id: string | null;
  token_id: string | null;
  channel: string;
  method: string | null;
  path: string | null;
  resource_type: string | null;
  resource_id: string | null;
  operation: string;
  status: number;
  scim_type: string | null;
  detail: string | null;
  duration_ms: number | null;
  client_ip: string | null;
  user_agent: string | null;
  changed_attributes: string[];
  counts: Record<string, number> | null;
  request_summary: Record<string, unknown> | null;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function rowsOf(db: DataSource, tenantId: string, requestId: string): Promise<AuditRow[]> {
  return db.query<AuditRow[]>(
    'SELECT * FROM audit_events WHERE tenant_id = $1 AND request_id = $2 ORDER BY at, id',
    [tenantId, requestId],
  );
}

/**
 * The rows of a request once they are written. Rows of reads and failures are written after the
 * response, in batches, so this polls (bounded) until the request's rows appear, then sends one
 * more request of the same tenant and waits for its row too: rows are written in arrival order,
 * so by then any further row of the first request (there must be none) would be in as well.
 */
async function auditRows(
  server: App,
  db: DataSource,
  tenant: TenantWithToken,
  requestId: string,
): Promise<AuditRow[]> {
  const marker = `marker-${randomUUID()}`;
  await request(server)
    .get('/scim/v2/ResourceTypes')
    .set('Authorization', `Bearer ${tenant.token}`)
    .set('X-Request-Id', marker);
  for (let attempt = 0; attempt < 100; attempt++) {
    if ((await rowsOf(db, tenant.tenantId, marker)).length > 0) break;
    await sleep(50);
  }
  expect(await rowsOf(db, tenant.tenantId, marker)).toHaveLength(1);
  return rowsOf(db, tenant.tenantId, requestId);
}

/** Rows with a request id in any tenant (for requests that have no tenant). */
async function rowsAnywhere(db: DataSource, requestId: string): Promise<number> {
  const [row] = await db.query<Array<{ n: number }>>(
    'SELECT count(*)::int AS n FROM audit_events WHERE request_id = $1',
    [requestId],
  );
  return row?.n ?? 0;
}

describe('audit trail of SCIM requests', () => {
  const t = useApp();
  let tenant: TenantWithToken;
  beforeAll(async () => {
    tenant = await tenantWithToken(t.server);
  });

  const scim = (method: 'get' | 'post' | 'put' | 'patch' | 'delete', path: string) => {
    const requestId = `e2e-${randomUUID()}`;
    const req = request(t.server)
      [method](path)
      .set('Authorization', `Bearer ${tenant.token}`)
      .set('X-Request-Id', requestId)
      .set('User-Agent', 'Azure Active Directory SCIM Client');
    return { req, requestId };
  };

  it('a discovery read leaves exactly one row with the request, token, route and timing', async () => {
    const { req, requestId } = scim(
      'get',
      '/scim/v2/Schemas/urn:ietf:params:scim:schemas:core:2.0:User?attributes=id&access_token=abc',
    );
    const res = await req;
    expect(res.status).toBe(200);
    const rows = await auditRows(t.server, t.db, tenant, requestId);
    expect(rows).toHaveLength(1);
    const [row] = rows;
    expect(row).toEqual({
      tenant_id: tenant.tenantId,
      at: expect.any(Date),
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      request_id: requestId,
      token_id: tenant.tokenId,
      channel: 'scim',
      method: 'GET',
      path: '/scim/v2/Schemas/urn:ietf:params:scim:schemas:core:2.0:User',
      resource_type: 'Schema',
      resource_id: 'urn:ietf:params:scim:schemas:core:2.0:User',
      operation: 'read',
      status: 200,
      scim_type: null,
      detail: null,
      duration_ms: expect.any(Number),
      client_ip: expect.stringMatching(/^(::ffff:)?127\.0\.0\.1$|^::1$/),
      user_agent: 'Azure Active Directory SCIM Client',
      changed_attributes: [],
      counts: null,
      request_summary: { query: { attributes: 'id', access_token: '[redacted]' } },
    });
    expect(row!.duration_ms).toBeGreaterThanOrEqual(0);
    expect(Math.abs(row!.at.getTime() - Date.now())).toBeLessThan(60_000);
  });

  it("Entra's client-request-id becomes the row's request id", async () => {
    const clientRequestId = randomUUID();
    const res = await request(t.server)
      .get('/scim/v2/ServiceProviderConfig')
      .set('Authorization', `Bearer ${tenant.token}`)
      .set('client-request-id', clientRequestId);
    expect(res.headers['x-request-id']).toBe(clientRequestId);
    const rows = await auditRows(t.server, t.db, tenant, clientRequestId);
    expect(rows).toMatchObject([
      { resource_type: 'ServiceProviderConfig', operation: 'read', status: 200 },
    ]);
  });

  it('a 404 leaves exactly one failure row with the detail sent', async () => {
    const { req, requestId } = scim('get', '/scim/v2/Schemas/urn:example:nothing');
    const res = await req;
    expect(res.status).toBe(404);
    const rows = await auditRows(t.server, t.db, tenant, requestId);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      token_id: tenant.tokenId,
      method: 'GET',
      resource_type: 'Schema',
      resource_id: 'urn:example:nothing',
      operation: 'read',
      status: 404,
      scim_type: null,
      detail: (JSON.parse(res.text) as { detail: string }).detail,
    });
  });

  it('a 405 leaves exactly one row with the attempted operation', async () => {
    const { req, requestId } = scim('delete', '/scim/v2/ServiceProviderConfig');
    const res = await req;
    expect(res.status).toBe(405);
    const rows = await auditRows(t.server, t.db, tenant, requestId);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      method: 'DELETE',
      path: '/scim/v2/ServiceProviderConfig',
      resource_type: 'ServiceProviderConfig',
      operation: 'delete',
      status: 405,
      detail: 'DELETE is not allowed on /scim/v2/ServiceProviderConfig; allowed: GET',
    });
  });

  it('a 400 (malformed JSON, refused before the guard ran) leaves one row of its tenant with scimType', async () => {
    const { req, requestId } = scim('post', '/scim/v2/Users');
    const res = await req.set('Content-Type', 'application/scim+json').send('{"userName": ');
    expect(res.status).toBe(400);
    expect(res.headers['x-request-id']).toBe(requestId);
    const rows = await auditRows(t.server, t.db, tenant, requestId);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      token_id: tenant.tokenId,
      method: 'POST',
      resource_type: 'User',
      operation: 'create',
      status: 400,
      scim_type: 'invalidSyntax',
      detail: 'the request body is not valid JSON',
      request_summary: null,
    });
  });

  it('a 403 (filter on discovery) keeps the query in the summary', async () => {
    const { req, requestId } = scim('get', '/scim/v2/ResourceTypes?filter=name%20eq%20%22User%22');
    expect((await req).status).toBe(403);
    const rows = await auditRows(t.server, t.db, tenant, requestId);
    expect(rows).toMatchObject([
      {
        status: 403,
        resource_type: 'ResourceType',
        operation: 'list',
        request_summary: { query: { filter: 'name eq "User"' } },
      },
    ]);
  });

  it('a 401 leaves no row anywhere, is logged without the credential, and the server goes on', async () => {
    const requestId = `e2e-401-${randomUUID()}`;
    const res = await request(t.server)
      .get('/scim/v2/Users')
      .set('Authorization', 'Bearer not-a-valid-token-secret-value')
      .set('X-Request-Id', requestId);
    expect(res.status).toBe(401);
    await auditRows(t.server, t.db, tenant, requestId);
    expect(await rowsAnywhere(t.db, requestId)).toBe(0);
    const line = t.logs
      .lines()
      .find((entry) => entry['requestId'] === requestId && entry['context'] === 'Audit');
    expect(line).toMatchObject({
      status: 401,
      method: 'GET',
      path: '/scim/v2/Users',
      msg: expect.stringContaining('no audit row'),
    });
    expect(t.logs.text()).not.toContain('not-a-valid-token-secret-value');
    const after = scim('get', '/scim/v2/ServiceProviderConfig');
    expect((await after.req).status).toBe(200);
  });

  it("requests with a dead token of a tenant (revoked, expired) go to that tenant's log", async () => {
    const other = await tenantWithToken(t.server);
    await graphql(t.server, ADMIN_TOKEN, 'mutation($id: ID!) { revokeScimToken(id: $id) { id } }', {
      id: other.tokenId,
    });
    const refusedId = `e2e-revoked-${randomUUID()}`;
    const refused = await request(t.server)
      .get('/scim/v2/Users')
      .set('Authorization', `Bearer ${other.token}`)
      .set('X-Request-Id', refusedId);
    expect(refused.status).toBe(401);
    const malformedId = `e2e-revoked-body-${randomUUID()}`;
    const malformed = await request(t.server)
      .post('/scim/v2/Users')
      .set('Authorization', `Bearer ${other.token}`)
      .set('X-Request-Id', malformedId)
      .set('Content-Type', 'application/scim+json')
      .send('{');
    expect(malformed.status).toBe(400);
    await t.app.get(AuditService).flush();
    expect(await rowsOf(t.db, other.tenantId, refusedId)).toMatchObject([
      {
        status: 401,
        token_id: other.tokenId,
        detail: 'the token has been revoked',
        resource_type: 'User',
        operation: 'list',
      },
    ]);
    expect(await rowsOf(t.db, other.tenantId, malformedId)).toMatchObject([
      { status: 400, token_id: other.tokenId, operation: 'create' },
    ]);
    expect(await rowsAnywhere(t.db, refusedId)).toBe(1);
  });

  it('many concurrent requests each leave exactly one row (batched writes)', async () => {
    const requests = Array.from({ length: 150 }, () => scim('get', '/scim/v2/ResourceTypes/User'));
    const responses = await Promise.all(requests.map(({ req }) => req));
    expect(responses.every((res) => res.status === 200)).toBe(true);
    await auditRows(t.server, t.db, tenant, 'none');
    const counted = await t.db.query<Array<{ request_id: string; n: number }>>(
      `SELECT request_id, count(*)::int AS n FROM audit_events
        WHERE tenant_id = $1 AND request_id = ANY($2) GROUP BY request_id`,
      [tenant.tenantId, requests.map(({ requestId }) => requestId)],
    );
    expect(counted).toHaveLength(150);
    expect(counted.every(({ n }) => n === 1)).toBe(true);
  });

  it('rows still buffered when the server shuts down are written before the pool closes', async () => {
    const other = await startApp();
    const requestId = `e2e-shutdown-${randomUUID()}`;
    const res = await request(other.server)
      .get('/scim/v2/ServiceProviderConfig')
      .set('Authorization', `Bearer ${tenant.token}`)
      .set('X-Request-Id', requestId);
    expect(res.status).toBe(200);
    await other.close();
    expect(await rowsOf(t.db, tenant.tenantId, requestId)).toMatchObject([
      { status: 200, resource_type: 'ServiceProviderConfig' },
    ]);
  });

  it('audit_events is append-only: UPDATE and DELETE are refused, except for the retention job', async () => {
    const { req, requestId } = scim('get', '/scim/v2/ServiceProviderConfig');
    await req;
    const [row] = await auditRows(t.server, t.db, tenant, requestId);
    await expect(
      t.db.query(`UPDATE audit_events SET status = 200 WHERE tenant_id = $1 AND id = $2`, [
        tenant.tenantId,
        row!.id,
      ]),
    ).rejects.toThrow(/append-only: UPDATE/);
    await expect(
      t.db.query(`DELETE FROM audit_events WHERE tenant_id = $1 AND id = $2`, [
        tenant.tenantId,
        row!.id,
      ]),
    ).rejects.toThrow(/append-only: DELETE/);
    const repository = t.app.get(AuditRepository);
    await t.db.transaction(async (manager) => {
      await repository.allowRetentionDelete(manager);
      await manager.query(`DELETE FROM audit_events WHERE tenant_id = $1 AND id = $2`, [
        tenant.tenantId,
        row!.id,
      ]);
    });
    expect(await rowsOf(t.db, tenant.tenantId, requestId)).toHaveLength(0);
    // The permission ended with its transaction.
    await expect(
      t.db.query(`DELETE FROM audit_events WHERE tenant_id = $1`, [tenant.tenantId]),
    ).rejects.toThrow(/append-only/);
  });
});

/**
 * A stand-in for a resource controller, mounted under /scim/v2 in a test application: it writes
 * inside a real transaction and calls AuditService.recordWrite the way the Users and Groups
 * services do, then commits, rolls back, or fails after committing.
 */
@UseGuards(ScimBearerGuard)
@Controller('scim/v2/AuditProbe')
class AuditProbeController {
  constructor(
    private readonly dataSource: DataSource,
    private readonly audit: AuditService,
  ) {}

  private write(req: AuthenticatedRequest, resourceId: string) {
    return {
      tenantId: req.scimPrincipal!.tenantId,
      resourceType: 'User' as const,
      resourceId,
      operation: 'create' as const,
      status: 201,
      changedAttributes: ['userName', 'password'],
    };
  }

  @Post('commit')
  @HttpCode(201)
  async commit(@Req() req: AuthenticatedRequest): Promise<{ id: string }> {
    const id = randomUUID();
    await this.dataSource.transaction((manager) =>
      this.audit.recordWrite(manager, this.write(req, id)),
    );
    return { id };
  }

  @Post('rollback')
  async rollback(@Req() req: AuthenticatedRequest): Promise<never> {
    return this.dataSource.transaction(async (manager) => {
      await this.audit.recordWrite(manager, this.write(req, randomUUID()));
      throw new DomainError(DomainErrorCode.Conflict, 'userName is already taken');
    });
  }

  @Post('retry')
  @HttpCode(201)
  async retry(@Req() req: AuthenticatedRequest): Promise<{ id: string }> {
    const id = randomUUID();
    await this.dataSource
      .transaction(async (manager) => {
        await this.audit.recordWrite(manager, this.write(req, id));
        throw new Error('serialization failure (simulated)');
      })
      .catch(() => undefined);
    await this.dataSource.transaction((manager) =>
      this.audit.recordWrite(manager, this.write(req, id)),
    );
    return { id };
  }

  @Post('fail-after-commit')
  async failAfterCommit(@Req() req: AuthenticatedRequest): Promise<never> {
    await this.dataSource.transaction((manager) =>
      this.audit.recordWrite(manager, this.write(req, randomUUID())),
    );
    throw new Error('mapping the response failed (simulated)');
  }
}

describe('audit rows of writes (recordWrite inside the transaction)', () => {
  let app: NestExpressApplication;
  let server: App;
  let db: DataSource;
  let tenant: TenantWithToken;

  beforeAll(async () => {
    const moduleRef = await Test.createTestingModule({
      imports: [AppModule.forRoot({ logDestination: new LogCapture() }), AuditModule, AuthModule],
      controllers: [AuditProbeController],
    }).compile();
    app = moduleRef.createNestApplication<NestExpressApplication>({
      bodyParser: false,
      logger: false,
    });
    app.useBodyParser('json', { type: ['application/json', 'application/scim+json'] });
    await app.init();
    server = app.getHttpServer();
    db = app.get(DataSource);
    tenant = await tenantWithToken(server);
  });
  afterAll(async () => {
    await app?.close();
  });

  const post = (path: string, body: object = {}) => {
    const requestId = `e2e-write-${randomUUID()}`;
    const req = request(server)
      .post(`/scim/v2/AuditProbe/${path}`)
      .set('Authorization', `Bearer ${tenant.token}`)
      .set('X-Request-Id', requestId)
      .set('Content-Type', 'application/scim+json')
      .send(body);
    return { req, requestId };
  };

  it('a committed write leaves exactly its one row, written with the change, password redacted', async () => {
    const { req, requestId } = post('commit', { userName: 'bjensen', password: 'hunter2' });
    const res = await req;
    expect(res.status).toBe(201);
    // In the transaction of the change: present as soon as the response is.
    expect(await rowsOf(db, tenant.tenantId, requestId)).toHaveLength(1);
    const rows = await auditRows(server, db, tenant, requestId);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      token_id: tenant.tokenId,
      channel: 'scim',
      method: 'POST',
      path: '/scim/v2/AuditProbe/commit',
      resource_type: 'User',
      resource_id: (res.body as { id: string }).id,
      operation: 'create',
      status: 201,
      scim_type: null,
      changed_attributes: ['userName', 'password'],
      request_summary: { body: { userName: 'bjensen', password: '[redacted]' } },
    });
    expect(JSON.stringify(rows[0])).not.toContain('hunter2');
  });

  it('a write whose transaction rolled back leaves exactly one failure row', async () => {
    const { req, requestId } = post('rollback', { userName: 'taken' });
    const res = await req;
    expect(res.status).toBe(409);
    expect(JSON.parse(res.text)).toMatchObject({ schemas: [SCIM_ERROR], scimType: 'uniqueness' });
    const rows = await auditRows(server, db, tenant, requestId);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      resource_type: 'User',
      resource_id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      operation: 'create',
      status: 409,
      scim_type: 'uniqueness',
      detail: 'userName is already taken',
      changed_attributes: [],
      request_summary: { body: { userName: 'taken' } },
    });
  });

  it('a retried transaction leaves one row: the rolled-back attempt left none', async () => {
    const { req, requestId } = post('retry');
    const res = await req;
    expect(res.status).toBe(201);
    const rows = await auditRows(server, db, tenant, requestId);
    expect(rows).toMatchObject([{ operation: 'create', status: 201 }]);
  });

  it('a request failing after its change committed keeps one row: the change', async () => {
    const { req, requestId } = post('fail-after-commit');
    expect((await req).status).toBe(500);
    const rows = await auditRows(server, db, tenant, requestId);
    expect(rows).toMatchObject([{ operation: 'create', status: 201 }]);
  });

  it('outside any request (a job), recordWrite writes a system row with the transaction only', async () => {
    const audit = app.get(AuditService);
    const resourceId = randomUUID();
    await db.transaction((manager) =>
      audit.recordWrite(manager, {
        tenantId: tenant.tenantId,
        resourceType: 'User',
        resourceId,
        operation: 'purge',
        status: 200,
        changedAttributes: [],
      }),
    );
    const rolledBack = randomUUID();
    await db
      .transaction(async (manager) => {
        await audit.recordWrite(manager, {
          tenantId: tenant.tenantId,
          resourceType: 'User',
          resourceId: rolledBack,
          operation: 'purge',
          status: 200,
          changedAttributes: [],
        });
        throw new Error('abort');
      })
      .catch(() => undefined);
    const rows = await db.query<AuditRow[]>(
      `SELECT * FROM audit_events WHERE tenant_id = $1 AND resource_id = ANY($2)`,
      [tenant.tenantId, [resourceId, rolledBack]],
    );
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      resource_id: resourceId,
      channel: 'system',
      operation: 'purge',
      request_id: null,
      token_id: null,
      method: null,
    });
  });
});

describe('audit trail of /Users requests', () => {
  const t = useApp();
  let tenant: TenantWithToken;
  beforeAll(async () => {
    tenant = await tenantWithToken(t.server);
  });

  const scim = (method: 'get' | 'post' | 'put' | 'patch' | 'delete', path: string) => {
    const requestId = `e2e-users-${randomUUID()}`;
    const req = request(t.server)
      [method](path)
      .set('Authorization', `Bearer ${tenant.token}`)
      .set('X-Request-Id', requestId)
      .set('Content-Type', 'application/scim+json');
    return { req, requestId };
  };
  const userName = () => `audit-${randomUUID()}@example.com`;

  it('a successful POST /Users leaves exactly one row, committed with the user', async () => {
    const { req, requestId } = scim('post', '/scim/v2/Users');
    const res = await req.send({
      schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
      userName: userName(),
      externalId: randomUUID(),
      password: 'Sup3r-secret!',
      active: true,
    });
    expect(res.status).toBe(201);
    const id = (res.body as { id: string }).id;
    // Written in the transaction of the change: there as soon as the response is.
    expect(await rowsOf(t.db, tenant.tenantId, requestId)).toHaveLength(1);
    const rows = await auditRows(t.server, t.db, tenant, requestId);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      token_id: tenant.tokenId,
      channel: 'scim',
      method: 'POST',
      path: '/scim/v2/Users',
      resource_type: 'User',
      resource_id: id,
      operation: 'create',
      status: 201,
      scim_type: null,
      changed_attributes: expect.arrayContaining(['userName', 'externalId', 'active', 'password']),
      request_summary: { body: expect.objectContaining({ password: '[redacted]' }) },
    });
    expect(JSON.stringify(rows[0])).not.toContain('Sup3r-secret!');
  });

  it('a create refused with 409 leaves exactly one failure row and no user', async () => {
    const name = userName();
    const first = scim('post', '/scim/v2/Users');
    expect((await first.req.send({ userName: name, externalId: 'first' })).status).toBe(201);
    const { req, requestId } = scim('post', '/scim/v2/Users');
    const res = await req.send({ userName: name.toUpperCase(), externalId: 'second' });
    expect(res.status).toBe(409);
    const rows = await auditRows(t.server, t.db, tenant, requestId);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      resource_type: 'User',
      operation: 'create',
      status: 409,
      scim_type: 'uniqueness',
      detail: (JSON.parse(res.text) as { detail: string }).detail,
      changed_attributes: [],
    });
    const users = await t.db.query<Array<{ n: number }>>(
      `SELECT count(*)::int AS n FROM scim_users WHERE tenant_id = $1 AND lower(user_name) = lower($2)`,
      [tenant.tenantId, name],
    );
    expect(users[0]!.n).toBe(1);
  });

  it('read, patch, a refused patch and delete of one user each leave exactly one row', async () => {
    const created = scim('post', '/scim/v2/Users');
    const id = (
      (await created.req.send({ userName: userName(), externalId: randomUUID() })).body as {
        id: string;
      }
    ).id;
    const read = scim('get', `/scim/v2/Users/${id}`);
    expect((await read.req).status).toBe(200);
    const patch = scim('patch', `/scim/v2/Users/${id}`);
    const patched = await patch.req.send({
      schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
      Operations: [{ op: 'Replace', path: 'displayName', value: 'Audited' }],
    });
    expect([200, 204]).toContain(patched.status);
    const refused = scim('patch', `/scim/v2/Users/${id}`);
    const refusedRes = await refused.req.set('If-Match', 'W/"999"').send({
      schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
      Operations: [{ op: 'Replace', path: 'displayName', value: 'Lost' }],
    });
    expect(refusedRes.status).toBe(412);
    const removed = scim('delete', `/scim/v2/Users/${id}`);
    expect((await removed.req).status).toBe(204);
    const gone = scim('get', `/scim/v2/Users/${id}`);
    expect((await gone.req).status).toBe(404);

    const expected = [
      [read.requestId, { operation: 'read', status: 200, changed_attributes: [] }],
      [
        patch.requestId,
        { operation: 'patch', status: patched.status, changed_attributes: ['displayName'] },
      ],
      [refused.requestId, { operation: 'patch', status: 412, changed_attributes: [] }],
      [removed.requestId, { operation: 'delete', status: 204 }],
      [gone.requestId, { operation: 'read', status: 404 }],
    ] as const;
    await auditRows(t.server, t.db, tenant, 'none');
    for (const [requestId, row] of expected) {
      const rows = await rowsOf(t.db, tenant.tenantId, requestId);
      expect(rows).toEqual([
        expect.objectContaining({ resource_type: 'User', resource_id: id, ...row }),
      ]);
    }
  });
});
