// Audit log and sync state at scale: `npm run bench:audit` (issue 6). Builds, then makes sure the
// kept database `muster_bench_audit` (next to DATABASE_URL's database, else in an embedded
// PostgreSQL under .data/bench) holds 10 million audit events across 100 tenants (seeded once in
// SQL, see bench/audit-seed.ts, and reused by later runs; `--reseed` starts over), starts the
// built server on it as production runs it (one `node dist/src/main.js`, NODE_ENV=production,
// the purge and audit-retention jobs off so that the kept data stays as seeded), and measures,
// over GraphQL on 127.0.0.1 with the bench's ADMIN_TOKEN, for the largest tenant (1.8 M events)
// and a median one (~36 k), each query BENCH_RUNS times one after another after BENCH_WARMUPS
// discarded runs:
//
// - `auditEvents(first: 50)` unfiltered, its second page, and filtered by `resourceId` (the
//   tenant's busiest user), `status: 409`, `requestId` (one from the middle of its history) and
//   `outcome: CLIENT_ERROR`;
// - `syncState` in full (status, lastError, currentCycle, cycles(first: 10) with counts per
//   resource type, counts, errorBreakdown(24h), tokens), and its parts `cycles(first: 10)`,
//   `counts` and `status` alone;
// - once, `{ __typename }`: the HTTP + Apollo floor under every figure.
//
// Every response is checked (no GraphQL errors; each node matches its filter; pages newest first
// without overlap; directory counts equal to the tables'); prints p50/p95/max ms per query and,
// with BENCH_EXPLAIN=1, the EXPLAIN (ANALYZE, BUFFERS) summary of each statement behind it, built
// by the repositories' own code (`auditEventsQuery`, `SYNC_QUERIES`). Timings are reported, never
// asserted: exits 1 only when a query answered errors or a wrong result.
//
// `--reseed` (or BENCH_RESEED=1), `--seed-only` (seed, check the seed, stop), `--check-seed`
// (the seed checks on a reused seed too). BENCH_RUNS (50), BENCH_WARMUPS (5), BENCH_EXPLAIN,
// BENCH_SCENARIOS (`audit` or `sync`), BENCH_AUDIT_EVENTS (10000000), BENCH_AUDIT_TENANTS (100),
// BENCH_AUDIT_DB (muster_bench_audit), LOG_LEVEL (warn). Loopback only, bounded, never part of
// `npm test`.
import { loadavg } from 'node:os';
import { Client } from 'pg';
import {
  auditEventsQuery,
  type AuditLogFilter,
  type AuditLogPosition,
} from '../src/audit/audit-log.repository.js';
import {
  ensureSeed,
  openBenchDatabase,
  type BenchDatabase,
  type SeedSummary,
  type SeededTenant,
} from './audit-seed.js';
import { likePrefixPattern } from '../src/sync/sync-cycles.js';
import { SYNC_QUERIES } from '../src/sync/sync-state.repository.js';
import { runBench, startServer, type RunningServer } from './support.js';

const args = new Set(process.argv.slice(2));
const RESEED = args.has('--reseed') || process.env.BENCH_RESEED === '1';
const SEED_ONLY = args.has('--seed-only');
const CHECK_SEED = args.has('--check-seed');
const RUNS = Number(process.env.BENCH_RUNS ?? 50);
const WARMUPS = Number(process.env.BENCH_WARMUPS ?? 5);
const EVENTS = Number(process.env.BENCH_AUDIT_EVENTS ?? 10_000_000);
const TENANTS = Number(process.env.BENCH_AUDIT_TENANTS ?? 100);
const DB_NAME = process.env.BENCH_AUDIT_DB ?? 'muster_bench_audit';
const LOG_LEVEL = process.env.LOG_LEVEL ?? 'warn';
const EXPLAIN = process.env.BENCH_EXPLAIN === '1';
/** `BENCH_SCENARIOS=audit` or `sync`: only those queries (and the floor). */
const ONLY = process.env.BENCH_SCENARIOS?.split(',').map((name) => name.trim());
const PAGE = 50;

