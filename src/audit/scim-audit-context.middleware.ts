import { Injectable, type NestMiddleware } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import { requestScope } from '../common/request-scope.js';
import { attachAuditRequest, auditRequestOf } from './audit-context.js';

/**
 * Attaches the audit state that ScimAuditRecorder created when the request arrived to the
 * request's scope (entered by `requestLogger`), so that the rest of the request (guard,
 * controller, service, transaction) and `AuditService.recordWrite` find it without the caller
 * passing it along.
 */
@Injectable()
export class ScimAuditContextMiddleware implements NestMiddleware {
  use(req: Request, _res: Response, next: NextFunction): void {
    const request = auditRequestOf(req);
    const scope = requestScope.getStore();
    if (request && scope) attachAuditRequest(scope, request);
    next();
  }
}
