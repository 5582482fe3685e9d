import type { DataSource, Migration } from 'typeorm';

/** Advisory lock key shared by every instance: only one of them migrates at a time. */
const MIGRATION_LOCK_KEY = 0x6d757374; // "must"

/**
 * Runs pending migrations under a PostgreSQL advisory lock, so that N instances starting together
 * apply each migration once. Each migration runs in its own transaction.
 */
export async function runMigrations(dataSource: DataSource): Promise<Migration[]> {
  const runner = dataSource.createQueryRunner();
  await runner.connect();
  try {
    await runner.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
    try {
      return await dataSource.runMigrations({ transaction: 'each' });
    } finally {
      await runner.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]);
    }
  } finally {
    await runner.release();
  }
}
