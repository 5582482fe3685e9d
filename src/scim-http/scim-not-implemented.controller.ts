import { All, Controller, Req, Res, UseGuards } from '@nestjs/common';
import type { Request, Response } from 'express';
import { ScimBearerGuard } from '../auth/scim-bearer.guard.js';
import { DomainError, DomainErrorCode, notFound } from '../common/domain-error.js';
import { ScimError } from '../scim/errors/scim-error.js';
import { SCIM_PREFIX } from './scim-request.js';

/** One SCIM endpoint of RFC 7644 and the methods it answers to. */
interface Endpoint {
  /** Matched against the path after `/scim/v2`, without regard to case. */
  readonly path: RegExp;
  readonly methods: readonly string[];
  /** Still answered here, with a 501, for its allowed methods. */
  readonly planned: boolean;
}

const ID = '[^/]+';
const SLASH = '/?';

/**
 * Every endpoint RFC 7644 defines. Discovery is served by ScimDiscoveryController, Users by
 * ScimUsersController and Groups by ScimGroupsController (their methods never reach this table;
 * the others get their 405); root `.search`, Bulk and Me answer 501 here until their controllers
 * exist (Bulk stays 501: RFC 7644 §3.7 says so when it is not supported). Order matters:
 * `.search` before `{id}`.
 */
const ENDPOINTS: readonly Endpoint[] = [
  endpoint(`(?:ServiceProviderConfig|serviceConfiguration)`, ['GET'], false),
  endpoint(`Schemas`, ['GET'], false),
  endpoint(`Schemas/${ID}`, ['GET'], false),
  endpoint(`ResourceTypes`, ['GET'], false),
  endpoint(`ResourceTypes/${ID}`, ['GET'], false),
  endpoint(`\\.search`, ['POST'], true),
  endpoint(`Users`, ['GET', 'POST'], false),
  endpoint(`Users/\\.search`, ['POST'], false),
  endpoint(`Users/${ID}`, ['GET', 'PUT', 'PATCH', 'DELETE'], false),
  endpoint(`Groups`, ['GET', 'POST'], false),
  endpoint(`Groups/\\.search`, ['POST'], false),
  endpoint(`Groups/${ID}`, ['GET', 'PUT', 'PATCH', 'DELETE'], false),
  endpoint(`Bulk`, ['POST'], true),
  endpoint(`Me`, ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'], true),
];

function endpoint(path: string, methods: readonly string[], planned: boolean): Endpoint {
  return { path: new RegExp(`^/${path}${SLASH}$`, 'i'), methods, planned };
}

/**
 * Whatever no SCIM controller answered, for an authenticated client: a SCIM 405 (with `Allow`)
 * for a method an endpoint does not have, a SCIM 501 for an endpoint that is not served yet, a
 * SCIM 404 for anything else — never an HTML page. Registered last, so real SCIM controllers take
 * precedence as they are added.
 */
@UseGuards(ScimBearerGuard)
@Controller('scim/v2')
export class ScimNotImplementedController {
  @All(['', '*path'])
  answer(@Req() req: Request, @Res({ passthrough: true }) res: Response): never {
    const { error, allow } = scimFallback(req.method, req.path);
    if (allow) res.setHeader('Allow', allow);
    throw error;
  }
}

/** The error for a request no controller served, and the `Allow` header that goes with a 405. */
export function scimFallback(
  method: string,
  path: string,
): { error: DomainError | ScimError; allow?: string } {
  const rest = path.slice(SCIM_PREFIX.length);
  const found = path.toLowerCase().startsWith(SCIM_PREFIX)
    ? ENDPOINTS.find((candidate) => candidate.path.test(rest))
    : undefined;
  if (!found) return { error: notFound(`SCIM endpoint ${path}`) };
  const asked = method.toUpperCase() === 'HEAD' ? 'GET' : method.toUpperCase();
  if (!found.methods.includes(asked)) {
    const allow = found.methods.join(', ');
    return {
      error: new ScimError(
        405,
        `${method.toUpperCase()} is not allowed on ${path}; allowed: ${allow}`,
      ),
      allow,
    };
  }
  return {
    error: found.planned
      ? new DomainError(DomainErrorCode.NotImplemented, `${path} is not implemented yet`)
      : notFound(`SCIM endpoint ${path}`),
  };
}
