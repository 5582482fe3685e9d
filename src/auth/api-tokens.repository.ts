import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { preparedQuery } from '../database/prepared.js';
import { ApiTokenEntity, type TokenKind } from './api-token.entity.js';

/** The columns the guards need on every request. */
export interface TokenState {
  readonly revokedAt: Date | null;
  readonly expiresAt: Date;
  readonly lastUsedAt: Date | null;
  readonly identityId: string | null;
}

/** A token row to insert (the database sets creation time; nothing is revoked or used yet). */
export type NewApiToken = Omit<
  ApiTokenEntity,
  'tenantId' | 'createdAt' | 'revokedAt' | 'lastUsedAt' | 'replacedBy'
>;

export type RotateResult =
  | { readonly ok: true; readonly previous: ApiTokenEntity; readonly next: ApiTokenEntity }
  | { readonly ok: false; readonly reason: 'not-found' | 'revoked' | 'rotated' | 'expired' };

/** Queries on `api_tokens`; each takes the tenant id first. */
@Injectable()
export class ApiTokensRepository {
  constructor(private readonly dataSource: DataSource) {}

  private get repo() {
    return this.dataSource.getRepository(ApiTokenEntity);
  }

  async insert(
    tenantId: string,
    token: NewApiToken,
    manager: EntityManager = this.dataSource.manager,
  ): Promise<ApiTokenEntity> {
    const repo = manager.getRepository(ApiTokenEntity);
    await repo.insert({ ...token, tenantId });
    return repo.findOneByOrFail({ tenantId, id: token.id });
  }

  /**
   * Rotation, in one transaction: locks the old token's row, inserts its successor (with the old
   * token's label), and brings the old token's expiry forward to `now + overlapMs` (never later
   * than it was), pointing it at the successor. Returns why it could not when the old token is not an active SCIM token.
   */
  async rotate(
    tenantId: string,
    id: string,
    successor: Omit<NewApiToken, 'label'>,
    overlapMs: number,
  ): Promise<RotateResult> {
    return this.dataSource.transaction(async (manager) => {
      const old = await manager.getRepository(ApiTokenEntity).findOne({
        where: { tenantId, id },
        lock: { mode: 'pessimistic_write' },
      });
      if (!old || old.kind !== 'scim') return { ok: false, reason: 'not-found' };
      if (old.revokedAt) return { ok: false, reason: 'revoked' };
      if (old.replacedBy) return { ok: false, reason: 'rotated' };
      // The same clock as the check of every request (TokensService.authenticate).
      if (old.expiresAt.getTime() <= Date.now()) return { ok: false, reason: 'expired' };
      const next = await this.insert(tenantId, { ...successor, label: old.label }, manager);
      const [[updated]] = await manager.query<[Array<{ expiresAt: Date }>, number]>(
        `UPDATE api_tokens
            SET expires_at = LEAST(expires_at, now() + $3::int * interval '1 millisecond'),
                replaced_by = $4
          WHERE tenant_id = $1 AND id = $2
          RETURNING expires_at AS "expiresAt"`,
        [tenantId, id, overlapMs, next.id],
      );
      const previous = {
        ...old,
        expiresAt: updated?.expiresAt ?? old.expiresAt,
        replacedBy: next.id,
      };
      return { ok: true, previous, next };
    });
  }

  /** Hot path (every authenticated request): a primary-key lookup as a named prepared statement. */
  async state(tenantId: string, id: string, kind: TokenKind): Promise<TokenState | undefined> {
    const rows = await preparedQuery<TokenState>(
      this.dataSource,
      'api_tokens_state',
      `SELECT revoked_at AS "revokedAt", expires_at AS "expiresAt", last_used_at AS "lastUsedAt",
              identity_id AS "identityId"
         FROM api_tokens WHERE tenant_id = $1 AND id = $2 AND kind = $3`,
      [tenantId, id, kind],
    );
    return rows[0];
  }

  /** Records a use, unless another request (on any instance) recorded one in the last minute. */
  async touch(tenantId: string, id: string): Promise<void> {
    await preparedQuery(
      this.dataSource,
      'api_tokens_touch',
      `UPDATE api_tokens SET last_used_at = now()
        WHERE tenant_id = $1 AND id = $2
          AND (last_used_at IS NULL OR last_used_at < now() - interval '1 minute')`,
      [tenantId, id],
    );
  }

  list(tenantId: string, kind: TokenKind): Promise<ApiTokenEntity[]> {
    return this.repo.find({ where: { tenantId, kind }, order: { createdAt: 'DESC', id: 'ASC' } });
  }

  find(tenantId: string, id: string): Promise<ApiTokenEntity | null> {
    return this.repo.findOneBy({ tenantId, id });
  }

  /** The tenant a token id belongs to (platform-admin look-up by id alone). */
  async tenantOf(id: string): Promise<string | undefined> {
    const row = await this.repo.findOne({ select: { tenantId: true }, where: { id } });
    return row?.tenantId;
  }

  /** Marks the token revoked now (keeps the first revocation time if already revoked). */
  async revoke(tenantId: string, id: string): Promise<ApiTokenEntity | null> {
    await this.repo
      .createQueryBuilder()
      .update()
      .set({ revokedAt: () => 'now()' })
      .where('tenant_id = :tenantId AND id = :id AND revoked_at IS NULL', { tenantId, id })
      .execute();
    return this.find(tenantId, id);
  }
}
