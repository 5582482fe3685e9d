// Once per e2e run: pick the database (DATABASE_URL, else an embedded PostgreSQL under
// .data/test) and apply the migrations. Suites then boot the app with MIGRATIONS_RUN=false and
// create a fresh tenant per test instead of truncating tables.
//
// Jest loads this file outside its module system, so it uses the compiled build (`npm run
// test:e2e` builds first): the same code the server runs.
import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { loadConfig } from '../dist/src/config/app-config.js';
import { dataSourceOptions } from '../dist/src/database/data-source-options.js';
import { EmbeddedDatabase } from '../dist/src/database/embedded-postgres.js';
import { runMigrations } from '../dist/src/database/migrate.js';
import { TEST_ENV } from './test-env.js';

export default async function globalSetup() {
  Logger.overrideLogger(['error', 'warn']);
  for (const [key, value] of Object.entries(TEST_ENV)) process.env[key] ??= value;
  const config = loadConfig();
  if (!config.DATABASE_URL) {
    const embedded = new EmbeddedDatabase({
      dataDir: config.dataDir,
      port: config.EMBEDDED_PG_PORT,
      database: 'muster_test',
    });
    process.env.DATABASE_URL = await embedded.start();
    globalThis.__musterEmbedded = embedded;
  }
  const dataSource = await new DataSource(
    dataSourceOptions(config, process.env.DATABASE_URL),
  ).initialize();
  try {
    await runMigrations(dataSource);
  } finally {
    await dataSource.destroy();
  }
}
