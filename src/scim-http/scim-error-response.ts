import type { Response } from 'express';
import { DomainError, DomainErrorCode } from '../common/domain-error.js';
import type { ClassifiedError } from '../common/http-status.js';
import {
  SCIM_CONTENT_TYPE,
  ScimError,
  scimErrorDocument,
  ScimType,
} from '../scim/errors/scim-error.js';

/** True for requests addressed to the SCIM API, whose every error must be a SCIM Error document. */
export const isScimPath = (path: string): boolean => /^\/scim(\/|$)/i.test(path);

/** `res.locals` key under which the SCIM error a response carries is kept (read by the audit trail). */
export const SCIM_ERROR_LOCAL = 'scimError';

/** What a SCIM error response said, as kept in `res.locals`. */
export interface SentScimError {
  readonly status: number;
  readonly scimType?: ScimType;
  readonly detail: string;
}

/** Sends a classified error as a SCIM Error document with `Content-Type: application/scim+json`. */
export function sendScimError(res: Response, error: unknown, classified: ClassifiedError): void {
  const scimType = error instanceof ScimError ? error.scimType : scimTypeOf(error, classified);
  const sent: SentScimError = { status: classified.status, scimType, detail: classified.message };
  res.locals[SCIM_ERROR_LOCAL] = sent;
  if (classified.status === 401) {
    res.setHeader(
      'WWW-Authenticate',
      error instanceof DomainError && error.invalidToken
        ? 'Bearer realm="muster", error="invalid_token"'
        : 'Bearer realm="muster"',
    );
  }
  res
    .status(classified.status)
    .type(SCIM_CONTENT_TYPE)
    .send(JSON.stringify(scimErrorDocument(classified.status, classified.message, scimType)));
}

function scimTypeOf(error: unknown, classified: ClassifiedError): ScimType | undefined {
  if (error instanceof DomainError) {
    switch (error.code) {
      case DomainErrorCode.Conflict:
        return ScimType.Uniqueness;
      case DomainErrorCode.InvalidInput:
        return ScimType.InvalidValue;
      case DomainErrorCode.Unauthenticated:
      case DomainErrorCode.Forbidden:
      case DomainErrorCode.NotFound:
      case DomainErrorCode.NotImplemented:
        return undefined;
    }
  }
  // Body that is not JSON at all.
  if (classified.status === 400 && /not valid JSON/.test(classified.message))
    return ScimType.InvalidSyntax;
  return undefined;
}
