// The audit bench's data (bench/audit.bench.ts): a kept database (`muster_bench_audit` next to
// DATABASE_URL's database, else in the embedded PostgreSQL under .data/bench) holding 10 million
// audit events across 100 tenants, seeded once in SQL and reused by later runs.
//
// The shape of the data (all relative to the moment the seed was planned, its "anchor"):
//
// - 100 tenants (rows in `tenants`, their `sys.scim` identity, 2-3 SCIM tokens), sized by a
//   power law: the largest 1.8 M events, the median ~36 k, the smallest 10 k, 10 M in all.
// - Per tenant, Entra-like provisioning: one initial cycle (12 % of its SCIM requests, GET filter
//   + POST pairs, manager and member PATCHes, at ~25 requests/s, so hours long) and then
//   incremental cycles every 40 minutes up to the anchor (at most 3 230 of them, i.e. the last
//   90 days, fewer for small tenants, which were onboarded later), each opening with Entra's two
//   probes (a user and a group filter on a random GUID), log-normally sized (a few hundred to a
//   few thousand requests for the largest tenant) and sent in a burst of 20 s to 25 min.
// - Requests: ~53 % reads (filter lookups, GET by id), ~35 % PATCHes, ~10 % creates, ~1.5 %
//   deletes; 1-4 % failures by tenant (2.5 % for the largest) answered as the server would:
//   409 uniqueness, 404, 400 invalidValue / invalidFilter, a few 500. Resource ids come from a
//   pool of users (events/36, at most 50 000) and groups (users/100) per tenant, skewed so that a
//   few resources are busy; the same ids are rows of `scim_users` / `scim_groups` (some inactive,
//   some soft-deleted, some `role.` groups), so directory counts are real. Every row has its own
//   request id; the token is the tenant's first SCIM token before its rotation, the second after.
// - Per tenant, one `system` row per day (purge) and 12 `graphql` rows (token and settings
//   mutations).
//
// Rows are built by PostgreSQL (INSERT … SELECT over generate_series, one transaction per tenant,
// statements of ~250 000 rows); nothing is built in Node. The indexes of `audit_events` are
// dropped for the load and re-created afterwards from the definitions the migrations made (read
// from the catalog before dropping them, kept in `bench_audit_seed`), then VACUUM (ANALYZE).
// The bench's own bookkeeping lives in `bench_audit_seed` (plan, index definitions, timings) and
// `bench_audit_tenants` (one row per tenant, `loaded_at` once its rows committed): an interrupted
// seed resumes with the tenants not yet loaded; a finished one is reused; `--reseed` (or a plan
// of another size or version) drops the database and starts over.
import { randomUUID } from 'node:crypto';
import { resolve } from 'node:path';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { MIGRATIONS } from '../migrations/index.js';
import { EmbeddedDatabase } from '../src/database/embedded-postgres.js';
import { runMigrations } from '../src/database/migrate.js';

/** Bumped whenever the generated data changes shape: a kept seed of another version is redone. */
export const SEED_VERSION = 1;

export interface SeedOptions {
  readonly events: number;
  readonly tenants: number;
  /** Drop whatever is there and seed again. */
  readonly reseed: boolean;
  readonly log: (line: string) => void;
}

/** One tenant of the plan, as kept in `bench_audit_tenants`. */
export interface SeededTenant {
  readonly ordinal: number;
  readonly tenantId: string;
  readonly slug: string;
  readonly events: number;
  readonly scimEvents: number;
  readonly users: number;
  readonly groups: number;
  readonly cycles: number;
  readonly failureRate: number;
}

export interface SeedSummary {
  /** False when a finished seed was reused as it was. */
  readonly seededNow: boolean;
  /** When the seed was planned: every timestamp is relative to it. */
  readonly anchor: Date;
  readonly finishedAt: Date;
  /** Wall time of the seed (all runs that worked on it), by phase. */
  readonly timings: SeedTimings;
  readonly tenants: readonly SeededTenant[];
}

export interface SeedTimings {
  readonly planMs: number;
  readonly loadMs: number;
  readonly indexMs: number;
  readonly vacuumMs: number;
}

/** The bench's kept database: created when missing, never dropped by a normal run. */
export interface BenchDatabase {
  readonly url: string;
  readonly name: string;
  readonly description: string;
  /** Drops and re-creates the database (empty). */
  recreate(): Promise<void>;
  /** Stops an embedded cluster this process started. */
  close(): Promise<void>;
}

/**
 * `name` next to the database of `DATABASE_URL` when it is set, else in an embedded cluster under
 * `DATA_DIR` (default `.data/bench`) on `EMBEDDED_PG_PORT` (default 54331); created when missing.
 */
