import { type BeforeApplicationShutdown, Injectable, Logger } from '@nestjs/common';
import pg from 'pg';
import { DataSource } from 'typeorm';

import { TokenStateCache } from './token-state-cache.js';

/** The channel the `api_tokens_notify` trigger (migration ApiTokensNotify) notifies on. */
export const TOKEN_STATE_CHANNEL = 'muster_api_tokens';

const RETRY_MIN_MS = 500;
const RETRY_MAX_MS = 30_000;

/**
 * Keeps {@link TokenStateCache} honest across instances: one dedicated connection LISTENs on
 * {@link TOKEN_STATE_CHANNEL}, where PostgreSQL announces (at commit) every change of a token's
 * revocation, expiry or identity and every deleted token, whoever made it (this instance, another
 * one, the CLI, an operator's SQL). The cache is served only while that connection is up; when it
 * drops, the cache is emptied and every request reads its token row again until the connection
 * is back (retried with backoff).
 *
 * It connects on first use (the first authenticated request), so the CLI never opens it.
 */
@Injectable()
export class TokenStateListener implements BeforeApplicationShutdown {
  private readonly logger = new Logger('Tokens');
  readonly cache = new TokenStateCache();
  private client?: pg.Client;
  private connecting?: Promise<void>;
  private retryTimer?: NodeJS.Timeout;
  private retryMs = RETRY_MIN_MS;
  private stopped = false;

  constructor(private readonly dataSource: DataSource) {}

  /** Starts listening unless it already does (or is trying to). */
  ensureListening(): void {
    if (this.stopped || this.client || this.connecting || this.retryTimer) return;
    this.connecting = this.connect().finally(() => {
      this.connecting = undefined;
    });
  }

  /** Waits until the cache is served (tests; never needed on the request path). */
  async whenListening(): Promise<void> {
    this.ensureListening();
    await this.connecting;
  }

  private async connect(): Promise<void> {
    const options = this.dataSource.options as { url?: string; ssl?: pg.ClientConfig['ssl'] };
    const client = new pg.Client({
      connectionString: options.url,
      ssl: options.ssl,
      application_name: 'muster-token-listener',
      connectionTimeoutMillis: 5_000,
    });
    client.on('notification', (message) => {
      if (message.channel === TOKEN_STATE_CHANNEL && message.payload) {
        this.cache.invalidate(message.payload);
      }
    });
    client.on('error', (error) => this.lost(client, error));
    client.on('end', () => this.lost(client));
    try {
      await client.connect();
      await client.query(`LISTEN ${TOKEN_STATE_CHANNEL}`);
    } catch (error) {
      this.lost(client, error);
      return;
    }
    if (this.stopped) {
      await client.end().catch(() => undefined);
      return;
    }
    this.client = client;
    this.retryMs = RETRY_MIN_MS;
    this.cache.setListening(true);
  }

  private lost(client: pg.Client, error?: unknown): void {
    if (this.client !== undefined && this.client !== client) return;
    this.client = undefined;
    this.cache.setListening(false);
    client.removeAllListeners('notification');
    client.end().catch(() => undefined);
    if (this.stopped || this.retryTimer) return;
    this.logger.warn(
      { err: error },
      `token notifications unavailable: reading token state on every request; retrying in ${this.retryMs} ms`,
    );
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      this.ensureListening();
    }, this.retryMs).unref();
    this.retryMs = Math.min(this.retryMs * 2, RETRY_MAX_MS);
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
    await this.connecting;
    const client = this.client;
    this.client = undefined;
    this.cache.setListening(false);
    if (client) {
      client.removeAllListeners('end');
      client.removeAllListeners('error');
      client.on('error', () => undefined);
      await client.end().catch(() => undefined);
    }
  }
}
