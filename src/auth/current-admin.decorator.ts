import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import { DomainError, DomainErrorCode, notFound } from '../common/domain-error.js';
import { requestOf } from './admin.guard.js';
import type { AdminPrincipal } from './principal.js';

/** The admin principal the AdminGuard attached to the request. */
export const CurrentAdmin = createParamDecorator(
  (_: unknown, context: ExecutionContext): AdminPrincipal => {
    const principal = requestOf(context).adminPrincipal;
    if (!principal) throw new DomainError(DomainErrorCode.Unauthenticated, 'not authenticated');
    return principal;
  },
);

/** A tenant admin may only touch its own tenant; any other id is "not found", like a missing one. */
export function assertTenantAccess(principal: AdminPrincipal, tenantId: string): void {
  if (principal.kind === 'tenant' && principal.tenantId !== tenantId) throw notFound('tenant');
}

export function assertPlatformAdmin(principal: AdminPrincipal): void {
  if (principal.kind !== 'platform') {
    throw new DomainError(DomainErrorCode.Forbidden, 'only a platform admin may do this');
  }
}
