import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';

export const REQUEST_ID_HEADER = 'X-Request-Id';
const ACCEPTED = /^[A-Za-z0-9._:-]{1,128}$/;

/**
 * The request id of a request: the caller's `X-Request-Id` or `client-request-id` (Entra sends
 * the latter) when it is a sane token, else a new UUID. It is echoed as `X-Request-Id`.
 */
export function requestIdOf(req: IncomingMessage, res: ServerResponse): string {
  const existing = (req as IncomingMessage & { id?: unknown }).id;
  if (typeof existing === 'string') return existing;
  const sent = [req.headers['x-request-id'], req.headers['client-request-id']]
    .map((value) => (Array.isArray(value) ? value[0] : value))
    .find((value): value is string => typeof value === 'string' && ACCEPTED.test(value));
  const id = sent ?? randomUUID();
  res.setHeader(REQUEST_ID_HEADER, id);
  return id;
}
