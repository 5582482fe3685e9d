import { SchedulerRegistry } from '@nestjs/schedule';
import { randomUUID } from 'node:crypto';
import { PURGE_JOB_NAME } from '../src/users/jobs/purge-deleted-users.job.js';
import {
  PURGE_LOCK_KEYS,
  PurgeDeletedUsersService,
  type PurgeResult,
  type TenantPurge,
} from '../src/users/purge-deleted-users.service.js';
import { ADMIN_TOKEN, graphql, tenantWithToken, useApp, type TestApp } from './support/app.js';
import { childEnv, cliJson, runCli } from './support/processes.js';

interface UserRow {
  /** Days since the user was deleted; null: not deleted. */
  readonly deletedDaysAgo: number | null;
  readonly active?: boolean;
}

/** Sets the environment for the app a `describe` boots (hooks registered before `useApp()`). */
function withEnv(name: string, value: string): void {
  const before = process.env[name];
  beforeAll(() => {
    process.env[name] = value;
  });
  afterAll(() => {
    if (before === undefined) delete process.env[name];
    else process.env[name] = before;
  });
}

/** Test helpers over the running app: tenants, users written straight into `scim_users`. */
function helpers(t: TestApp) {
  const setRetention = async (tenantId: string, days: number | null): Promise<void> => {
    const res = await graphql<{ updateTenantSettings: { softDeleteRetentionDays: number } }>(
      t.server,
      ADMIN_TOKEN,
      'mutation($input: UpdateTenantSettingsInput!) { updateTenantSettings(input: $input) { softDeleteRetentionDays } }',
      { input: { tenantId, softDeleteRetentionDays: days } },
    );
    expect(res.errors).toBeUndefined();
  };

  /** Inserts a user (deleted that many days ago, or not deleted) and answers its id. */
  const insertUser = async (tenantId: string, row: UserRow): Promise<string> => {
    const id = randomUUID();
    const userName = `${id}@example.com`;
    await t.db.query(
      `INSERT INTO scim_users (tenant_id, id, user_name, active, resource, created_at, updated_at, deleted_at)
       VALUES ($1, $2, $3, $4, $5::jsonb, now() - interval '400 days', now() - interval '400 days',
               CASE WHEN $6::float8 IS NULL THEN NULL ELSE now() - $6::float8 * interval '1 day' END)`,
      [
        tenantId,
        id,
        userName,
        row.active ?? true,
        JSON.stringify({
          schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
          userName,
          active: row.active ?? true,
        }),
        row.deletedDaysAgo,
      ],
    );
    return id;
  };

  const userIds = async (tenantId: string): Promise<string[]> => {
    const rows = await t.db.query<Array<{ id: string }>>(
      'SELECT id FROM scim_users WHERE tenant_id = $1 ORDER BY id',
      [tenantId],
    );
    return rows.map((row) => row.id);
  };

  const purgeAudit = (tenantId: string) =>
    t.db.query<Array<{ channel: string; resourceType: string; status: number; counts: unknown }>>(
      `SELECT channel, resource_type AS "resourceType", status, counts FROM audit_events
       WHERE tenant_id = $1 AND operation = 'purge' ORDER BY at, id`,
      [tenantId],
    );

  return { setRetention, insertUser, userIds, purgeAudit };
}

const sorted = (ids: string[]): string[] => [...ids].sort();

const tenantOf = (result: PurgeResult, tenantId: string): TenantPurge | undefined =>
  result.status === 'skipped' ? undefined : result.tenants.find((x) => x.tenantId === tenantId);

