import { SchedulerRegistry } from '@nestjs/schedule';
import { randomUUID } from 'node:crypto';
import {
  AUDIT_RETENTION_LOCK_KEYS,
  AuditRetentionService,
  type AuditRetentionResult,
  type TenantAuditRetention,
} from '../src/audit/audit-retention.service.js';
import { AUDIT_RETENTION_JOB_NAME } from '../src/audit/jobs/audit-retention.job.js';
import { AppConfig } from '../src/config/app-config.js';
import { ADMIN_TOKEN, graphql, tenantWithToken, useApp, type TestApp } from './support/app.js';
import { childEnv, cliJson, runCli } from './support/processes.js';

const PLATFORM_AUDIT_TENANT = '00000000-0000-0000-0000-000000000000';

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

function helpers(t: TestApp) {
  const setRetention = async (tenantId: string, days: number | null): Promise<void> => {
    const res = await graphql<{ updateTenantSettings: { auditRetentionDays: number } }>(
      t.server,
      ADMIN_TOKEN,
      'mutation($input: UpdateTenantSettingsInput!) { updateTenantSettings(input: $input) { auditRetentionDays } }',
      { input: { tenantId, auditRetentionDays: days } },
    );
    expect(res.errors).toBeUndefined();
  };

  /** Inserts an audit event that many days old (INSERT is allowed) and answers its id. */
  const insertEvent = async (tenantId: string, daysAgo: number): Promise<string> => {
    const id = randomUUID();
    await t.db.query(
      `INSERT INTO audit_events (tenant_id, at, id, channel, operation, status, changed_attributes)
       VALUES ($1, now() - $2::float8 * interval '1 day', $3, 'scim', 'read', 200, '{}')`,
      [tenantId, daysAgo, id],
    );
    return id;
  };

  /** The tenant's events other than the job's own rows, by id. */
  const eventIds = async (tenantId: string): Promise<string[]> => {
    const rows = await t.db.query<Array<{ id: string }>>(
      `SELECT id FROM audit_events WHERE tenant_id = $1 AND resource_type IS DISTINCT FROM 'AuditEvent'
       ORDER BY id`,
      [tenantId],
    );
    return rows.map((row) => row.id);
  };

  /** The job's own audit rows of the tenant. */
  const jobRows = (tenantId: string) =>
    t.db.query<Array<{ channel: string; operation: string; status: number; counts: unknown }>>(
      `SELECT channel, operation, status, counts FROM audit_events
       WHERE tenant_id = $1 AND resource_type = 'AuditEvent' ORDER BY at, id`,
      [tenantId],
    );

  return { setRetention, insertEvent, eventIds, jobRows };
}

const sorted = (ids: string[]): string[] => [...ids].sort();

const tenantOf = (
  result: AuditRetentionResult,
  tenantId: string,
): TenantAuditRetention | undefined =>
  result.status === 'skipped' ? undefined : result.tenants.find((x) => x.tenantId === tenantId);

