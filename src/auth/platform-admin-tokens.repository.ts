import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { preparedQuery } from '../database/prepared.js';
import type { TokenState } from './api-tokens.repository.js';
import { PlatformAdminTokenEntity } from './platform-admin-token.entity.js';

/** Queries on `platform_admin_tokens` (not tenant-owned: platform admins span every tenant). */
@Injectable()
export class PlatformAdminTokensRepository {
  constructor(private readonly dataSource: DataSource) {}

  private get repo() {
    return this.dataSource.getRepository(PlatformAdminTokenEntity);
  }

  async insert(token: {
    readonly id: string;
    readonly label: string;
    readonly expiresAt: Date;
  }): Promise<PlatformAdminTokenEntity> {
    await this.repo.insert(token);
    return this.repo.findOneByOrFail({ id: token.id });
  }

  /** Read on every request of a minted platform token (admin traffic is light: no cache). */
  async state(id: string): Promise<TokenState | undefined> {
    const rows = await preparedQuery<TokenState>(
      this.dataSource,
      'platform_admin_tokens_state',
      `SELECT revoked_at AS "revokedAt", expires_at AS "expiresAt", last_used_at AS "lastUsedAt",
              NULL::uuid AS "identityId"
         FROM platform_admin_tokens WHERE id = $1`,
      [id],
    );
    return rows[0];
  }

  async touch(id: string): Promise<void> {
    await this.repo
      .createQueryBuilder()
      .update()
      .set({ lastUsedAt: () => 'now()' })
      .where(`id = :id AND (last_used_at IS NULL OR last_used_at < now() - interval '1 minute')`, {
        id,
      })
      .execute();
  }

  list(): Promise<PlatformAdminTokenEntity[]> {
    return this.repo.find({ order: { createdAt: 'DESC', id: 'ASC' } });
  }

  find(id: string): Promise<PlatformAdminTokenEntity | null> {
    return this.repo.findOneBy({ id });
  }

  async revoke(id: string): Promise<PlatformAdminTokenEntity | null> {
    await this.repo
      .createQueryBuilder()
      .update()
      .set({ revokedAt: () => 'now()' })
      .where('id = :id AND revoked_at IS NULL', { id })
      .execute();
    return this.find(id);
  }
}
