import type { Request } from 'express';

/** Who a SCIM request acts as: always one tenant's `sys.scim` identity, from its token. */
export interface ScimPrincipal {
  readonly tenantId: string;
  readonly identityId: string;
  readonly tokenId: string;
}

/** Who a GraphQL request acts as. A tenant admin sees only its own tenant. */
export type AdminPrincipal =
  | { readonly kind: 'platform'; readonly tokenId: string | null }
  | { readonly kind: 'tenant'; readonly tenantId: string; readonly tokenId: string };

export type AuthenticatedRequest = Request & {
  scimPrincipal?: ScimPrincipal;
  adminPrincipal?: AdminPrincipal;
};
