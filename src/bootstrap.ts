import { type INestApplication, ValidationPipe } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { Logger } from 'nestjs-pino';
import { AppModule, type AppModuleOptions } from './app.module.js';
import { AppConfig } from './config/app-config.js';

/** Media types parsed as JSON: SCIM's own, plain JSON, and any `+json` type. */
const JSON_TYPES = ['application/json', 'application/scim+json', 'application/*+json'];

/**
 * Creates the configured application (not yet listening). Shared by `main.ts` and the e2e tests,
 * so that tests run exactly what production runs.
 */
export async function createApp(options: AppModuleOptions = {}): Promise<INestApplication> {
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot(options), {
    bufferLogs: true,
    bodyParser: false,
  });
  const config = app.get(AppConfig);
  app.useLogger(app.get(Logger));
  app.useBodyParser('json', { type: JSON_TYPES, limit: config.BODY_LIMIT });
  app.useGlobalPipes(
    new ValidationPipe({ whitelist: true, forbidNonWhitelisted: true, transform: true }),
  );
  app.set('trust proxy', false);
  app.disable('x-powered-by');
  // ETags are resource versions (`W/"<meta.version>"`), set by the SCIM controllers; Express's
  // body-hash ETags on lists and errors would look like versions and are not.
  app.set('etag', false);
  return app;
}
