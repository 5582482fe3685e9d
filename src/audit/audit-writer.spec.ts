import { Logger } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import { AuditWriter, FLUSH_ROWS, MAX_PENDING_ROWS } from './audit-writer.js';
import type { AuditRepository } from './audit.repository.js';
import type { AuditEventRow } from './audit.types.js';

/** Stands in for the database: keeps what was inserted, statement by statement. */
class MemoryRepository {
  readonly statements: Array<{ tenantId: string; ids: string[] }> = [];
  failNext = false;

  insert(
    tenantId: string,
    rows: readonly AuditEventRow[],
    _manager?: EntityManager,
  ): Promise<void> {
    if (this.failNext) {
      this.failNext = false;
      return Promise.reject(new Error('database down'));
    }
    this.statements.push({ tenantId, ids: rows.map((row) => row.id) });
    return Promise.resolve();
  }

  get written(): string[] {
    return this.statements.flatMap((statement) => statement.ids);
  }
}

const row = (): AuditEventRow => ({
  at: new Date(),
  id: randomUUID(),
  requestId: null,
  tokenId: null,
  channel: 'scim',
  method: 'GET',
  path: '/scim/v2/Users',
  resourceType: 'User',
  resourceId: null,
  operation: 'list',
  status: 200,
  scimType: null,
  detail: null,
  durationMs: 1,
  clientIp: null,
  userAgent: null,
  changedAttributes: [],
  counts: null,
  requestSummary: null,
});

describe('AuditWriter', () => {
  beforeAll(() => {
    Logger.overrideLogger(false); // the failures below are logged on purpose
  });
  let repository: MemoryRepository;
  let writer: AuditWriter;
  beforeEach(() => {
    repository = new MemoryRepository();
    writer = new AuditWriter(repository as unknown as AuditRepository);
  });

  it('writes every queued row once, in batches of at most FLUSH_ROWS per tenant', async () => {
    const queued: string[] = [];
    for (let i = 0; i < 250; i++) {
      const r = row();
      queued.push(r.id);
      writer.enqueue(i % 2 === 0 ? 'tenant-a' : 'tenant-b', r);
    }
    await writer.flush();
    expect(writer.pendingRows).toBe(0);
    expect([...repository.written].sort()).toEqual([...queued].sort());
    expect(repository.statements.every(({ ids }) => ids.length <= FLUSH_ROWS)).toBe(true);
    expect(new Set(repository.statements.map(({ tenantId }) => tenantId))).toEqual(
      new Set(['tenant-a', 'tenant-b']),
    );
  });

  it('a batch that fails is logged and dropped; later rows are still written', async () => {
    repository.failNext = true;
    writer.enqueue('t', row());
    await writer.flush();
    const later = row();
    writer.enqueue('t', later);
    await writer.flush();
    expect(repository.written).toEqual([later.id]);
  });

  it('drops rows beyond MAX_PENDING_ROWS instead of growing without bound', () => {
    repository.insert = () => new Promise(() => undefined); // the database never answers
    for (let i = 0; i < MAX_PENDING_ROWS + FLUSH_ROWS + 500; i++) writer.enqueue('t', row());
    // One batch is in flight; the buffer holds at most MAX_PENDING_ROWS.
    expect(writer.pendingRows).toBeLessThanOrEqual(MAX_PENDING_ROWS);
  });

  it('writes a small batch on its own after the flush interval', async () => {
    const r = row();
    writer.enqueue('t', r);
    expect(repository.written).toEqual([]);
    for (let i = 0; i < 40 && repository.written.length === 0; i++) {
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    expect(repository.written).toEqual([r.id]);
  });

  it('on shutdown waits for rows in preparation, then writes everything', async () => {
    const late = row();
    writer.enqueue('t', row());
    writer.track(
      new Promise<void>((resolve) =>
        setTimeout(() => {
          writer.enqueue('t', late);
          resolve();
        }, 20),
      ),
    );
    await writer.onApplicationShutdown();
    expect(repository.written).toHaveLength(2);
    expect(repository.written).toContain(late.id);
  });
});
