import { Injectable, NestMiddleware } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import { ScimError } from '../scim/errors/scim-error.js';

const JSON_MEDIA_TYPE = /^application\/(scim\+)?json\s*(;|$)/i;

/**
 * SCIM request bodies must be JSON: `application/scim+json` (RFC 7644 §3.1) or plain
 * `application/json` (Microsoft's Postman collection). Any other declared type gets a SCIM 415
 * instead of being silently ignored by the JSON parser.
 */
@Injectable()
export class ScimMediaTypeMiddleware implements NestMiddleware {
  use(req: Request, _res: Response, next: NextFunction): void {
    const hasBody =
      req.headers['transfer-encoding'] !== undefined ||
      Number(req.headers['content-length'] ?? 0) > 0;
    const type = req.headers['content-type'];
    if (hasBody && (type === undefined || !JSON_MEDIA_TYPE.test(type))) {
      throw new ScimError(
        415,
        `request bodies must be application/scim+json or application/json, not ${type ?? 'untyped'}`,
      );
    }
    next();
  }
}
