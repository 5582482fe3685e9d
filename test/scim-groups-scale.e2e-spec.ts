// Groups at scale (issue 5): a group of 100 000 members costs a membership PATCH and an Entra read
// (`excludedAttributes=members`) no more SQL statements than a group of 10. The users and the
// memberships are seeded with `INSERT … SELECT` statements in the test's own tenant; the measured
// operations go through HTTP. Every statement the app sends while one request runs is counted on the clients
// of its pg pool (TypeORM's transactions and the prepared statements of src/database/prepared*.ts
// both take their clients from it). Background statements that can land inside a request by
// chance (a buffered audit flush, the token's once-a-minute `last_used_at`, a token state re-read)
// are kept out by flushing the audit buffer first and by taking the least of three runs of each
// operation; the counts of every run are printed. Timings are printed for information only.
import type { EventEmitter } from 'node:events';
import { performance } from 'node:perf_hooks';
import type { Response } from 'supertest';
import { AuditService } from '../src/audit/audit.service.js';
import { tenantWithToken, useApp, type TenantWithToken } from './support/app.js';
import { entraGroup, scimGroupsClient, type ScimGroupsClient } from './support/scim-groups.js';
import { CORE_USER, PATCH_OP } from './support/scim-users.js';

/** Members of the large group (issue 5: 100 000). */
const LARGE = 100_000;
/** Members of the small group it is compared with. */
const SMALL = 10;
/** Runs of each operation per group; the least count is compared (see the header). */
const RUNS = 3;
/** Users seeded beyond the large group, added to both groups by the measured PATCHes. */
const SPARE = 2 * RUNS;

interface PgClientLike {
  query(...args: unknown[]): unknown;
}

/** One statement a request sent, and how many rows came back (set when its answer arrives). */
interface Statement {
  readonly text: string;
  rows?: number;
}

const rowsOf = (result: unknown): number | undefined => {
  const rows = (result as { rows?: unknown } | null | undefined)?.rows;
  return Array.isArray(rows) ? rows.length : undefined;
};

/**
 * Counts the statements the app's pg pool sends: every client the pool hands out (to TypeORM's
 * query runners and to `pool.query` alike) gets its `query` wrapped once; while a recording is
 * open, each call is noted with its SQL text and, once answered, the number of rows returned
 * (printed for information: a statement that read the whole member list would show there).
 */
class StatementRecorder {
  private readonly wrapped = new WeakSet<object>();
  private recording?: Statement[];

  constructor(pool: EventEmitter) {
    // pg-pool emits `acquire` on every check-out, idle clients included, before the caller's
    // first query on it.
    pool.on('acquire', (client: PgClientLike) => this.wrap(client));
  }

  start(): void {
    this.recording = [];
  }

  stop(): Statement[] {
    const statements = this.recording ?? [];
    this.recording = undefined;
    return statements;
  }

  private wrap(client: PgClientLike): void {
    if (this.wrapped.has(client)) return;
    this.wrapped.add(client);
    const query = client.query;
    const note = (sent: unknown): Statement | undefined => {
      if (!this.recording) return undefined;
      const text =
        typeof sent === 'string' ? sent : String((sent as { text?: unknown } | null)?.text ?? sent);
      const statement: Statement = { text: text.replace(/\s+/g, ' ').trim() };
      this.recording.push(statement);
      return statement;
    };
    client.query = function (this: unknown, ...args: unknown[]): unknown {
      const statement = note(args[0]);
      const callback = args[args.length - 1];
      if (statement && typeof callback === 'function') {
        // pool.query (the prepared statements) passes a callback…
        args[args.length - 1] = (error: unknown, result: unknown): unknown => {
          statement.rows = rowsOf(result);
          return (callback as (error: unknown, result: unknown) => unknown)(error, result);
        };
      }
      const returned = query.apply(this, args);
      if (statement && returned instanceof Promise) {
        // …TypeORM's query runner awaits the promise.
        returned.then(
          (result) => (statement.rows = rowsOf(result)),
          () => undefined,
        );
      }
      return returned;
    };
  }
}

