import { Injectable } from '@nestjs/common';
import { DomainError, DomainErrorCode, notFound } from '../common/domain-error.js';
import { isUuid } from '../common/uuid.js';
import { AppConfig } from '../config/app-config.js';
import { isValidTokenLifetime } from '../config/duration.js';
import {
  type DeploymentSettingsDefaults,
  type EditableSetting,
  type EffectiveTenantSettings,
  effectiveTenantSettings,
  normalizeDomainName,
  SETTINGS_LIMITS,
  type TenantSettings,
} from './tenant-settings.js';
import { TenantsRepository } from './tenants.repository.js';

/**
 * A change to a tenant's settings: a left-out key stays as it is, a key given as null goes back to
 * its default (it is removed from the stored settings).
 */
export type TenantSettingsUpdate = {
  readonly [K in EditableSetting]?: TenantSettings[K] | null;
};

const invalid = (message: string): DomainError =>
  new DomainError(DomainErrorCode.InvalidInput, message);

/** Reads and changes a tenant's settings, with the deployment defaults applied. */
@Injectable()
export class TenantSettingsService {
  constructor(
    private readonly config: AppConfig,
    private readonly tenants: TenantsRepository,
  ) {}

  /** The defaults a tenant gets for the settings it has not set. */
  defaults(): DeploymentSettingsDefaults {
    return {
      softDeleteRetentionDays: this.config.SOFT_DELETE_RETENTION_DAYS,
      auditRetentionDays: this.config.AUDIT_RETENTION_DAYS,
      scimTokenDefaultTtl: this.config.SCIM_TOKEN_DEFAULT_TTL,
    };
  }

  async get(tenantId: string): Promise<EffectiveTenantSettings> {
    const stored = isUuid(tenantId) ? await this.tenants.findSettings(tenantId) : null;
    if (!stored) throw notFound('tenant');
    return effectiveTenantSettings(stored, this.defaults());
  }

  /**
   * Validates the whole change first (an invalid value is an INVALID_INPUT error and nothing is
   * stored), then sets and removes the keys in one statement.
   */
  async update(tenantId: string, update: TenantSettingsUpdate): Promise<EffectiveTenantSettings> {
    const { set, unset } = normalizeUpdate(update);
    const stored = isUuid(tenantId)
      ? await this.tenants.updateSettings(tenantId, set, unset)
      : null;
    if (!stored) throw notFound('tenant');
    return effectiveTenantSettings(stored, this.defaults());
  }
}

/** Splits an update into the values to store (normalised and checked) and the keys to remove. */
export function normalizeUpdate(update: TenantSettingsUpdate): {
  set: Partial<TenantSettings>;
  unset: EditableSetting[];
} {
  const set: Partial<TenantSettings> = {};
  const unset: EditableSetting[] = [];
  const {
    softDeleteRetentionDays,
    auditRetentionDays,
    verifiedDomains,
    scimTokenDefaultTtl,
    strictSchemas,
    rolePrefix,
    cycleGapMinutes,
  } = update;

  if (softDeleteRetentionDays === null) unset.push('softDeleteRetentionDays');
  else if (softDeleteRetentionDays !== undefined) {
    const { min, max } = SETTINGS_LIMITS.softDeleteRetentionDays;
    set.softDeleteRetentionDays = integerIn(
      softDeleteRetentionDays,
      min,
      max,
      'softDeleteRetentionDays',
    );
  }

  if (auditRetentionDays === null) unset.push('auditRetentionDays');
  else if (auditRetentionDays !== undefined) {
    const { min, max } = SETTINGS_LIMITS.auditRetentionDays;
    set.auditRetentionDays = integerIn(auditRetentionDays, min, max, 'auditRetentionDays');
  }

  if (verifiedDomains === null) unset.push('verifiedDomains');
  else if (verifiedDomains !== undefined) {
    const domains = normalizeDomains(verifiedDomains);
    // An empty list means "any domain", which is what no list means: store nothing.
    if (domains.length === 0) unset.push('verifiedDomains');
    else set.verifiedDomains = domains;
  }

  if (scimTokenDefaultTtl === null) unset.push('scimTokenDefaultTtl');
  else if (scimTokenDefaultTtl !== undefined) {
    const lifetime = scimTokenDefaultTtl.trim().toLowerCase();
    if (!isValidTokenLifetime(lifetime)) {
      throw invalid(
        `scimTokenDefaultTtl "${scimTokenDefaultTtl}" is not a lifetime such as 30d, 12w, 6m or 1y (at most 3 years)`,
      );
    }
    set.scimTokenDefaultTtl = lifetime;
  }

  if (strictSchemas === null) unset.push('strictSchemas');
  else if (strictSchemas !== undefined) set.strictSchemas = strictSchemas;

  if (rolePrefix === null) unset.push('rolePrefix');
  else if (rolePrefix !== undefined) {
    if (rolePrefix.trim() === '' || rolePrefix.length > SETTINGS_LIMITS.rolePrefix.maxLength) {
      throw invalid(
        `rolePrefix must be 1-${SETTINGS_LIMITS.rolePrefix.maxLength} characters, not blank`,
      );
    }
    set.rolePrefix = rolePrefix;
  }

  if (cycleGapMinutes === null) unset.push('cycleGapMinutes');
  else if (cycleGapMinutes !== undefined) {
    const { min, max } = SETTINGS_LIMITS.cycleGapMinutes;
    set.cycleGapMinutes = integerIn(cycleGapMinutes, min, max, 'cycleGapMinutes');
  }

  return { set, unset };
}

function integerIn(value: number, min: number, max: number, name: string): number {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw invalid(`${name} must be a whole number from ${min} to ${max}`);
  }
  return value;
}

/** Lower-case, deduplicated (first occurrence kept), every entry a valid DNS name. */
function normalizeDomains(domains: readonly string[]): string[] {
  const normalized: string[] = [];
  for (const text of domains) {
    const domain = normalizeDomainName(text);
    if (!domain) {
      throw invalid(
        `verifiedDomains: "${text}" is not a domain name (such as contoso.com; internationalised names in their xn-- form)`,
      );
    }
    if (!normalized.includes(domain)) normalized.push(domain);
  }
  if (normalized.length > SETTINGS_LIMITS.verifiedDomains.max) {
    throw invalid(`verifiedDomains holds at most ${SETTINGS_LIMITS.verifiedDomains.max} domains`);
  }
  return normalized;
}
