/**
 * What the audit of a GraphQL mutation needs to know about it (see AuditedMutation and
 * MutationAuditInterceptor): pure types and helpers, no Nest.
 */

/** What the audit row of a GraphQL mutation names: the tenant and the resource acted on. */
export interface MutationTarget {
  /** The tenant changed; null or absent: none (platform level, or not known from a failure). */
  readonly tenantId?: string | null;
  readonly resourceId?: string | null;
}

/**
 * How a mutation is audited. `target` reads the tenant and the resource from the arguments and,
 * when the mutation succeeded, its result (undefined after a failure). Without it, the tenant is
 * `tenantId` or `input.tenantId` of the arguments and the resource is `id`.
 */
export interface MutationAuditSpec {
  readonly resourceType: string;
  readonly target?: (args: MutationArgs, result: unknown) => MutationTarget;
}

export type MutationArgs = Readonly<Record<string, unknown>>;

export const MUTATION_AUDIT = 'muster:mutation-audit';

/** The string at `path` inside an object (arguments or a result), else null. */
export function stringAt(source: unknown, ...path: string[]): string | null {
  let value: unknown = source;
  for (const key of path) {
    if (typeof value !== 'object' || value === null) return null;
    value = (value as Record<string, unknown>)[key];
  }
  return typeof value === 'string' ? value : null;
}