interface Run {
  readonly res: Response;
  readonly statements: Statement[];
  readonly ms: number;
}

interface Compared {
  readonly small: Run[];
  readonly large: Run[];
}

/** The run with the fewest statements. */
const fewest = (runs: readonly Run[]): Run =>
  runs.reduce((best, run) => (run.statements.length < best.statements.length ? run : best));

/** One seeded user per ordinal: `scale-<i>@example.com`, externalId `<i>`. */
const SEED_USERS = `
  INSERT INTO scim_users (tenant_id, id, user_name, external_id, display_name, resource)
  SELECT $1::uuid, gen_random_uuid(), u.user_name, u.i::text, u.display_name,
         jsonb_build_object('schemas', jsonb_build_array('${CORE_USER}'),
                            'externalId', u.i::text, 'userName', u.user_name,
                            'displayName', u.display_name, 'active', true)
  FROM (SELECT i, 'scale-' || i || '@example.com' AS user_name, 'Scale User ' || i AS display_name
        FROM generate_series(1, $2::int) AS i) u`;

/** Users 1 … $3 into group $2 of tenant $1 (the seeded externalId is the ordinal). */
const SEED_MEMBERS = `
  INSERT INTO group_members (tenant_id, group_id, member_id, member_type)
  SELECT $1::uuid, $2::uuid, u.id, 'User'
  FROM scim_users u
  WHERE u.tenant_id = $1 AND u.external_id::int <= $3::int`;

