import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Token rotation (`rotateScimToken`): a rotated token points at the token that replaced it. Its
 * `expires_at` is brought forward to the end of the overlap in the same transaction, which the
 * `api_tokens_notify` trigger already announces to every instance's token cache.
 */
export class ApiTokensRotation1795478700000 implements MigrationInterface {
  name = 'ApiTokensRotation1795478700000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE api_tokens ADD COLUMN replaced_by uuid`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE api_tokens DROP COLUMN replaced_by`);
  }
}
