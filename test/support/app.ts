import type { INestApplication } from '@nestjs/common';
import { Writable } from 'node:stream';
import type { App } from 'supertest/types.js';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { TokenStateListener } from '../../src/auth/token-state-listener.js';
import { createApp } from '../../src/bootstrap.js';
import { TEST_ENV } from '../test-env.js';

/** Collects every JSON log line the app writes. */
export class LogCapture extends Writable {
  private readonly chunks: string[] = [];

  override _write(chunk: Buffer, _encoding: BufferEncoding, done: () => void): void {
    this.chunks.push(chunk.toString('utf8'));
    done();
  }

  text(): string {
    return this.chunks.join('');
  }

  lines(): Array<Record<string, unknown>> {
    return this.text()
      .split('\n')
      .filter((line) => line.trim() !== '')
      .map((line) => JSON.parse(line) as Record<string, unknown>);
  }
}

export interface TestApp {
  readonly app: INestApplication;
  readonly server: App;
  readonly db: DataSource;
  readonly logs: LogCapture;
  close(): Promise<void>;
}

/** Boots the real application (same bootstrap as main.ts) on the test database. */
export async function startApp(): Promise<TestApp> {
  const logs = new LogCapture();
  const app = await createApp({ logDestination: logs });
  await app.init();
  return {
    app,
    server: app.getHttpServer() as App,
    db: app.get(DataSource),
    logs,
    close: () => app.close(),
  };
}

/**
 * Boots the app once for the enclosing `describe` (beforeAll/afterAll) and returns a handle whose
 * fields read the running instance.
 */
export function useApp(): TestApp {
  let current: TestApp | undefined;
  beforeAll(async () => {
    current = await startApp();
  });
  afterAll(async () => {
    await current?.close();
  });
  const running = (): TestApp => {
    if (!current) throw new Error('the app is not started yet (use it inside a test or hook)');
    return current;
  };
  return {
    get app() {
      return running().app;
    },
    get server() {
      return running().server;
    },
    get db() {
      return running().db;
    },
    get logs() {
      return running().logs;
    },
    close: () => running().close(),
  };
}

export const ADMIN_TOKEN = process.env.ADMIN_TOKEN ?? TEST_ENV.ADMIN_TOKEN!;

export interface GraphqlResult<T> {
  readonly status: number;
  readonly data: T | null;
  readonly errors?: Array<{ message: string; extensions?: { code?: string } }>;
}

/** Posts a GraphQL operation with a bearer token (none when `token` is null). */
export async function graphql<T = Record<string, unknown>>(
  server: App,
  token: string | null,
  query: string,
  variables: Record<string, unknown> = {},
): Promise<GraphqlResult<T>> {
  const req = request(server).post('/graphql').set('Content-Type', 'application/json');
  if (token !== null) req.set('Authorization', `Bearer ${token}`);
  const res = await req.send({ query, variables });
  const body = res.body as { data?: T | null; errors?: GraphqlResult<T>['errors'] };
  return { status: res.status, data: body.data ?? null, errors: body.errors };
}

let counter = 0;
/** A slug no other test (or earlier run on the same database) has used. */
export const uniqueSlug = (prefix = 't'): string =>
  `${prefix}-${Date.now().toString(36)}-${process.pid.toString(36)}-${(counter++).toString(36)}`;

export interface TenantWithToken {
  readonly tenantId: string;
  readonly slug: string;
  readonly token: string;
  readonly tokenId: string;
}

/** Creates a fresh tenant and mints a SCIM token for it, through the admin API. */
export async function tenantWithToken(server: App, expiresIn?: string): Promise<TenantWithToken> {
  const slug = uniqueSlug();
  const created = await graphql<{ createTenant: { id: string } }>(
    server,
    ADMIN_TOKEN,
    'mutation($input: CreateTenantInput!) { createTenant(input: $input) { id } }',
    { input: { slug, name: `Tenant ${slug}` } },
  );
  const tenantId = created.data!.createTenant.id;
  const minted = await graphql<{ mintScimToken: { token: string; info: { id: string } } }>(
    server,
    ADMIN_TOKEN,
    'mutation($input: MintScimTokenInput!) { mintScimToken(input: $input) { token info { id } } }',
    { input: { tenantId, label: 'e2e', ...(expiresIn ? { expiresIn } : {}) } },
  );
  return {
    tenantId,
    slug,
    token: minted.data!.mintScimToken.token,
    tokenId: minted.data!.mintScimToken.info.id,
  };
}

export const SCIM_ERROR = 'urn:ietf:params:scim:api:messages:2.0:Error';

/** Polls `condition` every 20 ms until it holds (fails after `timeoutMs`). */
export async function until(condition: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/**
 * Waits until this process has heard PostgreSQL's notification about a token row changed by SQL
 * (as another instance would): its cached state is gone.
 */
export async function tokenNotified(t: TestApp, tokenId: string): Promise<void> {
  const { cache } = t.app.get(TokenStateListener);
  await until(() => cache.get(tokenId) === undefined);
}
