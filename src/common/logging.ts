import type { Params } from 'nestjs-pino';
import { RequestMethod } from '@nestjs/common';
import type { IncomingMessage } from 'node:http';
import { stdSerializers, type DestinationStream } from 'pino';
import type { AppConfig } from '../config/app-config.js';
import { currentRequestId } from './request-scope.js';

/**
 * Paths pino removes from every log line. Request bodies are never logged; these catch the places
 * where a credential can still show up (headers, error contexts, objects passed to the logger).
 */
export const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-admin-token"]',
  'res.headers["set-cookie"]',
  'authorization',
  'token',
  'password',
  '*.authorization',
  '*.token',
  '*.password',
  '*.secret',
  '*.accessToken',
  '*.access_token',
];

/** Request headers worth a log line; `authorization` and `cookie` only ever appear redacted. */
const LOGGED_HEADERS = [
  'host',
  'user-agent',
  'content-type',
  'content-length',
  'client-request-id',
  'x-request-id',
  'x-forwarded-for',
  'authorization',
  'cookie',
] as const;

/** The request as access lines show it (a few headers; credentials redacted by pino). */
export function requestForLog(req: IncomingMessage & { id?: unknown; originalUrl?: string }) {
  const headers: Record<string, string | string[]> = {};
  for (const name of LOGGED_HEADERS) {
    const value = req.headers[name];
    if (value !== undefined) headers[name] = value;
  }
  return {
    id: req.id,
    method: req.method,
    url: req.originalUrl ?? req.url,
    headers,
    remoteAddress: req.socket?.remoteAddress,
  };
}

/**
 * nestjs-pino options: JSON lines, credentials redacted, and the request id on every line logged
 * while a request runs (the `mixin` reads it from the request scope). nestjs-pino's own
 * per-request middleware is switched off: `requestLogger` (request-logger.ts) writes the access
 * lines and enters the request scope.
 */
export function loggerParams(config: AppConfig, destination?: DestinationStream): Params {
  return {
    pinoHttp: [
      {
        level: config.LOG_LEVEL,
        mixin: (fields: object) => ('requestId' in fields ? {} : { requestId: currentRequestId() }),
        serializers: { err: stdSerializers.err },
        redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
      },
      destination ?? process.stdout,
    ],
    exclude: [{ path: '*path', method: RequestMethod.ALL }],
  };
}
