import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Announces every change to a token's revocation, expiry or identity, and every deleted token, on
 * the `muster_api_tokens` channel (payload: the token id), delivered when the change commits. The
 * instances' token-state caches listen to it (src/auth/token-state-listener.ts); the trigger sees
 * changes from anywhere, including an operator's SQL and cascading deletes. `last_used_at`
 * updates notify nothing.
 */
export class ApiTokensNotify1795478520000 implements MigrationInterface {
  name = 'ApiTokensNotify1795478520000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE FUNCTION api_tokens_notify() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        PERFORM pg_notify('muster_api_tokens', OLD.id::text);
        RETURN NULL;
      END
      $$`);
    await db.query(`
      CREATE TRIGGER api_tokens_notify_update
        AFTER UPDATE ON api_tokens FOR EACH ROW
        WHEN (OLD.revoked_at IS DISTINCT FROM NEW.revoked_at
           OR OLD.expires_at IS DISTINCT FROM NEW.expires_at
           OR OLD.identity_id IS DISTINCT FROM NEW.identity_id
           OR OLD.kind IS DISTINCT FROM NEW.kind
           OR OLD.id IS DISTINCT FROM NEW.id
           OR OLD.tenant_id IS DISTINCT FROM NEW.tenant_id)
        EXECUTE FUNCTION api_tokens_notify()`);
    await db.query(`
      CREATE TRIGGER api_tokens_notify_delete
        AFTER DELETE ON api_tokens FOR EACH ROW EXECUTE FUNCTION api_tokens_notify()`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP TRIGGER api_tokens_notify_delete ON api_tokens`);
    await db.query(`DROP TRIGGER api_tokens_notify_update ON api_tokens`);
    await db.query(`DROP FUNCTION api_tokens_notify()`);
  }
}
