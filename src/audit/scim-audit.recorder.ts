import { Injectable, Logger } from '@nestjs/common';
import type { Response } from 'express';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { bearerToken } from '../auth/bearer.js';
import type { AuthenticatedRequest } from '../auth/principal.js';
import { TokensService } from '../auth/tokens.service.js';
import { requestIdOf } from '../common/request-id.js';
import { SCIM_ERROR_LOCAL, type SentScimError } from '../scim-http/scim-error-response.js';
import { type AuditPrincipal, AuditRequest, attachAuditRequest } from './audit-context.js';
import { AuditService } from './audit.service.js';
import { summarizeRequest } from './request-summary.js';
import { describeScimRequest, isAuditedScimPath } from './scim-route.js';

/**
 * Status recorded for a request whose client went away before the response was sent (nginx's
 * convention; no HTTP response carried it).
 */
export const CLIENT_CLOSED_REQUEST = 499;

/**
 * The audit side of every `/scim/v2` request. It hooks the HTTP server ahead of Express, so it
 * also sees requests refused before any route or guard ran (malformed JSON, 413, 415):
 *
 * 1. on arrival: fixes the request id (echoed as `X-Request-Id`, reused by the logger), notes the
 *    time, method, path, client and the route's resource type/id/operation, and attaches that
 *    state to the request (ScimAuditContextMiddleware makes it the async context);
 * 2. when the response is over (`finish`, or `close` when the client left first): unless a
 *    write row committed with the change, it queues one row (reads, failures, rolled-back writes)
 *    with the status and the SCIM error's scimType/detail, off the response path.
 *
 * A request refused before or by the bearer guard goes to the tenant of its token when this server
 * signed that token and its row exists (valid, revoked, expired or rotated out); without such a
 * token there is no tenant to vouch for, and the request is logged instead.
 */
@Injectable()
export class ScimAuditRecorder {
  private readonly logger = new Logger('Audit');

  constructor(
    private readonly audit: AuditService,
    private readonly tokens: TokensService,
  ) {}

  /** A `request` listener for the HTTP server, registered ahead of Express. */
  readonly onRequest = (req: IncomingMessage, res: ServerResponse): void => {
    try {
      const url = req.url ?? '/';
      const queryStart = url.indexOf('?');
      const path = queryStart === -1 ? url : url.slice(0, queryStart);
      if (!isAuditedScimPath(path)) return;
      const requestId = requestIdOf(req, res);
      (req as IncomingMessage & { id?: unknown }).id = requestId;
      const method = req.method ?? 'GET';
      const request = new AuditRequest({
        channel: 'scim',
        requestId,
        method,
        path,
        clientIp: req.socket.remoteAddress ?? null,
        userAgent: firstHeader(req.headers['user-agent']),
        target: describeScimRequest(method, path),
        principal: () => principalOf(req),
        summarize: () =>
          summarizeRequest({
            query: queryStart === -1 ? undefined : queryObject(url.slice(queryStart + 1)),
            body: (req as IncomingMessage & { body?: unknown }).body,
          }),
      });
      attachAuditRequest(req, request);
      const settle = (): void => this.settle(req, res, request);
      res.once('finish', settle);
      res.once('close', settle);
    } catch (error) {
      this.logger.error({ err: error }, 'could not start auditing a request');
    }
  };

  private settle(req: IncomingMessage, res: ServerResponse, request: AuditRequest): void {
    if (request.settled) return;
    request.settled = true;
    try {
      const finished = res.writableFinished;
      const status = finished || res.headersSent ? res.statusCode : CLIENT_CLOSED_REQUEST;
      const durationMs = request.elapsedMs();
      const recorded = request.write;
      if (recorded?.outcome === 'committed') {
        if (status >= 400) {
          this.logger.warn(
            { requestId: request.init.requestId, status },
            'request failed after its change committed: its audit row records the change',
          );
        }
        return;
      }
      if (recorded?.outcome === 'pending') {
        // Answered with success: the service committed before answering.
        if (finished && status < 400) return;
        if (!finished) {
          // The client left while the transaction is open: its end decides.
          request.onWriteSettled = (outcome) => {
            if (outcome === 'rolledBack') this.record(req, res, request, status, durationMs);
          };
          return;
        }
        // A failure answered while the transaction was not seen ending: it did not commit.
      }
      this.record(req, res, request, status, durationMs);
    } catch (error) {
      this.logger.error({ err: error, requestId: request.init.requestId }, 'could not audit');
    }
  }

  private record(
    req: IncomingMessage,
    res: ServerResponse,
    request: AuditRequest,
    status: number,
    durationMs: number,
  ): void {
    const sent = (res as Partial<Response>).locals?.[SCIM_ERROR_LOCAL] as SentScimError | undefined;
    const outcome = {
      status,
      scimType: sent?.scimType ?? null,
      detail:
        sent?.detail ??
        (status === CLIENT_CLOSED_REQUEST
          ? 'the client closed the connection before the response was sent'
          : null),
      durationMs,
    };
    const principal = principalOf(req);
    if (principal) {
      this.audit.recordRequest(request, { ...principal, ...outcome });
      return;
    }
    const token = bearerToken(req.headers);
    if (!token) {
      this.unattributed(request, outcome.status, outcome.detail);
      return;
    }
    // Refused before or by the guard (body parser, media type, a dead token): whose token was it?
    // A token this server signed for a tenant whose row exists, valid or not (revoked, expired,
    // rotated out): that tenant's log shows the request, which is how an admin sees that Entra
    // still calls with a dead token.
    this.audit.track(
      this.tokens.ownerOfScimToken(token).then(
        (owner) =>
          owner
            ? this.audit.recordRequest(request, { ...owner, ...outcome })
            : this.unattributed(request, outcome.status, outcome.detail),
        () => this.unattributed(request, outcome.status, outcome.detail),
      ),
    );
  }

  /** No tenant to file the row under: the log keeps a (redacted) trace. */
  private unattributed(request: AuditRequest, status: number, detail: string | null): void {
    const { init } = request;
    this.logger.warn(
      {
        requestId: init.requestId,
        method: init.method,
        path: init.path,
        status,
        detail,
        clientIp: init.clientIp,
        userAgent: init.userAgent,
      },
      'SCIM request without a token of a known tenant: no audit row',
    );
  }
}

function principalOf(req: IncomingMessage): AuditPrincipal | undefined {
  const principal = (req as AuthenticatedRequest).scimPrincipal;
  return principal ? { tenantId: principal.tenantId, tokenId: principal.tokenId } : undefined;
}

function firstHeader(value: string | string[] | undefined): string | null {
  return (Array.isArray(value) ? value[0] : value) ?? null;
}

/** Query parameters; a repeated one becomes an array. */
function queryObject(search: string): Record<string, string | string[]> {
  const query: Record<string, string | string[]> = {};
  for (const [key, value] of new URLSearchParams(search)) {
    const existing = query[key];
    if (existing === undefined) query[key] = value;
    else if (Array.isArray(existing)) existing.push(value);
    else query[key] = [existing, value];
  }
  return query;
}