describe('purge of soft-deleted users', () => {
  withEnv('PURGE_INTERVAL_MS', '0');
  const t = useApp();
  const purge = (batchSize?: number) =>
    t.app.get(PurgeDeletedUsersService).purgeExpired(batchSize ? { batchSize } : {});

  it("deletes exactly the users deleted longer ago than their tenant's retention", async () => {
    const { setRetention, insertUser, userIds, purgeAudit } = helpers(t);
    const a = (await tenantWithToken(t.server)).tenantId;
    const b = (await tenantWithToken(t.server)).tenantId;
    const c = (await tenantWithToken(t.server)).tenantId;
    await setRetention(a, 5);
    await setRetention(c, 3650);

    // Tenant A keeps deleted users 5 days.
    const aExpired = [
      await insertUser(a, { deletedDaysAgo: 6 }),
      await insertUser(a, { deletedDaysAgo: 5.1 }),
      await insertUser(a, { deletedDaysAgo: 40, active: false }),
    ];
    const aKept = [
      await insertUser(a, { deletedDaysAgo: 4.9 }),
      await insertUser(a, { deletedDaysAgo: 0 }),
      await insertUser(a, { deletedDaysAgo: null, active: false }),
      await insertUser(a, { deletedDaysAgo: null }),
    ];
    // Tenant B has the default (30 days).
    const bExpired = [await insertUser(b, { deletedDaysAgo: 31 })];
    const bKept = [
      await insertUser(b, { deletedDaysAgo: 10 }),
      await insertUser(b, { deletedDaysAgo: 29.9 }),
      await insertUser(b, { deletedDaysAgo: null, active: false }),
    ];
    // Tenant C keeps them ten years.
    const cKept = [
      await insertUser(c, { deletedDaysAgo: 365 }),
      await insertUser(c, { deletedDaysAgo: null, active: false }),
    ];

    const result = await purge();
    expect(result.status).toBe('done');
    expect(tenantOf(result, a)).toEqual({ tenantId: a, retentionDays: 5, usersPurged: 3 });
    expect(tenantOf(result, b)).toEqual({ tenantId: b, retentionDays: 30, usersPurged: 1 });
    expect(tenantOf(result, c)).toBeUndefined();

    expect(await userIds(a)).toEqual(sorted(aKept));
    expect(await userIds(b)).toEqual(sorted(bKept));
    expect(await userIds(c)).toEqual(sorted(cKept));
    for (const id of [...aExpired, ...bExpired]) expect([...aKept, ...bKept]).not.toContain(id);

    // One system audit row per tenant batch, with the count.
    expect(await purgeAudit(a)).toEqual([
      { channel: 'system', resourceType: 'User', status: 200, counts: { usersPurged: 3 } },
    ]);
    expect(await purgeAudit(b)).toEqual([
      { channel: 'system', resourceType: 'User', status: 200, counts: { usersPurged: 1 } },
    ]);
    expect(await purgeAudit(c)).toEqual([]);

    // Nothing is left to purge: a second run changes nothing and writes no audit row.
    const again = await purge();
    expect(tenantOf(again, a)).toBeUndefined();
    expect(await userIds(a)).toEqual(sorted(aKept));
    expect(await purgeAudit(a)).toHaveLength(1);
  });

  it('a retention reset to the default (null) applies on the next run', async () => {
    const { setRetention, insertUser, userIds } = helpers(t);
    const { tenantId } = await tenantWithToken(t.server);
    await setRetention(tenantId, 90);
    const user = await insertUser(tenantId, { deletedDaysAgo: 45 });
    await purge();
    expect(await userIds(tenantId)).toEqual([user]);

    await setRetention(tenantId, null);
    const result = await purge();
    expect(tenantOf(result, tenantId)).toEqual({ tenantId, retentionDays: 30, usersPurged: 1 });
    expect(await userIds(tenantId)).toEqual([]);
  });

  it('purges in bounded batches, one transaction and audit row each', async () => {
    const { setRetention, insertUser, userIds, purgeAudit } = helpers(t);
    const { tenantId } = await tenantWithToken(t.server);
    await setRetention(tenantId, 1);
    for (let i = 0; i < 5; i++) await insertUser(tenantId, { deletedDaysAgo: 2 + i });
    const kept = await insertUser(tenantId, { deletedDaysAgo: 0.5 });

    const result = await purge(2);
    expect(tenantOf(result, tenantId)).toEqual({ tenantId, retentionDays: 1, usersPurged: 5 });
    expect(await userIds(tenantId)).toEqual([kept]);
    expect((await purgeAudit(tenantId)).map((row) => row.counts)).toEqual([
      { usersPurged: 2 },
      { usersPurged: 2 },
      { usersPurged: 1 },
    ]);
  });

  it('is skipped while another instance holds the advisory lock', async () => {
    const { setRetention, insertUser, userIds } = helpers(t);
    const { tenantId } = await tenantWithToken(t.server);
    await setRetention(tenantId, 1);
    const user = await insertUser(tenantId, { deletedDaysAgo: 3 });

    const other = t.db.createQueryRunner();
    await other.connect();
    try {
      await other.query('SELECT pg_advisory_lock($1, $2)', [...PURGE_LOCK_KEYS]);
      expect(await purge()).toEqual({ status: 'skipped' });
      expect(await userIds(tenantId)).toEqual([user]);
      await other.query('SELECT pg_advisory_unlock($1, $2)', [...PURGE_LOCK_KEYS]);
    } finally {
      await other.release();
    }
    const result = await purge();
    expect(tenantOf(result, tenantId)?.usersPurged).toBe(1);
    expect(await userIds(tenantId)).toEqual([]);
  });

  it('of two concurrent runs, one purges and the other is skipped', async () => {
    const { setRetention, insertUser, userIds } = helpers(t);
    const { tenantId } = await tenantWithToken(t.server);
    await setRetention(tenantId, 1);
    await insertUser(tenantId, { deletedDaysAgo: 3 });
    await insertUser(tenantId, { deletedDaysAgo: 4 });

    // Hold run A inside its work: a SHARE lock on scim_users makes its DELETE wait.
    const blocker = t.db.createQueryRunner();
    await blocker.connect();
    let first: Promise<PurgeResult> | undefined;
    try {
      await blocker.startTransaction();
      await blocker.query('LOCK TABLE scim_users IN SHARE MODE');
      first = purge();
      await waitUntil(async () => {
        const rows = await t.db.query<Array<{ held: boolean }>>(
          `SELECT count(*) > 0 AS held FROM pg_locks
           WHERE locktype = 'advisory' AND classid = $1 AND objid = $2 AND objsubid = 2 AND granted`,
          [...PURGE_LOCK_KEYS],
        );
        return rows[0]?.held === true;
      });
      const second = await purge();
      expect(second).toEqual({ status: 'skipped' });
    } finally {
      if (blocker.isTransactionActive) await blocker.commitTransaction();
      await blocker.release();
    }
    const result = await first;
    expect(result.status).toBe('done');
    expect(tenantOf(result, tenantId)?.usersPurged).toBe(2);
    expect(await userIds(tenantId)).toEqual([]);
  });

  it('stops between batches when its signal aborts (shutdown) and releases the lock', async () => {
    const { setRetention, insertUser, userIds } = helpers(t);
    const { tenantId } = await tenantWithToken(t.server);
    await setRetention(tenantId, 1);
    const user = await insertUser(tenantId, { deletedDaysAgo: 3 });
    const service = t.app.get(PurgeDeletedUsersService);

    const aborted = await service.purgeExpired({ signal: AbortSignal.abort() });
    expect(aborted).toEqual({ status: 'aborted', usersPurged: 0, tenants: [] });
    expect(await userIds(tenantId)).toEqual([user]);

    const next = await service.purgeExpired();
    expect(tenantOf(next, tenantId)?.usersPurged).toBe(1);
    await expect(service.purgeExpired({ batchSize: 0 })).rejects.toThrow(RangeError);
  });

  it('runs on demand from the CLI (purge-deleted-users)', async () => {
    const { setRetention, insertUser, userIds } = helpers(t);
    const { tenantId } = await tenantWithToken(t.server);
    await setRetention(tenantId, 2);
    await insertUser(tenantId, { deletedDaysAgo: 3 });
    const kept = await insertUser(tenantId, { deletedDaysAgo: 1 });

    const output = cliJson<{ status: string; usersPurged: number; tenants: TenantPurge[] }>(
      await runCli(['purge-deleted-users'], childEnv({ LOG_LEVEL: 'warn' })),
    );
    expect(output.status).toBe('done');
    expect(output.tenants).toContainEqual({ tenantId, retentionDays: 2, usersPurged: 1 });
    expect(output.usersPurged).toBeGreaterThanOrEqual(1);
    expect(await userIds(tenantId)).toEqual([kept]);
  });
});

