import { Injectable, Logger } from '@nestjs/common';
import { AppConfig } from '../config/app-config.js';
import { EmbeddedDatabase } from './embedded-postgres.js';

/**
 * Resolves which PostgreSQL the process talks to: `DATABASE_URL` when set, otherwise an embedded
 * cluster under `DATA_DIR` that this object starts and, when it started it, stops.
 */
@Injectable()
export class DatabaseEndpoint {
  private readonly logger = new Logger('Database');
  private embedded?: EmbeddedDatabase;

  constructor(private readonly config: AppConfig) {}

  get isEmbedded(): boolean {
    return !this.config.DATABASE_URL;
  }

  async url(): Promise<string> {
    if (this.config.DATABASE_URL) {
      const { hostname, port, pathname } = new URL(this.config.DATABASE_URL);
      this.logger.log(`using PostgreSQL at ${hostname}:${port || 5432}${pathname} (DATABASE_URL)`);
      return this.config.DATABASE_URL;
    }
    this.embedded ??= new EmbeddedDatabase({
      dataDir: this.config.dataDir,
      port: this.config.EMBEDDED_PG_PORT,
      log: (level, message) =>
        level === 'warn' ? this.logger.warn(message) : this.logger.debug(message),
    });
    const started = Date.now();
    const url = await this.embedded.start();
    this.logger.log(
      `${this.embedded.owned ? 'started' : 'joined running'} embedded PostgreSQL on ` +
        `127.0.0.1:${new URL(url).port} (data in ${this.embedded.clusterDir}, ${Date.now() - started} ms)`,
    );
    return url;
  }

  async stop(): Promise<void> {
    if (!this.embedded?.owned) return;
    await this.embedded.stop();
    this.logger.log('stopped embedded PostgreSQL');
  }
}
