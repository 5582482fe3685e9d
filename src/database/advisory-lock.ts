import type { DataSource, QueryRunner } from 'typeorm';

/** The two-integer key of a PostgreSQL advisory lock (one per scheduled job). */
export type AdvisoryLockKey = readonly [number, number];

/**
 * Runs `work` on one dedicated connection while holding the session advisory lock `key`, or
 * answers `skipped` at once when another session (another instance, a CLI run) holds it: of N
 * instances started together exactly one does the work. The lock is released, and the
 * connection returned, however `work` ends.
 */
export async function withAdvisoryLock<T>(
  dataSource: DataSource,
  key: AdvisoryLockKey,
  work: (runner: QueryRunner) => Promise<T>,
): Promise<T | 'skipped'> {
  const runner = dataSource.createQueryRunner();
  await runner.connect();
  try {
    const rows = await runner.manager.query<Array<{ locked: boolean }>>(
      'SELECT pg_try_advisory_lock($1, $2) AS locked',
      [...key],
    );
    if (rows[0]?.locked !== true) return 'skipped';
    try {
      return await work(runner);
    } finally {
      await runner.query('SELECT pg_advisory_unlock($1, $2)', [...key]);
    }
  } finally {
    await runner.release();
  }
}
