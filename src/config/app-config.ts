import { plainToInstance, Transform } from 'class-transformer';
import {
  getMetadataStorage,
  IsBoolean,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
  Validate,
  validateSync,
  ValidatorConstraint,
  ValidatorConstraintInterface,
} from 'class-validator';
import { resolve } from 'node:path';
import { isValidTokenLifetime } from './duration.js';

const toBoolean = ({ value }: { value: unknown }): unknown => {
  if (typeof value !== 'string') return value;
  const text = value.trim().toLowerCase();
  if (['true', '1', 'yes', 'on'].includes(text)) return true;
  if (['false', '0', 'no', 'off'].includes(text)) return false;
  return value;
};
const toInt = ({ value }: { value: unknown }): unknown =>
  typeof value === 'string' && /^-?\d+$/.test(value.trim()) ? Number(value) : value;
const emptyToUndefined = ({ value }: { value: unknown }): unknown =>
  typeof value === 'string' && value.trim() === '' ? undefined : value;

@ValidatorConstraint({ name: 'tokenLifetime' })
class TokenLifetimeConstraint implements ValidatorConstraintInterface {
  validate(value: unknown): boolean {
    return typeof value === 'string' && isValidTokenLifetime(value);
  }
  defaultMessage(): string {
    return 'must be a lifetime such as 30d, 12w, 6m or 1y (at most 3 years)';
  }
}

@ValidatorConstraint({ name: 'postgresUrl' })
class PostgresUrlConstraint implements ValidatorConstraintInterface {
  validate(value: unknown): boolean {
    if (typeof value !== 'string') return false;
    try {
      const url = new URL(value);
      return url.protocol === 'postgres:' || url.protocol === 'postgresql:';
    } catch {
      return false;
    }
  }
  defaultMessage(): string {
    return 'must be a postgres:// or postgresql:// connection URL';
  }
}

/**
 * Every environment variable Muster reads, with its default. `.env.example` documents each one;
 * {@link loadConfig} validates them all at once and reports every invalid variable together.
 */
export class AppConfig {
  @IsIn(['development', 'production', 'test'])
  NODE_ENV: 'development' | 'production' | 'test' = 'development';

  @Transform(emptyToUndefined)
  @IsString()
  HOST = '0.0.0.0';

  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(65535)
  PORT = 3000;

  /** External PostgreSQL. When unset, an embedded PostgreSQL is started under DATA_DIR. */
  @Transform(emptyToUndefined)
  @IsOptional()
  @Validate(PostgresUrlConstraint)
  DATABASE_URL?: string;

  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(200)
  DATABASE_POOL_SIZE = 10;

  @Transform(toBoolean)
  @IsBoolean()
  DATABASE_SSL = false;

  /** Folder for local state: the embedded database and, outside production, the generated signing key. */
  @Transform(emptyToUndefined)
  @IsString()
  DATA_DIR = './.data';

  @Transform(toInt)
  @IsInt()
  @Min(1024)
  @Max(65535)
  EMBEDDED_PG_PORT = 54329;

  @Transform(toBoolean)
  @IsBoolean()
  MIGRATIONS_RUN = true;

  /** HMAC key for signing tokens (HS256). Required in production; generated under DATA_DIR otherwise. */
  @Transform(emptyToUndefined)
  @IsOptional()
  @IsString()
  @MinLength(32)
  TOKEN_SIGNING_KEY?: string;

  /** Bootstrap platform-admin token for /graphql. Unset disables it. */
  @Transform(emptyToUndefined)
  @IsOptional()
  @IsString()
  @MinLength(32)
  @MaxLength(512)
  ADMIN_TOKEN?: string;

  @Transform(emptyToUndefined)
  @Validate(TokenLifetimeConstraint)
  SCIM_TOKEN_DEFAULT_TTL = '1y';

