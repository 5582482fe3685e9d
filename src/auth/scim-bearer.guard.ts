import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { DomainError, DomainErrorCode } from '../common/domain-error.js';
import { bearerToken } from './bearer.js';
import type { AuthenticatedRequest } from './principal.js';
import { TokensService } from './tokens.service.js';

/**
 * Guards everything under `/scim/v2`: a valid, unrevoked SCIM token of a tenant's `sys.scim`
 * identity. The tenant and identity come from the token only. Failures become 401 SCIM errors
 * with `WWW-Authenticate: Bearer` (see the SCIM exception filter).
 */
@Injectable()
export class ScimBearerGuard implements CanActivate {
  constructor(private readonly tokens: TokensService) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const req = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const token = bearerToken(req.headers);
    if (!token) {
      throw new DomainError(
        DomainErrorCode.Unauthenticated,
        'an Authorization header with a Bearer token is required',
      );
    }
    const authenticated = await this.tokens.authenticate('scim', token);
    req.scimPrincipal = {
      tenantId: authenticated.tenantId,
      identityId: authenticated.identityId ?? '',
      tokenId: authenticated.tokenId,
    };
    return true;
  }
}
