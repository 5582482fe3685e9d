// Users under load on a tenant of 100 000 users: `npm run bench:users` (issue 4). Builds, creates
// a scratch database (next to DATABASE_URL's database, else in an embedded PostgreSQL under
// .data/bench) and drops it at the end, starts the built server as production runs it (one
// `node dist/src/main.js`, NODE_ENV=production, default pool), seeds the users with one
// INSERT … SELECT, checks one response of each kind in full, then measures with autocannon on
// 127.0.0.1: `filter=userName eq`, `filter=externalId eq`, GET by id, POST and an Entra PATCH,
// plus, in the same run, a bare NestJS application (bench/bare-nest.ts, its own process) as the
// ceiling of every ratio, and Muster's own GET /health/live for comparison.
//
// Phase "stale": the reads and PATCH right after the bulk load, before anything analyzed the
// table (what a new tenant's first sync meets; autovacuum may get there first, which is
// reported). Phase "analyzed": after VACUUM (ANALYZE), every scenario. Prints req/s, the ratio
// to the bare route, p50/p99, failed requests, the server's peak RSS and the CPU each process
// used, then one PASS/FAIL line per target; exits 1 when a request failed or a target was missed.
//
// BENCH_SECONDS (10) per scenario, BENCH_CONNECTIONS (50), BENCH_USERS (100000), BENCH_SCENARIOS
// (e.g. `userName,patch`: only those, plus the bare route), LOG_LEVEL (warn: access lines are
// info, so a clean run writes none), BENCH_NODE_ARGS (server flags, e.g. `--cpu-prof
// --cpu-prof-dir=.data/prof`). Loopback only, bounded, never part of `npm test`.
import type autocannon from 'autocannon';
import { randomBytes } from 'node:crypto';
import { loadavg } from 'node:os';
import { Client } from 'pg';
import { USER_QUERIES } from '../src/users/users.repository.js';
import {
  cpuSnapshot,
  cpuSplit,
  createScratchDatabase,
  delay,
  createTenantWithToken,
  memoryOf,
  RssSampler,
  runLoad,
  startBareNest,
  startServer,
  type BareNest,
  type CpuSplit,
  type LoadSummary,
  type RunningServer,
  type ScratchDatabase,
  check,
  mb,
  pick,
  reportVerdicts,
  runBench,
} from './support.js';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 50);
const USERS = Number(process.env.BENCH_USERS ?? 100_000);
const LOG_LEVEL = process.env.LOG_LEVEL ?? 'warn';
const NODE_ARGS = (process.env.BENCH_NODE_ARGS ?? '').split(' ').filter(Boolean);
const WARM_UP_SECONDS = Math.min(2, SECONDS);

const CORE = 'urn:ietf:params:scim:schemas:core:2.0:User';
const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
const PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
const LIST_RESPONSE = 'urn:ietf:params:scim:api:messages:2.0:ListResponse';

/** CPU that processes other than the server, PostgreSQL and autocannon may use before a warning. */
const NOISY_CORES = 0.2;

/** Targets of issue 4, as ratios to the bare route of the same run (at 50 connections). */
const TARGETS = { lookup: 0.3, write: 0.18, p99Ms: 100, rssMB: 300 } as const;

const GIVEN = [
  'Alice',
  'Bruno',
  'Chiara',
  'Dmitri',
  'Emeka',
  'Fatima',
  'Gustav',
  'Hana',
  'Ines',
  'Jonas',
  'Kenji',
  'Leila',
  'Mateo',
  'Nadia',
  'Olu',
  'Priya',
  'Quentin',
  'Rosa',
  'Sven',
  'Tamar',
  'Ugo',
  'Vera',
  'Wei',
  'Yusuf',
];
const FAMILY = [
  'Ng',
  'Okafor',
  'Schmidt',
  'García',
  'Kowalski',
  'Tanaka',
  'Haddad',
  'Rossi',
  'Nielsen',
  'Dubois',
  'Silva',
  'Novak',
  'Ivanova',
  'Kim',
  'Murphy',
  'Andersson',
  'Costa',
  'Yilmaz',
  "O'Brien",
  'Van der Berg',
  'Chen',
  'Patel',
  'Müller',
  'Lefèvre',
  'Santos',
  'Nowak',
  'Fischer',
  'Kaur',
  'Moreau',
  'Jensen',
  'Horvat',
];
const DEPARTMENTS = [
  'R&D',
  'Sales',
  'Marketing',
  'Finance',
  'Support',
  'Operations',
  'Legal',
  'HR',
];
const TITLES = [
  'Engineer',
  'Senior Engineer',
  'Account Executive',
  'Analyst',
  'Manager',
  'Designer',
  'Consultant',
];

