import type { INestApplicationContext } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AuditRetentionService } from '../audit/audit-retention.service.js';
import type { ApiTokenEntity } from '../auth/api-token.entity.js';
import { TokensService } from '../auth/tokens.service.js';
import { DomainError, DomainErrorCode } from '../common/domain-error.js';
import { runMigrations } from '../database/migrate.js';
import { TenantsService } from '../tenants/tenants.service.js';
import { PurgeDeletedUsersService } from '../users/purge-deleted-users.service.js';
import { generateMigration } from './generate-migration.js';

export interface ParsedCommand {
  readonly words: readonly string[];
  readonly options: Readonly<Record<string, string | undefined>>;
}

type Json = Record<string, unknown>;

const usage = (message: string): DomainError =>
  new DomainError(DomainErrorCode.InvalidInput, message);

export const USAGE = `usage: npm run cli --silent -- <command>
  tenant create <slug> [--name N]         create a tenant (and its sys.scim identity)
  tenant list                             list tenants
  token mint <tenant-slug> [--label L] [--expires 1y]
                                          mint a SCIM token (printed once)
  token list <tenant-slug>                list a tenant's SCIM tokens
  token revoke <token-id>                 revoke a SCIM token
  migration run | revert | show           apply, undo the last, or list migrations
  migration generate <name>               write a migration for entity changes
  purge-deleted-users                     purge users deleted longer than their tenant's retention
  purge-audit-events                      delete audit events older than their tenant's retention`;

/** Runs one CLI command and returns the JSON object to print. */
export async function runCommand(
  app: INestApplicationContext,
  command: ParsedCommand,
): Promise<Json> {
  const [group, action, arg] = command.words;
  const tenants = app.get(TenantsService);
  const tokens = app.get(TokensService);
  if (group === 'purge-deleted-users' && action === undefined) {
    return { ...(await app.get(PurgeDeletedUsersService).purgeExpired()) };
  }
  if (group === 'purge-audit-events' && action === undefined) {
    return { ...(await app.get(AuditRetentionService).deleteExpired()) };
  }
  switch (`${group ?? ''} ${action ?? ''}`) {
    case 'tenant create': {
      const tenant = await tenants.create({
        slug: required(arg, 'slug'),
        name: command.options.name,
      });
      return { id: tenant.id, slug: tenant.slug, name: tenant.name };
    }
    case 'tenant list':
      return {
        tenants: (await tenants.list()).map((t) => ({
          id: t.id,
          slug: t.slug,
          name: t.name,
          createdAt: t.createdAt,
        })),
      };
    case 'token mint': {
      const tenant = await tenants.getBySlug(required(arg, 'tenant-slug'));
      const minted = await tokens.mintScimToken({
        tenantId: tenant.id,
        label: command.options.label,
        expiresIn: command.options.expires,
      });
      return { id: minted.info.id, token: minted.token, expiresAt: minted.info.expiresAt };
    }
    case 'token list': {
      const tenant = await tenants.getBySlug(required(arg, 'tenant-slug'));
      return { tokens: (await tokens.listScimTokens(tenant.id)).map(tokenInfo) };
    }
    case 'token revoke':
      return tokenInfo(await tokens.revokeScimToken(required(arg, 'token-id')));
    case 'migration run': {
      const applied = await runMigrations(app.get(DataSource));
      return { applied: applied.map((m) => m.name) };
    }
    case 'migration revert': {
      const dataSource = app.get(DataSource);
      const before = await executed(dataSource);
      await dataSource.undoLastMigration({ transaction: 'each' });
      const after = await executed(dataSource);
      return { reverted: before.find((name) => !after.includes(name)) ?? null };
    }
    case 'migration show': {
      const dataSource = app.get(DataSource);
      const applied = await executed(dataSource);
      return {
        applied,
        pending: dataSource.migrations
          .map((m) => m.name ?? m.constructor.name)
          .filter((n) => !applied.includes(n)),
      };
    }
    case 'migration generate':
      return generateMigration(app.get(DataSource), required(arg, 'name'));
    default:
      throw usage(USAGE);
  }
}

function required(value: string | undefined, name: string): string {
  if (!value) throw usage(`missing <${name}>\n${USAGE}`);
  return value;
}

function tokenInfo(token: ApiTokenEntity): Json {
  return {
    id: token.id,
    label: token.label,
    createdAt: token.createdAt,
    expiresAt: token.expiresAt,
    lastUsedAt: token.lastUsedAt,
    revokedAt: token.revokedAt,
  };
}

async function executed(dataSource: DataSource): Promise<string[]> {
  const exists = await dataSource.query<Array<{ exists: boolean }>>(
    `SELECT to_regclass('migrations') IS NOT NULL AS exists`,
  );
  if (!exists[0]?.exists) return [];
  const rows = await dataSource.query<Array<{ name: string }>>(
    `SELECT name FROM migrations ORDER BY id`,
  );
  return rows.map((row) => row.name);
}