const EVENT_FIELDS = `id at requestId tokenId channel method path resourceType resourceId
  operation status outcome scimType detail durationMs changedAttributes`;

const AUDIT_EVENTS = `query AuditEvents($tenantId: ID!, $filter: AuditEventFilter, $after: String) {
  auditEvents(tenantId: $tenantId, filter: $filter, first: ${PAGE}, after: $after) {
    edges { cursor node { ${EVENT_FIELDS} } }
    pageInfo { hasNextPage endCursor }
  }
}`;

const CYCLE_FIELDS = `id startedAt endedAt inProgress requests creates updates deletes failures
  errorRate byResourceType { resourceType requests creates updates deletes failures }`;

const SYNC_STATE = `query SyncState($tenantId: ID!) {
  syncState(tenantId: $tenantId) {
    tenantId status statusReason lastRequestAt lastSuccessAt cycleGapMinutes
    lastError { eventId at status scimType detail requestId method path resourceType resourceId }
    currentCycle { ${CYCLE_FIELDS} }
    cycles(first: 10) { edges { cursor node { ${CYCLE_FIELDS} } } pageInfo { hasNextPage endCursor } }
    counts { users activeUsers deletedUsersAwaitingPurge groups roleGroups }
    errorBreakdown(window: "24h") { status scimType count lastAt sampleRequestId sampleDetail }
    tokens { active expiringWithin30Days lastUsedAt }
  }
}`;

const SYNC_CYCLES = `query SyncCycles($tenantId: ID!) {
  syncState(tenantId: $tenantId) {
    cycles(first: 10) { edges { cursor node { ${CYCLE_FIELDS} } } pageInfo { hasNextPage endCursor } }
  }
}`;

const SYNC_COUNTS = `query SyncCounts($tenantId: ID!) {
  syncState(tenantId: $tenantId) {
    counts { users activeUsers deletedUsersAwaitingPurge groups roleGroups }
  }
}`;

const SYNC_STATUS = `query SyncStatus($tenantId: ID!) {
  syncState(tenantId: $tenantId) { status statusReason lastRequestAt }
}`;

interface AuditNode {
  readonly id: string;
  readonly at: string;
  readonly requestId: string | null;
  readonly resourceId: string | null;
  readonly status: number;
  readonly outcome: string;
}

interface AuditPage {
  readonly auditEvents: {
    readonly edges: readonly { readonly cursor: string; readonly node: AuditNode }[];
    readonly pageInfo: { readonly hasNextPage: boolean; readonly endCursor: string | null };
  };
}

interface SyncStateData {
  readonly syncState: {
    readonly status: string;
    readonly statusReason?: string;
    readonly lastRequestAt?: string | null;
    readonly cycles?: { readonly edges: readonly { readonly node: { requests: number } }[] };
    readonly counts?: Record<string, number>;
    readonly errorBreakdown?: readonly { status: number; scimType: string | null; count: number }[];
    readonly tokens?: Record<string, unknown>;
    readonly currentCycle?: unknown;
    readonly lastError?: { readonly status: number; readonly requestId: string | null } | null;
  };
}

/** A query of the table: what it asks, and what a right answer looks like (a reason when wrong). */
interface Scenario {
  readonly name: string;
  readonly query: string;
  readonly variables: Record<string, unknown>;
  /** Rows (nodes or cycles) in the answer; a string when the answer is wrong. */
  readonly check: (data: unknown) => number | string;
  readonly group: 'floor' | 'audit' | 'sync';
  /** The repository's page query for BENCH_EXPLAIN: the filter and position it is built from. */
  readonly explain?: readonly ExplainQuery[];
}

/** A statement the server runs for a query, as the repository builds it, for BENCH_EXPLAIN. */
interface ExplainQuery {
  readonly label: string;
  readonly sql: string;
  readonly params: readonly unknown[];
  /** Run with `jit = off`, as the repository does for it. */
  readonly jitOff?: boolean;
}

