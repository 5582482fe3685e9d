import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DomainError, DomainErrorCode } from '../common/domain-error.js';
import { normalizeUpdate, type TenantSettingsUpdate } from './tenant-settings.service.js';
import {
  effectiveTenantSettings,
  normalizeDomainName,
  type TenantSettings,
} from './tenant-settings.js';

interface DomainCase {
  readonly name: string;
  readonly input: string;
  readonly expected: string | null;
}

interface ValidUpdateCase {
  readonly name: string;
  readonly update: TenantSettingsUpdate;
  readonly set: Partial<TenantSettings>;
  readonly unset: string[];
}

interface InvalidUpdateCase {
  readonly name: string;
  readonly update: TenantSettingsUpdate;
  readonly message: string;
}

function fixture<T>(name: string): T {
  return JSON.parse(readFileSync(join(process.cwd(), 'test/fixtures/tenants', name), 'utf8')) as T;
}

const DEFAULTS = { softDeleteRetentionDays: 30, auditRetentionDays: 90, scimTokenDefaultTtl: '1y' };

/** The error `normalizeUpdate` throws, or fails the test if it returns. */
function updateError(update: TenantSettingsUpdate): DomainError {
  try {
    normalizeUpdate(update);
  } catch (error) {
    if (error instanceof DomainError) return error;
    throw error;
  }
  throw new Error('expected normalizeUpdate to refuse the update');
}

describe('normalizeDomainName', () => {
  it.each(fixture<DomainCase[]>('domain-names.json'))('$name', ({ input, expected }) => {
    expect(normalizeDomainName(input) ?? null).toBe(expected);
  });
});

describe('normalizeUpdate', () => {
  const { valid, invalid } = fixture<{ valid: ValidUpdateCase[]; invalid: InvalidUpdateCase[] }>(
    'settings-updates.json',
  );

  it.each(valid)('$name', ({ update, set, unset }) => {
    expect(normalizeUpdate(update)).toEqual({ set, unset });
  });

  it.each(invalid)('refuses $name', ({ update, message }) => {
    const error = updateError(update);
    expect(error.code).toBe(DomainErrorCode.InvalidInput);
    expect(error.message).toContain(message);
  });

  it('refuses more than 100 distinct domains, and counts them after deduplication', () => {
    const distinct = Array.from({ length: 101 }, (_, i) => `d${i}.example.com`);
    expect(updateError({ verifiedDomains: distinct }).message).toBe(
      'verifiedDomains holds at most 100 domains',
    );
    const repeated = [
      ...distinct.slice(0, 100),
      ...distinct.slice(0, 100).map((d) => d.toUpperCase()),
    ];
    expect(normalizeUpdate({ verifiedDomains: repeated }).set.verifiedDomains).toEqual(
      distinct.slice(0, 100),
    );
  });
});

describe('effectiveTenantSettings', () => {
  it('applies every default to empty settings', () => {
    expect(effectiveTenantSettings({}, DEFAULTS)).toEqual({
      softDeleteRetentionDays: 30,
      auditRetentionDays: 90,
      verifiedDomains: [],
      scimTokenDefaultTtl: '1y',
      strictSchemas: false,
      rolePrefix: 'role.',
      cycleGapMinutes: 10,
      customized: [],
    });
  });

  it('keeps what the tenant set and lists those keys', () => {
    const stored: TenantSettings = {
      softDeleteRetentionDays: 7,
      auditRetentionDays: 30,
      verifiedDomains: ['contoso.com'],
      strictSchemas: true,
      cycleGapMinutes: 5,
      scimExtensions: [],
    };
    expect(effectiveTenantSettings(stored, DEFAULTS)).toEqual({
      softDeleteRetentionDays: 7,
      auditRetentionDays: 30,
      verifiedDomains: ['contoso.com'],
      scimTokenDefaultTtl: '1y',
      strictSchemas: true,
      rolePrefix: 'role.',
      cycleGapMinutes: 5,
      customized: [
        'auditRetentionDays',
        'cycleGapMinutes',
        'softDeleteRetentionDays',
        'strictSchemas',
        'verifiedDomains',
      ],
    });
  });

  it('treats values of the wrong type or out of bounds (edited by hand in the database) as defaults', () => {
    const stored = {
      softDeleteRetentionDays: '7',
      auditRetentionDays: 90.5,
      verifiedDomains: 'contoso.com',
      scimTokenDefaultTtl: 30,
      strictSchemas: 'true',
      rolePrefix: '',
      cycleGapMinutes: 2.5,
    } as unknown as TenantSettings;
    const outOfBounds: TenantSettings = {
      softDeleteRetentionDays: -5,
      auditRetentionDays: 3651,
      cycleGapMinutes: 0,
    };
    expect(effectiveTenantSettings(outOfBounds, DEFAULTS)).toMatchObject({
      softDeleteRetentionDays: 30,
      auditRetentionDays: 90,
      cycleGapMinutes: 10,
    });
    expect(effectiveTenantSettings(stored, DEFAULTS)).toMatchObject({
      softDeleteRetentionDays: 30,
      auditRetentionDays: 90,
      verifiedDomains: [],
      scimTokenDefaultTtl: '1y',
      strictSchemas: false,
      rolePrefix: 'role.',
      cycleGapMinutes: 10,
    });
  });
});
