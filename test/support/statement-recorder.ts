import type { EventEmitter } from 'node:events';
import type { DataSource } from 'typeorm';

interface PgClientLike {
  query(...args: unknown[]): unknown;
}

/**
 * Records the SQL statements the app's pg pool sends while a recording is open: every client the
 * pool hands out (to TypeORM's query runners and to `pool.query`, the prepared statements, alike)
 * gets its `query` wrapped once. Background statements (a buffered audit flush, a token's
 * `last_used_at`) can land inside a recording by chance: flush first, and compare the least of a
 * few runs.
 */
export class StatementRecorder {
  private readonly wrapped = new WeakSet<object>();
  private recording?: string[];

  constructor(db: DataSource) {
    const pool = (db.driver as unknown as { master: EventEmitter }).master;
    // pg-pool emits `acquire` on every check-out, before the caller's first query on it.
    pool.on('acquire', (client: PgClientLike) => this.wrap(client));
  }

  /** The statements `run` made the app send (texts, whitespace collapsed). */
  async record(run: () => PromiseLike<unknown>): Promise<string[]> {
    this.recording = [];
    try {
      await run();
      return this.recording;
    } finally {
      this.recording = undefined;
    }
  }

  private wrap(client: PgClientLike): void {
    if (this.wrapped.has(client)) return;
    this.wrapped.add(client);
    const query = client.query;
    const note = (sent: unknown): void => {
      if (!this.recording) return;
      const text =
        typeof sent === 'string' ? sent : String((sent as { text?: unknown } | null)?.text ?? sent);
      this.recording.push(text.replace(/\s+/g, ' ').trim());
    };
    client.query = function (this: unknown, ...args: unknown[]): unknown {
      note(args[0]);
      return query.apply(this, args);
    };
  }
}
