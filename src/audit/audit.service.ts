import { Injectable, Logger } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { isIP } from 'node:net';
import { DataSource, type EntityManager, type QueryRunner } from 'typeorm';
import { type AuditRequest, currentAuditRequest } from './audit-context.js';
import { AuditWriter } from './audit-writer.js';
import { AuditRepository, auditInsertParams } from './audit.repository.js';
import type {
  AuditChannel,
  AuditEventRow,
  AuditResourceType,
  AuditWrite,
  RequestSummary,
} from './audit.types.js';
import { storableText } from './request-summary.js';

/** Any audit row, for channels other than a SCIM write (GraphQL mutations, system jobs). */
export interface AuditEventInput {
  readonly channel: AuditChannel;
  readonly operation: string;
  readonly status: number;
  readonly at?: Date;
  readonly requestId?: string | null;
  readonly tokenId?: string | null;
  readonly method?: string | null;
  readonly path?: string | null;
  readonly resourceType?: AuditResourceType | null;
  readonly resourceId?: string | null;
  readonly scimType?: string | null;
  readonly detail?: string | null;
  readonly durationMs?: number | null;
  readonly clientIp?: string | null;
  readonly userAgent?: string | null;
  readonly changedAttributes?: readonly string[];
  readonly counts?: Readonly<Record<string, number>> | null;
  readonly requestSummary?: RequestSummary | null;
}

/** How a request that left no committed write row ended, as its after-response row says. */
export interface RequestOutcome {
  readonly tenantId: string;
  readonly tokenId: string | null;
  readonly status: number;
  readonly scimType: string | null;
  readonly detail: string | null;
  readonly durationMs: number;
}

/** Longest text kept per column (the request summary has its own byte budget). */
const MAX = {
  requestId: 128,
  method: 16,
  path: 2048,
  resourceType: 64,
  resourceId: 256,
  operation: 64,
  scimType: 64,
  detail: 2048,
  userAgent: 512,
  attribute: 256,
  attributes: 500,
} as const;

/**
 * The audit trail: one row per request (SCIM now, GraphQL mutations later) and per system action.
 *
 * - A successful write inserts its row inside the transaction of the change
 *   ({@link recordWrite}): the change and its row commit, or roll back, together.
 * - Every other request (reads, failures, and writes whose transaction rolled back) gets its row
 *   after the response, buffered by AuditWriter, so auditing never delays an answer.
 */
@Injectable()
export class AuditService {
  private readonly logger = new Logger('Audit');
  /** Requests whose write row sits in a transaction that has not ended yet. */
  private readonly openWrites = new WeakMap<QueryRunner, AuditRequest>();

  constructor(
    private readonly repository: AuditRepository,
    private readonly writer: AuditWriter,
    private readonly dataSource: DataSource,
  ) {}

  /** Pass as `manager` to {@link record} to insert the row now, on the pool, and wait for it. */
  get immediate(): EntityManager {
    return this.dataSource.manager;
  }

  /**
   * Records a successful SCIM write inside the caller's transaction (`manager` from
   * `dataSource.transaction(...)`), as one small INSERT. Call it once per request, after the
   * change is written and before the transaction commits; the request's own metadata (request
   * id, token, method, path, duration, client, redacted body) comes from the request context.
   * Outside any request (a scheduled job), the row is a `system` one.
   *
   * It throws when the insert fails, so that the transaction fails with it: no change without
   * its audit row.
   */
  async recordWrite(manager: EntityManager, write: AuditWrite): Promise<void> {
    const request = currentAuditRequest();
    const row = request ? this.writeRow(request, write) : systemWriteRow(write);
    await this.repository.insert(write.tenantId, [row], manager);
    if (!request) return;

    const queryRunner = manager.queryRunner;
    const inTransaction = queryRunner?.isTransactionActive === true;
    if (request.write?.outcome === 'committed') {
      this.logger.warn(
        { requestId: request.init.requestId, operation: write.operation },
        'a second committed write in one request: it gets a row of its own',
      );
    }
    request.write = {
      write,
      queryRunner,
      depth: inTransaction ? transactionDepth(queryRunner) : 0,
      outcome: inTransaction ? 'pending' : 'committed',
    };
    if (inTransaction && queryRunner) this.openWrites.set(queryRunner, request);
  }

  /**
   * The audit row of a write that its caller inserts in the same statement as the change (an
   * optimistic single-statement write, e.g. UsersRepository.updateIfVersion): the row's bound
   * parameters in AUDIT_COLUMNS order (tenant first), and `committed`, to call once that
   * statement has changed the row (the statement is its own transaction). Same row as
   * {@link recordWrite}'s.
   */
  statementWrite(write: AuditWrite): { params: unknown[]; committed: () => void } {
    const request = currentAuditRequest();
    const row = request ? this.writeRow(request, write) : systemWriteRow(write);
    return {
      params: auditInsertParams(write.tenantId, row),
      committed: () => {
        if (request)
          request.write = { write, queryRunner: undefined, depth: 0, outcome: 'committed' };
      },
    };
  }

  /**
   * Records any audit row: inside `manager`'s transaction when given (throws if it fails), else
   * buffered off the caller's path (never throws). For GraphQL mutations and system jobs.
   */
  async record(tenantId: string, event: AuditEventInput, manager?: EntityManager): Promise<void> {
    const row = inputRow(event);
    if (manager) await this.repository.insert(tenantId, [row], manager);
    else this.writer.enqueue(tenantId, row);
  }

