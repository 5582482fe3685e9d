// Shared pieces of the load benchmarks: a scratch database, the built server started as production
// runs it, a tenant with a SCIM token, the server's resident memory, and autocannon summaries.
// Loopback only; everything started here is stopped by the caller's `finally`.
import autocannon from 'autocannon';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { resolve } from 'node:path';
import { Client } from 'pg';
import { EmbeddedDatabase } from '../src/database/embedded-postgres.js';

export const delay = (ms: number): Promise<void> => new Promise((done) => setTimeout(done, ms));

export function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const server = createServer()
      .once('error', fail)
      .listen(0, '127.0.0.1', () => {
        const address = server.address();
        const port = typeof address === 'object' && address ? address.port : 0;
        server.close(() => done(port));
      });
  });
}

/** A database created for one run and dropped after it. */
export interface ScratchDatabase {
  /** Connection URL of the scratch database. */
  readonly url: string;
  readonly name: string;
  /** `DATABASE_URL …` or `embedded PostgreSQL …`, for the report. */
  readonly description: string;
  /** Drops the database (forcing out leftover sessions) and stops an embedded cluster it started. */
  drop(): Promise<void>;
}

/**
 * Creates `<prefix>_<random>` next to the database of `DATABASE_URL` when it is set (never touching
 * that database's own tables), else in an embedded cluster under `DATA_DIR` (default `.data/bench`)
 * on `EMBEDDED_PG_PORT` (default 54331), which this process starts and stops.
 */
export async function createScratchDatabase(prefix: string): Promise<ScratchDatabase> {
  const name = `${prefix}_${Date.now().toString(36)}${randomBytes(3).toString('hex')}`;
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
  const admin = new Client({ connectionString: adminUrl });
  await admin.connect();
  const version =
    (
      await admin.query<{ v: string }>(
        "SELECT split_part(current_setting('server_version'), ' ', 1) AS v",
      )
    ).rows[0]?.v ?? '?';
  try {
    await admin.query(`CREATE DATABASE ${admin.escapeIdentifier(name)}`);
  } finally {
    await admin.end();
  }
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  const description = embedded
    ? `embedded PostgreSQL ${version} (${embedded.clusterDir}), database ${name}`
    : `DATABASE_URL ${url.hostname}:${url.port || 5432} (PostgreSQL ${version}), scratch database ${name}`;
  return {
    url: url.toString(),
    name,
    description,
    async drop(): Promise<void> {
      const client = new Client({ connectionString: adminUrl });
      await client.connect();
      try {
        await client.query(`DROP DATABASE IF EXISTS ${client.escapeIdentifier(name)} WITH (FORCE)`);
      } finally {
        await client.end();
      }
      if (embedded?.owned) await embedded.stop();
    },
  };
}

export interface ServerOptions {
  /** What the server connects to; unset → the server's own embedded PostgreSQL. */
  readonly databaseUrl?: string;
  readonly logLevel: string;
  /** Extra Node flags, e.g. `--cpu-prof`. */
  readonly nodeArgs?: readonly string[];
}

/** `node dist/src/main.js` (run `npm run build` first) with `NODE_ENV=production` on loopback. */
export interface RunningServer {
  readonly base: string;
  readonly pid: number;
  readonly adminToken: string;
  /** Log lines the server wrote to stdout (JSON, at the chosen level), the first 50. */
  readonly logLines: readonly string[];
  /** How many lines it wrote in all. */
  logLineCount(): number;
  /** SIGTERM, then waits for the exit (a graceful shutdown). */
  stop(): Promise<void>;
}

