import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * `syncState.counts` of a large tenant: its live users and how many are active, as an index-only
 * scan of this small partial index instead of a scan of every tenant's users (measured on a
 * tenant with 50 000 of 280 000 users: 54 ms → 6 ms, `npm run bench:audit`).
 */
export class ScimUsersActiveIndex1795478760000 implements MigrationInterface {
  name = 'ScimUsersActiveIndex1795478760000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE INDEX scim_users_tenant_active_idx
        ON scim_users (tenant_id, active) WHERE deleted_at IS NULL`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP INDEX scim_users_tenant_active_idx`);
  }
}