/** The repository's page query (`first` + 1 rows, as the service asks). */
const pageQuery = (
  tenantId: string,
  filter: AuditLogFilter,
  after: AuditLogPosition | null = null,
): ExplainQuery[] => [{ label: 'page', ...auditEventsQuery(tenantId, filter, after, PAGE + 1) }];

/** The statements behind `syncState` in full (cycles also once with limit 1: the status's). */
function syncQueries(tenantId: string): ExplainQuery[] {
  const now = new Date();
  const gapMs = 10 * 60_000;
  return [
    { label: 'lastRequestAt', sql: SYNC_QUERIES.lastRequestAt, params: [tenantId] },
    { label: 'lastSuccessAt', sql: SYNC_QUERIES.lastSuccessAt, params: [tenantId] },
    { label: 'lastError', sql: SYNC_QUERIES.lastError, params: [tenantId] },
    {
      label: 'cycles (1, status)',
      sql: SYNC_QUERIES.cycles,
      params: [tenantId, gapMs, null, 1],
      jitOff: true,
    },
    {
      label: 'cycles (10)',
      sql: SYNC_QUERIES.cycles,
      params: [tenantId, gapMs, null, 10],
      jitOff: true,
    },
    {
      label: 'errorBreakdown (24h)',
      sql: SYNC_QUERIES.errorBreakdown,
      params: [tenantId, new Date(now.getTime() - 24 * 3_600_000)],
    },
    {
      label: 'counts',
      sql: SYNC_QUERIES.counts,
      params: [tenantId, likePrefixPattern('role.')],
    },
    { label: 'tokens', sql: SYNC_QUERIES.tokens, params: [tenantId, now] },
  ];
}

interface Measured {
  readonly tenant: string;
  readonly scenario: Scenario;
  readonly rows: number | string;
  readonly p50: number;
  readonly p95: number;
  readonly max: number;
  readonly errors: string[];
  readonly plan?: string;
}

type Gql = (query: string, variables: Record<string, unknown>) => Promise<GqlAnswer>;
interface GqlAnswer {
  readonly ms: number;
  readonly data?: unknown;
  readonly errors?: unknown;
}

function client(server: RunningServer): Gql {
  return async (query, variables) => {
    const started = process.hrtime.bigint();
    const response = await fetch(`${server.base}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${server.adminToken}` },
      body: JSON.stringify({ query, variables }),
    });
    const body = (await response.json()) as { data?: unknown; errors?: unknown };
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    return {
      ms,
      data: body.data,
      errors: body.errors ?? (response.ok ? undefined : response.status),
    };
  };
}

const percentile = (sorted: readonly number[], p: number): number =>
  sorted[Math.min(sorted.length - 1, Math.ceil(sorted.length * p) - 1)] ?? NaN;

async function measure(gql: Gql, tenant: string, scenario: Scenario): Promise<Measured> {
  const latencies: number[] = [];
  const errors: string[] = [];
  let rows: number | string = 0;
  for (let run = 0; run < WARMUPS + RUNS; run++) {
    const answer = await gql(scenario.query, scenario.variables);
    if (answer.errors !== undefined || answer.data == null) {
      if (errors.length < 3) errors.push(JSON.stringify(answer.errors ?? answer).slice(0, 400));
      continue;
    }
    if (run === 0) rows = scenario.check(answer.data);
    if (run >= WARMUPS) latencies.push(answer.ms);
  }
  latencies.sort((a, b) => a - b);
  return {
    tenant,
    scenario,
    rows,
    p50: percentile(latencies, 0.5),
    p95: percentile(latencies, 0.95),
    max: latencies.at(-1) ?? NaN,
    errors,
  };
}

const nodesOf = (data: unknown): readonly AuditNode[] =>
  (data as AuditPage).auditEvents.edges.map(({ node }) => node);