export async function openBenchDatabase(name: string): Promise<BenchDatabase> {
  let adminUrl = process.env.DATABASE_URL;
  let embedded: EmbeddedDatabase | undefined;
  if (!adminUrl) {
    embedded = new EmbeddedDatabase({
      dataDir: resolve(process.env.DATA_DIR ?? '.data/bench'),
      port: Number(process.env.EMBEDDED_PG_PORT ?? 54331),
      database: 'postgres',
    });
    adminUrl = await embedded.start();
  }
  const admin = async <T>(work: (client: Client) => Promise<T>): Promise<T> => {
    const client = new Client({ connectionString: adminUrl });
    await client.connect();
    try {
      return await work(client);
    } finally {
      await client.end();
    }
  };
  const create = (client: Client): Promise<unknown> =>
    client.query(`CREATE DATABASE ${client.escapeIdentifier(name)}`);
  const version = await admin(async (client) => {
    const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (!rowCount) await create(client);
    const { rows } = await client.query<{ v: string }>(
      "SELECT split_part(current_setting('server_version'), ' ', 1) AS v",
    );
    return rows[0]?.v ?? '?';
  });
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    name,
    description: embedded
      ? `embedded PostgreSQL ${version} (${embedded.clusterDir}), database ${name}`
      : `DATABASE_URL ${url.hostname}:${url.port || 5432} (PostgreSQL ${version}), database ${name}`,
    recreate: () =>
      admin(async (client) => {
        await client.query(`DROP DATABASE IF EXISTS ${client.escapeIdentifier(name)} WITH (FORCE)`);
        await create(client);
      }),
    async close(): Promise<void> {
      if (embedded?.owned) await embedded.stop();
    },
  };
}

/** The migrations, applied with the application's own runner (advisory lock, one transaction each). */
async function migrate(url: string): Promise<void> {
  const dataSource = new DataSource({
    type: 'postgres',
    url,
    migrations: MIGRATIONS,
    migrationsTableName: 'migrations',
    logging: ['error'],
  });
  await dataSource.initialize();
  try {
    await runMigrations(dataSource);
  } finally {
    await dataSource.destroy();
  }
}

const BOOKKEEPING = `
  CREATE TABLE IF NOT EXISTS bench_audit_seed (key text PRIMARY KEY, value jsonb NOT NULL);
  CREATE TABLE IF NOT EXISTS bench_audit_tenants (
    ordinal int PRIMARY KEY,
    tenant_id uuid NOT NULL,
    slug text NOT NULL,
    events int NOT NULL,
    scim_events int NOT NULL,
    other_events int NOT NULL,
    days int NOT NULL,
    users int NOT NULL,
    groups int NOT NULL,
    initial_events int NOT NULL,
    cycles int NOT NULL,
    failure_rate float8 NOT NULL,
    initial_at timestamptz NOT NULL,
    initial_seconds float8 NOT NULL,
    first_cycle_at timestamptz NOT NULL,
    rotated_at timestamptz NOT NULL,
    token1 uuid NOT NULL,
    token2 uuid NOT NULL,
    loaded_at timestamptz,
    load_ms int
  )`;

interface PlanValue {
  readonly version: number;
  readonly events: number;
  readonly tenants: number;
  readonly anchor: string;
}

/** Events per tenant: 10 k + (largest − 10 k) · (k^-s − n^-s) / (1 − n^-s), s fitted to the total. */
export function tenantSizes(total: number, tenants: number): number[] {
  const smallest = Math.min(10_000, Math.floor(total / tenants));
  const largest = Math.max(smallest, Math.round(total * 0.18));
  const raw = (s: number): number[] =>
    Array.from({ length: tenants }, (_, i) => {
      const shape = tenants > 1 ? ((i + 1) ** -s - tenants ** -s) / (1 - tenants ** -s) : 1;
      return smallest + (largest - smallest) * shape;
    });
  let low = 0.01;
  let high = 10;
  for (let step = 0; step < 80; step++) {
    const s = (low + high) / 2;
    if (raw(s).reduce((sum, n) => sum + n, 0) > total) low = s;
    else high = s;
  }
  // Scaled to the total when the shape cannot reach it (few tenants, small totals).
  const fitted = raw(low);
  const scale = total / fitted.reduce((sum, n) => sum + n, 0);
  const exact = fitted.map((n) => n * scale);
  const sizes = exact.map(Math.floor);
  let rest = total - sizes.reduce((sum, n) => sum + n, 0);
  // Largest remainders first, so that the sizes add up to `total` exactly.
  const order = exact.map((n, i) => [n - Math.floor(n), i] as const).sort((a, b) => b[0] - a[0]);
  for (const [, i] of order) {
    if (rest-- <= 0) break;
    sizes[i] = (sizes[i] ?? 0) + 1;
  }
  return sizes;
}

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;
const CYCLE_MS = 40 * MINUTE;
/** Incremental cycles fit in 90 days with room for the initial cycle before them. */
const MAX_CYCLES = 3_230;
/** graphql rows per tenant (token and settings mutations). */
const GRAPHQL_ROWS = 12;
const STATEMENT_ROWS = 250_000;

/** A deterministic fraction in [0, 1) for tenant `k` (tenant-level variety without state). */
const fraction = (k: number, salt: number): number => {
  const x = Math.sin(k * 12.9898 + salt * 78.233) * 43_758.5453;
  return x - Math.floor(x);
};

