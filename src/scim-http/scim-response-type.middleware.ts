import { Injectable, NestMiddleware } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import { SCIM_CONTENT_TYPE } from '../scim/errors/scim-error.js';

/**
 * Every SCIM response is `application/scim+json` (RFC 7644 §3.1, entra.md §3.2): set up front, so
 * Express' `res.json` keeps it for every controller, and drops it for bodiless 204s.
 */
@Injectable()
export class ScimResponseTypeMiddleware implements NestMiddleware {
  use(_req: Request, res: Response, next: NextFunction): void {
    res.type(SCIM_CONTENT_TYPE);
    next();
  }
}
