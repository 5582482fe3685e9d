import { Injectable, type NestMiddleware } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import { auditContext, auditRequestOf } from './audit-context.js';

/**
 * Runs the rest of a SCIM request (guard, controller, service, transaction) inside the audit
 * context that ScimAuditRecorder created when the request arrived, so that
 * `AuditService.recordWrite` finds its request without the caller passing it along.
 */
@Injectable()
export class ScimAuditContextMiddleware implements NestMiddleware {
  use(req: Request, _res: Response, next: NextFunction): void {
    const request = auditRequestOf(req);
    if (request) auditContext.run(request, next);
    else next();
  }
}