/** Newest first by (at, id) — the order of the keyset — with no row twice. */
function ordered(nodes: readonly AuditNode[]): boolean {
  return nodes.every((node, i) => {
    const previous = nodes[i - 1];
    return !previous || Date.parse(previous.at) >= Date.parse(node.at);
  });
}

function pageCheck(
  expected: number,
  matches: (node: AuditNode) => boolean,
  what: string,
): (data: unknown) => number | string {
  return (data) => {
    const nodes = nodesOf(data);
    if (nodes.length !== expected) return `${nodes.length} rows, expected ${expected}`;
    const wrong = nodes.find((node) => !matches(node));
    if (wrong) return `a row that is not ${what}: ${JSON.stringify(wrong)}`;
    if (!ordered(nodes)) return 'rows not newest first';
    return nodes.length;
  };
}

interface TargetFacts {
  readonly tenant: SeededTenant;
  readonly busyResource: string;
  readonly busyEvents: number;
  readonly conflicts: number;
  readonly clientErrors: number;
  readonly requestId: string;
  readonly secondPageAfter: string | null;
  /** The last row of the first page, as the repository's keyset takes it. */
  readonly secondPagePosition?: AuditLogPosition;
  readonly firstPageIds: ReadonlySet<string>;
  readonly directory: Record<string, number>;
}

/** What the checks compare with, read from the tables (and the first page, for the second). */
async function factsOf(
  sql: Client,
  gql: Gql,
  tenant: SeededTenant,
  anchor: Date,
): Promise<TargetFacts> {
  const id = tenant.tenantId;
  const { rows: busy } = await sql.query<{ resource: string; n: number }>(
    `SELECT md5($1::uuid::text || ':user:0')::uuid::text AS resource,
            (SELECT count(*)::int FROM audit_events
              WHERE tenant_id = $1 AND resource_id = md5($1::uuid::text || ':user:0')::uuid::text) AS n`,
    [id],
  );
  const { rows: failures } = await sql.query<{ conflicts: number; client: number }>(
    `SELECT count(*) FILTER (WHERE status = 409)::int AS conflicts,
            count(*) FILTER (WHERE status BETWEEN 400 AND 499)::int AS client
       FROM audit_events WHERE tenant_id = $1 AND status >= 400`,
    [id],
  );
  // A request from the middle of the tenant's history (well off the first pages).
  const { rows: middle } = await sql.query<{ request_id: string }>(
    `SELECT request_id FROM audit_events
      WHERE tenant_id = $1 AND at < (SELECT first_cycle_at + ($2::timestamptz - first_cycle_at) / 2
                                       FROM bench_audit_tenants WHERE tenant_id = $1)
        AND channel = 'scim'
      ORDER BY at DESC LIMIT 1`,
    [id, anchor],
  );
  const { rows: directory } = await sql.query<Record<string, number>>(
    `SELECT (SELECT count(*)::int FROM scim_users WHERE tenant_id = $1 AND deleted_at IS NULL) AS users,
            (SELECT count(*)::int FROM scim_users WHERE tenant_id = $1 AND deleted_at IS NULL AND active) AS "activeUsers",
            (SELECT count(*)::int FROM scim_users WHERE tenant_id = $1 AND deleted_at IS NOT NULL) AS "deletedUsersAwaitingPurge",
            (SELECT count(*)::int FROM scim_groups WHERE tenant_id = $1) AS groups,
            (SELECT count(*)::int FROM scim_groups WHERE tenant_id = $1 AND lower(display_name) LIKE 'role.%') AS "roleGroups"`,
    [id],
  );
  const first = await gql(AUDIT_EVENTS, { tenantId: id });
  const page = first.data as AuditPage | undefined;
  const firstPage = auditEventsQuery(id, {}, null, PAGE);
  const { rows: firstRows } = await sql.query<{ atMicros: string; id: string }>(
    firstPage.sql,
    firstPage.params,
  );
  const last = firstRows.at(-1);
  return {
    tenant,
    busyResource: busy[0]?.resource ?? '',
    busyEvents: busy[0]?.n ?? 0,
    conflicts: failures[0]?.conflicts ?? 0,
    clientErrors: failures[0]?.client ?? 0,
    requestId: middle[0]?.request_id ?? '',
    secondPageAfter: page?.auditEvents.pageInfo.endCursor ?? null,
    ...(last ? { secondPagePosition: { atMicros: last.atMicros, id: last.id } } : {}),
    firstPageIds: new Set(page?.auditEvents.edges.map(({ node }) => node.id) ?? []),
    directory: directory[0] ?? {},
  };
}

