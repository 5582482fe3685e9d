// Measures what authentication costs on every SCIM request, against a bare route measured in the
// same run: `npm run bench` (BENCH_SECONDS, default 10 per scenario; DATABASE_URL, else an
// embedded PostgreSQL under .data/bench). Loopback only; stops by itself.
import autocannon from 'autocannon';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 10);

const freePort = () =>
  new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });

const port = await freePort();
const adminToken = randomBytes(32).toString('base64url');
const env = {
  ...process.env,
  NODE_ENV: 'production',
  PORT: String(port),
  HOST: '127.0.0.1',
  ADMIN_TOKEN: adminToken,
  TOKEN_SIGNING_KEY: randomBytes(48).toString('base64url'),
  DATA_DIR: process.env.DATA_DIR ?? '.data/bench',
  EMBEDDED_PG_PORT: process.env.EMBEDDED_PG_PORT ?? '54331',
  LOG_LEVEL: process.env.LOG_LEVEL ?? 'info',
};
const server = spawn(process.execPath, ['dist/src/main.js'], {
  env,
  stdio: ['ignore', 'ignore', 'inherit'],
});
const base = `http://127.0.0.1:${port}`;

try {
  for (let i = 0; ; i++) {
    const ok = await fetch(`${base}/health/ready`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) break;
    if (i > 240 || server.exitCode !== null) throw new Error('server did not become ready');
    await new Promise((r) => setTimeout(r, 250));
  }

  const gql = async (query, variables) => {
    const res = await fetch(`${base}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${adminToken}` },
      body: JSON.stringify({ query, variables }),
    });
    const body = await res.json();
    if (body.errors) throw new Error(JSON.stringify(body.errors));
    return body.data;
  };
  const slug = `bench-${Date.now().toString(36)}`;
  const { createTenant } = await gql(
    'mutation($s: String!) { createTenant(input: {slug: $s}) { id } }',
    { s: slug },
  );
  const { mintScimToken } = await gql(
    'mutation($t: ID!) { mintScimToken(input: {tenantId: $t, label: "bench"}) { token } }',
    { t: createTenant.id },
  );

  const scenarios = [
    { name: 'bare route       GET /health/live', path: '/health/live', headers: {} },
    { name: 'SCIM, no token   GET /scim/v2/Users → 401', path: '/scim/v2/Users', headers: {} },
    {
      name: 'SCIM, valid token GET /scim/v2/Users → 501',
      path: '/scim/v2/Users',
      headers: { authorization: `Bearer ${mintScimToken.token}` },
    },
  ];
  const results = [];
  for (const scenario of scenarios) {
    const result = await autocannon({
      url: `${base}${scenario.path}`,
      headers: scenario.headers,
      connections: CONNECTIONS,
      duration: SECONDS,
    });
    results.push({ ...scenario, result });
  }
  const bare = results[0].result.requests.average;
  console.log(
    `\n${SECONDS}s per scenario, ${CONNECTIONS} connections, node ${process.version}, LOG_LEVEL=${env.LOG_LEVEL}`,
  );
  console.log(
    'scenario                                      req/s   ratio  p50 ms  p99 ms  non-2xx',
  );
  for (const { name, result } of results) {
    console.log(
      `${name.padEnd(44)} ${result.requests.average.toFixed(0).padStart(6)}  ${(result.requests.average / bare).toFixed(2).padStart(5)}` +
        `  ${String(result.latency.p50).padStart(6)}  ${String(result.latency.p99).padStart(6)}  ${String(result.non2xx).padStart(7)}`,
    );
  }
} finally {
  server.kill('SIGTERM');
  await new Promise((resolve) => server.once('exit', resolve));
}