describe('purge of soft-deleted users on its schedule', () => {
  withEnv('PURGE_INTERVAL_MS', '1000');
  const t = useApp();

  it('runs by itself every PURGE_INTERVAL_MS and writes its audit row', async () => {
    const { setRetention, insertUser, userIds, purgeAudit } = helpers(t);
    expect(t.app.get(SchedulerRegistry).doesExist('timeout', PURGE_JOB_NAME)).toBe(true);
    const { tenantId } = await tenantWithToken(t.server);
    await setRetention(tenantId, 1);
    const kept = await insertUser(tenantId, { deletedDaysAgo: null, active: false });
    await insertUser(tenantId, { deletedDaysAgo: 2 });

    await waitUntil(async () => (await userIds(tenantId)).length === 1);
    expect(await userIds(tenantId)).toEqual([kept]);
    await waitUntil(async () => (await purgeAudit(tenantId)).length === 1);
    expect(await purgeAudit(tenantId)).toEqual([
      { channel: 'system', resourceType: 'User', status: 200, counts: { usersPurged: 1 } },
    ]);
  });
});

/** Polls until the condition holds (fails the test after a generous bound, not a timing check). */
async function waitUntil(condition: () => Promise<boolean>, attempts = 200): Promise<void> {
  for (let i = 0; i < attempts; i++) {
    if (await condition()) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error('condition not reached');
}