const sqlArray = (values: readonly string[]): string =>
  `ARRAY[${values.map((value) => `'${value.replace(/'/g, "''")}'`).join(', ')}]`;

/**
 * One statement that writes `$2` users of tenant `$1` in the canonical document shape the Users
 * service stores (`src/users/user-mapper.ts`: attribute names as the registry spells them, the
 * enterprise extension under its URN, values as Entra sends them; no `id`, `meta` or `password`,
 * which live in columns), with the indexed columns filled from the same values. About one user in
 * twenty is disabled, as in a directory with leavers.
 */
const SEED_SQL = `
INSERT INTO scim_users
  (tenant_id, id, user_name, external_id, display_name, active, resource, version, created_at, updated_at)
SELECT $1::uuid, u.id, u.user_name, u.external_id, u.display_name, u.active,
  jsonb_build_object(
    'schemas', jsonb_build_array('${CORE}', '${ENTERPRISE}'),
    'externalId', u.external_id,
    'userName', u.user_name,
    'active', u.active,
    'displayName', u.display_name,
    'title', u.title,
    'preferredLanguage', 'en-US',
    'name', jsonb_build_object('formatted', u.display_name, 'familyName', u.family, 'givenName', u.given),
    'emails', jsonb_build_array(
      jsonb_build_object('primary', true, 'type', 'work', 'value', u.user_name)),
    'phoneNumbers', jsonb_build_array(
      jsonb_build_object('type', 'work', 'value', '+1 425 555 ' || lpad((u.i % 10000)::text, 4, '0')),
      jsonb_build_object('type', 'mobile', 'value', '+1 425 556 ' || lpad((u.i % 10000)::text, 4, '0'))),
    'addresses', jsonb_build_array(jsonb_build_object(
      'type', 'work', 'streetAddress', (1 + u.i % 400) || ' Main St', 'locality', 'Redmond',
      'postalCode', '98052', 'country', 'US', 'primary', false)),
    '${ENTERPRISE}', jsonb_build_object('department', u.department, 'employeeNumber', u.i::text)
  ), 1, u.created, u.created
FROM (
  SELECT i, gen_random_uuid() AS id, n.given, n.family, n.given || ' ' || n.family AS display_name,
    n.given || '.' || replace(n.family, ' ', '') || i || '@contoso.com' AS user_name,
    md5('external-' || i)::uuid::text AS external_id, i % 20 <> 0 AS active,
    (${sqlArray(TITLES)})[1 + i % ${TITLES.length}] AS title,
    (${sqlArray(DEPARTMENTS)})[1 + i % ${DEPARTMENTS.length}] AS department,
    now() - make_interval(secs => $2::int - i) AS created
  FROM generate_series(1, $2::int) AS i
  CROSS JOIN LATERAL (SELECT
    (${sqlArray(GIVEN)})[1 + i % ${GIVEN.length}] AS given,
    (${sqlArray(FAMILY)})[1 + (i / ${GIVEN.length}) % ${FAMILY.length}] AS family) n
) u`;

interface SeededUser {
  readonly id: string;
  readonly userName: string;
  readonly externalId: string;
}

type ScenarioKey = 'bare' | 'health' | 'userName' | 'externalId' | 'id' | 'create' | 'patch';

interface Scenario {
  readonly key: ScenarioKey;
  readonly name: string;
  /** Which target applies: lookups ≥ 0.30 × bare, writes ≥ 0.18 × bare, none for the rest. */
  readonly kind: 'bare' | 'lookup' | 'write' | 'other';
  /** Served by the bare NestJS application (the ceiling) instead of Muster. */
  readonly onBareNest?: boolean;
  readonly method: string;
  readonly next: () => { path: string; body?: string };
}

