import { Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import { AuditRepository } from './audit.repository.js';
import type { AuditEventRow } from './audit.types.js';

/** A buffered batch is written after this long, or at once when it reaches {@link FLUSH_ROWS}. */
export const FLUSH_INTERVAL_MS = 100;
export const FLUSH_ROWS = 100;
/**
 * Rows waiting beyond this (the database is down or far too slow) are dropped and counted in the
 * log, so that the process never grows without bound because of its audit trail.
 */
export const MAX_PENDING_ROWS = 10_000;

interface Pending {
  readonly tenantId: string;
  readonly row: AuditEventRow;
}

/**
 * Writes the audit rows of reads and failures off the response path: rows are buffered and
 * written every {@link FLUSH_INTERVAL_MS} or {@link FLUSH_ROWS} rows, one multi-row INSERT per
 * tenant in the batch, by one flush at a time (so auditing never takes more than one pooled
 * connection). Errors are logged, never thrown. Shutdown waits for rows still being prepared,
 * then writes what is left.
 */
@Injectable()
export class AuditWriter implements OnApplicationShutdown {
  private readonly logger = new Logger('Audit');
  private pending: Pending[] = [];
  private timer?: NodeJS.Timeout;
  private flushing?: Promise<void>;
  private readonly preparing = new Set<Promise<unknown>>();
  private dropped = 0;
  private closed = false;

  constructor(private readonly repository: AuditRepository) {}

  /** Rows waiting for the next batch. */
  get pendingRows(): number {
    return this.pending.length;
  }

  /** Queues a row for the next batch. */
  enqueue(tenantId: string, row: AuditEventRow): void {
    if (this.pending.length >= MAX_PENDING_ROWS) {
      if (this.dropped++ % 1_000 === 0) {
        this.logger.error(
          { dropped: this.dropped, pending: this.pending.length },
          'audit buffer full: dropping audit rows (is the database reachable?)',
        );
      }
      return;
    }
    this.pending.push({ tenantId, row });
    if (this.pending.length >= FLUSH_ROWS || this.closed) {
      void this.flush();
    } else {
      this.timer ??= setTimeout(() => void this.flush(), FLUSH_INTERVAL_MS).unref();
    }
  }

  /** Keeps shutdown waiting for a row that is still being put together (e.g. a token check). */
  track(work: Promise<unknown>): void {
    this.preparing.add(work);
    void work.finally(() => this.preparing.delete(work));
  }

  /** Writes every queued row; resolves when the buffer is empty (rows queued meanwhile included). */
  flush(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.flushing ??= this.drain().finally(() => {
      this.flushing = undefined;
    });
    return this.flushing;
  }

  async onApplicationShutdown(): Promise<void> {
    // The HTTP server is closed by now: no new requests, but rows may still be in preparation.
    this.closed = true;
    await Promise.allSettled([...this.preparing]);
    await this.flush();
  }

  private async drain(): Promise<void> {
    while (this.pending.length > 0) {
      const batch = this.pending.splice(0, FLUSH_ROWS);
      const byTenant = new Map<string, AuditEventRow[]>();
      for (const { tenantId, row } of batch) {
        const rows = byTenant.get(tenantId);
        if (rows) rows.push(row);
        else byTenant.set(tenantId, [row]);
      }
      for (const [tenantId, rows] of byTenant) {
        try {
          await this.repository.insert(tenantId, rows);
        } catch (error) {
          this.logger.error(
            {
              err: error,
              tenantId,
              rows: rows.length,
              requestIds: rows.slice(0, 5).map((row) => row.requestId),
            },
            'could not write audit rows',
          );
        }
      }
    }
  }
}
