import type { NextFunction, Request, Response } from 'express';
import type { Level, Logger } from 'pino';
import { requestForLog } from './logging.js';
import { requestIdOf } from './request-id.js';
import { requestScope, type RequestScope } from './request-scope.js';

/** Paths with no access line: probes and scrapes. */
const QUIET = /^\/(health|metrics)\b/;

/**
 * The first middleware of every request (after body parsing; ObservabilityModule mounts it):
 * fixes its request id (echoed as `X-Request-Id`), runs the rest of the request in its
 * {@link requestScope}, and writes one access line when the response is over: `info` below 400,
 * `warn` for 4xx and for a client that left before the response was sent (`request aborted`),
 * `error` for 5xx. Nothing is built for a line the level drops.
 *
 * (It stands in for pino-http's per-request middleware, which serialised every request into a
 * child logger whether or not a line was written: about a quarter of the server's CPU on a SCIM
 * lookup, see the Benchmarks section of the README.)
 */
export function requestLogger(loggerOf: () => Logger) {
  return (req: Request, res: Response, next: NextFunction): void => {
    const requestId = requestIdOf(req, res);
    (req as Request & { id?: string }).id = requestId;
    if (!QUIET.test(req.url)) {
      const started = performance.now();
      const done = (): void => {
        res.removeListener('finish', done);
        res.removeListener('close', done);
        const aborted = !res.writableFinished;
        const { statusCode } = res;
        const level: Level =
          statusCode >= 500 && !aborted ? 'error' : statusCode >= 400 || aborted ? 'warn' : 'info';
        const logger = loggerOf();
        if (!logger.isLevelEnabled(level)) return;
        logger[level](
          {
            requestId,
            req: requestForLog(req),
            res: aborted ? undefined : { statusCode },
            responseTime: Math.round(performance.now() - started),
          },
          aborted ? 'request aborted' : 'request completed',
        );
      };
      res.once('finish', done);
      res.once('close', done);
    }
    const scope: RequestScope = { requestId };
    requestScope.run(scope, next);
  };
}