async function plan(sql: Client, options: SeedOptions, anchor: Date): Promise<void> {
  const sizes = tenantSizes(options.events, options.tenants);
  await sql.query('BEGIN');
  try {
    for (const [i, events] of sizes.entries()) {
      const k = i + 1;
      const tenantId = randomUUID();
      const slug = `bench-audit-${String(k).padStart(3, '0')}`;
      // The largest tenants have been provisioned for the whole 90 days; small ones were
      // onboarded later (Entra still runs a cycle every 40 minutes; a small tenant's are small).
      const guessScim = events - 90 - GRAPHQL_ROWS;
      const initial = Math.round(guessScim * 0.12);
      const cycles = Math.min(MAX_CYCLES, Math.max(30, Math.floor((guessScim - initial) / 8)));
      // The last cycle starts 25-40 minutes before the anchor, so it has ended by then.
      const firstCycleAt = new Date(
        anchor.getTime() - cycles * CYCLE_MS + fraction(k, 1) * 15 * MINUTE,
      );
      const initialSeconds = Math.max(120, initial / 25);
      const initialAt = new Date(firstCycleAt.getTime() - initialSeconds * 1000 - 30 * MINUTE);
      const days = Math.max(1, Math.floor((anchor.getTime() - initialAt.getTime()) / DAY));
      const other = days + GRAPHQL_ROWS;
      const scim = events - other;
      const users = Math.min(50_000, Math.max(200, Math.round(scim / 36)));
      const groups = Math.max(5, Math.round(users / 100));
      const failureRate = k === 1 ? 0.025 : 0.01 + 0.03 * fraction(k, 2);
      const rotatedAt = new Date(
        firstCycleAt.getTime() + (anchor.getTime() - firstCycleAt.getTime()) * 0.6,
      );
      const token1 = randomUUID();
      const token2 = randomUUID();
      await sql.query('INSERT INTO tenants (id, slug, name, created_at) VALUES ($1, $2, $3, $4)', [
        tenantId,
        slug,
        `Bench audit tenant ${k}`,
        new Date(initialAt.getTime() - DAY),
      ]);
      const identity = randomUUID();
      await sql.query(
        `INSERT INTO service_identities (tenant_id, id, name, description, created_at)
         VALUES ($1, $2, 'sys.scim', 'Entra ID (SCIM) provisioning', $3)`,
        [tenantId, identity, new Date(initialAt.getTime() - DAY)],
      );
      // The first token, rotated out (revoked a day after the rotation); the current one; and for
      // every third tenant (and the largest) a spare minted lately that expires within 30 days.
      const tokens: [string, Date, Date, Date | null, Date | null][] = [
        [
          token1,
          new Date(initialAt.getTime() - DAY),
          new Date(initialAt.getTime() + 364 * DAY),
          new Date(rotatedAt.getTime() + DAY),
          rotatedAt,
        ],
        [
          token2,
          rotatedAt,
          new Date(rotatedAt.getTime() + 365 * DAY),
          null,
          new Date(anchor.getTime() - 25 * MINUTE),
        ],
      ];
      if (k % 3 === 1) {
        tokens.push([
          randomUUID(),
          new Date(anchor.getTime() - 10 * DAY),
          new Date(anchor.getTime() + 20 * DAY),
          null,
          null,
        ]);
      }
      for (const [id, createdAt, expiresAt, revokedAt, lastUsedAt] of tokens) {
        await sql.query(
          `INSERT INTO api_tokens
             (tenant_id, id, kind, identity_id, label, created_at, expires_at, revoked_at, last_used_at)
           VALUES ($1, $2, 'scim', $3, $4, $5, $6, $7, $8)`,
          [
            tenantId,
            id,
            identity,
            `entra ${createdAt.toISOString().slice(0, 10)}`,
            createdAt,
            expiresAt,
            revokedAt,
            lastUsedAt,
          ],
        );
      }
      await sql.query(
        `INSERT INTO bench_audit_tenants (ordinal, tenant_id, slug, events, scim_events,
           other_events, days, users, groups, initial_events, cycles, failure_rate, initial_at,
           initial_seconds, first_cycle_at, rotated_at, token1, token2)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18)`,
        [
          k,
          tenantId,
          slug,
          events,
          scim,
          other,
          days,
          users,
          groups,
          Math.round(scim * 0.12),
          cycles,
          failureRate,
          initialAt,
          initialSeconds,
          firstCycleAt,
          rotatedAt,
          token1,
          token2,
        ],
      );
    }
    // The definitions the migrations gave the table's indexes, before the load drops them.
    const { rows: indexes } = await sql.query<{ name: string; def: string; constraint: boolean }>(
      `SELECT i.relname AS name,
              coalesce('ALTER TABLE audit_events ADD CONSTRAINT ' || quote_ident(c.conname) || ' ' ||
                         pg_get_constraintdef(c.oid), pg_get_indexdef(x.indexrelid)) AS def,
              c.oid IS NOT NULL AS constraint
         FROM pg_index x
         JOIN pg_class i ON i.oid = x.indexrelid
         LEFT JOIN pg_constraint c ON c.conindid = x.indexrelid AND c.conrelid = x.indrelid
        WHERE x.indrelid = 'audit_events'::regclass
        ORDER BY c.oid IS NULL, i.relname`,
    );
    const value: PlanValue = {
      version: SEED_VERSION,
      events: options.events,
      tenants: options.tenants,
      anchor: anchor.toISOString(),
    };
    await sql.query(
      `INSERT INTO bench_audit_seed (key, value) VALUES ('plan', $1), ('indexes', $2), ('timings', $3)`,
      [
        JSON.stringify(value),
        JSON.stringify(indexes),
        JSON.stringify({ planMs: 0, loadMs: 0, indexMs: 0, vacuumMs: 0 }),
      ],
    );
    await sql.query('COMMIT');
  } catch (error) {
    await sql.query('ROLLBACK');
    throw error;
  }
}