interface Measured {
  readonly scenario: Scenario;
  readonly phase: 'stale' | 'analyzed';
  readonly load: LoadSummary;
  readonly peakRssMB: number;
  readonly cpu: CpuSplit;
  /** VACUUM/ANALYZE that ran meanwhile (autovacuum, or the server's own ANALYZE). */
  readonly maintenance: string;
}

/** Query strings as Entra writes them: URL-encoded, spaces as `+`. */
const filterPath = (filter: string): string =>
  `/scim/v2/Users?filter=${encodeURIComponent(filter).replace(/%20/g, '+')}`;

/** The create body of entra.md §2.3 (default mappings), without a password. */
function createBody(n: number, runId: string): string {
  const given = pick(GIVEN);
  const family = pick(FAMILY);
  const userName = `${given}.${family.replace(/ /g, '')}.${runId}.${n}@contoso.com`;
  return JSON.stringify({
    schemas: [CORE, ENTERPRISE],
    externalId: `${runId}-${n}`,
    userName,
    active: true,
    displayName: `${given} ${family}`,
    title: pick(TITLES),
    preferredLanguage: 'en-US',
    emails: [{ primary: true, type: 'work', value: userName }],
    name: { formatted: `${given} ${family}`, familyName: family, givenName: given },
    phoneNumbers: [
      { type: 'work', value: '+1 425 555 0100' },
      { type: 'mobile', value: '+1 425 555 0101' },
    ],
    addresses: [
      {
        type: 'work',
        streetAddress: '1 Main St',
        locality: 'Redmond',
        postalCode: '98052',
        country: 'US',
        formatted: '1 Main St\nRedmond, WA 98052\nUS',
        primary: false,
      },
    ],
    [ENTERPRISE]: { department: pick(DEPARTMENTS), employeeNumber: String(n) },
    meta: { resourceType: 'User' },
    roles: [],
  });
}

/** Entra's default-dialect update: capitalised ops, one per changed attribute, paths for all. */
function patchBody(n: number): {
  body: string;
  familyName: string;
  displayName: string;
  email: string;
} {
  const given = pick(GIVEN);
  const familyName = `${pick(FAMILY)}-${n}`;
  const displayName = `${given} ${familyName}`;
  const email = `${given}.${n}@fabrikam.com`;
  const body = JSON.stringify({
    schemas: [PATCH_OP],
    Operations: [
      { op: 'Replace', path: 'displayName', value: displayName },
      { op: 'Replace', path: 'name.familyName', value: familyName },
      { op: 'Replace', path: 'emails[type eq "work"].value', value: email },
    ],
  });
  return { body, familyName, displayName, email };
}

/**
 * One request of each kind with its response checked in full, before any load; and the seed's
 * shape checked against the service: a seeded document sent back through `POST /Users` (under a
 * new userName and externalId) must be stored exactly as seeded.
 */
