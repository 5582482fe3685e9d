import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Minted platform-admin tokens (GraphQL `mintAdminToken` without a tenant, or the CLI): admins of
 * every tenant, next to the bootstrap `ADMIN_TOKEN`. Not tenant-owned, so not in `api_tokens`
 * (whose key starts with `tenant_id`). As there, the id is the JWT `jti` and the token itself is
 * never stored. Few rows, read on each admin request by primary key.
 */
export class PlatformAdminTokens1795478640000 implements MigrationInterface {
  name = 'PlatformAdminTokens1795478640000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE platform_admin_tokens (
        id uuid NOT NULL,
        label text NOT NULL DEFAULT '',
        created_at timestamptz NOT NULL DEFAULT now(),
        expires_at timestamptz NOT NULL,
        revoked_at timestamptz,
        last_used_at timestamptz,
        CONSTRAINT platform_admin_tokens_pkey PRIMARY KEY (id)
      )`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP TABLE platform_admin_tokens`);
  }
}
