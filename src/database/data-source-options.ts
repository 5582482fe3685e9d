import type { DataSourceOptions } from 'typeorm';
import { MIGRATIONS } from '../../migrations/index.js';
import type { AppConfig } from '../config/app-config.js';
import { TypeOrmLogger } from './typeorm-logger.js';

/**
 * The one set of TypeORM options shared by the application, the CLI, the migration commands and
 * the tests. Entities are registered by the feature modules (`TypeOrmModule.forFeature`, loaded
 * automatically), migrations come from `migrations/index.ts`. `synchronize` is always off: the
 * schema is what the migrations build.
 */
export function dataSourceOptions(config: AppConfig, url: string): DataSourceOptions {
  return {
    type: 'postgres',
    url,
    ssl: config.DATABASE_SSL ? { rejectUnauthorized: true } : false,
    poolSize: config.DATABASE_POOL_SIZE,
    applicationName: 'muster',
    migrations: MIGRATIONS,
    migrationsTableName: 'migrations',
    migrationsTransactionMode: 'each',
    synchronize: false,
    migrationsRun: false,
    logger: new TypeOrmLogger(),
    logging: ['error', 'warn', 'migration'],
    maxQueryExecutionTime: 1_000,
    extra: {
      // Bounded waits instead of hanging requests when the database is slow or gone.
      connectionTimeoutMillis: 5_000,
      idleTimeoutMillis: 30_000,
    },
  };
}