/**
 * The cycles of one tenant: 0 is the initial cycle; 1 … C the incremental ones, 40 minutes apart
 * (plus up to a minute of jitter), log-normally sized (σ 0.9) with two probes each, adding up to
 * exactly the tenant's incremental requests, each sent over `size / (6-16 req/s)` seconds
 * (20 s to 25 min, so consecutive cycles stay ≥ 15 minutes apart).
 *
 * $1 tenant's ordinal.
 */
const CYCLES = `
CREATE TEMP TABLE bench_cycles ON COMMIT DROP AS
WITH t AS (
  SELECT cycles, scim_events - initial_events - 2 * cycles AS spread, first_cycle_at,
         initial_events, initial_at, initial_seconds
    FROM bench_audit_tenants WHERE ordinal = $1
), w AS (
  SELECT c, exp(0.9 * sqrt(-2 * ln(1 - random())) * cos(2 * pi() * random())) AS w
    FROM t, generate_series(1, t.cycles) AS c
), cum AS (
  SELECT c, sum(w) OVER (ORDER BY c) AS upto, sum(w) OVER () AS total FROM w
), bounds AS (
  SELECT c, upto, lag(upto, 1, 0::float8) OVER (ORDER BY c) AS before, total FROM cum
), sized AS (
  SELECT b.c, 2 + CASE WHEN b.c = t.cycles THEN t.spread ELSE floor(t.spread * b.upto / b.total)::int END
                - floor(t.spread * b.before / b.total)::int AS size
    FROM bounds b, t
)
SELECT s.c, s.size,
       t.first_cycle_at + (s.c - 1) * interval '40 minutes' + make_interval(secs => random() * 60)
         AS start_at,
       least(1500, greatest(20, s.size / (6 + random() * 10)))::float8 AS duration_s
  FROM sized s, t
UNION ALL
SELECT 0, t.initial_events, t.initial_at, t.initial_seconds FROM t`;

/**
 * What each kind of request looks like when it succeeds. `family` picks the failure mix; `target`
 * which pool the resource id comes from; `fail_weight` scales the tenant's failure rate (creates
 * fail most, with 409s; Entra's filter lookups seldom fail), weighted so that the mean stays near
 * the tenant's rate.
 */
const KINDS = `(VALUES
  ('probe_user',   'GET',    'User',  'list',   200, 'list',   NULL,    0.33),
  ('probe_group',  'GET',    'Group', 'list',   200, 'list',   NULL,    0.33),
  ('user_filter',  'GET',    'User',  'list',   200, 'list',   NULL,    0.33),
  ('group_filter', 'GET',    'Group', 'list',   200, 'list',   NULL,    0.33),
  ('user_get',     'GET',    'User',  'read',   200, 'id',     'user',  1.1),
  ('group_get',    'GET',    'Group', 'read',   200, 'id',     'group', 1.1),
  ('user_patch',   'PATCH',  'User',  'patch',  200, 'patch',  'user',  1.33),
  ('user_disable', 'PATCH',  'User',  'patch',  200, 'patch',  'user',  1.33),
  ('group_patch',  'PATCH',  'Group', 'patch',  204, 'patch',  'group', 1.33),
  ('user_create',  'POST',   'User',  'create', 201, 'create', 'user',  2.8),
  ('group_create', 'POST',   'Group', 'create', 201, 'create', 'group', 2.8),
  ('user_delete',  'DELETE', 'User',  'delete', 204, 'id',     'user',  1.1),
  ('group_delete', 'DELETE', 'Group', 'delete', 204, 'id',     'group', 1.1)
) AS kinds (kind, method, resource_type, operation, ok_status, family, target, fail_weight)`;

const PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
const CORE_USER = 'urn:ietf:params:scim:schemas:core:2.0:User';
const CORE_GROUP = 'urn:ietf:params:scim:schemas:core:2.0:Group';
const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';

/**
 * The SCIM requests of cycles $2 … $3 of tenant $1 (ordinal). Layer 1 draws the random numbers
 * (PostgreSQL keeps a subquery with volatile functions as it is, so each is drawn once per row),
 * layer 2 picks the kind of request and the resource, layer 3 whether and how it failed, layer 4
 * writes the columns.
 */
