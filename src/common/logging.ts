import type { Params } from 'nestjs-pino';
import type { DestinationStream } from 'pino';
import type { AppConfig } from '../config/app-config.js';
import { requestIdOf } from './request-id.js';

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

/** nestjs-pino options: JSON lines, a request id on every line, credentials redacted. */
export function loggerParams(config: AppConfig, destination?: DestinationStream): Params {
  return {
    pinoHttp: [
      {
        level: config.LOG_LEVEL,
        genReqId: requestIdOf,
        customAttributeKeys: { reqId: 'requestId' },
        quietReqLogger: true,
        redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
        autoLogging: { ignore: (req) => /^\/(health|metrics)\b/.test(req.url ?? '') },
        customLogLevel: (_req, res, error) =>
          error || res.statusCode >= 500 ? 'error' : res.statusCode >= 400 ? 'warn' : 'info',
      },
      destination ?? process.stdout,
    ],
    // Keep the request id on lines logged outside the pino-http handler too.
    assignResponse: false,
  };
}
