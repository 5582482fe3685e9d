import type { EntityManager } from 'typeorm';

interface PgClient {
  query<R>(config: { name: string; text: string; values: unknown[] }): Promise<{ rows: R[] }>;
}

/**
 * `preparedQuery` inside a transaction: runs a named prepared statement on the connection of
 * `manager` (from `dataSource.transaction(...)`), so that it takes part in that transaction.
 * Same rules: fixed SQL texts only, `name` unique per text. Errors are the driver's (`code`,
 * `constraint`), which `isUniqueViolation` reads.
 */
export async function preparedQueryIn<R>(
  manager: EntityManager,
  name: string,
  text: string,
  values: unknown[],
): Promise<R[]> {
  const queryRunner = manager.queryRunner;
  if (!queryRunner?.isTransactionActive) {
    throw new Error('preparedQueryIn needs the manager of an open transaction');
  }
  const client = (await queryRunner.connect()) as PgClient;
  const result = await client.query<R>({ name, text, values });
  return result.rows;
}