const EVENTS = `
INSERT INTO audit_events (tenant_id, at, id, request_id, token_id, channel, method, path,
  resource_type, resource_id, operation, status, scim_type, detail, duration_ms, client_ip,
  user_agent, changed_attributes, counts, request_summary)
SELECT t.tenant_id, e.at, e.id, e.request_id::text,
  CASE WHEN e.at < t.rotated_at THEN t.token1 ELSE t.token2 END,
  'scim', e.method,
  '/scim/v2/' || CASE e.resource_type WHEN 'User' THEN 'Users' ELSE 'Groups' END
    || CASE WHEN e.family IN ('id', 'patch') THEN '/' || e.target_id ELSE '' END,
  e.resource_type,
  CASE WHEN e.family IN ('id', 'patch') OR (e.family = 'create' AND e.status < 400)
       THEN e.target_id END,
  e.operation, e.status,
  CASE e.status WHEN 409 THEN 'uniqueness'
                WHEN 400 THEN CASE e.family WHEN 'list' THEN 'invalidFilter' ELSE 'invalidValue' END
  END,
  CASE e.status
    WHEN 409 THEN CASE e.resource_type WHEN 'User' THEN 'userName "' || e.user_name || '" is already taken'
                                       ELSE 'displayName "' || e.group_name || '" is already taken' END
    WHEN 404 THEN e.resource_type || ' ' || e.target_id || ' not found'
    WHEN 400 THEN CASE e.family WHEN 'list' THEN 'unknown attribute "emails[type eq "work"].primary" in filter'
                                ELSE 'attribute "' || e.attribute || '": value does not match its type' END
    WHEN 500 THEN 'internal server error'
  END,
  CASE WHEN e.status >= 500 THEN 30 + e.r4 * 400
       WHEN e.status >= 400 THEN 1 + e.r4 * 4
       WHEN e.method = 'GET' THEN 2 + e.r4 * 6
       ELSE 5 + e.r4 * 25 END,
  ('20.190.' || (128 + floor(e.r4 * 4)::int) || '.' || (1 + floor(e.r3 * 250)::int))::inet,
  'Microsoft Entra provisioning (bench seed)',
  CASE WHEN e.status >= 400 THEN '{}'::text[]
       WHEN e.kind = 'user_create' THEN '{userName,externalId,active,displayName,emails,name,title}'::text[]
       WHEN e.kind = 'group_create' THEN '{displayName,externalId}'::text[]
       WHEN e.kind = 'user_patch' THEN ARRAY[e.attribute]
       WHEN e.kind = 'user_disable' THEN '{active}'::text[]
       WHEN e.kind = 'group_patch' THEN '{members}'::text[]
       ELSE '{}'::text[] END,
  CASE WHEN e.kind = 'group_patch' AND e.status < 400
       THEN jsonb_build_object(CASE WHEN e.r4 < 0.7 THEN 'membersAdded' ELSE 'membersRemoved' END,
                               1 + floor(e.r4 * 10)::int) END,
  CASE e.kind
    WHEN 'probe_user' THEN jsonb_build_object('query', jsonb_build_object('filter',
      'userName eq "' || e.request_id || '"'))
    WHEN 'probe_group' THEN jsonb_build_object('query', jsonb_build_object(
      'excludedAttributes', 'members', 'filter', 'displayName eq "' || e.request_id || '"'))
    WHEN 'user_filter' THEN jsonb_build_object('query', jsonb_build_object('filter',
      'userName eq "' || e.user_name || '"'))
    WHEN 'group_filter' THEN jsonb_build_object('query', jsonb_build_object(
      'excludedAttributes', 'members', 'filter', 'displayName eq "' || e.group_name || '"'))
    WHEN 'group_get' THEN jsonb_build_object('query', jsonb_build_object('excludedAttributes', 'members'))
    WHEN 'user_patch' THEN jsonb_build_object('body', jsonb_build_object(
      'schemas', jsonb_build_array('${PATCH_OP}'),
      'Operations', jsonb_build_array(jsonb_build_object('op', 'Replace', 'path', e.attribute,
        'value', 'value ' || floor(e.r4 * 1000)::int))))
    WHEN 'user_disable' THEN jsonb_build_object('body', jsonb_build_object(
      'schemas', jsonb_build_array('${PATCH_OP}'),
      'Operations', jsonb_build_array(jsonb_build_object('op', 'Replace', 'path', 'active', 'value', 'False'))))
    WHEN 'group_patch' THEN jsonb_build_object('body', jsonb_build_object(
      'schemas', jsonb_build_array('${PATCH_OP}'),
      'Operations', jsonb_build_array(jsonb_build_object(
        'op', CASE WHEN e.r4 < 0.7 THEN 'Add' ELSE 'Remove' END, 'path', 'members',
        'value', jsonb_build_array(jsonb_build_object('$ref', NULL, 'value', e.user_id))))))
    WHEN 'user_create' THEN jsonb_build_object('body', jsonb_build_object(
      'schemas', jsonb_build_array('${CORE_USER}', '${ENTERPRISE}'),
      'userName', e.user_name, 'externalId', 'u' || e.user_n, 'active', true,
      'displayName', 'User ' || e.user_n))
    WHEN 'group_create' THEN jsonb_build_object('body', jsonb_build_object(
      'schemas', jsonb_build_array('${CORE_GROUP}'), 'displayName', e.group_name,
      'externalId', 'g' || e.group_n))
  END
FROM bench_audit_tenants t, (
  SELECT d.*, kinds.method, kinds.resource_type, kinds.operation, kinds.family, kinds.target,
    CASE WHEN x.f >= 1 THEN kinds.ok_status
         WHEN kinds.family = 'create' THEN CASE WHEN x.f < 0.80 THEN 409 WHEN x.f < 0.97 THEN 400 ELSE 500 END
         WHEN kinds.family = 'list' THEN CASE WHEN x.f < 0.95 THEN 400 ELSE 500 END
         WHEN kinds.family = 'id' THEN CASE WHEN x.f < 0.95 THEN 404 ELSE 500 END
         ELSE CASE WHEN x.f < 0.55 THEN 404 WHEN x.f < 0.65 THEN 409 WHEN x.f < 0.96 THEN 400 ELSE 500 END
    END AS status,
    CASE kinds.target WHEN 'user' THEN d.user_id WHEN 'group' THEN d.group_id END AS target_id
  FROM (
    SELECT r.*,
      CASE
        WHEN r.c = 0 THEN CASE WHEN r.r1 < 0.42 THEN 'user_filter' WHEN r.r1 < 0.77 THEN 'user_create'
                               WHEN r.r1 < 0.80 THEN 'group_filter' WHEN r.r1 < 0.82 THEN 'group_create'
                               WHEN r.r1 < 0.92 THEN 'user_patch' ELSE 'group_patch' END
        WHEN r.k = 0 THEN 'probe_user'
        WHEN r.k = 1 THEN 'probe_group'
        WHEN r.r1 < 0.30 THEN 'user_filter'
        WHEN r.r1 < 0.38 THEN 'group_filter'
        WHEN r.r1 < 0.50 THEN 'user_get'
        WHEN r.r1 < 0.53 THEN 'group_get'
        WHEN r.r1 < 0.73 THEN 'user_patch'
        WHEN r.r1 < 0.83 THEN 'group_patch'
        WHEN r.r1 < 0.91 THEN 'user_create'
        WHEN r.r1 < 0.93 THEN 'group_create'
        WHEN r.r1 < 0.985 THEN 'user_disable'
        WHEN r.r1 < 0.995 THEN 'user_delete'
        ELSE 'group_delete'
      END AS kind,
      md5(r.tenant_id::text || ':user:' || r.user_n)::uuid::text AS user_id,
      md5(r.tenant_id::text || ':group:' || r.group_n)::uuid::text AS group_id,
      'user' || r.user_n || '@' || r.slug || '.example.com' AS user_name,
      'Group ' || lpad(r.group_n::text, 4, '0') AS group_name,
      (ARRAY['title', 'displayName', 'name.familyName', 'emails[type eq "work"].value',
             '${ENTERPRISE}:department', '${ENTERPRISE}:manager'])[1 + floor(r.r4 * 6)::int]
        AS attribute
    FROM (
      SELECT t.tenant_id, t.slug, t.failure_rate, cy.c, k,
        cy.start_at + make_interval(secs => (k + random()) * cy.duration_s / cy.size) AS at,
        gen_random_uuid() AS id, gen_random_uuid() AS request_id,
        random() AS r1, random() AS r2, random() AS r3, random() AS r4,
        -- u² skews the picks towards the first ids of each pool: a few busy resources.
        floor(t.users * power(random(), 2))::int AS user_n,
        floor(t.groups * power(random(), 2))::int AS group_n
      FROM bench_audit_tenants t
      JOIN bench_cycles cy ON cy.c BETWEEN $2 AND $3
      CROSS JOIN LATERAL generate_series(0, cy.size - 1) AS k
      WHERE t.ordinal = $1
    ) r
  ) d
  JOIN ${KINDS} ON kinds.kind = d.kind
  -- f < 1: the request failed, and f (uniform in [0, 1)) picks how.
  CROSS JOIN LATERAL (SELECT d.r2 / (d.failure_rate * kinds.fail_weight) AS f) AS x
) e
WHERE t.ordinal = $1`;

