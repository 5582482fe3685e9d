import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { GqlExecutionContext } from '@nestjs/graphql';
import { createHash, timingSafeEqual } from 'node:crypto';
import { DomainError, DomainErrorCode } from '../common/domain-error.js';
import { AppConfig } from '../config/app-config.js';
import { bearerToken } from './bearer.js';
import type { AuthenticatedRequest } from './principal.js';
import { TokensService } from './tokens.service.js';

/**
 * Guards the admin API (GraphQL): the platform admin token from `ADMIN_TOKEN` (compared in
 * constant time), a minted platform-admin token, or a minted tenant-admin token. SCIM tokens
 * never pass.
 */
@Injectable()
export class AdminGuard implements CanActivate {
  private readonly adminDigest?: Buffer;

  constructor(
    config: AppConfig,
    private readonly tokens: TokensService,
  ) {
    if (config.ADMIN_TOKEN) this.adminDigest = digest(config.ADMIN_TOKEN);
  }

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const req = requestOf(context);
    if (req.adminPrincipal) return true;
    const token = bearerToken(req.headers);
    if (!token) {
      throw new DomainError(
        DomainErrorCode.Unauthenticated,
        'an Authorization header with a Bearer admin token is required',
      );
    }
    if (this.adminDigest && timingSafeEqual(digest(token), this.adminDigest)) {
      req.adminPrincipal = { kind: 'platform', tokenId: null };
      return true;
    }
    req.adminPrincipal = await this.tokens.authenticateAdmin(token);
    return true;
  }
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value, 'utf8').digest();
}

/** The HTTP request behind an HTTP or GraphQL execution context. */
export function requestOf(context: ExecutionContext): AuthenticatedRequest {
  if (context.getType<string>() === 'graphql') {
    return GqlExecutionContext.create(context).getContext<{ req: AuthenticatedRequest }>().req;
  }
  return context.switchToHttp().getRequest<AuthenticatedRequest>();
}
