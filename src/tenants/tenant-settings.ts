import type { ExtensionDefinition } from '../scim/schema/types.js';

/** Per-tenant settings, stored as JSONB on `tenants.settings`. Absent keys take deployment defaults. */
export interface TenantSettings {
  /** Default lifetime of newly minted SCIM tokens (`30d`, `12w`, `6m`, `1y`). */
  scimTokenDefaultTtl?: string;
  /**
   * The tenant's custom SCIM schema extensions, served at `/Schemas` and `/ResourceTypes` next to
   * the built-ins. Validated by `SchemaRegistry.withExtensions` before they are stored.
   */
  scimExtensions?: ExtensionDefinition[];
  /**
   * Reject resources whose `schemas` lists a URN the tenant's registry does not know (400
   * `invalidValue`). Default false: unknown URNs are stored and returned as sent.
   */
  strictSchemas?: boolean;
  /**
   * Days a soft-deleted user is kept before the purge job deletes it for good (1–3650). Default:
   * `SOFT_DELETE_RETENTION_DAYS`.
   */
  softDeleteRetentionDays?: number;
  /**
   * Days an audit event is kept before the audit retention job deletes it (1–3650). Default:
   * `AUDIT_RETENTION_DAYS`.
   */
  auditRetentionDays?: number;
  /**
   * When non-empty, the only domains a user's userName or email may have (lower-case DNS names,
   * compared exactly: a subdomain must be listed itself). Absent or empty: any domain.
   */
  verifiedDomains?: string[];
  /** Groups whose displayName starts with it are role groups. Default {@link DEFAULT_ROLE_PREFIX}. */
  rolePrefix?: string;
  /** A provisioning cycle ends after this many quiet minutes. Default {@link DEFAULT_CYCLE_GAP_MINUTES}. */
  cycleGapMinutes?: number;
}

export const DEFAULT_ROLE_PREFIX = 'role.';
export const DEFAULT_CYCLE_GAP_MINUTES = 10;

/** Bounds of the settings an admin may change (the GraphQL input and the service check them). */
export const SETTINGS_LIMITS = {
  softDeleteRetentionDays: { min: 1, max: 3650 },
  auditRetentionDays: { min: 1, max: 3650 },
  verifiedDomains: { max: 100 },
  rolePrefix: { maxLength: 64 },
  cycleGapMinutes: { min: 1, max: 1440 },
} as const;

/** Deployment-wide defaults (from the configuration) for the settings that have one there. */
export interface DeploymentSettingsDefaults {
  readonly softDeleteRetentionDays: number;
  readonly auditRetentionDays: number;
  readonly scimTokenDefaultTtl: string;
}

/** A tenant's settings with every default applied, as the admin API shows them. */
export interface EffectiveTenantSettings {
  readonly softDeleteRetentionDays: number;
  readonly auditRetentionDays: number;
  readonly verifiedDomains: readonly string[];
  readonly scimTokenDefaultTtl: string;
  readonly strictSchemas: boolean;
  readonly rolePrefix: string;
  readonly cycleGapMinutes: number;
  /** The keys the tenant has set itself (the others are defaults), sorted. */
  readonly customized: readonly string[];
}

/** The settings the admin API edits (custom extensions have their own mutation). */
export const EDITABLE_SETTINGS = [
  'softDeleteRetentionDays',
  'auditRetentionDays',
  'verifiedDomains',
  'scimTokenDefaultTtl',
  'strictSchemas',
  'rolePrefix',
  'cycleGapMinutes',
] as const satisfies ReadonlyArray<keyof TenantSettings>;

export type EditableSetting = (typeof EDITABLE_SETTINGS)[number];

/** A stored integer setting within its bounds, else undefined (the default applies). */
function storedInteger(value: unknown, bounds: { min: number; max: number }): number | undefined {
  return typeof value === 'number' &&
    Number.isInteger(value) &&
    value >= bounds.min &&
    value <= bounds.max
    ? value
    : undefined;
}

/**
 * The retention of a tenant's soft-deleted users, from `settings.softDeleteRetentionDays` as
 * stored (anything but a whole number of days within bounds counts as unset).
 */
export function retentionDaysOf(stored: unknown, defaultDays: number): number {
  return storedInteger(stored, SETTINGS_LIMITS.softDeleteRetentionDays) ?? defaultDays;
}

/**
 * The retention of a tenant's audit events, from `settings.auditRetentionDays` as stored
 * (anything but a whole number of days within bounds counts as unset).
 */
export function auditRetentionDaysOf(stored: unknown, defaultDays: number): number {
  return storedInteger(stored, SETTINGS_LIMITS.auditRetentionDays) ?? defaultDays;
}

/**
 * Applies the defaults to stored settings. A stored value of the wrong type or out of bounds
 * (written by hand in the database) counts as absent rather than failing every request of the
 * tenant, or letting the purge and retention jobs delete users or audit events early.
 */
export function effectiveTenantSettings(
  stored: TenantSettings,
  defaults: DeploymentSettingsDefaults,
): EffectiveTenantSettings {
  const domains = Array.isArray(stored.verifiedDomains)
    ? stored.verifiedDomains.filter((domain): domain is string => typeof domain === 'string')
    : [];
  return {
    softDeleteRetentionDays: retentionDaysOf(
      stored.softDeleteRetentionDays,
      defaults.softDeleteRetentionDays,
    ),
    auditRetentionDays: auditRetentionDaysOf(
      stored.auditRetentionDays,
      defaults.auditRetentionDays,
    ),
    verifiedDomains: domains,
    scimTokenDefaultTtl:
      typeof stored.scimTokenDefaultTtl === 'string' && stored.scimTokenDefaultTtl !== ''
        ? stored.scimTokenDefaultTtl
        : defaults.scimTokenDefaultTtl,
    strictSchemas: stored.strictSchemas === true,
    rolePrefix:
      typeof stored.rolePrefix === 'string' && stored.rolePrefix !== ''
        ? stored.rolePrefix
        : DEFAULT_ROLE_PREFIX,
    cycleGapMinutes:
      storedInteger(stored.cycleGapMinutes, SETTINGS_LIMITS.cycleGapMinutes) ??
      DEFAULT_CYCLE_GAP_MINUTES,
    customized: EDITABLE_SETTINGS.filter(
      (key) => stored[key] !== undefined && stored[key] !== null,
    ).sort(),
  };
}

/** One DNS label: letters, digits and inner hyphens, 1–63 characters. */
const LABEL = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;

/**
 * The domain as stored in `verifiedDomains` (trimmed, lower-case), or undefined when it is not a
 * DNS name of at least two labels whose last label is not numeric (so not an IP address).
 * Internationalised names are given in their ASCII (`xn--`) form.
 */
export function normalizeDomainName(text: string): string | undefined {
  const domain = text.trim().toLowerCase();
  if (domain.length === 0 || domain.length > 253) return undefined;
  const labels = domain.split('.');
  if (labels.length < 2 || !labels.every((label) => LABEL.test(label))) return undefined;
  return /^[0-9]+$/.test(labels[labels.length - 1] ?? '') ? undefined : domain;
}