/** The floor of every figure: an HTTP round trip through Apollo that reads nothing. */
const FLOOR: Scenario = {
  name: 'floor: { __typename } (no resolver, no SQL)',
  group: 'floor',
  query: '{ __typename }',
  variables: {},
  check: (data) => ((data as { __typename?: string }).__typename === 'Query' ? 0 : 'no Query'),
};

function scenariosFor(facts: TargetFacts): Scenario[] {
  const tenantId = facts.tenant.tenantId;
  const page = (
    filter: Record<string, unknown> | undefined,
    after?: string | null,
  ): Record<string, unknown> => ({
    tenantId,
    ...(filter ? { filter } : {}),
    ...(after ? { after } : {}),
  });
  const all: Scenario[] = [
    {
      name: 'auditEvents first 50, unfiltered',
      group: 'audit',
      query: AUDIT_EVENTS,
      variables: page(undefined),
      check: pageCheck(PAGE, () => true, 'any'),
      explain: pageQuery(tenantId, {}),
    },
    {
      name: 'auditEvents 2nd page, unfiltered',
      group: 'audit',
      query: AUDIT_EVENTS,
      variables: page(undefined, facts.secondPageAfter),
      check: (data) => {
        const nodes = nodesOf(data);
        if (nodes.some((node) => facts.firstPageIds.has(node.id))) return 'overlaps page 1';
        return pageCheck(PAGE, () => true, 'any')(data);
      },
      ...(facts.secondPagePosition
        ? { explain: pageQuery(tenantId, {}, facts.secondPagePosition) }
        : {}),
    },
    {
      name: `auditEvents resourceId (busiest user, ${facts.busyEvents} ev.)`,
      group: 'audit',
      query: AUDIT_EVENTS,
      variables: page({ resourceId: facts.busyResource }),
      check: pageCheck(
        Math.min(PAGE, facts.busyEvents),
        (node) => node.resourceId === facts.busyResource,
        `of ${facts.busyResource}`,
      ),
      explain: pageQuery(tenantId, { resourceId: facts.busyResource }),
    },
    {
      name: `auditEvents status 409 (${facts.conflicts} ev.)`,
      group: 'audit',
      query: AUDIT_EVENTS,
      variables: page({ status: 409 }),
      check: pageCheck(Math.min(PAGE, facts.conflicts), (node) => node.status === 409, 'a 409'),
      explain: pageQuery(tenantId, { status: 409 }),
    },
    {
      name: 'auditEvents requestId (one request)',
      group: 'audit',
      query: AUDIT_EVENTS,
      variables: page({ requestId: facts.requestId }),
      check: pageCheck(1, (node) => node.requestId === facts.requestId, facts.requestId),
      explain: pageQuery(tenantId, { requestId: facts.requestId }),
    },
    {
      name: `auditEvents outcome CLIENT_ERROR (${facts.clientErrors} ev.)`,
      group: 'audit',
      query: AUDIT_EVENTS,
      variables: page({ outcome: 'CLIENT_ERROR' }),
      check: pageCheck(
        Math.min(PAGE, facts.clientErrors),
        (node) => node.status >= 400 && node.status < 500 && node.outcome === 'CLIENT_ERROR',
        'a 4xx',
      ),
      explain: pageQuery(tenantId, { outcome: 'clientError' }),
    },
    {
      name: 'syncState full',
      group: 'sync',
      query: SYNC_STATE,
      variables: { tenantId },
      check: (data) => {
        const state = (data as SyncStateData).syncState;
        for (const [key, expected] of Object.entries(facts.directory)) {
          if (state.counts?.[key] !== expected) {
            return `counts.${key} = ${String(state.counts?.[key])}, the tables say ${expected}`;
          }
        }
        const cycles = state.cycles?.edges.length ?? 0;
        if (cycles !== 10) return `${cycles} cycles, expected 10`;
        return cycles;
      },
      explain: syncQueries(tenantId),
    },
    {
      name: 'syncState { cycles(first: 10) } only',
      group: 'sync',
      query: SYNC_CYCLES,
      variables: { tenantId },
      check: (data) => {
        const cycles = (data as SyncStateData).syncState.cycles?.edges.length ?? 0;
        return cycles === 10 ? cycles : `${cycles} cycles, expected 10`;
      },
    },
    {
      name: 'syncState { counts } only',
      group: 'sync',
      query: SYNC_COUNTS,
      variables: { tenantId },
      check: (data) => {
        const counts = (data as SyncStateData).syncState.counts;
        return counts?.users === facts.directory.users ? 1 : `users ${String(counts?.users)}`;
      },
    },
    {
      name: 'syncState { status } only',
      group: 'sync',
      query: SYNC_STATUS,
      variables: { tenantId },
      check: (data) => ((data as SyncStateData).syncState.status ? 1 : 'no status'),
    },
  ];
  return all.filter((scenario) => !ONLY || ONLY.includes(scenario.group));
}