async function verifyResponses(
  base: string,
  headers: Record<string, string>,
  users: readonly SeededUser[],
  runId: string,
  sql: Client,
  tenantId: string,
): Promise<void> {
  const call = async (method: string, path: string, body?: string) => {
    const response = await fetch(`${base}${path}`, { method, headers, body });
    const text = await response.text();
    return {
      status: response.status,
      json: text ? (JSON.parse(text) as Record<string, unknown>) : {},
    };
  };
  const user = pick(users);
  for (const [filter, label] of [
    [`userName eq "${user.userName}"`, 'userName'],
    [`externalId eq "${user.externalId}"`, 'externalId'],
  ] as const) {
    const { status, json } = await call('GET', filterPath(filter));
    const found = json.Resources as { id?: string }[] | undefined;
    check(
      status === 200 &&
        (json.schemas as string[] | undefined)?.[0] === LIST_RESPONSE &&
        json.totalResults === 1 &&
        found?.[0]?.id === user.id,
      `filter ${label} eq: expected 200 with the one seeded user ${user.id}, got ${status} ${JSON.stringify(json).slice(0, 300)}`,
    );
  }
  const got = await call('GET', `/scim/v2/Users/${user.id}`);
  check(
    got.status === 200 && got.json.id === user.id && got.json.userName === user.userName,
    `GET /Users/{id}: expected 200 with ${user.userName}, got ${got.status} ${JSON.stringify(got.json).slice(0, 300)}`,
  );
  const sent = JSON.parse(createBody(0, `verify-${runId}`)) as { userName: string };
  const created = await call('POST', '/scim/v2/Users', JSON.stringify(sent));
  check(
    created.status === 201 &&
      typeof created.json.id === 'string' &&
      created.json.userName === sent.userName,
    `POST /Users: expected 201 with the user, got ${created.status} ${JSON.stringify(created.json).slice(0, 300)}`,
  );
  const patch = patchBody(0);
  const patched = await call('PATCH', `/scim/v2/Users/${user.id}`, patch.body);
  check(
    patched.status === 200 || patched.status === 204,
    `PATCH /Users/{id}: expected 200 or 204, got ${patched.status} ${JSON.stringify(patched.json).slice(0, 300)}`,
  );
  const after = (await call('GET', `/scim/v2/Users/${user.id}`)).json as {
    displayName?: string;
    name?: { familyName?: string };
    emails?: { type?: string; value?: string }[];
  };
  check(
    after.displayName === patch.displayName &&
      after.name?.familyName === patch.familyName &&
      after.emails?.find((email) => email.type === 'work')?.value === patch.email,
    `PATCH /Users/{id}: the following GET does not show the change: ${JSON.stringify(after).slice(0, 300)}`,
  );

  const stored = async (id: string): Promise<Record<string, unknown> | undefined> =>
    (
      await sql.query<{ resource: Record<string, unknown> }>(
        'SELECT resource FROM scim_users WHERE tenant_id = $1 AND id = $2',
        [tenantId, id],
      )
    ).rows[0]?.resource;
  const seeded = await stored(pick(users.filter(({ id }) => id !== user.id)).id);
  const renamed = `shape.${runId}@contoso.com`;
  const resent = { ...seeded, userName: renamed, externalId: `shape-${runId}` };
  const shape = await call('POST', '/scim/v2/Users', JSON.stringify(resent));
  const kept = typeof shape.json.id === 'string' ? await stored(shape.json.id) : undefined;
  check(
    shape.status === 201 && JSON.stringify(kept) === JSON.stringify(resent),
    `the seed's documents are not in the shape the Users service stores: sent back ${JSON.stringify(resent)}, ` +
      `got ${shape.status} and stored ${JSON.stringify(kept ?? shape.json)}`,
  );
}

/**
 * The plan PostgreSQL runs for the `userName eq` lookup as the server prepares it (the generic
 * plan of the same fixed text), with its buffers: printed for each phase, so that a plan that
 * leaves its index after the statistics change shows up next to the figures.
 */
async function lookupPlan(sql: Client, tenantId: string, userName: string): Promise<string> {
  const { text } = USER_QUERIES.lookups.userName;
  await sql.query('DEALLOCATE ALL');
  await sql.query(`PREPARE bench_lookup (uuid, text) AS ${text}`);
  await sql.query('SET plan_cache_mode = force_generic_plan');
  try {
    const { rows } = await sql.query<{ 'QUERY PLAN': string }>(
      `EXPLAIN (ANALYZE, BUFFERS, COSTS OFF, SUMMARY OFF) EXECUTE bench_lookup (${sql.escapeLiteral(tenantId)}, ${sql.escapeLiteral(userName)})`,
    );
    return rows.map((row) => `  ${row['QUERY PLAN']}`).join('\n');
  } finally {
    await sql.query('RESET plan_cache_mode');
    await sql.query('DEALLOCATE bench_lookup');
  }
}

async function statistics(sql: Client): Promise<string> {
  const { rows } = await sql.query<{
    reltuples: number;
    last_analyze: Date | null;
    last_autoanalyze: Date | null;
    n_mod_since_analyze: string;
  }>(
    `SELECT c.reltuples, s.last_analyze, s.last_autoanalyze, s.n_mod_since_analyze
       FROM pg_class c JOIN pg_stat_user_tables s ON s.relid = c.oid
      WHERE c.relname = 'scim_users'`,
  );
  const row = rows[0];
  if (!row) return 'no statistics row for scim_users';
  const time = (at: Date | null): string => (at ? at.toISOString().slice(11, 19) : 'never');
  return `reltuples ${row.reltuples}, last ANALYZE ${time(row.last_analyze)}, last autoanalyze ${time(row.last_autoanalyze)}, rows changed since ${row.n_mod_since_analyze}`;
}

