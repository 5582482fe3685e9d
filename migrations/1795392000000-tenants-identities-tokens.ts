import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Tenants, their service identities (`sys.scim`) and API tokens (ids and metadata only, never the token). */
export class TenantsIdentitiesTokens1795392000000 implements MigrationInterface {
  name = 'TenantsIdentitiesTokens1795392000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE tenants (
        id uuid NOT NULL,
        slug text NOT NULL,
        name text NOT NULL,
        settings jsonb NOT NULL DEFAULT '{}',
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT tenants_pkey PRIMARY KEY (id),
        CONSTRAINT tenants_slug_format CHECK (slug ~ '^[a-z0-9][a-z0-9-]{0,62}$')
      )`);
    await db.query(`CREATE UNIQUE INDEX tenants_slug_key ON tenants (slug)`);

    await db.query(`
      CREATE TABLE service_identities (
        tenant_id uuid NOT NULL,
        id uuid NOT NULL,
        name text NOT NULL,
        description text NOT NULL DEFAULT '',
        created_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT service_identities_pkey PRIMARY KEY (tenant_id, id),
        CONSTRAINT service_identities_tenant_fkey FOREIGN KEY (tenant_id)
          REFERENCES tenants (id) ON DELETE CASCADE
      )`);
    await db.query(
      `CREATE UNIQUE INDEX service_identities_tenant_name_key ON service_identities (tenant_id, name)`,
    );

    await db.query(`
      CREATE TABLE api_tokens (
        tenant_id uuid NOT NULL,
        id uuid NOT NULL,
        kind text NOT NULL,
        identity_id uuid,
        label text NOT NULL DEFAULT '',
        created_at timestamptz NOT NULL DEFAULT now(),
        expires_at timestamptz NOT NULL,
        revoked_at timestamptz,
        last_used_at timestamptz,
        CONSTRAINT api_tokens_pkey PRIMARY KEY (tenant_id, id),
        CONSTRAINT api_tokens_kind_check CHECK (kind IN ('scim', 'admin')),
        CONSTRAINT api_tokens_tenant_fkey FOREIGN KEY (tenant_id)
          REFERENCES tenants (id) ON DELETE CASCADE,
        CONSTRAINT api_tokens_identity_fkey FOREIGN KEY (tenant_id, identity_id)
          REFERENCES service_identities (tenant_id, id) ON DELETE CASCADE
      )`);
    // Listing a tenant's tokens of a kind, newest first.
    await db.query(
      `CREATE INDEX api_tokens_tenant_kind_idx ON api_tokens (tenant_id, kind, created_at DESC)`,
    );
    // Platform admins revoke a token by its id alone.
    await db.query(`CREATE INDEX api_tokens_id_idx ON api_tokens (id)`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP TABLE api_tokens`);
    await db.query(`DROP TABLE service_identities`);
    await db.query(`DROP TABLE tenants`);
  }
}
