import { readFileSync } from 'node:fs';
import { configKeys, ConfigValidationError, loadConfig } from './app-config.js';

describe('loadConfig', () => {
  it('applies defaults for an empty environment', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      NODE_ENV: 'development',
      PORT: 3000,
      EMBEDDED_PG_PORT: 54329,
      MIGRATIONS_RUN: true,
      SCIM_TOKEN_DEFAULT_TTL: '1y',
    });
    expect(config.DATABASE_URL).toBeUndefined();
    expect(config.ADMIN_TOKEN).toBeUndefined();
    expect(config.EMBEDDED_PG_PORT).not.toBe(5432);
    expect(config.dataDir).toMatch(/\.data$/);
  });

  it('converts numbers and booleans', () => {
    const config = loadConfig({
      PORT: '8080',
      MIGRATIONS_RUN: 'false',
      DATABASE_SSL: 'true',
      DATABASE_POOL_SIZE: '25',
    });
    expect(config).toMatchObject({
      PORT: 8080,
      MIGRATIONS_RUN: false,
      DATABASE_SSL: true,
      DATABASE_POOL_SIZE: 25,
    });
  });

  it('lists every invalid variable at once, without echoing secrets', () => {
    let caught: unknown;
    try {
      loadConfig({
        PORT: 'eighty',
        DATABASE_URL: 'mysql://root@localhost/x',
        ADMIN_TOKEN: 'too-short-secret',
        SCIM_TOKEN_DEFAULT_TTL: 'never',
        MIGRATIONS_RUN: 'maybe',
        LOG_LEVEL: 'loud',
      });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ConfigValidationError);
    const problems = (caught as ConfigValidationError).problems.map((p) => p.split('=')[0]);
    expect(problems.sort()).toEqual(
      [
        'ADMIN_TOKEN',
        'DATABASE_URL',
        'LOG_LEVEL',
        'MIGRATIONS_RUN',
        'PORT',
        'SCIM_TOKEN_DEFAULT_TTL',
      ].sort(),
    );
    expect((caught as Error).message).not.toContain('too-short-secret');
    expect((caught as Error).message).not.toContain('mysql://root');
  });

  it('refuses an ADMIN_TOKEN shorter than 32 characters and accepts a long one', () => {
    expect(() => loadConfig({ ADMIN_TOKEN: 'x'.repeat(31) })).toThrow(/ADMIN_TOKEN/);
    expect(loadConfig({ ADMIN_TOKEN: 'x'.repeat(32) }).ADMIN_TOKEN).toHaveLength(32);
  });

  it('bounds SCIM list pages: defaults, and a default page larger than the maximum is refused', () => {
    expect(loadConfig({})).toMatchObject({ SCIM_MAX_RESULTS: 1000, SCIM_DEFAULT_COUNT: 100 });
    expect(loadConfig({ SCIM_MAX_RESULTS: '50', SCIM_DEFAULT_COUNT: '50' })).toMatchObject({
      SCIM_MAX_RESULTS: 50,
      SCIM_DEFAULT_COUNT: 50,
    });
    expect(() => loadConfig({ SCIM_MAX_RESULTS: '50' })).toThrow(
      /SCIM_DEFAULT_COUNT=100: must not exceed SCIM_MAX_RESULTS \(50\)/,
    );
    expect(() => loadConfig({ SCIM_MAX_RESULTS: '0' })).toThrow(/SCIM_MAX_RESULTS/);
  });

  it('bounds soft-delete retention and the purge interval (0 turns the schedule off)', () => {
    expect(loadConfig({})).toMatchObject({
      SOFT_DELETE_RETENTION_DAYS: 30,
      PURGE_INTERVAL_MS: 3_600_000,
    });
    expect(loadConfig({ SOFT_DELETE_RETENTION_DAYS: '7', PURGE_INTERVAL_MS: '0' })).toMatchObject({
      SOFT_DELETE_RETENTION_DAYS: 7,
      PURGE_INTERVAL_MS: 0,
    });
    expect(() => loadConfig({ SOFT_DELETE_RETENTION_DAYS: '0' })).toThrow(
      /SOFT_DELETE_RETENTION_DAYS/,
    );
    expect(() => loadConfig({ SOFT_DELETE_RETENTION_DAYS: '3651' })).toThrow(
      /SOFT_DELETE_RETENTION_DAYS/,
    );
    expect(() => loadConfig({ PURGE_INTERVAL_MS: '500' })).toThrow(
      /PURGE_INTERVAL_MS=500: must be 0 \(off\) or at least 1000/,
    );
    expect(() => loadConfig({ PURGE_INTERVAL_MS: 'hourly' })).toThrow(/PURGE_INTERVAL_MS/);
  });

  it('bounds audit retention and its interval (0 turns the schedule off)', () => {
    expect(loadConfig({})).toMatchObject({
      AUDIT_RETENTION_DAYS: 90,
      AUDIT_RETENTION_INTERVAL_MS: 3_600_000,
    });
    expect(
      loadConfig({ AUDIT_RETENTION_DAYS: '7', AUDIT_RETENTION_INTERVAL_MS: '0' }),
    ).toMatchObject({ AUDIT_RETENTION_DAYS: 7, AUDIT_RETENTION_INTERVAL_MS: 0 });
    expect(() => loadConfig({ AUDIT_RETENTION_DAYS: '0' })).toThrow(/AUDIT_RETENTION_DAYS/);
    expect(() => loadConfig({ AUDIT_RETENTION_DAYS: '3651' })).toThrow(/AUDIT_RETENTION_DAYS/);
    expect(() => loadConfig({ AUDIT_RETENTION_INTERVAL_MS: '500' })).toThrow(
      /AUDIT_RETENTION_INTERVAL_MS=500: must be 0 \(off\) or at least 1000/,
    );
    expect(() => loadConfig({ AUDIT_RETENTION_INTERVAL_MS: 'hourly' })).toThrow(
      /AUDIT_RETENTION_INTERVAL_MS/,
    );
  });

  it('requires TOKEN_SIGNING_KEY in production', () => {
    expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow(/TOKEN_SIGNING_KEY/);
    expect(
      loadConfig({ NODE_ENV: 'production', TOKEN_SIGNING_KEY: 'k'.repeat(32) }).isProduction,
    ).toBe(true);
  });
});

describe('.env.example', () => {
  it('documents exactly the variables the config reads', () => {
    const text = readFileSync('.env.example', 'utf8');
    const documented = [...text.matchAll(/^#? ?([A-Z][A-Z0-9_]+)=/gm)].map((m) => m[1]);
    expect([...new Set(documented)].sort()).toEqual(configKeys().sort());
  });
});
