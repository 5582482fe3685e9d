import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { Logger } from 'nestjs-pino';
import { parseArgs } from 'node:util';
import { classifyError } from '../common/http-status.js';
import { ConfigValidationError } from '../config/app-config.js';
import { loadEnvFile } from '../config/env-file.js';
import { CliModule } from './cli.module.js';
import { runCommand, USAGE } from './commands.js';

/**
 * The operator CLI: `npm run cli --silent -- <command>`. Prints exactly one JSON object on stdout
 * (an error object on stderr, with a non-zero exit code); logs go to stderr.
 */
async function main(): Promise<number> {
  const { positionals, values } = parseArgs({
    args: process.argv.slice(2),
    allowPositionals: true,
    options: {
      name: { type: 'string' },
      label: { type: 'string' },
      expires: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help || positionals.length === 0) {
    process.stderr.write(`${USAGE}\n`);
    return values.help ? 0 : 2;
  }
  loadEnvFile();
  process.env.LOG_LEVEL ??= 'warn';
  // Migration commands manage migrations themselves; everything else migrates first like the server.
  if (positionals[0] === 'migration') process.env.MIGRATIONS_RUN = 'false';

  const app = await NestFactory.createApplicationContext(CliModule, { bufferLogs: true });
  app.useLogger(app.get(Logger));
  try {
    const { help: _help, ...options } = values;
    const result = await runCommand(app, { words: positionals, options });
    await writeFully(process.stdout, `${JSON.stringify(result)}\n`);
    return 0;
  } catch (error) {
    const classified = classifyError(error);
    const message =
      classified.unexpected && error instanceof Error ? error.message : classified.message;
    await writeFully(
      process.stderr,
      `${JSON.stringify({ error: { code: classified.code, message } })}\n`,
    );
    return classified.status === 400 ? 2 : 1;
  } finally {
    await app.close();
  }
}

/**
 * Writes and waits until the chunk is handed to the OS: on a pipe, stdout is asynchronous and a
 * `process.exit` right after a large write would cut the JSON short.
 */
function writeFully(stream: NodeJS.WriteStream, chunk: string): Promise<void> {
  return new Promise((resolve, reject) => {
    stream.write(chunk, (error) => (error ? reject(error) : resolve()));
  });
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    const message =
      error instanceof ConfigValidationError
        ? error.message
        : error instanceof Error
          ? error.message
          : String(error);
    process.stderr.write(`${JSON.stringify({ error: { code: 'STARTUP', message } })}\n`);
    process.exit(1);
  },
);