/**
 * The EXPLAIN (ANALYZE, BUFFERS) lines that sum each statement's plan up: the first scan, the
 * top node's buffers, and the times. Run after the timed runs, on the bench's own connection.
 */
async function explain(sql: Client, scenario: Scenario): Promise<string | undefined> {
  if (!scenario.explain) return undefined;
  const summaries: string[] = [];
  for (const query of scenario.explain) {
    if (query.jitOff) await sql.query('SET jit = off');
    const { rows } = await sql.query<{ 'QUERY PLAN': string }>(
      `EXPLAIN (ANALYZE, BUFFERS) ${query.sql}`,
      [...query.params],
    );
    if (query.jitOff) await sql.query('RESET jit');
    const lines = rows.map((row) => row['QUERY PLAN']);
    const scan = (lines.find((line) => /Scan/.test(line)) ?? '')
      .trim()
      .replace(/^->\s*/, '')
      .replace(/\s+\(cost=[^)]*\)/, '');
    const buffers = lines.find((line) => line.trim().startsWith('Buffers'))?.trim() ?? '';
    const time = lines.find((line) => line.startsWith('Execution Time')) ?? '';
    summaries.push(
      scenario.explain.length === 1
        ? `${scan}; ${buffers}; ${time}`
        : `\n    ${query.label}: ${time}; ${buffers}; first scan: ${scan}`,
    );
  }
  return summaries.join('');
}

