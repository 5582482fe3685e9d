import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { createApp } from './bootstrap.js';
import { AppConfig, ConfigValidationError, loadConfig } from './config/app-config.js';
import { loadEnvFile } from './config/env-file.js';

async function main(): Promise<void> {
  loadEnvFile();
  try {
    loadConfig(); // fail fast, before anything starts, listing every invalid variable
  } catch (error) {
    if (error instanceof ConfigValidationError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(78); // EX_CONFIG
    }
    throw error;
  }

  const app = await createApp();
  const config = app.get(AppConfig);
  const logger = new Logger('Muster');
  await app.listen(config.PORT, config.HOST);
  const url = await app.getUrl();
  logger.log(
    `listening on ${url.replace('[::1]', 'localhost')} (SCIM: /scim/v2, GraphQL: /graphql)`,
  );
  logger.log(
    'create a tenant: npm run cli --silent -- tenant create <slug> | mint its SCIM token: npm run cli --silent -- token mint <slug>',
  );

  let closing = false;
  const shutdown = (signal: NodeJS.Signals): void => {
    if (closing) return;
    closing = true;
    logger.log(`${signal}: finishing in-flight requests, then closing the database`);
    const force = setTimeout(() => {
      logger.error(`shutdown took longer than ${config.SHUTDOWN_TIMEOUT_MS} ms; exiting`);
      process.exit(1);
    }, config.SHUTDOWN_TIMEOUT_MS);
    force.unref();
    // Closes the HTTP server first (in-flight requests finish), then the pool and the embedded database.
    app.close().then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error(error);
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', shutdown);
  process.on('SIGINT', shutdown);
}

main().catch((error: unknown) => {
  process.stderr.write(
    `Muster failed to start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exit(1);
});