/**
 * The tenant's `system` rows (a purge each day) and `graphql` rows (token and settings mutations),
 * $1 ordinal.
 */
const OTHER_EVENTS = `
INSERT INTO audit_events (tenant_id, at, id, request_id, token_id, channel, method, path,
  resource_type, resource_id, operation, status, duration_ms, changed_attributes, counts)
SELECT t.tenant_id, t.initial_at + make_interval(days => d, hours => 3, secs => random() * 600),
  gen_random_uuid(), NULL::text, NULL::uuid, 'system', NULL, NULL, 'User', NULL, 'purge', 200,
  5 + random() * 50, '{}', jsonb_build_object('purged', floor(random() * 6)::int)
FROM bench_audit_tenants t, generate_series(0, t.days - 1) AS d
WHERE t.ordinal = $1
UNION ALL
SELECT t.tenant_id,
  t.initial_at - interval '1 day' + (t.first_cycle_at + t.cycles * interval '40 minutes' - t.initial_at)
    * (i / ${GRAPHQL_ROWS}.0)::float8,
  gen_random_uuid(), gen_random_uuid()::text, NULL::uuid, 'graphql', 'POST', '/graphql', m.resource_type,
  NULL, m.operation, 200, 10 + random() * 40, m.changed, NULL
FROM bench_audit_tenants t, generate_series(0, ${GRAPHQL_ROWS - 1}) AS i,
  LATERAL (SELECT (ARRAY['mintScimToken', 'updateTenantSettings', 'rotateScimToken', 'revokeScimToken'])[1 + i % 4] AS operation) AS o,
  LATERAL (SELECT o.operation,
                  CASE WHEN o.operation = 'updateTenantSettings' THEN 'Tenant' ELSE 'ScimToken' END AS resource_type,
                  CASE WHEN o.operation = 'updateTenantSettings' THEN '{settings.softDeleteRetentionDays}'::text[] ELSE '{}'::text[] END AS changed) AS m
WHERE t.ordinal = $1`;