describe('audit retention', () => {
  withEnv('AUDIT_RETENTION_INTERVAL_MS', '0');
  const t = useApp();
  const run = (batchSize?: number) =>
    t.app.get(AuditRetentionService).deleteExpired(batchSize ? { batchSize } : {});

  it("deletes exactly the events older than their tenant's retention", async () => {
    const { setRetention, insertEvent, eventIds, jobRows } = helpers(t);
    const a = (await tenantWithToken(t.server)).tenantId;
    const b = (await tenantWithToken(t.server)).tenantId;
    await setRetention(a, 5);
    const defaultDays = t.app.get(AppConfig).AUDIT_RETENTION_DAYS;
    expect(defaultDays).toBe(90);

    // Tenant A keeps 5 days.
    const aExpired = [
      await insertEvent(a, 6),
      await insertEvent(a, 5.1),
      await insertEvent(a, 400),
    ];
    const aKept = [await insertEvent(a, 4.9), await insertEvent(a, 0)];
    // Tenant B has the default (90 days).
    const bExpired = [await insertEvent(b, 91)];
    const bKept = [await insertEvent(b, 89.9), await insertEvent(b, 6), await insertEvent(b, 0)];
    // Rows the admin API may have written today (tenant setup) count among the kept ones.
    const aBefore = await eventIds(a);
    const bBefore = await eventIds(b);

    const result = await run();
    expect(result.status).toBe('done');
    expect(tenantOf(result, a)).toEqual({ tenantId: a, retentionDays: 5, eventsDeleted: 3 });
    expect(tenantOf(result, b)).toEqual({ tenantId: b, retentionDays: 90, eventsDeleted: 1 });

    // Exactly the expired events are gone.
    const aAfter = await eventIds(a);
    expect(aAfter).toEqual(sorted(aBefore.filter((id) => !aExpired.includes(id))));
    expect(aAfter).toEqual(expect.arrayContaining(aKept));
    expect(await eventIds(b)).toEqual(sorted(bBefore.filter((id) => !bExpired.includes(id))));
    expect(await eventIds(b)).toEqual(expect.arrayContaining(bKept));

    // One system row per tenant that lost events.
    const row = (deleted: number) => ({
      channel: 'system',
      operation: 'purge',
      status: 200,
      counts: { deleted },
    });
    expect(await jobRows(a)).toEqual([row(3)]);
    expect(await jobRows(b)).toEqual([row(1)]);

    // Nothing is left to delete: a second run changes nothing and writes no row.
    const again = await run();
    expect(tenantOf(again, a)).toBeUndefined();
    expect(await eventIds(a)).toEqual(aAfter);
    expect(await jobRows(a)).toHaveLength(1);
  });

  it('works in batches smaller than the rows to delete, one audit row per tenant', async () => {
    const { setRetention, insertEvent, eventIds, jobRows } = helpers(t);
    const { tenantId } = await tenantWithToken(t.server);
    await setRetention(tenantId, 1);
    for (let i = 0; i < 7; i++) await insertEvent(tenantId, 2 + i);
    const kept = await insertEvent(tenantId, 0.5);
    const before = await eventIds(tenantId);

    const result = await run(2);
    expect(tenantOf(result, tenantId)).toEqual({ tenantId, retentionDays: 1, eventsDeleted: 7 });
    expect(await eventIds(tenantId)).toHaveLength(before.length - 7);
    expect(await eventIds(tenantId)).toContain(kept);
    expect((await jobRows(tenantId)).map((row) => row.counts)).toEqual([{ deleted: 7 }]);
  });

  it('deletes events of the platform audit tenant after the default retention', async () => {
    const { insertEvent, eventIds } = helpers(t);
    const old = await insertEvent(PLATFORM_AUDIT_TENANT, 91);
    const recent = await insertEvent(PLATFORM_AUDIT_TENANT, 89);
    const result = await run();
    expect(tenantOf(result, PLATFORM_AUDIT_TENANT)?.retentionDays).toBe(90);
    const left = await eventIds(PLATFORM_AUDIT_TENANT);
    expect(left).toContain(recent);
    expect(left).not.toContain(old);
  });

  it('outside the job the table still refuses DELETE', async () => {
    const { insertEvent } = helpers(t);
    const { tenantId } = await tenantWithToken(t.server);
    const id = await insertEvent(tenantId, 400);
    await expect(
      t.db.query('DELETE FROM audit_events WHERE tenant_id = $1 AND id = $2', [tenantId, id]),
    ).rejects.toThrow(/append-only/);
  });

  it('is skipped while another instance holds the advisory lock', async () => {
    const { setRetention, insertEvent, eventIds } = helpers(t);
    const { tenantId } = await tenantWithToken(t.server);
    await setRetention(tenantId, 1);
    const old = await insertEvent(tenantId, 3);

    const other = t.db.createQueryRunner();
    await other.connect();
    try {
      await other.query('SELECT pg_advisory_lock($1, $2)', [...AUDIT_RETENTION_LOCK_KEYS]);
      expect(await run()).toEqual({ status: 'skipped' });
      expect(await eventIds(tenantId)).toContain(old);
      await other.query('SELECT pg_advisory_unlock($1, $2)', [...AUDIT_RETENTION_LOCK_KEYS]);
    } finally {
      await other.release();
    }
    const result = await run();
    expect(tenantOf(result, tenantId)?.eventsDeleted).toBe(1);
    expect(await eventIds(tenantId)).not.toContain(old);
  });

  it('of two concurrent runs, one deletes and the other does nothing', async () => {
    const { setRetention, insertEvent, eventIds } = helpers(t);
    const { tenantId } = await tenantWithToken(t.server);
    await setRetention(tenantId, 1);
    const old = [await insertEvent(tenantId, 3), await insertEvent(tenantId, 4)];

    // Hold run A inside its work: a SHARE lock on audit_events makes its DELETE wait.
    const blocker = t.db.createQueryRunner();
    await blocker.connect();
    let first: Promise<AuditRetentionResult> | undefined;
    try {
      await blocker.startTransaction();
      await blocker.query('LOCK TABLE audit_events IN SHARE MODE');
      first = run();
      await waitUntil(async () => {
        const rows = await t.db.query<Array<{ held: boolean }>>(
          `SELECT count(*) > 0 AS held FROM pg_locks
           WHERE locktype = 'advisory' AND classid = $1 AND objid = $2 AND objsubid = 2 AND granted`,
          [...AUDIT_RETENTION_LOCK_KEYS],
        );
        return rows[0]?.held === true;
      });
      expect(await run()).toEqual({ status: 'skipped' });
    } finally {
      if (blocker.isTransactionActive) await blocker.commitTransaction();
      await blocker.release();
    }
    const result = await first;
    expect(result.status).toBe('done');
    expect(tenantOf(result, tenantId)?.eventsDeleted).toBe(2);
    for (const id of old) expect(await eventIds(tenantId)).not.toContain(id);
  });

  it('stops between batches when its signal aborts (shutdown) and releases the lock', async () => {
    const { setRetention, insertEvent, eventIds } = helpers(t);
    const { tenantId } = await tenantWithToken(t.server);
    await setRetention(tenantId, 1);
    const old = await insertEvent(tenantId, 3);
    const service = t.app.get(AuditRetentionService);

    const aborted = await service.deleteExpired({ signal: AbortSignal.abort() });
    expect(aborted).toEqual({ status: 'aborted', eventsDeleted: 0, tenants: [] });
    expect(await eventIds(tenantId)).toContain(old);

    const next = await service.deleteExpired();
    expect(tenantOf(next, tenantId)?.eventsDeleted).toBe(1);
    await expect(service.deleteExpired({ batchSize: 0 })).rejects.toThrow(RangeError);
  });

  it('runs on demand from the CLI (purge-audit-events)', async () => {
    const { setRetention, insertEvent, eventIds } = helpers(t);
    const { tenantId } = await tenantWithToken(t.server);
    await setRetention(tenantId, 2);
    const old = await insertEvent(tenantId, 3);
    const kept = await insertEvent(tenantId, 1);

    const output = cliJson<{ status: string; eventsDeleted: number; tenants: unknown[] }>(
      await runCli(['purge-audit-events'], childEnv({ LOG_LEVEL: 'warn' })),
    );
    expect(output.status).toBe('done');
    expect(output.tenants).toContainEqual({ tenantId, retentionDays: 2, eventsDeleted: 1 });
    const left = await eventIds(tenantId);
    expect(left).toContain(kept);
    expect(left).not.toContain(old);
  });
});

describe('audit retention on its schedule', () => {
  withEnv('AUDIT_RETENTION_INTERVAL_MS', '1000');
  const t = useApp();

  it('runs by itself every AUDIT_RETENTION_INTERVAL_MS and writes its audit row', async () => {
    const { setRetention, insertEvent, eventIds, jobRows } = helpers(t);
    expect(t.app.get(SchedulerRegistry).doesExist('timeout', AUDIT_RETENTION_JOB_NAME)).toBe(true);
    const { tenantId } = await tenantWithToken(t.server);
    await setRetention(tenantId, 1);
    const old = await insertEvent(tenantId, 2);

    await waitUntil(async () => !(await eventIds(tenantId)).includes(old));
    await waitUntil(async () => (await jobRows(tenantId)).length === 1);
    expect((await jobRows(tenantId))[0]?.counts).toEqual({ deleted: 1 });
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
