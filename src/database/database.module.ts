import { Global, Logger, Module, OnApplicationShutdown } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DataSource, type DataSourceOptions } from 'typeorm';
import { AppConfig } from '../config/app-config.js';
import { DatabaseEndpoint } from './database-endpoint.js';
import { dataSourceOptions } from './data-source-options.js';
import { runMigrations } from './migrate.js';

@Global()
@Module({ providers: [DatabaseEndpoint], exports: [DatabaseEndpoint] })
class DatabaseEndpointModule {}

/**
 * The TypeORM data source of the application: `DATABASE_URL` or the embedded PostgreSQL, with
 * migrations applied at start-up unless `MIGRATIONS_RUN=false`. On shutdown the pool is closed
 * first and the embedded cluster (if this process started it) after it.
 */
@Global()
@Module({
  imports: [
    DatabaseEndpointModule,
    TypeOrmModule.forRootAsync({
      inject: [AppConfig, DatabaseEndpoint],
      useFactory: async (config: AppConfig, endpoint: DatabaseEndpoint) => ({
        ...dataSourceOptions(config, await endpoint.url()),
        // Read by the factory below, which migrates under an advisory lock instead of TypeORM.
        migrationsRun: config.MIGRATIONS_RUN,
        autoLoadEntities: true,
        retryAttempts: 3,
        retryDelay: 1_000,
      }),
      dataSourceFactory: async (options?: DataSourceOptions) => {
        if (!options) throw new Error('missing data source options');
        const dataSource = await new DataSource({ ...options, migrationsRun: false }).initialize();
        if (options.migrationsRun) {
          const applied = await runMigrations(dataSource);
          new Logger('Database').log(
            applied.length > 0
              ? `applied migrations: ${applied.map((m) => m.name).join(', ')}`
              : 'schema up to date (no pending migrations)',
          );
        }
        return dataSource;
      },
    }),
  ],
})
export class DatabaseModule implements OnApplicationShutdown {
  constructor(
    private readonly dataSource: DataSource,
    private readonly endpoint: DatabaseEndpoint,
  ) {}

  async onApplicationShutdown(): Promise<void> {
    if (this.dataSource.isInitialized) await this.dataSource.destroy();
    await this.endpoint.stop();
  }
}