describe('SCIM Groups at scale', () => {
  const t = useApp();
  // Nested, so that its afterAll (the clean-up) runs before useApp's closes the app.
  describe('statements per request do not grow with the group', () => {
    let tenant: TenantWithToken;
    let scim: ScimGroupsClient;
    let recorder: StatementRecorder;
    let audit: AuditService;
    /** Seeded user ids by ordinal (1-based); only the ones the tests use. */
    const userIds = new Map<number, string>();
    const groups = { small: '', large: '' };

    const userId = (ordinal: number): string => {
      const id = userIds.get(ordinal);
      if (!id) throw new Error(`user ${ordinal} was not seeded`);
      return id;
    };

    const memberIds = async (groupId: string, ids: readonly string[]): Promise<string[]> => {
      const rows = await t.db.query<{ member_id: string }[]>(
        `SELECT member_id FROM group_members
        WHERE tenant_id = $1 AND group_id = $2 AND member_id = ANY ($3::uuid[])`,
        [tenant.tenantId, groupId, ids],
      );
      return rows.map((row) => row.member_id).sort();
    };

    const memberCount = async (groupId: string): Promise<number> => {
      const [row] = await t.db.query<{ n: number }[]>(
        'SELECT count(*)::int AS n FROM group_members WHERE tenant_id = $1 AND group_id = $2',
        [tenant.tenantId, groupId],
      );
      return row?.n ?? -1;
    };

    /** One request with the statements the app sent while it ran. */
    const measure = async (send: () => PromiseLike<Response>): Promise<Run> => {
      await audit.flush(); // no buffered audit rows left to be written in the middle of it
      recorder.start();
      const started = performance.now();
      let statements: Statement[];
      let res: Response;
      try {
        res = await send();
      } finally {
        statements = recorder.stop();
      }
      return { res, statements, ms: performance.now() - started };
    };

    /**
     * Runs `operation(group, run)` {@link RUNS} times on each group, alternating, prints both, and
     * answers the runs; the caller asserts.
     */
    const compare = async (
      label: string,
      operation: (groupId: string, run: number) => PromiseLike<Response>,
    ): Promise<Compared> => {
      const small: Run[] = [];
      const large: Run[] = [];
      for (let run = 0; run < RUNS; run++) {
        small.push(await measure(() => operation(groups.small, run)));
        large.push(await measure(() => operation(groups.large, run)));
      }
      const rows = (run: Run): number =>
        run.statements.reduce((sum, statement) => sum + (statement.rows ?? 0), 0);
      const line = (size: number, runs: readonly Run[]): string =>
        `  ${String(size).padStart(6)} members: ${fewest(runs).statements.length} statements ` +
        `returning ${rows(fewest(runs))} rows (runs: ${runs.map((r) => r.statements.length).join(', ')}` +
        ` statements; ${runs.map((r) => r.ms.toFixed(1)).join(' / ')} ms)`;
      console.log(
        [
          `${label}`,
          line(SMALL, small),
          line(LARGE, large),
          `  statements (${LARGE} members):`,
          ...fewest(large).statements.map(
            (s) => `    [${s.rows ?? '?'} rows] ${s.text.slice(0, 150)}`,
          ),
        ].join('\n'),
      );
      return { small, large };
    };

    beforeAll(async () => {
      const pool = (t.db.driver as unknown as { master: EventEmitter }).master;
      recorder = new StatementRecorder(pool);
      audit = t.app.get(AuditService);
      tenant = await tenantWithToken(t.server);
      scim = scimGroupsClient(t.server, tenant);

      for (const [key, name] of [
        ['small', `Scale ${SMALL}`],
        ['large', `Scale ${LARGE}`],
      ] as const) {
        const res = await scim.create(entraGroup(name));
        expect(res.status).toBe(201);
        groups[key] = scim.json(res).id as string;
      }

      const started = performance.now();
      await t.db.query(SEED_USERS, [tenant.tenantId, LARGE + SPARE]);
      await t.db.query(SEED_MEMBERS, [tenant.tenantId, groups.large, LARGE]);
      await t.db.query(SEED_MEMBERS, [tenant.tenantId, groups.small, SMALL]);
      // The planner learns of the new tenant as autovacuum would after such a load.
      await t.db.query('ANALYZE scim_users, group_members');
      console.log(
        `seeded ${LARGE + SPARE} users and ${LARGE + SMALL} memberships in ` +
          `${(performance.now() - started).toFixed(0)} ms`,
      );

      const ordinals = [
        ...Array.from({ length: RUNS }, (_, i) => i + 1),
        ...Array.from({ length: SPARE }, (_, i) => LARGE + i + 1),
      ];
      const rows = await t.db.query<{ id: string; ordinal: string }[]>(
        `SELECT id, external_id AS ordinal FROM scim_users
        WHERE tenant_id = $1 AND external_id = ANY ($2::text[])`,
        [tenant.tenantId, ordinals.map(String)],
      );
      for (const row of rows) userIds.set(Number(row.ordinal), row.id);
      expect(userIds.size).toBe(ordinals.length);
      expect(await memberCount(groups.large)).toBe(LARGE);
      expect(await memberCount(groups.small)).toBe(SMALL);

      // Warm-up: token state cached, statements prepared on some connections, routes compiled.
      for (const id of [groups.small, groups.large]) {
        expect((await scim.get(id, '?excludedAttributes=members')).status).toBe(200);
      }
    }, 180_000);

    afterAll(async () => {
      // Tenants are never deleted (audit_events is append-only), but 100 000 users and memberships
      // need not stay in a shared test database.
      if (!tenant) return;
      await t.db.query('DELETE FROM group_members WHERE tenant_id = $1', [tenant.tenantId]);
      await t.db.query('DELETE FROM scim_groups WHERE tenant_id = $1', [tenant.tenantId]);
      await t.db.query('DELETE FROM scim_users WHERE tenant_id = $1', [tenant.tenantId]);
    }, 60_000);

    it('adds 1 member with no more statements on 100 000 members than on 10', async () => {
      // Run r adds spare user LARGE+1+r to the small group and LARGE+1+RUNS+r to the large one.
      const added = { small: [] as string[], large: [] as string[] };
      const { small, large } = await compare('PATCH add 1 member', (groupId, run) => {
        const key = groupId === groups.large ? 'large' : 'small';
        const id = userId(LARGE + 1 + run + (key === 'large' ? RUNS : 0));
        added[key].push(id);
        return scim.call('patch', `/scim/v2/Groups/${groupId}`, {
          schemas: [PATCH_OP],
          Operations: [{ op: 'Add', path: 'members', value: [{ $ref: null, value: id }] }],
        });
      });

      for (const run of [...small, ...large]) expect(run.res.status).toBe(204);
      expect(fewest(large).statements.length).toBeLessThanOrEqual(fewest(small).statements.length);
      // The counting sees the membership INSERT (a prepared statement in the transaction) and the
      // audit row written with it.
      for (const { statements } of [fewest(small), fewest(large)]) {
        expect(statements.some((s) => s.text.includes('INSERT INTO group_members'))).toBe(true);
        expect(statements.some((s) => s.text.includes('INSERT INTO audit_events'))).toBe(true);
      }

      expect(await memberIds(groups.small, added.small)).toEqual([...added.small].sort());
      expect(await memberIds(groups.large, added.large)).toEqual([...added.large].sort());
      expect(await memberCount(groups.small)).toBe(SMALL + RUNS);
      expect(await memberCount(groups.large)).toBe(LARGE + RUNS);
      // …and a filter over the members finds the large group by its new member.
      const found = await scim.list(
        `?filter=${encodeURIComponent(`members[value eq "${added.large[0]}"]`)}&excludedAttributes=members`,
      );
      expect(found.status).toBe(200);
      const body = scim.json(found);
      expect(body.totalResults).toBe(1);
      expect((body.Resources as { id: string }[])[0]?.id).toBe(groups.large);
    });

    it('removes 1 member with no more statements on 100 000 members than on 10', async () => {
      // Run r removes seeded user r + 1, a member of both groups.
      const removed = Array.from({ length: RUNS }, (_, run) => userId(run + 1));
      const before = {
        small: await memberCount(groups.small),
        large: await memberCount(groups.large),
      };
      expect(await memberIds(groups.large, removed)).toEqual([...removed].sort());
      expect(await memberIds(groups.small, removed)).toEqual([...removed].sort());

      const { small, large } = await compare('PATCH remove 1 member', (groupId, run) =>
        scim.call('patch', `/scim/v2/Groups/${groupId}`, {
          schemas: [PATCH_OP],
          Operations: [{ op: 'Remove', path: `members[value eq "${removed[run]}"]` }],
        }),
      );

      for (const run of [...small, ...large]) expect(run.res.status).toBe(204);
      expect(fewest(large).statements.length).toBeLessThanOrEqual(fewest(small).statements.length);
      for (const { statements } of [fewest(small), fewest(large)]) {
        expect(statements.some((s) => s.text.includes('DELETE FROM group_members'))).toBe(true);
        expect(statements.some((s) => s.text.includes('INSERT INTO audit_events'))).toBe(true);
      }

      expect(await memberIds(groups.small, removed)).toEqual([]);
      expect(await memberIds(groups.large, removed)).toEqual([]);
      expect(await memberCount(groups.small)).toBe(before.small - RUNS);
      expect(await memberCount(groups.large)).toBe(before.large - RUNS);
    });

    it('GET ?excludedAttributes=members: no more statements on 100 000 members than on 10, and none on group_members', async () => {
      const { small, large } = await compare('GET /Groups/{id}?excludedAttributes=members', (id) =>
        scim.get(id, '?excludedAttributes=members'),
      );

      for (const [runs, id, name] of [
        [small, groups.small, `Scale ${SMALL}`],
        [large, groups.large, `Scale ${LARGE}`],
      ] as const) {
        for (const { res } of runs) {
          expect(res.status).toBe(200);
          expect(res.headers.etag).toMatch(/^W\/"\d+"$/);
          const group = scim.json(res);
          expect(group).toMatchObject({ id, displayName: name });
          expect(group).not.toHaveProperty('members');
        }
        expect(fewest(runs).statements.length).toBeGreaterThan(0);
        for (const { statements } of runs) {
          expect(statements.filter((s) => s.text.includes('group_members'))).toEqual([]);
        }
      }
      expect(fewest(large).statements.length).toBeLessThanOrEqual(fewest(small).statements.length);
    });
  });
});
