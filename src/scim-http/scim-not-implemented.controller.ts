import { All, Controller, Req, UseGuards } from '@nestjs/common';
import type { Request } from 'express';
import { ScimBearerGuard } from '../auth/scim-bearer.guard.js';
import { DomainError, DomainErrorCode, notFound } from '../common/domain-error.js';

/** SCIM endpoints defined by RFC 7644 that are not served yet (case-insensitive, as routing is). */
const PLANNED =
  /^\/scim\/v2\/(Users|Groups|Schemas|ServiceProviderConfig|serviceConfiguration|ResourceTypes|Bulk|Me)(\/|$|\?)/i;

/**
 * The SCIM surface until Users, Groups and discovery land: authenticated requests get a SCIM 501
 * for an endpoint the protocol defines and a SCIM 404 for anything else, never an HTML page.
 * Registered last, so real SCIM controllers take precedence as they are added.
 */
@UseGuards(ScimBearerGuard)
@Controller('scim/v2')
export class ScimNotImplementedController {
  @All(['', '*path'])
  answer(@Req() req: Request): never {
    throw scimFallbackError(req.path);
  }
}

/** 501 for an endpoint RFC 7644 defines, 404 for anything else. */
export function scimFallbackError(path: string): DomainError {
  return PLANNED.test(path)
    ? new DomainError(DomainErrorCode.NotImplemented, `${path} is not implemented yet`)
    : notFound(`SCIM endpoint ${path}`);
}