  /**
   * After the response: the row of a request that left no committed write row. A write whose
   * transaction rolled back is described by what it attempted (type, id, operation); anything
   * else by its route. Buffered; never throws.
   */
  recordRequest(request: AuditRequest, outcome: RequestOutcome): void {
    try {
      const attempted = request.write?.write;
      const { init } = request;
      this.writer.enqueue(outcome.tenantId, {
        at: request.at,
        id: randomUUID(),
        requestId: text(init.requestId, MAX.requestId),
        tokenId: outcome.tokenId,
        channel: init.channel,
        method: text(init.method, MAX.method),
        path: text(init.path, MAX.path),
        resourceType: text(attempted?.resourceType ?? init.target.resourceType, MAX.resourceType),
        resourceId: text(attempted?.resourceId ?? init.target.resourceId, MAX.resourceId),
        operation: text(attempted?.operation ?? init.target.operation, MAX.operation) ?? 'other',
        status: outcome.status,
        scimType: text(outcome.scimType, MAX.scimType),
        detail: text(outcome.detail, MAX.detail),
        durationMs: outcome.durationMs,
        clientIp: ip(init.clientIp),
        userAgent: text(init.userAgent, MAX.userAgent),
        changedAttributes: [],
        counts: null,
        requestSummary: request.requestSummary(),
      });
    } catch (error) {
      this.logger.error(
        { err: error, requestId: request.init.requestId },
        'could not build an audit row',
      );
    }
  }

  /**
   * A transaction ended (TypeORM transaction events). Marks the write row of the request that
   * used it committed or rolled back; a savepoint release or a rollback to a savepoint taken
   * after the row was written changes nothing.
   */
  transactionEnded(queryRunner: QueryRunner, committed: boolean): void {
    const request = this.openWrites.get(queryRunner);
    const recorded = request?.write;
    if (!request || !recorded || recorded.queryRunner !== queryRunner) return;
    const ended = !queryRunner.isTransactionActive;
    if (committed ? !ended : !ended && transactionDepth(queryRunner) >= recorded.depth) return;
    this.openWrites.delete(queryRunner);
    recorded.outcome = committed ? 'committed' : 'rolledBack';
    request.onWriteSettled?.(recorded.outcome);
  }

  /** Keeps shutdown waiting for an after-response row that is still being put together. */
  track(work: Promise<unknown>): void {
    this.writer.track(work);
  }

  /** Rows still buffered are written now (tests, shutdown). */
  flush(): Promise<void> {
    return this.writer.flush();
  }

  private writeRow(request: AuditRequest, write: AuditWrite): AuditEventRow {
    const { init } = request;
    const principal = init.principal();
    return {
      at: request.at,
      id: randomUUID(),
      requestId: text(init.requestId, MAX.requestId),
      tokenId: principal?.tenantId === write.tenantId ? principal.tokenId : null,
      channel: init.channel,
      method: text(init.method, MAX.method),
      path: text(init.path, MAX.path),
      resourceType: write.resourceType,
      resourceId: text(write.resourceId, MAX.resourceId),
      operation: write.operation,
      status: write.status,
      scimType: null,
      detail: null,
      durationMs: request.elapsedMs(),
      clientIp: ip(init.clientIp),
      userAgent: text(init.userAgent, MAX.userAgent),
      changedAttributes: attributes(write.changedAttributes),
      counts: write.counts ?? null,
      requestSummary: request.requestSummary(),
    };
  }
}

function systemWriteRow(write: AuditWrite): AuditEventRow {
  return inputRow({
    channel: 'system',
    operation: write.operation,
    status: write.status,
    resourceType: write.resourceType,
    resourceId: write.resourceId,
    changedAttributes: write.changedAttributes,
    counts: write.counts ?? null,
  });
}

function inputRow(event: AuditEventInput): AuditEventRow {
  return {
    at: event.at ?? new Date(),
    id: randomUUID(),
    requestId: text(event.requestId, MAX.requestId),
    tokenId: event.tokenId ?? null,
    channel: event.channel,
    method: text(event.method, MAX.method),
    path: text(event.path, MAX.path),
    resourceType: text(event.resourceType, MAX.resourceType),
    resourceId: text(event.resourceId, MAX.resourceId),
    operation: text(event.operation, MAX.operation) ?? 'other',
    status: event.status,
    scimType: text(event.scimType, MAX.scimType),
    detail: text(event.detail, MAX.detail),
    durationMs: event.durationMs ?? null,
    clientIp: ip(event.clientIp),
    userAgent: text(event.userAgent, MAX.userAgent),
    changedAttributes: attributes(event.changedAttributes ?? []),
    counts: event.counts ?? null,
    requestSummary: event.requestSummary ?? null,
  };
}

/** Text a `text` column accepts, cut to `max` characters. */
function text(value: string | null | undefined, max: number): string | null {
  if (value === null || value === undefined) return null;
  return storableText(value.length <= max ? value : value.slice(0, max));
}

function attributes(names: readonly string[]): string[] {
  return names
    .slice(0, MAX.attributes)
    .map((name) => text(name, MAX.attribute) ?? '')
    .filter((name) => name !== '');
}

/** An address `inet` accepts, or null (a bad value would fail the whole insert). */
function ip(address: string | null | undefined): string | null {
  return address && isIP(address) !== 0 ? address : null;
}

/** TypeORM's savepoint depth (a protected field): 1 in a plain transaction. */
function transactionDepth(queryRunner: QueryRunner | undefined): number {
  const depth = (queryRunner as unknown as { transactionDepth?: unknown } | undefined)
    ?.transactionDepth;
  return typeof depth === 'number' ? depth : 1;
}