/** How often each table was vacuumed or analyzed so far, by whom (`autovacuum scim_users`, …). */
async function maintenanceCounts(sql: Client): Promise<Map<string, number>> {
  const { rows } = await sql.query<{ relname: string; kind: string; count: string }>(
    `SELECT relname, kind, count FROM pg_stat_user_tables, LATERAL (VALUES
        ('VACUUM', vacuum_count), ('autovacuum', autovacuum_count),
        ('ANALYZE', analyze_count), ('autoanalyze', autoanalyze_count)) AS m (kind, count)
      WHERE relname IN ('scim_users', 'audit_events')`,
  );
  return new Map(rows.map(({ relname, kind, count }) => [`${kind} ${relname}`, Number(count)]));
}

/** What ran between two counts, e.g. `autovacuum audit_events, ANALYZE scim_users`. */
function maintenanceBetween(before: Map<string, number>, after: Map<string, number>): string {
  return [...after]
    .filter(([key, count]) => count > (before.get(key) ?? 0))
    .map(([key]) => key)
    .join(', ');
}

function printTable(measured: readonly Measured[], bare: number): void {
  const row = (cells: readonly (string | number)[]): string =>
    cells
      .map((cell, i) => (i < 2 ? String(cell).padEnd(i === 0 ? 8 : 34) : String(cell).padStart(8)))
      .join(' ');
  console.log(
    `\n${row(['phase', 'scenario', 'req/s', 'ratio', 'p50 ms', 'p99 ms', 'requests', 'failed', 'RSS MB'])}   CPU cores: server / postgres / autocannon / other`,
  );
  for (const { scenario, phase, load, peakRssMB, cpu } of measured) {
    const failed = load.non2xx + load.errors + load.timeouts;
    const cores = [cpu.server, cpu.postgres, cpu.loadGenerator, cpu.other]
      .map((value) => value.toFixed(2))
      .join(' / ');
    console.log(
      `${row([phase, scenario.name, load.requestsPerSecond.toFixed(0), (load.requestsPerSecond / bare).toFixed(2), load.p50, load.p99, load.completed, failed, peakRssMB.toFixed(0)])}   ${cores}`,
    );
  }
}
function failures(measured: readonly Measured[]): string[] {
  return measured
    .filter(({ load }) => load.non2xx + load.errors + load.timeouts > 0)
    .map(
      ({ scenario, phase, load }) =>
        `${phase} ${scenario.name}: statuses ${JSON.stringify(load.statusCodes)}, ${load.errors} errors, ${load.timeouts} timeouts`,
    );
}

function verdicts(measured: readonly Measured[], bare: number, peakRssMB: number): string[] {
  const lines: string[] = [];
  const verdict = (ok: boolean, text: string): void => {
    lines.push(`${ok ? 'PASS' : 'FAIL'}  ${text}`);
  };
  for (const { scenario, phase, load } of measured) {
    if (scenario.kind === 'bare') continue;
    const ratio = load.requestsPerSecond / bare;
    if (scenario.kind === 'lookup' || scenario.kind === 'write') {
      const target = scenario.kind === 'lookup' ? TARGETS.lookup : TARGETS.write;
      verdict(ratio >= target, `${phase} ${scenario.name}: ratio ${ratio.toFixed(3)} ≥ ${target}`);
    }
    verdict(
      load.p99 <= TARGETS.p99Ms,
      `${phase} ${scenario.name}: p99 ${load.p99} ms ≤ ${TARGETS.p99Ms} ms`,
    );
  }
  verdict(
    peakRssMB <= TARGETS.rssMB,
    `server peak RSS ${peakRssMB.toFixed(0)} MB ≤ ${TARGETS.rssMB} MB`,
  );
  return lines;
}

/** `BENCH_SCENARIOS=userName,id` runs only those (and the bare route, the ratios' baseline). */
function selected(key: ScenarioKey): boolean {
  const only = process.env.BENCH_SCENARIOS?.split(',').map((name) => name.trim());
  return !only?.length || key === 'bare' || key === 'health' || only.includes(key);
}