/** The seed's own checks: every tenant's count as planned, and the mix of channels and statuses. */
async function checkSeed(sql: Client, seed: SeedSummary): Promise<string[]> {
  const problems: string[] = [];
  const { rows: counts } = await sql.query<{ tenant_id: string; n: number }>(
    'SELECT tenant_id, count(*)::int AS n FROM audit_events GROUP BY tenant_id',
  );
  const byTenant = new Map(counts.map((row) => [row.tenant_id, row.n]));
  for (const tenant of seed.tenants) {
    const n = byTenant.get(tenant.tenantId) ?? 0;
    if (n !== tenant.events)
      problems.push(`tenant ${tenant.ordinal}: ${n} events, planned ${tenant.events}`);
  }
  const total = counts.reduce((sum, row) => sum + row.n, 0);
  if (total !== EVENTS) problems.push(`${total} events in all, planned ${EVENTS}`);
  const { rows: mix } = await sql.query<{ what: string; n: number; share: number }>(
    `SELECT what, count(*)::int AS n, round(100.0 * count(*) / sum(count(*)) OVER (PARTITION BY split_part(what, ' ', 1)), 2)::float8 AS share
       FROM audit_events,
            LATERAL (VALUES ('channel ' || channel),
                            ('status ' || CASE WHEN status < 400 THEN '<400' ELSE status || coalesce(' ' || scim_type, '') END),
                            ('operation ' || operation)) AS v (what)
      WHERE tenant_id = $1
      GROUP BY what ORDER BY what`,
    [seed.tenants[0]?.tenantId],
  );
  console.log(
    `largest tenant's rows by channel, status and operation: ${mix
      .map(({ what, share }) => `${what} ${share.toFixed(2)} %`)
      .join(', ')}`,
  );
  const { rows: distinct } = await sql.query<{ rows: number; requests: number }>(
    `SELECT count(*)::int AS rows, count(DISTINCT request_id)::int AS requests
       FROM audit_events WHERE tenant_id = $1 AND request_id IS NOT NULL`,
    [seed.tenants[0]?.tenantId],
  );
  if (distinct[0] && distinct[0].rows !== distinct[0].requests) {
    problems.push(
      `largest tenant: ${distinct[0].rows} rows with a request id, ${distinct[0].requests} distinct`,
    );
  }
  return problems;
}

async function describeDatabase(sql: Client, db: BenchDatabase, seed: SeedSummary): Promise<void> {
  const { rows } = await sql.query<{ db: string; heap: string; indexes: string; users: string }>(
    `SELECT pg_size_pretty(pg_database_size(current_database())) AS db,
            pg_size_pretty(pg_table_size('audit_events')) AS heap,
            pg_size_pretty(pg_indexes_size('audit_events')) AS indexes,
            pg_size_pretty(pg_total_relation_size('scim_users') + pg_total_relation_size('scim_groups')) AS users`,
  );
  const size = rows[0];
  const { planMs, loadMs, indexMs, vacuumMs } = seed.timings;
  const seconds = (ms: number): string => `${(ms / 1000).toFixed(0)} s`;
  const largest = seed.tenants[0];
  const smallest = seed.tenants.at(-1);
  const median = medianTenant(seed);
  console.log(
    `audit bench: ${EVENTS} audit events across ${seed.tenants.length} tenants ` +
      `(largest ${largest?.events}, median ${median?.events}, smallest ${smallest?.events}); ` +
      `${seed.seededNow ? 'seeded now' : 'reused'} — planned ${seed.anchor.toISOString()}, finished ${seed.finishedAt.toISOString()}; ` +
      `seeding took ${seconds(planMs + loadMs + indexMs + vacuumMs)} (plan ${seconds(planMs)}, load ${seconds(loadMs)}, ` +
      `indexes ${seconds(indexMs)}, VACUUM (ANALYZE) ${seconds(vacuumMs)}); database ${size?.db} ` +
      `(audit_events ${size?.heap} + indexes ${size?.indexes}, users and groups ${size?.users}); ${db.description}`,
  );
  const ageHours = (Date.now() - seed.anchor.getTime()) / 3_600_000;
  if (ageHours > 2) {
    console.log(
      `note: the seed's newest provisioning request is ${ageHours.toFixed(1)} h old, so syncState says STALE ` +
        '(its cycles and counts are computed all the same); `--reseed` for fresh data',
    );
  }
}

const medianTenant = (seed: SeedSummary): SeededTenant | undefined =>
  seed.tenants[Math.ceil(seed.tenants.length / 2) - 1];

