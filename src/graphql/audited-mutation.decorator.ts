import { applyDecorators, SetMetadata, UseInterceptors } from '@nestjs/common';
import { MUTATION_AUDIT, type MutationAuditSpec } from './mutation-audit.js';
import { MutationAuditInterceptor } from './mutation-audit.interceptor.js';

export { stringAt } from './mutation-audit.js';

/**
 * Marks a GraphQL mutation for the audit trail (channel `graphql`, actor = the admin token id) and
 * puts the audit interceptor on it, and only on it: no other route or resolver pays for it. Every
 * mutation must carry it (a test checks them all).
 */
export const AuditedMutation = (spec: MutationAuditSpec): MethodDecorator =>
  applyDecorators(SetMetadata(MUTATION_AUDIT, spec), UseInterceptors(MutationAuditInterceptor));