export async function startServer(options: ServerOptions): Promise<RunningServer> {
  const port = await freePort();
  const adminToken = randomBytes(32).toString('base64url');
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    NODE_ENV: 'production',
    PORT: String(port),
    HOST: '127.0.0.1',
    ADMIN_TOKEN: adminToken,
    TOKEN_SIGNING_KEY: randomBytes(48).toString('base64url'),
    DATA_DIR: process.env.DATA_DIR ?? '.data/bench',
    EMBEDDED_PG_PORT: process.env.EMBEDDED_PG_PORT ?? '54331',
    LOG_LEVEL: options.logLevel,
  };
  if (options.databaseUrl) env.DATABASE_URL = options.databaseUrl;
  else delete env.DATABASE_URL;
  const child: ChildProcess = spawn(
    process.execPath,
    [...(options.nodeArgs ?? []), 'dist/src/main.js'],
    { env, stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const logLines: string[] = [];
  let lineCount = 0;
  let partial = '';
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
    const lines = (partial + chunk).split('\n');
    partial = lines.pop() ?? '';
    lineCount += lines.length;
    for (const line of lines) if (logLines.length < 50) logLines.push(line);
  });
  const exited = new Promise<void>((done) => child.once('exit', () => done()));
  const server: RunningServer = {
    base: `http://127.0.0.1:${port}`,
    pid: child.pid ?? 0,
    adminToken,
    logLines,
    logLineCount: () => lineCount,
    async stop(): Promise<void> {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
  try {
    for (let attempt = 0; ; attempt++) {
      const ready = await fetch(`${server.base}/health/ready`).then(
        (response) => response.ok,
        () => false,
      );
      if (ready) return server;
      if (attempt > 480 || child.exitCode !== null) {
        throw new Error(`server did not become ready:\n${logLines.join('\n')}`);
      }
      await delay(250);
    }
  } catch (error) {
    await server.stop();
    throw error;
  }
}

/** A bare NestJS-express application (bench/bare-nest.ts) on a free loopback port: the ceiling. */
export interface BareNest {
  readonly base: string;
  readonly pid: number;
  stop(): Promise<void>;
}

export async function startBareNest(): Promise<BareNest> {
  const port = await freePort();
  const child: ChildProcess = spawn(
    process.execPath,
    [new URL('./bare-nest.js', import.meta.url).pathname],
    { env: { ...process.env, PORT: String(port), HOST: '127.0.0.1' }, stdio: 'inherit' },
  );
  const exited = new Promise<void>((done) => child.once('exit', () => done()));
  const bare: BareNest = {
    base: `http://127.0.0.1:${port}`,
    pid: child.pid ?? 0,
    async stop(): Promise<void> {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
  for (let attempt = 0; ; attempt++) {
    const ready = await fetch(`${bare.base}/bare`).then(
      (response) => response.ok,
      () => false,
    );
    if (ready) return bare;
    if (attempt > 120 || child.exitCode !== null) {
      await bare.stop();
      throw new Error('the bare NestJS application did not start');
    }
    await delay(250);
  }
}

/** A new tenant (through the admin GraphQL API) and a SCIM bearer token minted for it. */
export async function createTenantWithToken(
  server: RunningServer,
  slug: string,
): Promise<{ tenantId: string; token: string }> {
  const gql = async <T>(query: string, variables: Record<string, unknown>): Promise<T> => {
    const response = await fetch(`${server.base}/graphql`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        authorization: `Bearer ${server.adminToken}`,
      },
      body: JSON.stringify({ query, variables }),
    });
    const body = (await response.json()) as { data?: T; errors?: unknown };
    if (body.errors || !body.data) throw new Error(JSON.stringify(body.errors ?? body));
    return body.data;
  };
  const { createTenant } = await gql<{ createTenant: { id: string } }>(
    'mutation($s: String!) { createTenant(input: {slug: $s}) { id } }',
    { s: slug },
  );
  const { mintScimToken } = await gql<{ mintScimToken: { token: string } }>(
    'mutation($t: ID!) { mintScimToken(input: {tenantId: $t, label: "bench"}) { token } }',
    { t: createTenant.id },
  );
  return { tenantId: createTenant.id, token: mintScimToken.token };
}

/** Resident memory of a process in MiB, read from `/proc/<pid>/status` (Linux). */
export function memoryOf(pid: number): { rssMiB: number; hwmMiB: number } | undefined {
  let status: string;
  try {
    status = readFileSync(`/proc/${pid}/status`, 'utf8');
  } catch {
    return undefined;
  }
  const kib = (field: string): number =>
    Number(new RegExp(`^${field}:\\s+(\\d+)`, 'm').exec(status)?.[1] ?? NaN);
  return { rssMiB: kib('VmRSS') / 1024, hwmMiB: kib('VmHWM') / 1024 };
}

/** Samples a process's RSS every `intervalMs` until stopped; `peak` is the largest sample. */
export class RssSampler {
  private timer?: NodeJS.Timeout;
  private peakMiB = 0;

  constructor(
    private readonly pid: number,
    private readonly intervalMs = 100,
  ) {}

  start(): this {
    this.peakMiB = 0;
    this.sample();
    this.timer = setInterval(() => this.sample(), this.intervalMs);
    return this;
  }

  stop(): number {
    clearInterval(this.timer);
    this.sample();
    return this.peakMiB;
  }

  get peak(): number {
    return this.peakMiB;
  }

  private sample(): void {
    const rss = memoryOf(this.pid)?.rssMiB;
    if (rss !== undefined && rss > this.peakMiB) this.peakMiB = rss;
  }
}

/** CPU seconds used so far by every process, by pid, with its command name (Linux `/proc`). */
export type CpuSnapshot = ReadonlyMap<number, { readonly comm: string; readonly seconds: number }>;

/** Clock ticks per second of `/proc/<pid>/stat` (USER_HZ: 100 on every mainstream Linux build). */
const CLOCK_TICKS = 100;

export function cpuSnapshot(): CpuSnapshot {
  const snapshot = new Map<number, { comm: string; seconds: number }>();
  let pids: string[];
  try {
    pids = readdirSync('/proc').filter((name) => /^\d+$/.test(name));
  } catch {
    return snapshot;
  }
  for (const pid of pids) {
    let stat: string;
    try {
      stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    } catch {
      continue; // exited meanwhile
    }
    const close = stat.lastIndexOf(')');
    const comm = stat.slice(stat.indexOf('(') + 1, close);
    // After the command name: state is field 3, utime field 14, stime field 15 (proc(5)).
    const fields = stat.slice(close + 2).split(' ');
    const ticks = Number(fields[11]) + Number(fields[12]);
    snapshot.set(Number(pid), { comm, seconds: ticks / CLOCK_TICKS });
  }
  return snapshot;
}

/** Cores used between two snapshots, per role; `other` is everything else on the machine. */
export interface CpuSplit {
  readonly server: number;
  readonly postgres: number;
  readonly loadGenerator: number;
  readonly other: number;
}

/**
 * Splits the CPU time spent between two snapshots over `seconds` of wall time: the server process,
 * every `postgres` process (the bench's cluster or the machine's, including other users of it),
 * this process (autocannon), and the rest, which shows when something else loaded the machine.
 */
export function cpuSplit(
  before: CpuSnapshot,
  after: CpuSnapshot,
  seconds: number,
  serverPid: number,
): CpuSplit {
  const split = { server: 0, postgres: 0, loadGenerator: 0, other: 0 };
  for (const [pid, { comm, seconds: used }] of after) {
    const spent = used - (before.get(pid)?.seconds ?? 0);
    if (spent <= 0) continue;
    const role: keyof CpuSplit =
      pid === serverPid
        ? 'server'
        : pid === process.pid
          ? 'loadGenerator'
          : comm === 'postgres'
            ? 'postgres'
            : 'other';
    split[role] += spent / seconds;
  }
  return split;
}

/** One autocannon run, reduced to what the benches print. */
export interface LoadSummary {
  readonly requestsPerSecond: number;
  readonly p50: number;
  readonly p99: number;
  readonly completed: number;
  readonly non2xx: number;
  /** Socket errors and timeouts. */
  readonly errors: number;
  readonly timeouts: number;
  readonly statusCodes: Readonly<Record<string, number>>;
}

export async function runLoad(options: autocannon.Options): Promise<LoadSummary> {
  const result = await autocannon(options);
  return {
    requestsPerSecond: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    completed: result.requests.total,
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
    statusCodes: Object.fromEntries(
      Object.entries(result.statusCodeStats).map(([code, { count }]) => [code, count]),
    ),
  };
}

/** A random element. */
export const pick = <T>(values: readonly T[]): T => {
  const value = values[Math.floor(Math.random() * values.length)];
  if (value === undefined) throw new Error('nothing to pick from');
  return value;
};

/** MiB (as /proc reports them) → MB. */
export const mb = (mib: number): number => (mib * 1024 * 1024) / 1e6;

/** A response checked before the load was not what it must be: the figures would mean nothing. */
export class BenchFailure extends Error {}

export function check(condition: unknown, message: string): asserts condition {
  if (!condition) throw new BenchFailure(message);
}

/**
 * Prints the verdicts (failed requests, then one PASS/FAIL line per target) and the server's
 * first log lines; the exit code: 1 when a request failed or a target was missed.
 */
export function reportVerdicts(
  failed: readonly string[],
  lines: readonly string[],
  server: RunningServer,
): number {
  console.log('');
  for (const line of failed) console.log(`FAIL  requests failed in ${line}`);
  if (failed.length === 0) console.log('PASS  every request answered 2xx');
  for (const line of lines) console.log(line);
  if (server.logLineCount() > 0) {
    console.log(`\nfirst server log lines:\n${server.logLines.slice(0, 10).join('\n')}`);
  }
  return failed.length > 0 || lines.some((line) => line.startsWith('FAIL')) ? 1 : 0;
}

/** Runs a bench's `main` and exits with its code (1, with the reason, when it threw). */
export function runBench(main: () => Promise<number>): void {
  main().then(
    (code) => process.exit(code),
    (error: unknown) => {
      console.error(error instanceof BenchFailure ? `bench failed: ${error.message}` : error);
      process.exit(1);
    },
  );
}