function printTable(measured: readonly Measured[]): void {
  const row = (cells: readonly (string | number)[]): string =>
    cells
      .map((cell, i) =>
        i === 0
          ? String(cell).padEnd(26)
          : i === 1
            ? String(cell).padEnd(50)
            : String(cell).padStart(8),
      )
      .join(' ');
  console.log(`\n${row(['tenant', 'query', 'rows', 'p50 ms', 'p95 ms', 'max ms'])}`);
  for (const m of measured) {
    const rows = typeof m.rows === 'number' ? m.rows : 'WRONG';
    console.log(
      row([m.tenant, m.scenario.name, rows, m.p50.toFixed(1), m.p95.toFixed(1), m.max.toFixed(1)]),
    );
  }
  const plans = measured.filter((m) => m.plan);
  if (plans.length > 0) {
    console.log(
      '\nEXPLAIN (ANALYZE, BUFFERS) of the statements the repositories build (auditEventsQuery, SYNC_QUERIES), run after the timed runs:',
    );
    for (const m of plans) console.log(`${m.tenant} / ${m.scenario.name}: ${m.plan}`);
  }
}

async function main(): Promise<number> {
  const db = await openBenchDatabase(DB_NAME);
  let server: RunningServer | undefined;
  const sql = new Client({ connectionString: db.url });
  try {
    const seed = await ensureSeed(db, {
      events: EVENTS,
      tenants: TENANTS,
      reseed: RESEED,
      log: (line) => console.log(line),
    });
    await sql.connect();
    await describeDatabase(sql, db, seed);
    if (seed.seededNow || CHECK_SEED || SEED_ONLY) {
      const problems = await checkSeed(sql, seed);
      for (const problem of problems) console.log(`FAIL  seed: ${problem}`);
      if (problems.length > 0) return 1;
      console.log('seed checked: every tenant has its planned events, request ids distinct');
    }
    if (SEED_ONLY) return 0;

    // Jobs that would change the kept data: soft-deleted users ageing out, old events expiring.
    process.env.PURGE_INTERVAL_MS = '0';
    process.env.AUDIT_RETENTION_INTERVAL_MS = '0';
    server = await startServer({ databaseUrl: db.url, logLevel: LOG_LEVEL });
    const gql = client(server);
    const targets = [seed.tenants[0], medianTenant(seed)].filter(
      (tenant): tenant is SeededTenant => tenant !== undefined,
    );
    console.log(
      `${RUNS} runs per query after ${WARMUPS} warm-ups, one at a time; node ${process.version}; ` +
        `load average ${loadavg()
          .map((value) => value.toFixed(2))
          .join(' ')}`,
    );
    const measured: Measured[] = [await measure(gql, '-', FLOOR)];
    for (const [i, tenant] of targets.entries()) {
      const facts = await factsOf(sql, gql, tenant, seed.anchor);
      const label = `${i === 0 ? 'largest' : 'median'} #${tenant.ordinal} (${(tenant.events / 1000).toFixed(0)}k)`;
      for (const scenario of scenariosFor(facts)) {
        const result = await measure(gql, label, scenario);
        measured.push(EXPLAIN ? { ...result, plan: await explain(sql, scenario) } : result);
      }
    }
    printTable(measured);
    console.log('');
    let failed = 0;
    for (const m of measured) {
      if (m.errors.length > 0) {
        failed++;
        console.log(`FAIL  ${m.tenant} / ${m.scenario.name}: errors ${m.errors.join(' | ')}`);
      } else if (typeof m.rows === 'string') {
        failed++;
        console.log(`FAIL  ${m.tenant} / ${m.scenario.name}: wrong answer: ${m.rows}`);
      }
    }
    if (failed === 0)
      console.log('PASS  every query answered without errors and with the right rows');
    if (server.logLineCount() > 0) {
      console.log(`\nfirst server log lines:\n${server.logLines.slice(0, 10).join('\n')}`);
    }
    return failed > 0 ? 1 : 0;
  } finally {
    await sql.end().catch(() => undefined);
    await server?.stop();
    await db.close();
  }
}

runBench(main);