/** The tenant's users (the pool its audit rows name): 4 % inactive, 2.5 % soft-deleted. */
const USERS = `
INSERT INTO scim_users (tenant_id, id, user_name, external_id, display_name, active, resource,
  version, created_at, updated_at, deleted_at)
SELECT t.tenant_id, md5(t.tenant_id::text || ':user:' || n)::uuid, u.user_name, 'u' || n,
  'User ' || n, n % 25 <> 3,
  jsonb_build_object(
    'schemas', jsonb_build_array('${CORE_USER}', '${ENTERPRISE}'),
    'externalId', 'u' || n, 'userName', u.user_name, 'active', n % 25 <> 3,
    'displayName', 'User ' || n,
    'emails', jsonb_build_array(jsonb_build_object('primary', true, 'type', 'work', 'value', u.user_name)),
    '${ENTERPRISE}', jsonb_build_object('department', 'Dept ' || n % 40)),
  1 + n % 7, t.initial_at + make_interval(secs => n * 0.1), t.initial_at + make_interval(secs => n * 0.1),
  CASE WHEN n % 40 = 7 THEN greatest(t.initial_at + make_interval(secs => n * 0.1 + 3600),
    t.first_cycle_at + t.cycles * interval '40 minutes' - make_interval(days => n % 29, secs => n % 86400)) END
FROM bench_audit_tenants t, generate_series(0, t.users - 1) AS n,
  LATERAL (SELECT 'user' || n || '@' || t.slug || '.example.com' AS user_name) AS u
WHERE t.ordinal = $1`;

/** The tenant's groups: the first 4 % are role groups (`role.…`). */
const GROUPS = `
INSERT INTO scim_groups (tenant_id, id, display_name, external_id, resource, created_at, updated_at)
SELECT t.tenant_id, md5(t.tenant_id::text || ':group:' || n)::uuid, g.name, 'g' || n,
  jsonb_build_object('schemas', jsonb_build_array('${CORE_GROUP}'), 'externalId', 'g' || n,
    'displayName', g.name),
  t.initial_at, t.initial_at
FROM bench_audit_tenants t, generate_series(0, t.groups - 1) AS n,
  LATERAL (SELECT CASE WHEN n < ceil(t.groups / 25.0) THEN 'role.role-' || n
                       ELSE 'Group ' || lpad(n::text, 4, '0') END AS name) AS g
WHERE t.ordinal = $1`;

const elapsedMs = (since: bigint): number => Number(process.hrtime.bigint() - since) / 1e6;

async function loadTenant(sql: Client, ordinal: number): Promise<{ rows: number; ms: number }> {
  const started = process.hrtime.bigint();
  let rows = 0;
  await sql.query('BEGIN');
  try {
    await sql.query("SET LOCAL synchronous_commit = 'off'");
    await sql.query("SET LOCAL work_mem = '64MB'");
    await sql.query(CYCLES, [ordinal]);
    // Statements of about STATEMENT_ROWS rows: runs of consecutive cycles.
    const { rows: cycles } = await sql.query<{ c: number; size: number }>(
      'SELECT c, size FROM bench_cycles ORDER BY c',
    );
    let from = 0;
    let pending = 0;
    for (const [i, cycle] of cycles.entries()) {
      pending += cycle.size;
      if (pending >= STATEMENT_ROWS || i === cycles.length - 1) {
        const inserted = await sql.query(EVENTS, [ordinal, from, cycle.c]);
        rows += inserted.rowCount ?? 0;
        from = cycle.c + 1;
        pending = 0;
      }
    }
    rows += (await sql.query(OTHER_EVENTS, [ordinal])).rowCount ?? 0;
    await sql.query(USERS, [ordinal]);
    await sql.query(GROUPS, [ordinal]);
    const { rows: planned } = await sql.query<{ events: number }>(
      'SELECT events FROM bench_audit_tenants WHERE ordinal = $1',
      [ordinal],
    );
    if (planned[0]?.events !== rows) {
      throw new Error(`tenant ${ordinal}: ${rows} events built, ${planned[0]?.events} planned`);
    }
    const ms = Math.round(elapsedMs(started));
    await sql.query(
      'UPDATE bench_audit_tenants SET loaded_at = now(), load_ms = $2 WHERE ordinal = $1',
      [ordinal, ms],
    );
    await sql.query('COMMIT');
    return { rows, ms };
  } catch (error) {
    await sql.query('ROLLBACK');
    throw error;
  }
}

async function addTiming(sql: Client, phase: keyof SeedTimings, ms: number): Promise<void> {
  await sql.query(
    `UPDATE bench_audit_seed
        SET value = jsonb_set(value, ARRAY[$1], to_jsonb((value->>$1)::float8 + $2))
      WHERE key = 'timings'`,
    [phase, Math.round(ms)],
  );
}

interface IndexDefinition {
  readonly name: string;
  readonly def: string;
  readonly constraint: boolean;
}

async function existingIndexes(sql: Client): Promise<Set<string>> {
  const { rows } = await sql.query<{ name: string }>(
    `SELECT i.relname AS name FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid
      WHERE x.indrelid = 'audit_events'::regclass`,
  );
  return new Set(rows.map(({ name }) => name));
}

/**
 * Makes sure the kept database holds the finished seed of `options` and returns what it holds.
 * Seeds (or resumes) when needed; `options.reseed` starts over.
 */