  @IsIn(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
  LOG_LEVEL: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent' = 'info';

  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(600_000)
  SHUTDOWN_TIMEOUT_MS = 10_000;

  @Transform(toBoolean)
  @IsBoolean()
  GRAPHQL_INTROSPECTION = true;

  /**
   * Most resources in one SCIM list page: a larger `count` is capped to it, and ServiceProviderConfig
   * advertises it as `filter.maxResults`. 1000 keeps one response to a few megabytes of JSON.
   */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(10_000)
  SCIM_MAX_RESULTS = 1000;

  /**
   * Page size of a SCIM list request without `count` (RFC 7644 leaves it to the server); 100 is
   * the page Okta and most clients ask for anyway. At most SCIM_MAX_RESULTS.
   */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(10_000)
  SCIM_DEFAULT_COUNT = 100;

  /**
   * Days a soft-deleted SCIM user is kept before the purge job deletes it for good, for tenants
   * that do not set `softDeleteRetentionDays` themselves.
   */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(3650)
  SOFT_DELETE_RETENTION_DAYS = 30;

  /**
   * How often the purge of soft-deleted users runs, in milliseconds (default hourly); 0 turns the
   * schedule off (run `npm run cli -- purge-deleted-users` from an outside scheduler instead). Runs
   * are aligned on the wall clock (hourly → on the hour), so every instance fires together and the
   * advisory lock lets exactly one of them do the work.
   */
  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(7 * 86_400_000)
  PURGE_INTERVAL_MS = 3_600_000;

  /**
   * Days an audit event is kept before the audit retention job deletes it, for tenants that do
   * not set `auditRetentionDays` themselves (and for the platform audit tenant).
   */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(3650)
  AUDIT_RETENTION_DAYS = 90;

  /**
   * How often the audit retention job runs, in milliseconds (default hourly); 0 turns the
   * schedule off (run `npm run cli -- purge-audit-events` from an outside scheduler instead). Runs
   * are aligned on the wall clock like the purge's, and one instance (advisory lock) does the work.
   */
  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(7 * 86_400_000)
  AUDIT_RETENTION_INTERVAL_MS = 3_600_000;

  /** Largest request body accepted, e.g. `1mb`. */
  @Matches(/^\d+(kb|mb)$/i)
  BODY_LIMIT = '1mb';

  get dataDir(): string {
    return resolve(this.DATA_DIR);
  }

  get isProduction(): boolean {
    return this.NODE_ENV === 'production';
  }
}

export class ConfigValidationError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigValidationError';
  }
}

/** The names of every environment variable Muster reads. */
export function configKeys(): string[] {
  const names = getMetadataStorage()
    .getTargetValidationMetadatas(AppConfig, '', true, false)
    .map((meta) => meta.propertyName);
  return [...new Set(names)];
}

/** Reads and validates the environment; throws one error listing every invalid variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  const known = configKeys();
  const raw: Record<string, string> = {};
  for (const key of known) {
    const value = env[key];
    if (value !== undefined) raw[key] = value;
  }
  const config = plainToInstance(AppConfig, raw);
  const problems = validateSync(config, { forbidUnknownValues: true }).map((error) => {
    const shown = isSecret(error.property) ? '<redacted>' : JSON.stringify(error.value);
    const reasons = Object.values(error.constraints ?? {}).join('; ');
    return `${error.property}=${shown}: ${reasons}`;
  });
  if (config.isProduction && !config.TOKEN_SIGNING_KEY) {
    problems.push(
      'TOKEN_SIGNING_KEY: must be set (at least 32 characters) when NODE_ENV=production',
    );
  }
  if (
    Number.isInteger(config.SCIM_DEFAULT_COUNT) &&
    Number.isInteger(config.SCIM_MAX_RESULTS) &&
    config.SCIM_DEFAULT_COUNT > config.SCIM_MAX_RESULTS
  ) {
    problems.push(
      `SCIM_DEFAULT_COUNT=${config.SCIM_DEFAULT_COUNT}: must not exceed SCIM_MAX_RESULTS (${config.SCIM_MAX_RESULTS})`,
    );
  }
  if (config.PURGE_INTERVAL_MS > 0 && config.PURGE_INTERVAL_MS < 1000) {
    problems.push(
      `PURGE_INTERVAL_MS=${config.PURGE_INTERVAL_MS}: must be 0 (off) or at least 1000 (one second)`,
    );
  }
  if (config.AUDIT_RETENTION_INTERVAL_MS > 0 && config.AUDIT_RETENTION_INTERVAL_MS < 1000) {
    problems.push(
      `AUDIT_RETENTION_INTERVAL_MS=${config.AUDIT_RETENTION_INTERVAL_MS}: must be 0 (off) or at least 1000 (one second)`,
    );
  }
  if (problems.length > 0) throw new ConfigValidationError(problems);
  return config;
}

function isSecret(name: string): boolean {
  return /TOKEN|KEY|SECRET|PASSWORD|DATABASE_URL/.test(name);
}
