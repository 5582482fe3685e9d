import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  childEnv,
  cliJson,
  freePort,
  MAIN,
  runCli,
  waitForExit,
  waitForOk,
} from './support/processes.js';

/**
 * The zero-setup path, as a newcomer runs it: the built server with no DATABASE_URL starts an
 * embedded PostgreSQL (as root here, on its own port), migrates, serves; the CLI works beside it;
 * SIGTERM lets an in-flight request finish, then closes the pool and stops the database.
 */
describe('server process on the embedded PostgreSQL', () => {
  let dataDir: string;
  let server: ChildProcessWithoutNullStreams | undefined;
  let output = '';
  let stdout = '';
  let env: NodeJS.ProcessEnv;
  let port: number;
  let clusterDir: string | undefined;

  beforeAll(async () => {
    // mkdtemp makes a 0700 folder: under root, the postgres user that runs the cluster cannot
    // enter it, so the cluster must go where it can (the case of a project under /root).
    dataDir = mkdtempSync(join(tmpdir(), 'muster-e2e-'));
    port = await freePort();
    env = childEnv({
      DATABASE_URL: undefined,
      TOKEN_SIGNING_KEY: undefined,
      MIGRATIONS_RUN: 'true',
      DATA_DIR: dataDir,
      EMBEDDED_PG_PORT: String(await freePort()),
      PORT: String(port),
      HOST: '127.0.0.1',
      LOG_LEVEL: 'info',
      NODE_ENV: 'development',
    });
  });

  afterAll(async () => {
    if (server && server.exitCode === null) {
      server.kill('SIGTERM');
      await waitForExit(server, 20_000).catch(() => server?.kill('SIGKILL'));
    }
    rmSync(dataDir, { recursive: true, force: true });
    if (clusterDir?.startsWith('/var/lib/muster/'))
      rmSync(clusterDir, { recursive: true, force: true });
  });

  it('starts, serves, shares its database with the CLI, and shuts down gracefully', async () => {
    server = spawn(process.execPath, [MAIN], { env, cwd: process.cwd() });
    server.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      output += chunk.toString();
    });
    server.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    await waitForOk(`http://127.0.0.1:${port}/health/ready`, 60_000, server).catch(
      (error: Error) => {
        throw new Error(`${error.message}\n${output}`);
      },
    );

    // Never the system server's port; the generated key lives in DATA_DIR, the cluster beside it
    // (or, under root with an unreachable DATA_DIR, in /var/lib/muster).
    clusterDir = /started embedded PostgreSQL on 127\.0\.0\.1:\d+ \(data in ([^,]+),/.exec(
      output,
    )?.[1];
    expect(clusterDir).toEqual(
      process.getuid?.() === 0
        ? expect.stringMatching(/^\/var\/lib\/muster\/postgres-[0-9a-f]{12}$/)
        : join(dataDir, 'postgres'),
    );
    const pidFile = join(clusterDir!, 'postmaster.pid');
    expect(existsSync(pidFile)).toBe(true);
    expect(statSync(join(dataDir, 'token-signing.key')).mode & 0o777).toBe(0o600);

    // The CLI joins the running cluster (no DATABASE_URL either) and its token works on the server.
    const cliEnv = { ...env, LOG_LEVEL: 'warn' };
    cliJson(await runCli(['tenant', 'create', 'lifecycle'], cliEnv));
    const minted = cliJson<{ token: string }>(await runCli(['token', 'mint', 'lifecycle'], cliEnv));
    const authed = await fetch(`http://127.0.0.1:${port}/scim/v2/Users`, {
      headers: { Authorization: `Bearer ${minted.token}` },
    });
    expect(authed.status).toBe(200);
    expect(existsSync(pidFile)).toBe(true); // the CLI did not stop the server's database

    // Every line the server printed is a JSON log record.
    const lines = stdout.split('\n').filter((l) => l.trim() !== '');
    expect(lines.length).toBeGreaterThan(10);
    for (const line of lines)
      expect(typeof (JSON.parse(line) as { msg?: unknown }).msg).toBe('string');

    // An in-flight request: headers sent, body not yet complete when SIGTERM arrives.
    const body = '{"userName":"inflight@example.com"}';
    const socket = connect(port, '127.0.0.1');
    await new Promise<void>((resolve) => socket.once('connect', resolve));
    let response = '';
    socket.on('data', (chunk: Buffer) => (response += chunk.toString()));
    const closed = new Promise<void>((resolve) => socket.once('close', resolve));
    socket.write(
      `POST /scim/v2/Users HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer ${minted.token}\r\n` +
        `Content-Type: application/scim+json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n` +
        body.slice(0, 10),
    );
    await new Promise((resolve) => setTimeout(resolve, 200));
    server.kill('SIGTERM');
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(server.exitCode).toBeNull(); // still draining
    socket.write(body.slice(10)); // (no half-close: Node aborts a request whose client half-closes)
    await closed;
    expect(response).toMatch(/^HTTP\/1\.1 201 /);
    expect(response).toContain('application/scim+json');

    expect(await waitForExit(server, 20_000)).toBe(0);
    expect(output).toContain('stopped embedded PostgreSQL');
    expect(existsSync(pidFile)).toBe(false);
  }, 120_000);
});

describe('start-up with invalid configuration', () => {
  it('fails fast, listing every invalid variable, before touching any database', async () => {
    const child = spawn(process.execPath, [MAIN], {
      env: childEnv({
        PORT: 'eighty',
        ADMIN_TOKEN: 'short',
        SCIM_TOKEN_DEFAULT_TTL: 'never',
        DATABASE_URL: undefined,
      }),
      cwd: process.cwd(),
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    expect(await waitForExit(child, 15_000)).toBe(78);
    expect(stderr).toMatch(/PORT=/);
    expect(stderr).toMatch(/ADMIN_TOKEN=<redacted>/);
    expect(stderr).toMatch(/SCIM_TOKEN_DEFAULT_TTL=/);
    expect(stderr).not.toContain('embedded PostgreSQL');
  });
});