export async function ensureSeed(db: BenchDatabase, options: SeedOptions): Promise<SeedSummary> {
  const { log } = options;
  if (options.reseed) {
    log(`--reseed: dropping and re-creating ${db.name}`);
    await db.recreate();
  }
  let sql = new Client({ connectionString: db.url });
  await sql.connect();
  try {
    await sql.query(BOOKKEEPING);
    const current = async (): Promise<PlanValue | undefined> =>
      (
        await sql.query<{ value: PlanValue }>(
          "SELECT value FROM bench_audit_seed WHERE key = 'plan'",
        )
      ).rows[0]?.value;
    let planned = await current();
    if (
      planned &&
      (planned.version !== SEED_VERSION ||
        planned.events !== options.events ||
        planned.tenants !== options.tenants)
    ) {
      log(
        `${db.name} holds seed v${planned.version} (${planned.events} events, ${planned.tenants} tenants): ` +
          `dropping it for v${SEED_VERSION} (${options.events} events, ${options.tenants} tenants)`,
      );
      await sql.end();
      await db.recreate();
      sql = new Client({ connectionString: db.url });
      await sql.connect();
      await sql.query(BOOKKEEPING);
      planned = undefined;
    }
    await migrate(db.url);
    const done = await sql.query("SELECT 1 FROM bench_audit_seed WHERE key = 'done'");
    const seededNow = !done.rowCount;
    if (seededNow) {
      if (!planned) {
        const started = process.hrtime.bigint();
        await plan(sql, options, new Date());
        await addTiming(sql, 'planMs', elapsedMs(started));
        log(`planned ${options.tenants} tenants (${options.events} events)`);
      } else {
        log(`resuming the seed planned at ${planned.anchor}`);
      }
      await load(sql, log);
    }
    return await summary(sql, seededNow);
  } finally {
    await sql.end().catch(() => undefined);
  }
}

async function load(sql: Client, log: (line: string) => void): Promise<void> {
  const { rows: definitions } = await sql.query<{ value: IndexDefinition[] }>(
    "SELECT value FROM bench_audit_seed WHERE key = 'indexes'",
  );
  const indexes = definitions[0]?.value ?? [];
  const { rows: pending } = await sql.query<{ ordinal: number; events: number }>(
    'SELECT ordinal, events FROM bench_audit_tenants WHERE loaded_at IS NULL ORDER BY ordinal',
  );
  if (pending.length > 0) {
    // Loading into a table without indexes, then building each index once, is several times
    // faster than maintaining nine indexes row by row (random inserts into the uuid-keyed ones).
    for (const index of indexes) {
      await sql.query(
        index.constraint
          ? `ALTER TABLE audit_events DROP CONSTRAINT IF EXISTS ${sql.escapeIdentifier(index.name)}`
          : `DROP INDEX IF EXISTS ${sql.escapeIdentifier(index.name)}`,
      );
    }
    const total = pending.reduce((sum, { events }) => sum + events, 0);
    log(`loading ${total} audit events for ${pending.length} tenants (indexes dropped meanwhile)`);
    const started = process.hrtime.bigint();
    let loaded = 0;
    for (const { ordinal } of pending) {
      const { rows, ms } = await loadTenant(sql, ordinal);
      await addTiming(sql, 'loadMs', ms);
      loaded += rows;
      if (rows >= 200_000 || ordinal % 10 === 0 || ordinal === pending.at(-1)?.ordinal) {
        const seconds = elapsedMs(started) / 1000;
        log(
          `  tenant ${ordinal}: ${rows} events in ${(ms / 1000).toFixed(1)} s; ` +
            `${loaded}/${total} so far, ${(loaded / seconds).toFixed(0)} rows/s`,
        );
      }
    }
  }
  const existing = await existingIndexes(sql);
  const missing = indexes.filter(({ name }) => !existing.has(name));
  if (missing.length > 0) {
    log(`building ${missing.length} indexes of audit_events (the migrations' definitions)`);
    await sql.query("SET maintenance_work_mem = '1GB'");
    // One process per index: the machine is shared.
    await sql.query('SET max_parallel_maintenance_workers = 0');
    for (const index of missing) {
      const started = process.hrtime.bigint();
      await sql.query(index.def);
      const ms = elapsedMs(started);
      await addTiming(sql, 'indexMs', ms);
      log(`  ${index.name}: ${(ms / 1000).toFixed(1)} s`);
    }
  }
  log('VACUUM (ANALYZE) of the seeded tables');
  const started = process.hrtime.bigint();
  await sql.query(
    'VACUUM (ANALYZE) audit_events, scim_users, scim_groups, tenants, api_tokens, service_identities',
  );
  await addTiming(sql, 'vacuumMs', elapsedMs(started));
  await sql.query(
    `INSERT INTO bench_audit_seed (key, value) VALUES ('done', jsonb_build_object('at', now()))
     ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value`,
  );
}

async function summary(sql: Client, seededNow: boolean): Promise<SeedSummary> {
  const { rows: meta } = await sql.query<{ key: string; value: Record<string, unknown> }>(
    'SELECT key, value FROM bench_audit_seed',
  );
  const value = (key: string): Record<string, unknown> =>
    meta.find((row) => row.key === key)?.value ?? {};
  const { rows } = await sql.query<SeededTenant>(
    `SELECT ordinal, tenant_id AS "tenantId", slug, events, scim_events AS "scimEvents", users,
            groups, cycles, failure_rate AS "failureRate"
       FROM bench_audit_tenants ORDER BY ordinal`,
  );
  const timings = value('timings') as unknown as SeedTimings;
  return {
    seededNow,
    anchor: new Date(String(value('plan').anchor)),
    finishedAt: new Date(String(value('done').at)),
    timings,
    tenants: rows,
  };
}
