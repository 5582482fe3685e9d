import type { Response } from 'express';

/**
 * What a SCIM resource handler answers: the status (201 created, 200, 204 without a body, 304
 * not modified), the body, and the headers RFC 7644 §3.1 / §3.14 ask for.
 */
export interface ScimResult {
  readonly status: 200 | 201 | 204 | 304;
  readonly body?: unknown;
  /** `ETag` header (the resource's `meta.version`). */
  readonly etag?: string;
  /** `Location` header (the resource's `meta.location`; creates). */
  readonly location?: string;
}

/**
 * Sends a handler's {@link ScimResult} on a response the handler took over (`@Res()`), once the
 * work is done; a rejection is left to the exception filters, before anything was written. The
 * `Content-Type` set by ScimResponseTypeMiddleware stays; Express drops it for 204 and 304.
 */
export async function sendScimResult(res: Response, work: Promise<ScimResult>): Promise<void> {
  const { status, body, etag, location } = await work;
  if (etag !== undefined) res.setHeader('ETag', etag);
  if (location !== undefined) res.setHeader('Location', location);
  res.status(status);
  if (body === undefined) res.send();
  else res.json(body);
}
