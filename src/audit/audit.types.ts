/** What a SCIM write did, as recorded in its audit row (the request's own metadata is added by the Audit module). */
export type AuditOperation = 'create' | 'link' | 'replace' | 'patch' | 'delete' | 'purge';

export interface AuditWrite {
  readonly tenantId: string;
  readonly resourceType: 'User' | 'Group';
  readonly resourceId: string;
  readonly operation: AuditOperation;
  /** HTTP status the request will answer (201, 200, 204). */
  readonly status: number;
  /** Canonical attribute paths whose value changed (never values). */
  readonly changedAttributes: readonly string[];
  /** Counts for membership changes and similar, e.g. `{ membersAdded: 3 }`. */
  readonly counts?: Readonly<Record<string, number>>;
}

/** Where an audited action came from: the SCIM API, the admin GraphQL API, or the server itself (jobs). */
export type AuditChannel = 'scim' | 'graphql' | 'system';

export const AUDIT_CHANNELS: readonly AuditChannel[] = ['scim', 'graphql', 'system'];

/**
 * What a request did, for requests that wrote nothing: `read` (one resource), `list` (GET of a
 * collection), `search` (`POST .search`), `bulk`, and `other` for methods SCIM does not define.
 * A failed write keeps the operation it attempted (`create` for a refused `POST /Users`).
 */
export type AuditReadOperation = 'read' | 'list' | 'search' | 'bulk' | 'other';

/** Every operation an audit row of the SCIM channel can carry. */
export type AuditEventOperation = AuditOperation | AuditReadOperation;

/**
 * Resource types of audit rows: the SCIM resources, the discovery resources (RFC 7644 §4), and
 * whatever later channels add (GraphQL: `ScimToken`, `Tenant`, …).
 */
export type AuditResourceType =
  'User' | 'Group' | 'ServiceProviderConfig' | 'Schema' | 'ResourceType' | (string & {});

/** One row of `audit_events` as written, without its tenant (repositories take that first). */
export interface AuditEventRow {
  /** When the request arrived (the row's place in the keyset order). */
  readonly at: Date;
  readonly id: string;
  readonly requestId: string | null;
  /** The token the request authenticated with (SCIM token, admin token); null for the system. */
  readonly tokenId: string | null;
  readonly channel: AuditChannel;
  readonly method: string | null;
  /** Path without the query string (the query is in the summary). */
  readonly path: string | null;
  readonly resourceType: AuditResourceType | null;
  readonly resourceId: string | null;
  readonly operation: AuditEventOperation | (string & {});
  readonly status: number;
  readonly scimType: string | null;
  readonly detail: string | null;
  readonly durationMs: number | null;
  readonly clientIp: string | null;
  readonly userAgent: string | null;
  readonly changedAttributes: readonly string[];
  readonly counts: Readonly<Record<string, number>> | null;
  /** Redacted, size-bounded summary of the request (see `summarizeRequest`). */
  readonly requestSummary: RequestSummary | null;
}

/** A JSON value as stored in `request_summary`. */
export type SummaryValue =
  | string
  | number
  | boolean
  | null
  | readonly SummaryValue[]
  | { readonly [key: string]: SummaryValue };

export interface RequestSummary {
  readonly query?: { readonly [key: string]: SummaryValue };
  readonly body?: SummaryValue;
  /** Set when the summary had to be cut down further than the per-value limits. */
  readonly truncated?: true;
  readonly [key: string]: SummaryValue | undefined;
}

/**
 * The audit tenant of platform-level actions (GraphQL mutations of a platform admin that belong to
 * no tenant). It has no row in `tenants`; only a platform admin reads its events.
 */
export const PLATFORM_AUDIT_TENANT_ID = '00000000-0000-0000-0000-000000000000';

/** How a request ended, from its status: below 400, 400-499, 500 and above. */
export type AuditOutcome = 'success' | 'clientError' | 'serverError';

export const AUDIT_OUTCOMES: readonly AuditOutcome[] = ['success', 'clientError', 'serverError'];

export const outcomeOf = (status: number): AuditOutcome =>
  status < 400 ? 'success' : status < 500 ? 'clientError' : 'serverError';
