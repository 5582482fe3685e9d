import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * SCIM groups and their members.
 *
 * `scim_groups` holds the whole SCIM document except `members` in `resource` (JSONB), the looked-up
 * attributes (`displayName`, `externalId`) copied into columns, and a row `version` behind
 * `meta.version` and the ETag. Groups are deleted for good (no soft delete): a deleted group's
 * memberships go with it, in the same transaction.
 *
 * `group_members` holds one row per direct membership. A member is a user or a group
 * (`member_type`); `member_id` has no foreign key because it points into one of two tables: the
 * services keep it consistent (adding a member locks the member's row `FOR KEY SHARE`, deleting a
 * user or a group removes its rows), and leaving the per-row foreign-key checks out keeps adding
 * 1 000 members one cheap set statement.
 */
export class ScimGroups1795478580000 implements MigrationInterface {
  name = 'ScimGroups1795478580000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE scim_groups (
        tenant_id uuid NOT NULL,
        id uuid NOT NULL,
        display_name text NOT NULL,
        external_id text,
        resource jsonb NOT NULL,
        version integer NOT NULL DEFAULT 1,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT scim_groups_pkey PRIMARY KEY (tenant_id, id),
        CONSTRAINT scim_groups_tenant_fkey FOREIGN KEY (tenant_id)
          REFERENCES tenants (id) ON DELETE CASCADE
      )`);
    // displayName is unique per tenant without regard to case (an Entra requirement, entra.md
    // §2.4): a violation is the 409 uniqueness. Also serves `displayName eq` (Entra's matching).
    await db.query(`
      CREATE UNIQUE INDEX scim_groups_tenant_display_name_key
        ON scim_groups (tenant_id, lower(display_name))`);
    // `externalId eq` (case-exact, not unique), its matches in list order.
    await db.query(`
      CREATE INDEX scim_groups_tenant_external_id_idx
        ON scim_groups (tenant_id, external_id, created_at, id)`);
    // Lists page in creation order (`ORDER BY created_at, id`).
    await db.query(`
      CREATE INDEX scim_groups_tenant_created_idx ON scim_groups (tenant_id, created_at, id)`);

    await db.query(`
      CREATE TABLE group_members (
        tenant_id uuid NOT NULL,
        group_id uuid NOT NULL,
        member_id uuid NOT NULL,
        member_type text NOT NULL,
        CONSTRAINT group_members_pkey PRIMARY KEY (tenant_id, group_id, member_id),
        CONSTRAINT group_members_member_type_check CHECK (member_type IN ('User', 'Group'))
      )`);
    // The groups of a member: a user's `groups`, removing a deleted user or group everywhere,
    // and the recursive walk of nested groups (index-only).
    await db.query(`
      CREATE INDEX group_members_tenant_member_idx ON group_members (tenant_id, member_id, group_id)`);
    // Memberships arrive in bursts (a new tenant's first sync): keep the planner informed.
    await db.query(`
      ALTER TABLE group_members
        SET (autovacuum_analyze_scale_factor = 0.02, autovacuum_analyze_threshold = 1000)`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP TABLE group_members`);
    await db.query(`DROP TABLE scim_groups`);
  }
}