async function main(): Promise<number> {
  const runId = randomBytes(4).toString('hex');
  const db: ScratchDatabase = await createScratchDatabase('muster_bench_users');
  let server: RunningServer | undefined;
  let bareNest: BareNest | undefined;
  const sql = new Client({ connectionString: db.url });
  try {
    server = await startServer({ databaseUrl: db.url, logLevel: LOG_LEVEL, nodeArgs: NODE_ARGS });
    const serverPid = server.pid;
    const base = server.base;
    bareNest = await startBareNest();
    const overall = new RssSampler(serverPid).start();
    const { tenantId, token } = await createTenantWithToken(server, `bench-users-${runId}`);
    await sql.connect();

    let started = Date.now();
    const seeded = await sql.query(SEED_SQL, [tenantId, USERS]);
    const seedMs = Date.now() - started;
    const { rows: users } = await sql.query<SeededUser>(
      `SELECT id, user_name AS "userName", external_id AS "externalId"
         FROM scim_users WHERE tenant_id = $1 AND deleted_at IS NULL`,
      [tenantId],
    );
    const size = (
      await sql.query<{ size: string }>(
        `SELECT pg_size_pretty(pg_total_relation_size('scim_users')) AS size`,
      )
    ).rows[0]?.size;
    console.log(
      `users bench: ${seeded.rowCount} users seeded in ${seedMs} ms (scim_users ${size}); ` +
        `${SECONDS}s per scenario, ${CONNECTIONS} connections; node ${process.version}, ` +
        `LOG_LEVEL=${LOG_LEVEL}${NODE_ARGS.length ? `, server flags ${NODE_ARGS.join(' ')}` : ''}; ` +
        `${db.description}; load average ${loadavg()
          .map((value) => value.toFixed(2))
          .join(' ')}`,
    );

    const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/scim+json' };
    await verifyResponses(base, headers, users, runId, sql, tenantId);

    let created = 0;
    let patched = 0;
    const all: Scenario[] = [
      {
        key: 'bare',
        name: 'bare NestJS route (ceiling)',
        kind: 'bare',
        onBareNest: true,
        method: 'GET',
        next: () => ({ path: '/bare' }),
      },
      {
        key: 'health',
        name: 'Muster GET /health/live',
        kind: 'other',
        method: 'GET',
        next: () => ({ path: '/health/live' }),
      },
      {
        key: 'userName',
        name: 'GET /Users?filter=userName eq',
        kind: 'lookup',
        method: 'GET',
        next: () => ({ path: filterPath(`userName eq "${pick(users).userName}"`) }),
      },
      {
        key: 'externalId',
        name: 'GET /Users?filter=externalId eq',
        kind: 'other',
        method: 'GET',
        next: () => ({ path: filterPath(`externalId eq "${pick(users).externalId}"`) }),
      },
      {
        key: 'id',
        name: 'GET /Users/{id}',
        kind: 'lookup',
        method: 'GET',
        next: () => ({ path: `/scim/v2/Users/${pick(users).id}` }),
      },
      {
        key: 'create',
        name: 'POST /Users',
        kind: 'write',
        method: 'POST',
        next: () => ({ path: '/scim/v2/Users', body: createBody(++created, runId) }),
      },
      {
        key: 'patch',
        name: 'PATCH /Users/{id} (Entra replace)',
        kind: 'write',
        method: 'PATCH',
        next: () => ({ path: `/scim/v2/Users/${pick(users).id}`, body: patchBody(++patched).body }),
      },
    ];
    const scenarios = all.filter((scenario) => selected(scenario.key));

    const measure = async (
      scenario: Scenario,
      seconds: number,
    ): Promise<Omit<Measured, 'scenario' | 'phase'>> => {
      const counted = await maintenanceCounts(sql);
      const sampler = new RssSampler(serverPid).start();
      const target = scenario.onBareNest && bareNest ? bareNest : { base, pid: serverPid };
      const before = cpuSnapshot();
      const startedAt = process.hrtime.bigint();
      const request: autocannon.Request = {
        method: scenario.method,
        setupRequest: (params) => ({ ...params, ...scenario.next() }),
      };
      const load = await runLoad({
        url: target.base,
        connections: CONNECTIONS,
        duration: seconds,
        headers: scenario.key === 'bare' || scenario.key === 'health' ? {} : headers,
        requests: [request],
      });
      const elapsed = Number(process.hrtime.bigint() - startedAt) / 1e9;
      const cpu = cpuSplit(before, cpuSnapshot(), elapsed, target.pid);
      const peakRssMB = mb(sampler.stop());
      await delay(500); // table statistics reach pg_stat_user_tables within a second
      return {
        load,
        peakRssMB,
        cpu,
        maintenance: maintenanceBetween(counted, await maintenanceCounts(sql)),
      };
    };

    // Right after the seed nothing has analyzed scim_users (unless autovacuum got there first):
    // reads, and PATCHes, which lock the user by id, run against stale statistics first. Creates
    // do not: the server analyzes the table itself after a run of creates (UsersStatistics).
    // Warm-ups (JIT, pools, prepared statements) are discarded.
    const stale = scenarios.filter(({ key }) => key !== 'create');
    for (const scenario of stale) await measure(scenario, WARM_UP_SECONDS);
    const measured: Measured[] = [];
    const statsBefore = await statistics(sql);
    for (const scenario of stale.filter(({ key }) => key !== 'bare' && key !== 'health')) {
      measured.push({ scenario, phase: 'stale', ...(await measure(scenario, SECONDS)) });
    }
    const statsAfter = await statistics(sql);
    const planStale = await lookupPlan(sql, tenantId, pick(users).userName);

    // Then a settled table: fresh statistics, and the first VACUUM after the bulk load done (so
    // that autovacuum does not start it in the middle of a measurement).
    started = Date.now();
    await sql.query('VACUUM (ANALYZE) scim_users');
    const analyzeMs = Date.now() - started;
    for (const scenario of scenarios.filter(({ key }) => key === 'create')) {
      await measure(scenario, WARM_UP_SECONDS);
    }
    for (const scenario of scenarios) {
      measured.push({ scenario, phase: 'analyzed', ...(await measure(scenario, SECONDS)) });
    }
    const planAnalyzed = await lookupPlan(sql, tenantId, pick(users).userName);

    const peakRssMB = mb(Math.max(overall.stop(), memoryOf(serverPid)?.hwmMiB ?? 0));
    const bare =
      measured.find(({ scenario }) => scenario.kind === 'bare')?.load.requestsPerSecond ?? NaN;
    printTable(measured, bare);
    console.log(`\nplanner statistics before the stale phase: ${statsBefore}`);
    console.log(`planner statistics after the stale phase:  ${statsAfter}`);
    console.log(`userName lookup plan after the stale phase:\n${planStale}`);
    console.log(`userName lookup plan at the end:\n${planAnalyzed}`);
    console.log(
      `VACUUM (ANALYZE) scim_users took ${analyzeMs} ms; ${created} users created and ${patched} PATCHes sent under load (warm-ups included)`,
    );
    for (const { phase, scenario, maintenance, cpu } of measured) {
      if (maintenance) console.log(`during ${phase} ${scenario.name}: ${maintenance}`);
      if (cpu.other > NOISY_CORES) {
        console.log(
          `WARNING during ${phase} ${scenario.name}: other processes used ${cpu.other.toFixed(2)} cores of the machine; its figures are not comparable`,
        );
      }
    }
    console.log(
      `server peak RSS ${peakRssMB.toFixed(0)} MB (VmRSS sampled every 100 ms, and VmHWM); ` +
        `${server.logLineCount()} log lines written`,
    );
    for (const stale of measured.filter(({ phase }) => phase === 'stale')) {
      const fresh = measured.find(
        ({ phase, scenario }) => phase === 'analyzed' && scenario === stale.scenario,
      );
      if (!fresh) continue;
      const change = stale.load.requestsPerSecond / fresh.load.requestsPerSecond;
      console.log(
        `${stale.scenario.name}: stale statistics give ${change.toFixed(2)} × the req/s after VACUUM (ANALYZE)`,
      );
    }

    const failed = failures(measured);
    const lines = verdicts(measured, bare, peakRssMB);
    return reportVerdicts(failed, lines, server);
  } finally {
    await sql.end().catch(() => undefined);
    await bareNest?.stop();
    await server?.stop();
    await db.drop();
  }
}

runBench(main);
