import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * SCIM users: the whole SCIM document in `resource` (JSONB), the attributes that are looked up
 * or that the host product reads copied into columns, a row `version` behind `meta.version` and
 * the ETag, and soft deletion (`deleted_at`) with a later purge.
 *
 * Every index that SCIM reads use is partial on `deleted_at IS NULL`, so deleted users cost the
 * hot paths nothing and a deleted user's `userName` is free again at once.
 */
export class ScimUsers1795478400000 implements MigrationInterface {
  name = 'ScimUsers1795478400000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE scim_users (
        tenant_id uuid NOT NULL,
        id uuid NOT NULL,
        user_name text NOT NULL,
        external_id text,
        display_name text,
        active boolean NOT NULL DEFAULT true,
        resource jsonb NOT NULL,
        password_hash text,
        version integer NOT NULL DEFAULT 1,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        deleted_at timestamptz,
        CONSTRAINT scim_users_pkey PRIMARY KEY (tenant_id, id),
        CONSTRAINT scim_users_tenant_fkey FOREIGN KEY (tenant_id)
          REFERENCES tenants (id) ON DELETE CASCADE
      )`);
    // userName is unique per tenant, case-insensitively, among users that are not deleted: the
    // service maps a violation of this index to 409 uniqueness, so concurrent creates of one
    // userName give exactly one 201. Also serves `userName eq` (compiled `lower(user_name) = …`).
    await db.query(`
      CREATE UNIQUE INDEX scim_users_tenant_user_name_key
        ON scim_users (tenant_id, lower(user_name)) WHERE deleted_at IS NULL`);
    // `externalId eq` (Entra's matching lookup): case-exact and not unique. Its matches come out
    // in list order (`created_at, id`), so the lookup's page needs no sort and the planner has no
    // reason to prefer walking the tenant's users in creation order instead, whatever the
    // statistics say (right after a bulk load they know nothing of a new tenant).
    await db.query(`
      CREATE INDEX scim_users_tenant_external_id_idx
        ON scim_users (tenant_id, external_id, created_at, id) WHERE deleted_at IS NULL`);
    // `displayName eq` (case-insensitive).
    await db.query(`
      CREATE INDEX scim_users_tenant_display_name_idx
        ON scim_users (tenant_id, lower(display_name)) WHERE deleted_at IS NULL`);
    // Lists page in creation order (`ORDER BY created_at, id`): a page is an index range scan.
    await db.query(`
      CREATE INDEX scim_users_tenant_created_idx
        ON scim_users (tenant_id, created_at, id) WHERE deleted_at IS NULL`);
    // Account linking: users the host product created (no externalId) found by their primary
    // email. Small, since users created through SCIM almost always carry an externalId.
    await db.query(`
      CREATE INDEX scim_users_tenant_unlinked_email_idx
        ON scim_users (
          tenant_id,
          lower(jsonb_path_query_first(resource, '$.emails[*] ? (@.primary == true).value') #>> '{}')
        )
        WHERE deleted_at IS NULL AND (external_id IS NULL OR external_id = '')`);
    // A new tenant's first sync adds thousands of rows in minutes; until the table is analyzed
    // again the planner knows nothing of that tenant and may walk all its rows for a lookup.
    // Analyze after 2 % changes (default 10 %); the service also analyzes after bulk creates.
    await db.query(`
      ALTER TABLE scim_users
        SET (autovacuum_analyze_scale_factor = 0.02, autovacuum_analyze_threshold = 1000)`);
    // The purge job: a tenant's users deleted before a cut-off.
    await db.query(`
      CREATE INDEX scim_users_tenant_deleted_idx
        ON scim_users (tenant_id, deleted_at) WHERE deleted_at IS NOT NULL`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP TABLE scim_users`);
  }
}
