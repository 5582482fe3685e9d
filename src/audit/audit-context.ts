import type { QueryRunner } from 'typeorm';
import { requestScope } from '../common/request-scope.js';
import type {
  AuditChannel,
  AuditEventOperation,
  AuditResourceType,
  AuditWrite,
  RequestSummary,
} from './audit.types.js';

/** Who a request acts as, once authenticated. */
export interface AuditPrincipal {
  readonly tenantId: string;
  readonly tokenId: string | null;
}

/** What a request addressed, derived from its method and path before any handler ran. */
export interface AuditTarget {
  readonly resourceType: AuditResourceType | null;
  readonly resourceId: string | null;
  readonly operation: AuditEventOperation;
}

/** A write recorded inside a transaction, and what became of that transaction. */
export interface RecordedWrite {
  readonly write: AuditWrite;
  readonly queryRunner: QueryRunner | undefined;
  /** The transaction (savepoint) depth the row was inserted at; 0 when not in a transaction. */
  readonly depth: number;
  outcome: 'pending' | 'committed' | 'rolledBack';
}

export interface AuditRequestInit {
  readonly channel: AuditChannel;
  readonly requestId: string | null;
  readonly method: string;
  readonly path: string;
  readonly clientIp: string | null;
  readonly userAgent: string | null;
  readonly target: AuditTarget;
  /** Read when a row is written: the guard sets the principal after the request has started. */
  readonly principal: () => AuditPrincipal | undefined;
  /** Builds the redacted request summary (at most once per request). */
  readonly summarize: () => RequestSummary | null;
}

/**
 * The audit state of one request, from its arrival to its last byte. Transport adapters (the
 * SCIM HTTP hook; GraphQL later) create it and attach it to the request's scope
 * (`requestScope`), so that `AuditService.recordWrite` finds it without the caller passing the
 * request along.
 */
export class AuditRequest {
  /** Wall-clock arrival time: the row's `at`. */
  readonly at = new Date();
  private readonly started = process.hrtime.bigint();
  private summary?: RequestSummary | null;

  /** Set by `AuditService.recordWrite`; the after-response recorder skips committed writes. */
  write?: RecordedWrite;
  /** The response is over (finished or the connection closed). */
  settled = false;
  /**
   * The response ended while a recorded write's transaction was still open: whoever learns how
   * that transaction ended (commit or rollback) decides whether a failure row is still owed.
   */
  onWriteSettled?: (outcome: 'committed' | 'rolledBack') => void;

  constructor(readonly init: AuditRequestInit) {}

  /** Milliseconds since arrival, with microsecond resolution. */
  elapsedMs(): number {
    return Math.round(Number(process.hrtime.bigint() - this.started) / 1_000) / 1_000;
  }

  requestSummary(): RequestSummary | null {
    if (this.summary === undefined) this.summary = this.init.summarize();
    return this.summary;
  }
}

/** The audit state of the request the current async execution belongs to. */
export const currentAuditRequest = (): AuditRequest | undefined => {
  const scope = requestScope.getStore();
  return scope ? auditRequestOf(scope) : undefined;
};

const STATE = Symbol('muster.audit');

/** Attaches the audit state to the raw request object (for the hooks that only see the request). */
export function attachAuditRequest(carrier: object, request: AuditRequest): void {
  (carrier as { [STATE]?: AuditRequest })[STATE] = request;
}

export function auditRequestOf(carrier: object): AuditRequest | undefined {
  return (carrier as { [STATE]?: AuditRequest })[STATE];
}
