import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { Request } from 'express';
import type { AuthenticatedRequest } from '../auth/principal.js';
import { DomainError, DomainErrorCode } from '../common/domain-error.js';

/** Where the SCIM API is mounted. */
export const SCIM_PREFIX = '/scim/v2';

/** What a SCIM handler needs from its request besides the input: whose it is and where it was sent. */
export interface ScimRequestContext {
  /** From the token, never from the request (ScimBearerGuard). */
  readonly tenantId: string;
  /** Absolute base for `meta.location`, e.g. `https://host/scim/v2`. */
  readonly baseUrl: string;
}

/**
 * The base URL the client used: scheme and `Host` of the request, then `/scim/v2`. Behind a
 * TLS-terminating proxy the scheme is the proxy's hop (`trust proxy` is off). Without a `Host`
 * header (HTTP/1.0) the base is relative.
 */
export function scimBaseUrl(req: Request): string {
  const host = req.get('host');
  return host ? `${req.protocol}://${host}${SCIM_PREFIX}` : SCIM_PREFIX;
}

/** The {@link ScimRequestContext} of a request that passed ScimBearerGuard. */
export const ScimContext = createParamDecorator(
  (_: unknown, context: ExecutionContext): ScimRequestContext => {
    const req = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const principal = req.scimPrincipal;
    if (!principal) throw new DomainError(DomainErrorCode.Unauthenticated, 'not authenticated');
    return { tenantId: principal.tenantId, baseUrl: scimBaseUrl(req) };
  },
);
