import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The append-only audit log: one row per SCIM request (and, later, per GraphQL mutation and system
 * job action). Keyed `(tenant_id, at, id)` so that the admin API pages a tenant's events newest
 * first by keyset on `(at, id)` straight off the primary key.
 */
export class AuditEvents1795478460000 implements MigrationInterface {
  name = 'AuditEvents1795478460000';

  async up(db: QueryRunner): Promise<void> {
    // No foreign key to `tenants`: every insert would take a KEY SHARE lock on the tenant's row,
    // which under concurrent provisioning of one tenant turns into multixact churn; the tenant id
    // always comes from an authenticated token or a service call, and tenants are never deleted.
    await db.query(`
      CREATE TABLE audit_events (
        tenant_id uuid NOT NULL,
        at timestamptz NOT NULL,
        id uuid NOT NULL,
        request_id text,
        token_id uuid,
        channel text NOT NULL,
        method text,
        path text,
        resource_type text,
        resource_id text,
        operation text NOT NULL,
        status integer NOT NULL,
        scim_type text,
        detail text,
        duration_ms real,
        client_ip inet,
        user_agent text,
        changed_attributes text[] NOT NULL,
        counts jsonb,
        request_summary jsonb,
        CONSTRAINT audit_events_pkey PRIMARY KEY (tenant_id, at, id),
        CONSTRAINT audit_events_channel_check CHECK (channel IN ('scim', 'graphql', 'system'))
      )`);

    // Each index serves one filter of the admin API's `auditEvents` (issue 6) with the keyset
    // order `(at, id)` after the filter column, so a first page reads `first` index entries
    // whatever the tenant's size. The unfiltered page, `from`/`to`, and filters on a value most
    // events share (status 200, channel scim) walk the primary key backwards instead.

    // The history of one resource (`resourceId`): every request that named a user or group.
    await db.query(
      `CREATE INDEX audit_events_resource_idx ON audit_events (tenant_id, resource_id, at, id)`,
    );
    // Correlation with the client's logs (`requestId`, Entra's client-request-id): a few rows each.
    await db.query(`CREATE INDEX audit_events_request_idx ON audit_events (tenant_id, request_id)`);
    // Failures only (`outcome`, `scimType`, and `lastError`/`errorBreakdown` of syncState): a
    // small fraction of the log, so partial indexes stay small and cost successful requests
    // nothing. Queries must carry the literal predicate `status >= 400` for the planner to use
    // them. `status` and `scim_type` are key columns so that their filters are checked in the
    // index, without visiting the rows they reject.
    await db.query(
      `CREATE INDEX audit_events_failures_idx ON audit_events (tenant_id, at, id, status, scim_type)
         WHERE status >= 400`,
    );
    // One failure status (`status: 409`): equality first, then the keyset order.
    await db.query(
      `CREATE INDEX audit_events_status_idx ON audit_events (tenant_id, status, at, id)
         WHERE status >= 400`,
    );
    // Activity of one token (`tokenId`), e.g. whether a rotated-out token is still being used.
    await db.query(
      `CREATE INDEX audit_events_token_idx ON audit_events (tenant_id, token_id, at, id)`,
    );
    // `resourceType` and `operation`: rare values (Group deletes, links, discovery reads) would
    // otherwise mean walking most of a tenant's log to fill one page.
    await db.query(
      `CREATE INDEX audit_events_resource_type_idx ON audit_events (tenant_id, resource_type, at, id)`,
    );
    await db.query(
      `CREATE INDEX audit_events_operation_idx ON audit_events (tenant_id, operation, at, id)`,
    );
    // `channel`: almost every row is `scim`; the other channels are found through this one.
    await db.query(
      `CREATE INDEX audit_events_channel_idx ON audit_events (tenant_id, channel, at, id)
         WHERE channel <> 'scim'`,
    );

    // Append-only: UPDATE is always refused; DELETE and TRUNCATE only inside a transaction that
    // declared itself the retention job (`SET LOCAL muster.audit_retention = 'on'`, see
    // AuditRepository.allowRetentionDelete). Statement-level, so inserts pay nothing.
    await db.query(`
      CREATE FUNCTION audit_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF TG_OP <> 'UPDATE' AND current_setting('muster.audit_retention', true) = 'on' THEN
          RETURN NULL;
        END IF;
        RAISE EXCEPTION 'audit_events is append-only: % is not allowed', TG_OP
          USING ERRCODE = 'insufficient_privilege';
      END
      $$`);
    await db.query(`
      CREATE TRIGGER audit_events_append_only
        BEFORE UPDATE OR DELETE OR TRUNCATE ON audit_events
        FOR EACH STATEMENT EXECUTE FUNCTION audit_events_append_only()`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP TABLE audit_events`);
    await db.query(`DROP FUNCTION audit_events_append_only()`);
  }
}
